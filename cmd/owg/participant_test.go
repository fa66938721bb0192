package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
)

// readStore runs fn on dir's store (opened and closed again).
func readStore(t *testing.T, dir string, fn func(store.Store)) {
	t.Helper()
	db, err := badgerstore.Open(dir, badgerstore.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fn(db)
}

// TestParticipantSet: the participant's own case manager changes the
// status and housing; another case manager may not (refused before any
// check that would tell them about the record, and audited denied); the
// operator moves the participant to another caseload; exiting needs a
// reason; bad flags are usage errors; an unchanged record says so.
func TestParticipantSet(t *testing.T) {
	dir := demoDir(t)
	p, other := someoneElses(t, dir)
	r := owg(t, nil, "--data", dir, "--as", p.CaseManager, "participant", "set", p.ID, "--status", "unable_to_locate", "--housing", "shelter", "--json")
	want(t, r, 0)
	var got participantJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("--json: %v\n%s", err, r)
	}
	if got.ID != p.ID || got.Status != "unable_to_locate" || got.Housing != "shelter" || got.CaseManager != p.CaseManager || !got.Changed || got.Version != p.Version+1 {
		t.Errorf("participant set --json => %+v", got)
	}
	// a case manager keeps their participants on their own caseload
	want(t, owg(t, nil, "--data", dir, "--as", p.CaseManager, "participant", "set", p.ID, "--case-manager", other), 1, "own caseload")
	// another case manager learns nothing: refused before "nothing to change"
	r = owg(t, nil, "--data", dir, "--as", other, "participant", "set", p.ID, "--status", "unable_to_locate")
	want(t, r, 1, "not allowed")
	readStore(t, dir, func(s store.Store) {
		evs, err := s.ListAudit(context.Background(), store.AuditFilter{User: other, Action: store.AuditDenied})
		if err != nil || len(evs) == 0 || evs[len(evs)-1].Subject != p.ID || evs[len(evs)-1].Detail != "write:participant" {
			t.Errorf("denied audit of %s => %+v, %v", other, evs, err)
		}
	})
	// the operator moves the caseload
	want(t, owg(t, nil, "--data", dir, "participant", "set", p.ID, "--case-manager", other), 0,
		p.ID+": status unable_to_locate, housing shelter, case manager "+other)
	want(t, owg(t, nil, "--data", dir, "participant", "set", p.ID, "--case-manager", "nobody"), 1, "not an active case manager")
	// exiting needs a reason
	want(t, owg(t, nil, "--data", dir, "participant", "set", p.ID, "--status", "exited"), 1, "exit_reason")
	want(t, owg(t, nil, "--data", dir, "--as", other, "participant", "set", p.ID, "--status", "exited", "--exit-reason", "moved away"), 0,
		"status exited (moved away)")
	want(t, owg(t, nil, "--data", dir, "participant", "set", p.ID, "--status", "exited"), 0, "nothing to change")
	want(t, owg(t, nil, "--data", dir, "participant", "set", p.ID, "--housing", ""), 0, "housing not recorded")
	readStore(t, dir, func(s store.Store) {
		q, err := s.GetParticipant(context.Background(), p.ID)
		if err != nil || q.Status != store.StatusExited || q.ExitReason != "moved away" || q.CaseManager != other || q.Housing != "" {
			t.Errorf("%s after the changes => %+v, %v", p.ID, q, err)
		}
		evs, _ := s.ListHistory(context.Background(), store.HistoryFilter{Record: p.ID})
		n := 0
		for _, e := range evs {
			if e.Time.After(testNow.Add(-time.Minute)) {
				n++
			}
		}
		// status+housing, case manager, exit+status, housing cleared
		if n != 6 {
			t.Errorf("history of %s's changes => %d events, want 6: %+v", p.ID, n, evs)
		}
	})
	// usage errors
	want(t, owg(t, nil, "--data", dir, "participant", "set", p.ID), 2, "nothing to change")
	want(t, owg(t, nil, "--data", dir, "participant", "set", p.ID, "--status", "asleep"), 2, "--status", "not one of")
	want(t, owg(t, nil, "--data", dir, "participant", "set", p.ID, "--exit-reason", " "), 2, "--exit-reason")
	want(t, owg(t, nil, "--data", dir, "participant", "set", "P-9999", "--status", "engaging"), 1, "not found")
}

// TestGoalSet: the case manager marks a goal achieved and active again;
// another case manager may not; the words and progress stay.
func TestGoalSet(t *testing.T) {
	dir := demoDir(t)
	var g store.Goal
	var cm, other string
	readStore(t, dir, func(s store.Store) {
		ctx := context.Background()
		ps, _ := s.ListParticipants(ctx, store.ParticipantFilter{ActiveOnly: true})
		for _, p := range ps {
			gs, _ := s.ListGoals(ctx, p.ID)
			for _, x := range gs {
				if x.Status == store.GoalActive && g.ID == "" {
					g, cm = x, p.CaseManager
				}
			}
		}
		for _, p := range ps {
			if p.CaseManager != cm && other == "" {
				other = p.CaseManager
			}
		}
	})
	if g.ID == "" || other == "" {
		t.Fatal("no active goal in the demo")
	}
	r := owg(t, nil, "--data", dir, "--as", cm, "goal", "set", g.ID, "--status", "achieved", "--json")
	want(t, r, 0)
	var got goalJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("--json: %v\n%s", err, r)
	}
	if got.ID != g.ID || got.ParticipantID != g.ParticipantID || got.Status != "achieved" || !got.Changed {
		t.Errorf("goal set --json => %+v", got)
	}
	want(t, owg(t, nil, "--data", dir, "--as", cm, "goal", "set", g.ID, "--status", "achieved"), 0, "already achieved")
	want(t, owg(t, nil, "--data", dir, "--as", other, "goal", "set", g.ID, "--status", "set_aside"), 1, "not allowed")
	want(t, owg(t, nil, "--data", dir, "goal", "set", g.ID, "--status", "set_aside"), 0, g.ID+" set_aside ("+g.ParticipantID+")")
	want(t, owg(t, nil, "--data", dir, "goal", "set", g.ID, "--status", "done"), 2, "--status")
	want(t, owg(t, nil, "--data", dir, "goal", "set", "G-9999", "--status", "active"), 1, "not found")
	readStore(t, dir, func(s store.Store) {
		after, err := s.GetGoal(context.Background(), g.ID)
		if err != nil || after.Status != store.GoalSetAside || after.Words != g.Words || len(after.Progress) != len(g.Progress) {
			t.Errorf("%s after => %+v, %v", g.ID, after, err)
		}
	})
}

// TestParticipantAndGoalSetForwarded: while a server holds the store the
// commands are forwarded to it and run there, with the same rules.
func TestParticipantAndGoalSetForwarded(t *testing.T) {
	dir := demoDir(t)
	p, other := someoneElses(t, dir)
	startServe(t, dir)
	r := owg(t, nil, "--data", dir, "participant", "set", p.ID, "--housing", "transitional housing", "--json")
	want(t, r, 0)
	var got participantJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Housing != "transitional housing" || !got.Changed {
		t.Fatalf("forwarded participant set => %+v, %v\n%s", got, err, r)
	}
	want(t, owg(t, nil, "--data", dir, "--as", other, "participant", "set", p.ID, "--status", "engaging"), 1, "not allowed")
	want(t, owg(t, nil, "--data", dir, "goal", "set", "G-9999", "--status", "active"), 1, "not found")
}
