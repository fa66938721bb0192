package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/meeting"
)

// pump drives a root model the way a program does, without a terminal:
// every command runs on its own goroutine and its message is given to
// Update on the test's goroutine. Commands that wait (draft and notice
// timers) end with the session's context when the test ends.
type pump struct {
	t   *testing.T
	m   *model
	ch  chan tea.Msg
	end context.Context
}

// startPump builds the model of opts (its Context ends with the test),
// sizes it to w x h and runs its Init.
func startPump(t *testing.T, opts Options, w, h int) *pump {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	opts.Context = ctx
	p := &pump{t: t, m: New(opts).(*model), ch: make(chan tea.Msg, 256), end: ctx}
	p.update(tea.WindowSizeMsg{Width: w, Height: h})
	p.run(p.m.Init())
	return p
}

func (p *pump) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		select {
		case p.ch <- msg:
		case <-p.end.Done():
		}
	}()
}

func (p *pump) update(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
		return
	case tea.BatchMsg:
		for _, c := range msg {
			p.run(c)
		}
		return
	}
	_, cmd := p.m.Update(msg)
	p.run(cmd)
}

// screen is the model's view, styles stripped.
func (p *pump) screen() string { return ansi.Strip(p.m.View().Content) }

// until feeds the model the messages its commands return until cond holds
// (a generous deadline: the machine may be loaded).
func (p *pump) until(what string, cond func() bool) {
	p.t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for !cond() {
		select {
		case msg := <-p.ch:
			p.update(msg)
		case <-deadline.C:
			p.t.Fatalf("waiting for %s; screen:\n%s", what, p.screen())
		}
	}
}

// keys presses each key of s, feeding what they start until the screen
// is quiet is not needed: list moves are synchronous.
func (p *pump) keys(s string) {
	for _, r := range s {
		p.update(keyOf(r))
	}
}

// addCaseload gives ana n more participants; contacted: a contact
// yesterday (the least urgent), else none (the most urgent).
func addCaseload(t *testing.T, s store.Store, prefix string, n int, contacted bool) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		p, err := s.CreateParticipant(ctx, store.SystemActor, store.Participant{Name: fmt.Sprintf("%s %02d", prefix, i), CaseManager: "ana",
			Status: store.StatusEngaging, EnrolledOn: day(-30), DOB: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if contacted {
			if _, err := s.CreateContact(ctx, actorCM, store.Contact{ParticipantID: p.ID, Date: day(-1), Kind: store.ContactPhone, Note: "ok", Author: "ana", Sensitivity: store.General}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestResumeLandsOnTheSameRecord: a case manager on Caseload, scrolled
// down with a participant selected, drops; meanwhile three participants
// are added above the selected one. The next session, given the dropped
// one's Where, opens on Caseload with the same participant selected at
// the same line of the list, and says "reconnected".
func TestResumeLandsOnTheSameRecord(t *testing.T) {
	s := seed(t)
	addCaseload(t, s, "Settled Person", 24, true)
	first := startPump(t, testOptions(s, actorCM), 100, 24)
	first.keys("2")
	cl := first.m.tabs[TabCaseload].(*caseload)
	first.until("the caseload", func() bool { return cl.list.Len() >= 26 })
	first.keys(strings.Repeat("j", 17) + "kk")
	was := cl.list.Place()
	wasIndex := slices.Index(cl.list.RowKeys(), was.Key)
	if wasIndex-was.Line <= 0 || was.Line == 0 {
		t.Fatalf("the list is not scrolled (row %d at line %d): the test needs a scrolled window", wasIndex, was.Line)
	}
	r := first.m.Where()
	if r.Tab != "Caseload" || r.Places["Caseload"] != was {
		t.Fatalf("Where => %+v, want Caseload at %+v", r, was)
	}

	addCaseload(t, s, "Urgent Newcomer", 3, false) // no contact yet: above everyone contacted
	opts := testOptions(s, actorCM)
	opts.Resume = &r
	again := startPump(t, opts, 100, 24)
	cl2 := again.m.tabs[TabCaseload].(*caseload)
	if got := again.m.Where().Places["Caseload"]; got != was {
		t.Errorf("Where before the list loaded => %+v, want the place kept %+v", got, was)
	}
	again.until("the caseload with the newcomers", func() bool { return cl2.list.Len() >= 29 })
	if got := cl2.list.Place(); got != was {
		t.Errorf("resumed caseload at %+v => want %+v", got, was)
	}
	if got := slices.Index(cl2.list.RowKeys(), was.Key); got != wasIndex+3 {
		t.Errorf("selected row index %d => want %d (three rows were added above): the test did not move the record", got, wasIndex+3)
	}
	screen := again.screen()
	if !strings.Contains(screen, "[2 Caseload]") || !strings.Contains(screen, "reconnected") {
		t.Errorf("resumed screen is not Caseload saying reconnected:\n%s", screen)
	}
}

// TestResumeReopensTheParticipant: a participant screen open and
// scrolled comes back open at the same line; the New referral form comes
// back for an officer who was on it (the default for police) and does not
// for one who was on My referrals.
func TestResumeReopensTheParticipant(t *testing.T) {
	s := seed(t)
	first := startPump(t, testOptions(s, actorCM), 100, 16)
	first.keys("2")
	cl := first.m.tabs[TabCaseload].(*caseload)
	first.until("the caseload", func() bool { return cl.list.Len() > 0 })
	cl.list.Select("P-0001")
	first.keys("\r")
	first.until("P-0001 open", func() bool {
		p, ok := first.m.participant.(*participant)
		return ok && p.loaded
	})
	first.keys("jjj")
	p := first.m.participant.(*participant)
	if p.offset != 3 {
		t.Fatalf("participant scrolled to %d => want 3 (the record must be longer than the window)", p.offset)
	}
	r := first.m.Where()
	if r.Participant != "P-0001" || r.ParticipantLine != 3 || r.Tab != "Caseload" {
		t.Fatalf("Where => %+v, want P-0001 at line 3 over Caseload", r)
	}

	opts := testOptions(s, actorCM)
	opts.Resume = &r
	again := startPump(t, opts, 100, 16)
	again.until("P-0001 reopened", func() bool {
		p, ok := again.m.participant.(*participant)
		return ok && p.loaded
	})
	if p := again.m.participant.(*participant); p.id != "P-0001" || p.offset != 3 {
		t.Errorf("reopened %s at line %d => want P-0001 at line 3", p.id, p.offset)
	}
	if !strings.Contains(again.screen(), "reconnected") {
		t.Errorf("no reconnected on the status line:\n%s", again.screen())
	}

	for _, tt := range []struct {
		name string
		r    Resume
		form bool
	}{
		{"on the form", Resume{Tab: "My referrals", NewReferral: true}, true},
		{"on My referrals", Resume{Tab: "My referrals"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions(s, actorPolice)
			opts.Resume = &tt.r
			m := New(opts).(*model)
			if got := m.overlay != nil && m.overlay == m.form; got != tt.form {
				t.Errorf("New referral form open => %v, want %v", got, tt.form)
			}
			if got := m.Where().NewReferral; got != tt.form {
				t.Errorf("Where().NewReferral => %v, want %v", got, tt.form)
			}
		})
	}
}

// TestResumeRejoinsTheMeeting: a follower rejoins following and shows the
// facilitator's current item; someone who had stepped away is back on
// the item they looked at, not following; the facilitator drives again
// from the current item; a meeting ended meanwhile leaves the session in
// the lobby.
func TestResumeRejoinsTheMeeting(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	items := []store.AgendaItem{
		{ID: "1", Kind: store.ItemOther, Title: "first item", Status: store.ItemPending},
		{ID: "2", Kind: store.ItemOther, Title: "second item", Status: store.ItemPending},
		{ID: "3", Kind: store.ItemOther, Title: "third item", Status: store.ItemPending},
	}
	open, err := s.CreateMeeting(ctx, actorPM, store.Meeting{Date: day(0), Facilitator: "pat", Status: store.MeetingOpen, Items: items, Current: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		actor     store.Actor
		place     MeetingPlace
		following bool
		item      string
		joined    bool
	}{
		{"follower", actorCM, MeetingPlace{ID: open.ID, Following: true, Item: "1"}, true, "3", true},
		{"stepped away", actorCM, MeetingPlace{ID: open.ID, Following: false, Item: "1"}, false, "1", true},
		{"facilitator", actorPM, MeetingPlace{ID: open.ID, Item: "2"}, true, "3", true},
		{"meeting gone", actorCM, MeetingPlace{ID: "M-9999", Following: true}, false, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions(s, tt.actor)
			opts.Resume = &Resume{Tab: "Meeting", Meeting: tt.place}
			p := startPump(t, opts, 100, 30)
			mt := p.m.tabs[TabMeeting].(*meeting.Model)
			if got := p.m.Where().Meeting; got != tt.place {
				t.Errorf("Where before the rejoin => %+v, want the place kept %+v", got, tt.place)
			}
			if !tt.joined {
				p.until("the lobby", func() bool { return strings.Contains(p.screen(), "is no longer open") && mt.Place().ID == "" })
				if mt.MeetingID() != "" {
					t.Errorf("joined %s => want the lobby", mt.MeetingID())
				}
				return
			}
			p.until("the rejoin", func() bool { return mt.MeetingID() == open.ID && mt.Place().ID == open.ID })
			got := mt.Place()
			if got.Following != tt.following || got.Item != tt.item {
				t.Errorf("rejoined following %v on item %s => want following %v on item %s", got.Following, got.Item, tt.following, tt.item)
			}
			if want := "facilitating"; tt.actor == actorPM && !strings.Contains(p.screen(), want) {
				t.Errorf("the facilitator's screen lacks %q:\n%s", want, p.screen())
			}
		})
	}
}

// TestResumeReopensACaseDetail: the pm on Cases with a case's detail open
// drops; the next session opens on Cases with the same case selected and
// its detail open again, its view audited anew.
func TestResumeReopensACaseDetail(t *testing.T) {
	s := seed(t)
	first := startPump(t, testOptions(s, actorPM), 100, 30)
	first.keys("4")
	cs := first.m.tabs[TabCases].(*cases)
	first.until("the cases", func() bool { return cs.list.Len() >= 3 })
	first.keys("j")
	first.keys("i")
	first.until("the detail", func() bool { return cs.detail })
	was := cs.Place()
	if !was.Detail || was.Key == "" {
		t.Fatalf("Place with the detail open => %+v, want the case and Detail", was)
	}
	r := first.m.Where()
	if r.Tab != "Cases" || r.Places["Cases"] != was {
		t.Fatalf("Where => %+v, want Cases at %+v", r, was)
	}
	first.until("the first view audited", func() bool { return viewsOfCase(t, s, was.Key) == 1 })
	before := viewsOfCase(t, s, was.Key)

	opts := testOptions(s, actorPM)
	opts.Resume = &r
	again := startPump(t, opts, 100, 30)
	cs2 := again.m.tabs[TabCases].(*cases)
	again.until("the detail again", func() bool { return cs2.detail && cs2.list.SelectedKey() == was.Key })
	again.until("its view audited", func() bool { return viewsOfCase(t, s, was.Key) == before+1 })
	if got := cs2.Place(); got != was {
		t.Errorf("resumed Cases at %+v => want %+v", got, was)
	}
}

// viewsOfCase counts the audited views of a case's detail.
func viewsOfCase(t *testing.T, s store.Store, caseID string) int {
	t.Helper()
	evs, err := s.ListAudit(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Action == store.AuditView && e.Detail == "case:"+caseID {
			n++
		}
	}
	return n
}
