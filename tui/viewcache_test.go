package tui

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/intake"
)

// sameLoads decides whether a projection may keep the loads and capacity
// of the one before: only when no changed participant moved between case
// managers or in or out of the active caseload, with the same users.
func TestSameLoads(t *testing.T) {
	users := []store.User{{Name: "cm1", Role: store.RoleCaseManager, Active: true}, {Name: "cm2", Role: store.RoleCaseManager, Active: true}}
	mk := func(us []store.User, ps ...store.Participant) *site {
		s := &site{users: us, byID: map[string]int{}}
		for i, p := range ps {
			s.byID[p.ID] = i
			s.parts = append(s.parts, &pinfo{P: p})
		}
		return s
	}
	p := store.Participant{ID: "P-0001", CaseManager: "cm1", Status: store.StatusEngaging}
	moved, exited := p, p
	moved.CaseManager = "cm2"
	exited.Status = store.StatusExited
	contacted := p
	contacted.LastContact = fixedNow
	changed := map[string]bool{"P-0001": true}
	for _, tc := range []struct {
		name     string
		old, new *site
		changed  map[string]bool
		want     bool
	}{
		{"a contact", mk(users, p), mk(users, contacted), changed, true},
		{"a meeting step (nothing changed)", mk(users, p), mk(users, p), nil, true},
		{"a new case manager", mk(users, p), mk(users, moved), changed, false},
		{"an exit", mk(users, p), mk(users, exited), changed, false},
		{"a new participant", mk(users), mk(users, p), changed, false},
		{"other users", mk(users, p), mk(append([]store.User(nil), users...), contacted), changed, false},
	} {
		if got := sameLoads(tc.old, tc.new, tc.changed); got != tc.want {
			t.Errorf("%s: sameLoads = %v => want %v", tc.name, got, tc.want)
		}
	}
}

// The body lines are cut from the page's view again whenever the view or
// the size changes, and kept while neither does.
func TestBodyLinesFollowThePage(t *testing.T) {
	var f frameMemo
	a := f.bodyLines("one\ntwo", 80, 3)
	if fmt.Sprint(a) != fmt.Sprint([]string{"one", "two", ""}) {
		t.Fatalf("body %q => want the page's lines filled to 3", a)
	}
	if b := f.bodyLines(strings.Clone("one\ntwo"), 80, 3); &b[0] != &a[0] {
		t.Error("the same view cut again => want the kept lines")
	}
	if b := f.bodyLines("one\nthree", 80, 3); b[1] != "three" {
		t.Errorf("a new view => %q, want its lines", b)
	}
	if b := f.bodyLines("one\nthree", 3, 2); len(b) != 2 || b[1] != "th…" {
		t.Errorf("a new size => %q, want the lines cut to 3x2", b)
	}
}

// A session whose host asks the terminal for its background colour itself
// (sshserve) does not ask again through its program; the answer still
// restyles it.
func TestBackgroundAskedByTheHost(t *testing.T) {
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return fixedNow })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	asks := func(asked bool) bool {
		opts := testOptions(db, store.Actor{User: "pam", Role: store.RolePM})
		opts.BackgroundAsked = asked
		m := New(opts)
		batch, ok := m.Init()().(tea.BatchMsg)
		if !ok {
			t.Fatal("Init is not a batch")
		}
		for _, cmd := range batch {
			if cmd == nil {
				continue
			}
			if fmt.Sprintf("%T", cmd()) == "tea.backgroundColorMsg" {
				return true
			}
		}
		return false
	}
	if !asks(false) {
		t.Error("a local program does not ask for the background colour => want it to")
	}
	if asks(true) {
		t.Error("the program asks for the background colour its host asked for => want it left to the host")
	}
	opts := testOptions(db, store.Actor{User: "pam", Role: store.RolePM})
	opts.BackgroundAsked = true
	m := New(opts).(*model)
	before := m.ctx.St()
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.ctx.IsDark || m.ctx.St() == before {
		t.Error("a light background reported => want the light styles")
	}
}

// Today's notice rows are kept while each shows the same minutes and
// flag, and drawn again as soon as one's minutes, its flag past the
// acknowledgement limit, or the notices change.
func TestNoticeRowsFollowTheClock(t *testing.T) {
	c := &common.Ctx{Actor: store.Actor{User: "keisha", Role: store.RoleSupervisor}, Now: func() time.Time { return fixedNow }}
	pane := newToday(c)
	st := c.St()
	limit := ackLimit(protocolOf(c))
	got := func(now time.Time) string {
		var out []string
		for _, r := range pane.noticeRows(st, now) {
			out = append(out, ansi.Strip(r.Text))
		}
		return strings.Join(out, "|")
	}
	recv := fixedNow.Add(-time.Duration(limit-1) * time.Minute)
	pane.notices = []intake.Notice{{ID: "R-0001", Kind: store.KindSocialContact, Agency: "Metro PD", Received: recv}}
	a := got(fixedNow)
	if b := got(fixedNow.Add(20 * time.Second)); b != a {
		t.Errorf("the same minute: %q => want %q", b, a)
	}
	b := got(fixedNow.Add(time.Minute)) // exactly the limit: not over it yet
	if b == a || !strings.Contains(b, fmt.Sprintf("%d min ago", limit)) || strings.Contains(b, "over") {
		t.Errorf("a minute on: %q => want %d min, not yet over", b, limit)
	}
	if c := got(fixedNow.Add(time.Minute + 30*time.Second)); !strings.Contains(c, "! over") {
		t.Errorf("past the limit in the same minute: %q => want the flag", c)
	}
	pane.notices = append(pane.notices, intake.Notice{ID: "R-0002", Kind: store.KindCommunity, Agency: "Harbor", Received: fixedNow})
	if d := got(fixedNow); !strings.Contains(d, "R-0002") {
		t.Errorf("a new notice: %q => want its row", d)
	}
}

// A session's screen is not settled (sshserve holds its first frame)
// until the notices have answered as well as the page: Today lists them.
func TestSettledWaitsForTheNotices(t *testing.T) {
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return fixedNow })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := New(testOptions(db, store.Actor{User: "keisha", Role: store.RoleSupervisor})).(*model)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	s, err := loadSite(m.ctx)
	if err != nil {
		t.Fatal(err)
	}
	m.Update(todayLoadedMsg{site: s})
	if m.Settled() {
		t.Error("Today loaded, notices not yet => want not settled")
	}
	m.Update(m.loadNoticesCmd()())
	if !m.Settled() {
		t.Error("Today and the notices loaded => want settled")
	}
}
