package tui

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/intake"
)

// openTestMeeting opens a meeting, facilitated by the pm, with one
// general item.
func openTestMeeting(t *testing.T, s store.Store) store.Meeting {
	t.Helper()
	mt, err := s.CreateMeeting(context.Background(), actorPM, store.Meeting{
		Date: store.DateOf(fixedNow), Facilitator: actorPM.User, Attendees: []string{"ana"}, Status: store.MeetingOpen,
		Items: []store.AgendaItem{{ID: "1", Kind: store.ItemOther, Title: "Other business", Status: store.ItemPending}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return mt
}

// endTestMeeting ends meeting id, as another session would.
func endTestMeeting(t *testing.T, s store.Store, id string) {
	t.Helper()
	if _, err := s.MutateMeeting(context.Background(), actorPM, id, func(mt *store.Meeting) error {
		mt.Status, mt.EndedAt = store.MeetingEnded, fixedNow
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// typeMeetingNote has the pm half-write a note on item 1 and drops the
// program (the session flushes its drafts after the program ends).
func typeMeetingNote(t *testing.T, s store.Store, mt store.Meeting, text string) {
	t.Helper()
	tm := startTUI(t, testOptions(s, actorPM), 100, 30)
	waitFor(t, tm, "Today")
	press(tm, "5")
	waitFor(t, tm, mt.ID+" is open")
	press(tm, "\r")
	waitFor(t, tm, "Meeting "+mt.ID)
	press(tm, "c")
	waitFor(t, tm, "Note on item 1")
	press(tm, text)
	waitFor(t, tm, text)
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(screenProbe).Model
	if err := final.(interface{ FlushDrafts(context.Context) error }).FlushDrafts(context.Background()); err != nil {
		t.Fatalf("FlushDrafts => %v", err)
	}
	ds, err := s.Drafts(context.Background(), actorPM, 0)
	if err != nil || len(ds) != 1 || ds[0].Fields["text"] != text {
		t.Fatalf("drafts after the drop => %+v %v, want the note", ds, err)
	}
}

// TestMeetingNoteDraftAtSignIn: the pm's next sign-in goes back to the
// meeting, on the item, with the note filled in and "restored your unsent
// meeting note from 12:00"; esc asks, esc again discards it.
func TestMeetingNoteDraftAtSignIn(t *testing.T) {
	s := seed(t)
	mt := openTestMeeting(t, s)
	typeMeetingNote(t, s, mt, "call the shelter about beds")
	tm := startTUI(t, testOptions(s, actorPM), 100, 30)
	waitFor(t, tm, "restored your unsent meeting note from 12:00", "Note on item 1", "call the shelter about beds", "[5 Meeting]")
	press(tm, "\x1b")
	waitFor(t, tm, "press esc again to discard the restored meeting note")
	press(tm, "\x1b")
	waitFor(t, tm, "restored draft discarded")
	finalScreen(t, tm)
	if ds, _ := s.Drafts(context.Background(), actorPM, 0); len(ds) != 0 {
		t.Errorf("after discarding => drafts %+v, want none", ds)
	}
}

// TestMeetingNoteDraftOfAnEndedMeeting: the meeting ended while the pm
// was away: the note cannot go into its minutes, so the sign-in shows it
// whole in the Drafts list to read and copy, says why, and keeps it
// until the pm discards it (d, then y).
func TestMeetingNoteDraftOfAnEndedMeeting(t *testing.T) {
	s := seed(t)
	mt := openTestMeeting(t, s)
	typeMeetingNote(t, s, mt, "call the shelter about beds")
	endTestMeeting(t, s, mt.ID)
	tm := startTUI(t, testOptions(s, actorPM), 100, 30)
	waitFor(t, tm, "Unsent meeting note", "call the shelter about beds",
		"restored your unsent meeting note from 12:00: meeting "+mt.ID+" has ended", "it cannot go back into its form")
	if ds, _ := s.Drafts(context.Background(), actorPM, 0); len(ds) != 1 {
		t.Errorf("the draft of an ended meeting => %+v, want it kept", ds)
	}
	press(tm, "d")
	waitFor(t, tm, "discard your unsent meeting note from 12:00? y discards it")
	press(tm, "y")
	waitFor(t, tm, "discarded your unsent meeting note from 12:00", "no unsent drafts")
	finalScreen(t, tm)
	if ds, _ := s.Drafts(context.Background(), actorPM, 0); len(ds) != 0 {
		t.Errorf("after d y => drafts %+v, want none", ds)
	}
}

// TestDraftsList: a case manager with three drafts gets the newest back
// and is told two more are kept; U lists them (form, where in ids, saved
// time: never a name or the text), d asks before discarding one, enter
// reopens another on its screen. Another user's draft is not listed.
func TestDraftsList(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	mt := openTestMeeting(t, s)
	for _, d := range []store.Draft{
		{Form: "meeting_note", Subject: mt.ID + "/1", Screen: "meeting", Fields: map[string]string{"meeting": mt.ID, "item": "1", "text": "ask about the camp"}},
		{Form: intake.DraftForm, Screen: "new_referral", Fields: map[string]string{"name": "River Halfway", "location": "4th and Main"}},
		{Form: "roi", Subject: "P-0002", Screen: "P-0002", Fields: map[string]string{"json": `{"Purpose":"care coordination"}`}},
	} {
		if _, err := s.SaveDraft(ctx, actorCM, d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SaveDraft(ctx, actorPM, store.Draft{Form: "contact", Subject: "P-0004", Screen: "P-0004", Fields: map[string]string{"json": "{}"}}); err != nil {
		t.Fatal(err)
	}
	endTestMeeting(t, s, mt.ID)
	tm := startTUI(t, testOptions(s, actorCM), 100, 30)
	// the newest (ties: by form) is the note of the ended meeting: shown whole
	waitFor(t, tm, "Unsent meeting note", "ask about the camp", "meeting "+mt.ID+" has ended", "2 more unsent drafts kept: esc lists them")
	press(tm, "\x1b")
	waitFor(t, tm, "Your unsent drafts", "meeting note", "meeting "+mt.ID+", item 1", "referral", "release of information", "P-0002")
	p, _ := probes.Load(tm)
	screen := p.(screenProbe).Screen()
	for _, never := range []string{"River Halfway", "4th and Main", "care coordination", "ask about the camp", "Nguyễn", "P-0004", "contact"} {
		if strings.Contains(screen, never) {
			t.Errorf("the Drafts list shows %q:\n%s", never, screen)
		}
	}
	press(tm, "j") // the referral
	press(tm, "d")
	waitFor(t, tm, "discard your unsent referral from 12:00? y discards it")
	press(tm, "n")
	waitFor(t, tm, "kept")
	press(tm, "d")
	waitFor(t, tm, "discard your unsent referral from 12:00?")
	press(tm, "y")
	waitFor(t, tm, "discarded your unsent referral from 12:00")
	if ds, _ := s.Drafts(ctx, actorCM, 0); len(ds) != 2 {
		t.Errorf("after discarding one => %d drafts, want 2", len(ds))
	}
	press(tm, "j\r") // the ROI
	waitFor(t, tm, "Record a release of information · P-0002", "care coordination", "restored your unsent release of information from 12:00")
	finalScreen(t, tm)
}

// TestDraftsExpire: a draft older than the protocol's draft_days is not
// restored, not listed, and deleted; within them it is.
func TestDraftsExpire(t *testing.T) {
	now := fixedNow
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.SaveDraft(ctx, actorPM, store.Draft{Form: "meeting_note", Subject: "M-0001/1", Fields: map[string]string{"meeting": "M-0001", "item": "1", "text": "x"}}); err != nil {
		t.Fatal(err)
	}
	now = fixedNow.Add(4 * 24 * time.Hour)
	for _, tc := range []struct {
		days  int
		found bool
	}{{5, true}, {3, false}, {5, false}} { // once expired it is gone
		p := store.DefaultProtocol()
		p.DraftDays = tc.days
		c := &common.Ctx{Ctx: ctx, Store: db, Actor: actorPM, Protocol: p, Now: func() time.Time { return now }}
		msg := intake.LoadDraftCmd(c)().(intake.DraftMsg)
		if msg.Found != tc.found || msg.Err != nil {
			t.Errorf("a 4-day-old draft with draft_days %d => found %v (%v), want %v", tc.days, msg.Found, msg.Err, tc.found)
		}
		pane := newDraftsPane(c)
		pane.Update(pane.Init()())
		if got := len(pane.drafts); got != map[bool]int{true: 1, false: 0}[tc.found] {
			t.Errorf("draft_days %d => the Drafts list holds %d", tc.days, got)
		}
	}
}

// TestDecisionDraftAtSignIn: a decision draft typed on the Referrals
// screen brings the pm back there with the form filled in.
func TestDecisionDraftAtSignIn(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	r, err := s.CreateReferral(ctx, store.SystemActor, store.Referral{Received: fixedNow.Add(-time.Hour), Kind: store.KindSocialContact,
		Referrer: "Outreach", Person: store.Person{Name: "Bea Lo"}, Status: store.RefNew})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveDraft(ctx, actorPM, store.Draft{Form: "decision", Subject: r.ID, Screen: "referrals", Fields: map[string]string{
		"ref": r.ID, "verb": "decline", "version": strconv.FormatInt(r.Version, 10), "reason": "duplicate of an earlier referral"}}); err != nil {
		t.Fatal(err)
	}
	tm := startTUI(t, testOptions(s, actorPM), 100, 30)
	waitFor(t, tm, "[3 Referrals]", "restored your unsent decision from 12:00", "Reason to decline "+r.ID, "duplicate of an earlier referral")
	finalScreen(t, tm)
}
