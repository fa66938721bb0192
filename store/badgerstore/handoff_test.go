package badgerstore

import (
	"errors"
	"testing"

	"github.com/leadtable/owg/store"
)

// TestAdvanceHandoff walks a field referral's handoff from received to
// completed, through the write rule: only its taker (or the pm, a
// supervisor) moves it on, and each step only from where it stands.
func TestAdvanceHandoff(t *testing.T) {
	db := memDB(t)
	officer := store.Actor{User: "lee", Role: store.RolePolice, Agency: "SPD"}
	r := newReferral("Jo Doe", testNow)
	r.ReferrerUser, r.Location, r.Callback = "lee", "5th and Pine", "555-0100"
	r = must[store.Referral](t, "create")(db.CreateReferral(ctx, officer, r))
	if r.Entered == nil || r.Entered.Name != "Jo Doe" || r.Entered.Location != "5th and Pine" || !r.Entered.At.Equal(testNow) {
		t.Fatalf("CreateReferral => entered %+v, want what the officer typed at testNow", r.Entered)
	}
	casey := store.Actor{User: "casey", Role: store.RoleCaseManager}
	robin := store.Actor{User: "robin", Role: store.RoleCaseManager}

	if _, err := db.AdvanceHandoff(ctx, casey, r.ID, store.StepArrived, ""); err == nil {
		t.Errorf("AdvanceHandoff(arrived before taken) => nil, want an error")
	}
	if _, err := db.AdvanceHandoff(ctx, officer, r.ID, store.StepTake, ""); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("AdvanceHandoff(officer take) => %v, want forbidden", err)
	}
	got := must[store.Referral](t, "take")(db.AdvanceHandoff(ctx, casey, r.ID, store.StepTake, "on my way"))
	if store.HandoffOf(got) != store.HandoffTaken || got.AckBy != "casey" || got.HandoffNote != "on my way" {
		t.Errorf("take => %s by %q note %q, want taken by casey with the note", store.HandoffOf(got), got.AckBy, got.HandoffNote)
	}
	if _, err := db.AdvanceHandoff(ctx, robin, r.ID, store.StepArrived, ""); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("AdvanceHandoff(someone else's handoff) => %v, want forbidden", err)
	}
	got = must[store.Referral](t, "arrived")(db.AdvanceHandoff(ctx, casey, r.ID, store.StepArrived, ""))
	if store.HandoffOf(got) != store.HandoffOnScene || !got.OnSceneAt.Equal(testNow) {
		t.Errorf("arrived => %s at %v, want on scene at testNow", store.HandoffOf(got), got.OnSceneAt)
	}
	got = must[store.Referral](t, "done")(db.AdvanceHandoff(ctx, casey, r.ID, store.StepDone, "met at the shelter"))
	if store.HandoffOf(got) != store.HandoffCompleted || got.HandoffDoneAt.IsZero() || got.HandoffNote != "met at the shelter" {
		t.Errorf("done => %+v, want completed with its time and note", got)
	}
	if _, err := db.AdvanceHandoff(ctx, casey, r.ID, store.StepNotLocated, ""); err == nil {
		t.Errorf("AdvanceHandoff(not-located after completed) => nil, want an error")
	}
	// an edit keeps what the officer typed and the handoff's course
	edit := got
	edit.Person.Name, edit.Entered, edit.HandoffState = "Joanna Doe", nil, ""
	edited := must[store.Referral](t, "edit")(db.UpdateReferral(ctx, pm, edit))
	if edited.Entered == nil || edited.Entered.Name != "Jo Doe" || store.HandoffOf(edited) != store.HandoffCompleted {
		t.Errorf("UpdateReferral => entered %+v, handoff %s; want both kept", edited.Entered, store.HandoffOf(edited))
	}
}
