package meeting_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/meeting"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

var (
	keyDown  = tea.KeyPressMsg{Code: tea.KeyDown}
	keyEnter = tea.KeyPressMsg{Code: tea.KeyEnter}
)

func keyRune(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

type session struct {
	tm    *teatest.TestModel
	probe *triagetest.Probe
}

func (s session) key(keys ...tea.KeyPressMsg) {
	for _, k := range keys {
		s.tm.Send(k)
	}
}

// run starts the Meeting screen for ctx at w x h.
func run(t *testing.T, ctx *common.Ctx, w, h int) session {
	t.Helper()
	hn := triagetest.NewHarness(meeting.New(ctx))
	tm := teatest.NewTestModel(t, hn, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	})
	return session{tm: tm, probe: hn.Probe}
}

// startMeeting drives the start form: today's date, attendee bo.
func startMeeting(t *testing.T, s session) {
	t.Helper()
	s.probe.WaitText(t, "No meeting is open")
	s.key(keyRune('n'))
	s.probe.WaitText(t, "┃ Meeting date")
	s.key(keyEnter)
	s.probe.WaitText(t, "┃ Attendees")
	s.key(keyRune('x'))
	s.probe.WaitText(t, "[•] bo")
	s.key(keyEnter)
	s.probe.WaitText(t, "Meeting M-0001", "facilitating")
}

func TestGoldenScreens(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			site := triagetest.New(t)
			s := run(t, site.Ctx(triagetest.Actor("ana")), sz.w, sz.h)
			startMeeting(t, s)
			s.key(keyRune('g'), keyRune('8'), keyEnter)
			s.probe.WaitText(t, "item 8 of 8", "get my own place", "L-0001")
			golden.RequireEqual(t, s.probe.Screen())
		})
	}
}

func TestLobbyGolden(t *testing.T) {
	site := triagetest.New(t)
	s := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	golden.RequireEqual(t, s.probe.WaitText(t, "No meeting is open", "none yet"))
}

// TestEndToEnd starts a meeting, walks every item, accepts a referral,
// records a note and an action item, ends the meeting and checks the
// store and the minutes.
func TestEndToEnd(t *testing.T) {
	site := triagetest.New(t)
	ctx := context.Background()
	s := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	startMeeting(t, s)

	// item 1: accept R-0001 through the triage rules
	s.probe.WaitText(t, "item 1 of 8", "score 43")
	s.key(keyRune('d'))
	s.probe.WaitText(t, "┃ Decision on R-0001")
	s.key(keyEnter) // accept
	s.probe.WaitText(t, "┃ Case manager for R-0001")
	s.key(keyEnter) // bo
	s.probe.WaitText(t, "saved: R-0001 accepted, case manager bo, participant P-0003")
	s.probe.WaitText(t, "decision ana: R-0001 accepted")

	for i := 2; i <= 8; i++ {
		s.key(keyRune('n'))
		s.probe.WaitText(t, fmt.Sprintf("item %d of 8", i))
	}
	s.probe.WaitText(t, "Goal review: P-0001", "get my own place")

	s.key(keyRune('c'))
	s.probe.WaitText(t, "┃ Note on item 8")
	s.tm.Type("housing voucher approved")
	s.probe.WaitText(t, "housing voucher approved")
	s.key(keyEnter)
	s.probe.WaitText(t, "saved: note on item 8", "note ana: housing voucher approved")

	s.key(keyRune('a'))
	s.probe.WaitText(t, "┃ Action item on item 8")
	s.tm.Type("call landlord")
	s.probe.WaitText(t, "call landlord")
	s.key(keyEnter)
	s.probe.WaitText(t, "┃ Owner")
	s.key(keyEnter)
	s.probe.WaitText(t, "┃ Due")
	s.tm.Type("2025-03-17")
	s.probe.WaitText(t, "2025-03-17")
	s.key(keyEnter)
	s.probe.WaitText(t, "saved: action item for ana", "action [ ] A-0001 owner ana due 2025-03-17: call landlord")

	s.key(keyRune('E'))
	s.probe.WaitText(t, "┃ End meeting M-0001")
	s.key(keyRune('y'))
	// the status says how to read the minutes here (the command cannot
	// run beside the local TUI), whole, in the lobby
	s.probe.WaitText(t, "meeting M-0001 ended; read the minutes: enter on the meeting in the lobby",
		"owg export minutes --meeting M-0001, with the TUI closed, or over the server", "▸ M-0001")
	s.key(keyEnter)
	s.probe.WaitText(t, "Minutes M-0001", "read-only", "OWG meeting M-0001, 2025-03-10", "Facilitator: ana")
	s.key(keyRune('G'))
	s.probe.WaitText(t, "NOTICE OF PROHIBITION ON RE-DISCLOSURE (42 CFR 2.32)")
	s.key(tea.KeyPressMsg{Code: tea.KeyEscape})
	s.probe.WaitText(t, "Past meetings", "No meeting is open")

	mt, err := site.Store.GetMeeting(ctx, "M-0001")
	if err != nil {
		t.Fatal(err)
	}
	if mt.Status != store.MeetingEnded || !mt.EndedAt.Equal(triagetest.Now) {
		t.Errorf("meeting => %s ended %v, want ended at %v", mt.Status, mt.EndedAt, triagetest.Now)
	}
	// discussed means something was recorded: items 1 (decision) and 8
	// (note, action item); the rest were passed over and are not reached
	for _, it := range mt.Items {
		want := store.ItemNotReached
		if it.ID == "1" || it.ID == "8" {
			want = store.ItemDiscussed
		}
		if it.Status != want {
			t.Errorf("item %s %q => %s, want %s", it.ID, it.Title, it.Status, want)
		}
	}
	r, err := site.Store.GetReferral(ctx, "R-0001")
	if err != nil || r.Status != store.RefAccepted || r.MeetingID != "M-0001" || r.ParticipantID != "P-0003" {
		t.Errorf("R-0001 => %s meeting %q participant %q (%v), want accepted in M-0001 as P-0003", r.Status, r.MeetingID, r.ParticipantID, err)
	}
	if p, err := site.Store.GetParticipant(ctx, "P-0003"); err != nil || p.CaseManager != "bo" {
		t.Errorf("P-0003 => %+v %v, want created with case manager bo", p, err)
	}
	if p, err := site.Store.GetParticipant(ctx, site.P1); err != nil || !p.LastReview.Equal(store.DateOf(triagetest.Now)) || p.FlaggedBy != "" {
		t.Errorf("%s => last review %v flagged %q (%v), want reviewed today and unflagged", site.P1, p.LastReview, p.FlaggedBy, err)
	}
	// P2's review was not reached: it keeps its flag and rotation place
	if p, err := site.Store.GetParticipant(ctx, site.P2); err != nil || !p.LastReview.IsZero() || p.FlaggedBy == "" {
		t.Errorf("%s => last review %v flagged %q (%v), want not reviewed, still flagged", site.P2, p.LastReview, p.FlaggedBy, err)
	}
	md := store.Minutes(mt, triagetest.Actor("ana"), nil, nil)
	for _, want := range []string{"# OWG meeting M-0001, 2025-03-10", "- Facilitator: ana", "- Attendees: bo",
		"ana: R-0001 accepted, case manager bo, participant P-0003", "- ana: housing voucher approved",
		"- A-0001 call landlord (owner ana, due 2025-03-17)", "### 8. Goal review: P-0001", "Goal review: P-0002 (not reached)"} {
		if !strings.Contains(md, want) {
			t.Errorf("minutes => missing %q in:\n%s", want, md)
		}
	}
	if strings.Contains(md, "Jane Roe") || strings.Contains(md, "Alex Kim") {
		t.Errorf("minutes => titles must carry no names:\n%s", md)
	}
}

// openMeeting creates an open meeting with two goal reviews: P1 (no police
// ROI) first, P2 (police ROI) second, with a general and a clinical note.
func openMeeting(t *testing.T, site *triagetest.Site) store.Meeting {
	t.Helper()
	mt, err := site.Store.CreateMeeting(context.Background(), triagetest.Actor("ana"), store.Meeting{
		Date: store.DateOf(triagetest.Now), Facilitator: "ana", Attendees: []string{"bo", "ofc", "cc"}, Status: store.MeetingOpen,
		Items: []store.AgendaItem{
			{ID: "1", Kind: store.ItemGoalReview, Subject: site.P1, Title: "Goal review: " + site.P1, Status: store.ItemPending},
			{ID: "2", Kind: store.ItemGoalReview, Subject: site.P2, Title: "Goal review: " + site.P2, Status: store.ItemPending,
				Notes: []store.Note{
					{Time: triagetest.Now, Author: "cy", Text: "found a room downtown", Sensitivity: store.General},
					{Time: triagetest.Now, Author: "cy", Text: "relapse last week, restarted MAT", Sensitivity: store.Clinical},
				}},
			{ID: "3", Kind: store.ItemOther, Title: "Other business", Status: store.ItemPending},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return mt
}

func join(t *testing.T, s session) {
	t.Helper()
	s.probe.WaitText(t, "M-0001 is open")
	s.key(keyEnter)
	s.probe.WaitText(t, "Meeting M-0001", "of 3")
}

func TestVisibilityPerViewer(t *testing.T) {
	site := triagetest.New(t)
	openMeeting(t, site)

	police := run(t, site.Ctx(triagetest.Actor("ofc")), 80, 24)
	join(t, police)
	screen := police.probe.WaitText(t, "1. Goal review ("+store.NotShared+")", store.NotShared)
	for _, no := range []string{"Jane Roe", "get my own place", "L-0001", "P-0001"} {
		if strings.Contains(screen, no) {
			t.Errorf("police on P-0001 (no police ROI) => must not show %q:\n%s", no, screen)
		}
	}
	police.key(keyDown)
	screen = police.probe.WaitText(t, "2. Goal review: P-0002", "Mark Doe", "found a room downtown")
	if strings.Contains(screen, "MAT") || strings.Contains(screen, "relapse") {
		t.Errorf("police => must never receive a clinical note:\n%s", screen)
	}

	cm := run(t, site.Ctx(triagetest.Actor("bo")), 80, 24)
	join(t, cm)
	cm.probe.WaitText(t, "Jane Roe", "get my own place")
	cm.key(keyDown)
	cm.probe.WaitText(t, "Mark Doe", "found a room downtown", "[clinical] relapse last week, restarted MAT")

	community := run(t, site.Ctx(triagetest.Actor("cc")), 80, 24)
	join(t, community)
	community.key(keyDown)
	screen = community.probe.WaitText(t, "2. Goal review ("+store.NotShared+")", "participant (de-identified)")
	for _, no := range []string{"Mark Doe", "found a room", "relapse", "P-0002"} {
		if strings.Contains(screen, no) {
			t.Errorf("community => must not show %q:\n%s", no, screen)
		}
	}

	// the pm facilitates: moving on moves the meeting
	pm := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	join(t, pm)
	pm.key(keyDown)
	screen = pm.probe.WaitText(t, "Mark Doe", "found a room downtown")
	if strings.Contains(screen, "relapse") {
		t.Errorf("pm => must not see clinical notes:\n%s", screen)
	}
}

type presenceLog struct {
	mu    sync.Mutex
	calls []string
}

func (p *presenceLog) add(id string, following bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, fmt.Sprintf("%s:%v", id, following))
}

func (p *presenceLog) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.calls, " ")
}

// TestLiveFollowing: the facilitator advances, the follower's view moves
// with it; the follower steps away, stays put, and re-follows with f.
func TestLiveFollowing(t *testing.T) {
	site := triagetest.New(t)
	openMeeting(t, site)
	fac := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	log := &presenceLog{}
	bctx := site.Ctx(triagetest.Actor("bo"))
	bctx.OnPresence = log.add
	fol := run(t, bctx, 80, 24)
	unsub := site.Store.Subscribe(func(c store.Change) {
		go fol.tm.Send(tui.ChangedMsg{Changes: []store.Change{c}})
	})
	t.Cleanup(unsub)
	join(t, fac)
	join(t, fol)
	fol.probe.WaitText(t, "following")

	fac.key(keyRune('n'))
	fac.probe.WaitText(t, "item 2 of 3")
	fol.probe.WaitText(t, "item 2 of 3", "following", "Mark Doe")

	fol.key(keyDown)
	fol.probe.WaitText(t, "item 3 of 3", "browsing")
	fac.key(keyRune('p'))
	fac.probe.WaitText(t, "item 1 of 3")
	time.Sleep(100 * time.Millisecond)
	fol.probe.WaitText(t, "item 3 of 3", "browsing")

	fol.key(keyRune('f'))
	fol.probe.WaitText(t, "item 1 of 3", "following")

	fol.tm.Send(tui.PresenceMsg{People: []tui.Presence{
		{User: "ana", Role: store.RolePM, MeetingID: "M-0001", Following: true},
		{User: "bo", Role: store.RoleCaseManager, MeetingID: "M-0001", Following: true},
		{User: "ofc", Role: store.RolePolice, MeetingID: "M-0001", Following: false},
		{User: "cy", Role: store.RoleCaseManager, MeetingID: ""},
	}})
	screen := fol.probe.WaitText(t, "In meeting: ana (pm, facilitating), bo (case_manager), ofc (police, browsing)")
	if strings.Contains(screen, "cy (") {
		t.Errorf("presence => cy is not in the meeting:\n%s", screen)
	}
	if got, want := log.String(), "M-0001:true M-0001:false M-0001:true"; got != want {
		t.Errorf("OnPresence calls => %q, want %q", got, want)
	}
	// only the facilitator changes the agenda
	fol.key(keyRune('s'))
	fol.probe.WaitText(t, "only the facilitator changes the agenda")
}

// TestConcurrentNotes: notes from two attendees on one item both land.
func TestConcurrentNotes(t *testing.T) {
	site := triagetest.New(t)
	openMeeting(t, site)
	a := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	b := run(t, site.Ctx(triagetest.Actor("bo")), 80, 24)
	join(t, a)
	join(t, b)
	for _, s := range []session{a, b} {
		s.key(keyRune('c'))
		s.probe.WaitText(t, "┃ Note on item 1")
	}
	a.tm.Type("from ana")
	b.tm.Type("from bo")
	a.probe.WaitText(t, "from ana")
	b.probe.WaitText(t, "from bo")
	a.key(keyEnter)
	b.key(keyEnter)
	b.probe.WaitText(t, "┃ Sensitivity") // case managers pick general or clinical
	b.key(keyEnter)
	a.probe.WaitText(t, "saved: note on item 1")
	b.probe.WaitText(t, "saved: note on item 1")
	mt, err := site.Store.GetMeeting(context.Background(), "M-0001")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(mt.Items[0].Notes); n != 2 {
		t.Errorf("item 1 notes => %d, want 2 (no overwrite)", n)
	}
}

// TestFollowerBandwidth counts the bytes the renderer writes to a
// follower (ASCII profile, 80x24) when the facilitator advances one item
// and when another attendee adds a note: the issue 6 budgets are 1.5 KB
// and 400 B.
func TestFollowerBandwidth(t *testing.T) {
	site := triagetest.New(t)
	openMeeting(t, site)
	fac := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	fol := run(t, site.Ctx(triagetest.Actor("bo")), 80, 24)
	unsub := site.Store.Subscribe(func(c store.Change) {
		go fol.tm.Send(tui.ChangedMsg{Changes: []store.Change{c}})
	})
	t.Cleanup(unsub)
	join(t, fac)
	join(t, fol)
	fol.probe.WaitText(t, "Jane Roe", "get my own place")
	drain := func() int {
		time.Sleep(150 * time.Millisecond)
		b, _ := io.ReadAll(fol.tm.Output())
		return len(b)
	}
	drain()
	fac.key(keyRune('n'))
	fol.probe.WaitText(t, "item 2 of 3", "Mark Doe", "found a room downtown")
	advance := drain()
	_, err := site.Store.MutateMeeting(context.Background(), triagetest.Actor("cy"), "M-0001", func(mt *store.Meeting) error {
		mt.Items[1].Notes = append(mt.Items[1].Notes, store.Note{Time: triagetest.Now, Author: "cy", Text: "ID card renewed", Sensitivity: store.General})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fol.probe.WaitText(t, "ID card renewed")
	note := drain()
	t.Logf("follower bytes: advance %d B, new note %d B", advance, note)
	if advance > 1500 || note > 400 {
		t.Errorf("follower bytes => advance %d B (budget 1500), note %d B (budget 400)", advance, note)
	}
}
