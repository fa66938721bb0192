package badgerstore

import (
	"context"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

// TestMutateMeetingShown: a move to an item about a participant records,
// in the move's transaction, each attendee's view (or denial, without an
// ROI naming them); the attendee's own Record of it just after is not
// written again, a second one is; a write that does not move records
// nothing; a referral item records nothing.
func TestMutateMeetingShown(t *testing.T) {
	now := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	db, err := OpenMemoryAt(func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// the notes' own clock stands still: none expires however slow the run
	db.shown.now = func() time.Time { return now }
	ctx := context.Background()
	day := store.DateOf(now)
	p, err := db.CreateParticipant(ctx, store.SystemActor, store.Participant{Name: "Ada Example", DOB: time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC),
		EnrolledOn: day.AddDate(0, -1, 0), CaseManager: "cara", Status: store.StatusEngaging})
	if err != nil {
		t.Fatal(err)
	}
	lc, err := db.CreateCase(ctx, store.SystemActor, store.LegalCase{ParticipantID: p.ID, Kind: store.CaseWarrant, Status: store.CaseOpen, NextCourtDate: day.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	pm := store.Actor{User: "pam", Role: store.RolePM}
	mt, err := db.CreateMeeting(ctx, pm, store.Meeting{Date: day, Facilitator: "pam", Status: store.MeetingOpen, Items: []store.AgendaItem{
		{ID: "1", Kind: store.ItemReferral, Subject: "R-0001", Title: "a referral"},
		{ID: "2", Kind: store.ItemGoalReview, Subject: p.ID, Title: "goals"},
		{ID: "3", Kind: store.ItemCase, Subject: lc.ID, Title: "case"},
		{ID: "4", Kind: store.ItemOther, Subject: p.ID, Title: "other business"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cara := store.Actor{User: "cara", Role: store.RoleCaseManager, Addr: "10.0.0.2:5000"}
	pete := store.Actor{User: "pete", Role: store.RolePolice, Addr: "10.0.0.3:5000"}
	audience := []store.Actor{cara, pete}
	moveTo := func(i int) {
		t.Helper()
		if _, err := store.MutateMeetingShown(ctx, db, pm, mt.ID, func(m *store.Meeting) error { m.Current = i; return nil }, audience); err != nil {
			t.Fatal(err)
		}
	}
	count := func() map[string]int {
		t.Helper()
		evs, err := db.ListAudit(ctx, store.AuditFilter{Subject: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, e := range evs {
			if e.Detail == "participant" {
				out[e.User+" "+string(e.Action)]++
			}
		}
		return out
	}
	want := func(step string, w map[string]int) {
		t.Helper()
		got := count()
		for k, n := range w {
			if got[k] != n {
				t.Errorf("%s: %d %q events => want %d (all: %v)", step, got[k], k, n, got)
			}
		}
	}

	moveTo(0) // a referral: nobody is shown a participant
	want("referral item", map[string]int{"cara view": 0, "pete denied": 0})
	st0 := db.RecordStats()
	moveTo(1)
	want("goal review", map[string]int{"cara view": 1, "pete denied": 1})
	if st := db.RecordStats(); st.Events-st0.Events != 2 || st.Transactions-st0.Transactions != 1 {
		t.Errorf("stats moved %+v -> %+v => want 2 events in 1 transaction", st0, st)
	}
	// the followers' own screens record the same views: already done
	for _, a := range audience {
		if _, err := store.ViewParticipant(ctx, db, a, p.ID, now, nil); err != nil {
			t.Fatal(err)
		}
	}
	want("followers' own views", map[string]int{"cara view": 1, "pete denied": 1})
	// a later look of cara's own is recorded
	if _, err := store.ViewParticipant(ctx, db, cara, p.ID, now, nil); err != nil {
		t.Fatal(err)
	}
	want("a second look", map[string]int{"cara view": 2})
	// a note on the same item is no move
	if _, err := store.MutateMeetingShown(ctx, db, pm, mt.ID, func(m *store.Meeting) error {
		m.Items[1].Notes = append(m.Items[1].Notes, store.Note{Time: now, Author: "pam", Text: "ok", Sensitivity: store.General})
		return nil
	}, audience); err != nil {
		t.Fatal(err)
	}
	want("a note", map[string]int{"cara view": 2, "pete denied": 1})
	moveTo(2) // the case's participant
	want("legal case", map[string]int{"cara view": 3, "pete denied": 2})
	moveTo(3) // other business naming the participant
	want("other business", map[string]int{"cara view": 4, "pete denied": 3})
	if _, err := db.VerifyAudit(ctx); err != nil {
		t.Errorf("VerifyAudit: %v", err)
	}
}

// TestShownNotesExpireAndAreBounded: a recorded follower view not taken
// within shownTTL no longer stands for a later one, and the notes kept are
// bounded.
func TestShownNotesExpireAndAreBounded(t *testing.T) {
	clock := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	s := shownViews{now: func() time.Time { return clock }}
	ev := store.AuditEvent{User: "cara", Role: store.RoleCaseManager, Action: store.AuditView, Subject: "P-0001", Detail: "participant"}
	s.put([]store.AuditEvent{ev, ev})
	if !s.take(ev) || !s.take(ev) || s.take(ev) {
		t.Fatal("two notes => want exactly two takes")
	}
	other := ev
	other.Detail = "export"
	s.put([]store.AuditEvent{ev})
	if s.take(other) {
		t.Error("an export event took a view note")
	}
	clock = clock.Add(shownTTL + time.Second)
	if s.take(ev) {
		t.Error("an expired note was taken")
	}
	for i := range maxShown + 10 {
		e := ev
		e.Subject = "P-" + itoa(i)
		s.put([]store.AuditEvent{e})
	}
	if len(s.notes) > maxShown {
		t.Errorf("%d notes kept => want at most %d", len(s.notes), maxShown)
	}
}
