package tui

import (
	"context"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
)

// TestDraftSurvivesADroppedProgram is issue 18's "drafts survive": an
// officer types half a referral, the program is dropped (what a lost SSH
// connection does: the session flushes the draft after the program
// ends); a new program for the same officer opens on the form, filled
// in, with "restored your unsent referral from 12:00"; esc twice discards
// it, and the next program starts clean.
func TestDraftSurvivesADroppedProgram(t *testing.T) {
	s := seed(t)
	tm := startTUI(t, testOptions(s, actorPolice), 100, 30)
	waitFor(t, tm, "My referrals")
	press(tm, "N")
	waitFor(t, tm, "New referral by ofc")
	press(tm, "\tRiver Halfway\t\t4th and Main")
	waitFor(t, tm, "4th and Main")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(screenProbe).Model
	if err := final.(interface{ FlushDrafts(context.Context) error }).FlushDrafts(context.Background()); err != nil {
		t.Fatalf("FlushDrafts => %v", err)
	}
	// the draft is the officer's alone
	if ds, _ := s.Drafts(context.Background(), actorPM, 0); len(ds) != 0 {
		t.Errorf("the pm sees drafts %+v, want none", ds)
	}
	for _, r := range must2(s.ListReferrals(context.Background(), store.ReferralFilter{})) {
		if r.Person.Name == "River Halfway" {
			t.Errorf("an unsent draft became referral %s", r.ID)
		}
	}

	tm = startTUI(t, testOptions(s, actorPolice), 100, 30)
	waitFor(t, tm, "restored your unsent referral from 12:00", "River Halfway", "4th and Main")
	press(tm, ", bench") // the focus is back in the location field
	waitFor(t, tm, "4th and Main, bench")
	press(tm, "\x1b")
	waitFor(t, tm, "discard the restored draft")
	press(tm, "\x1b")
	waitFor(t, tm, "restored draft discarded")
	finalScreen(t, tm)
	if ds, _ := s.Drafts(context.Background(), actorPolice, 0); len(ds) != 0 {
		t.Errorf("after discarding: drafts %+v, want none", ds)
	}
}

func must2[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestContactDraftSurvives: a case manager half-writes a contact note on
// a participant, the program is dropped; the next program opens that
// participant's contact form with the note filled in.
func TestContactDraftSurvives(t *testing.T) {
	s := seed(t)
	tm := startTUI(t, testOptions(s, actorCM), 100, 30)
	waitFor(t, tm, "Overdue contacts")
	press(tm, "\r")
	waitFor(t, tm, "Nguyễn Thị Lan", "Contacts (0)")
	press(tm, "c")
	waitFor(t, tm, "Log a contact")
	press(tm, "\t\t\tmet at the library, talked housing")
	waitFor(t, tm, "talked housing")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(screenProbe).Model
	if err := final.(interface{ FlushDrafts(context.Context) error }).FlushDrafts(context.Background()); err != nil {
		t.Fatalf("FlushDrafts => %v", err)
	}
	tm = startTUI(t, testOptions(s, actorCM), 100, 30)
	waitFor(t, tm, "restored your unsent contact from 12:00", "Log a contact · P-0002", "at the library, talked housing")
	finalScreen(t, tm)
}

// TestCourtDraftOfAChangedCase: a court-date draft restored after someone
// else changed the case says so; saving then goes through the store's
// version check against the case as it is now.
func TestCourtDraftOfAChangedCase(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	tm := startTUI(t, testOptions(s, actorCM), 100, 30)
	waitFor(t, tm, "Overdue contacts")
	press(tm, "\r")
	waitFor(t, tm, "Nguyễn Thị Lan", "Legal cases (1)")
	press(tm, "d")
	waitFor(t, tm, "Court date and status")
	press(tm, "\t")
	waitFor(t, tm, "┃ court date")
	press(tm, "2026-03-20")
	waitFor(t, tm, "2026-03-20")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(screenProbe).Model
	if err := final.(interface{ FlushDrafts(context.Context) error }).FlushDrafts(ctx); err != nil {
		t.Fatalf("FlushDrafts => %v", err)
	}
	cases, err := s.ListCases(ctx, "P-0002")
	if err != nil || len(cases) != 1 {
		t.Fatalf("cases %v %v", cases, err)
	}
	c := cases[0]
	c.Court = "Municipal Court, room 2"
	if _, err := s.UpdateCase(ctx, store.Actor{User: "sam", Role: store.RoleSupervisor}, c); err != nil {
		t.Fatal(err)
	}
	tm = startTUI(t, testOptions(s, actorCM), 100, 30)
	waitFor(t, tm, "Court date and status · P-0002", "2026-03-20", "the record changed since 12:00")
	finalScreen(t, tm)
}
