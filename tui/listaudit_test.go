package tui

import (
	"context"
	"strings"
	"testing"

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
