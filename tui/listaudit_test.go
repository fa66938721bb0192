package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// TestListScreensAuditWhatTheyShow: each load of Caseload, Today and
// Cases records one view event naming every participant the screen
// shows, not one event per row and not none.
func TestListScreensAuditWhatTheyShow(t *testing.T) {
	for _, tc := range []struct {
		screen string
		load   func(c *common.Ctx) (shown []string, cmd tea.Cmd)
	}{
		{"caseload", func(c *common.Ctx) ([]string, tea.Cmd) {
			p := newCaseload(c)
			s, err := loadSite(c)
			if err != nil {
				t.Fatal(err)
			}
			_, cmd := p.Update(caseloadLoadedMsg{site: s})
			return shownIDs(p.list.RowKeys()), cmd
		}},
		{"today", func(c *common.Ctx) ([]string, tea.Cmd) {
			p := newToday(c)
			s, err := loadSite(c)
			if err != nil {
				t.Fatal(err)
			}
			_, cmd := p.Update(todayLoadedMsg{site: s})
			return shownIDs(p.list.RowKeys()), cmd
		}},
		{"cases", func(c *common.Ctx) ([]string, tea.Cmd) {
			p := newCases(c)
			s, err := loadSite(c)
			if err != nil {
				t.Fatal(err)
			}
			_, cmd := p.Update(casesLoadedMsg{site: s})
			return p.shownIDs(), cmd
		}},
	} {
		t.Run(tc.screen, func(t *testing.T) {
			s := seed(t)
			c := privacyCtx(s, actorCM)
			shown, cmd := tc.load(c)
			if len(shown) == 0 {
				t.Fatalf("%s shows no participant in the seed: the test needs some", tc.screen)
			}
			before, _ := s.ListAudit(context.Background(), store.AuditFilter{Action: store.AuditView})
			if cmd == nil {
				t.Fatalf("%s load => no command, want the audit of the list", tc.screen)
			}
			if msg := cmd(); msg != nil {
				if st, ok := msg.(common.StatusMsg); ok && st.Err {
					t.Fatalf("%s: %s", tc.screen, st.Text)
				}
			}
			after, _ := s.ListAudit(context.Background(), store.AuditFilter{Action: store.AuditView})
			if len(after) != len(before)+1 {
				t.Fatalf("%s load => %d view events, want 1", tc.screen, len(after)-len(before))
			}
			e := after[len(after)-1]
			if e.Subject != "list:"+tc.screen || e.Detail != strings.Join(shown, ",") || e.User != actorCM.User {
				t.Errorf("%s load => event %+v, want list:%s by %s naming %v", tc.screen, e, tc.screen, actorCM.User, shown)
			}
		})
	}
}

// TestShownIDsMatchesTheKeys: the id scanner finds what the keys name.
func TestShownIDsMatchesTheKeys(t *testing.T) {
	for _, tc := range []struct {
		keys []string
		want string
	}{
		{[]string{"overdue:P-0001", "court:P-0002:L-0003", "roi:P-0001"}, "P-0001,P-0002"},
		{[]string{"P-12345", "intake:P-0009:L-0001"}, "P-12345,P-0009"},
		{[]string{"P-123", "action:A-0001", "handoff:R-0002", "XP-0004P-0005"}, "P-0004,P-0005"},
		{nil, ""},
	} {
		if got := strings.Join(shownIDs(tc.keys), ","); got != tc.want {
			t.Errorf("shownIDs(%q) => %q, want %q", tc.keys, got, tc.want)
		}
	}
}

// TestListAuditSkipsWhatItNamed: a reload that shows nobody new writes no
// second event; one that shows someone new, or on a new day, does.
func TestListAuditSkipsWhatItNamed(t *testing.T) {
	now := fixedNow
	c := &common.Ctx{Now: func() time.Time { return now }}
	var a listAudited
	if a.cmd(c, "today", []string{"P-0001", "P-0002"}) == nil {
		t.Fatal("first load => no audit, want one")
	}
	if a.cmd(c, "today", []string{"P-0002"}) != nil {
		t.Error("reload showing fewer => an audit, want none")
	}
	if a.cmd(c, "today", []string{"P-0002", "P-0003"}) == nil {
		t.Error("reload showing P-0003 => no audit, want one")
	}
	if a.cmd(c, "today", []string{"P-0001"}) == nil {
		t.Error("P-0001 again after an event that did not name it => no audit, want one")
	}
	now = now.Add(24 * time.Hour)
	if a.cmd(c, "today", []string{"P-0001"}) == nil {
		t.Error("the same list the next day => no audit, want one")
	}
}
