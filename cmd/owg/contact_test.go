package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
)

// someoneElses returns an active participant and a case manager who does
// not hold them, read from dir's store (closed again).
func someoneElses(t *testing.T, dir string) (store.Participant, string) {
	t.Helper()
	db, err := badgerstore.Open(dir, badgerstore.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ps, err := db.ListParticipants(context.Background(), store.ParticipantFilter{ActiveOnly: true})
	if err != nil || len(ps) == 0 {
		t.Fatalf("participants: %d, %v", len(ps), err)
	}
	users, err := db.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Role == store.RoleCaseManager && u.Active && u.Name != ps[0].CaseManager {
			return ps[0], u.Name
		}
	}
	t.Fatal("no second case manager in the demo")
	return store.Participant{}, ""
}

func TestContactAdd(t *testing.T) {
	dir := demoDir(t)
	p, other := someoneElses(t, dir)
	// the participant's own case manager logs it; the date is the day given
	r := owg(t, nil, "--data", dir, "--as", p.CaseManager, "contact", "add", p.ID, "--kind", "phone", "--note", "called about housing",
		"--date", "2026-03-01", "--json")
	want(t, r, 0)
	var got contactJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("--json: %v\n%s", err, r)
	}
	if got.ID == "" || got.ParticipantID != p.ID || got.Date != "2026-03-01" || got.Kind != "phone" || got.Sensitivity != "general" || got.Author != p.CaseManager {
		t.Errorf("contact add --json => %+v, want a phone contact of 2026-03-01 for %s by %s", got, p.ID, p.CaseManager)
	}
	// the operator (pm) logs one for anyone, today by default, clinical
	want(t, owg(t, nil, "--data", dir, "contact", "add", p.ID, "--kind", "office", "--clinical"), 0, "logged for "+p.ID, "2026-03-02")
	db, err := badgerstore.Open(dir, badgerstore.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	after, err := db.GetParticipant(context.Background(), p.ID)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if store.FormatDate(after.LastContact) != "2026-03-02" {
		t.Errorf("last contact after the contacts => %s, want 2026-03-02", store.FormatDate(after.LastContact))
	}
	// another case manager may not; bad input is a usage error
	want(t, owg(t, nil, "--data", dir, "--as", other, "contact", "add", p.ID, "--kind", "phone"), 1)
	want(t, owg(t, nil, "--data", dir, "contact", "add", p.ID, "--kind", "carrier-pigeon"), 2, "not one of")
	want(t, owg(t, nil, "--data", dir, "contact", "add", p.ID, "--kind", "phone", "--date", "yesterday"), 2, "--date")
	want(t, owg(t, nil, "--data", dir, "contact", "add", "P-9999", "--kind", "phone"), 1)
}

func TestStats(t *testing.T) {
	dir := demoDir(t)
	want(t, owg(t, nil, "--data", dir, "stats"), 1, "no server is running")
	startServe(t, dir)
	r := owg(t, nil, "--data", dir, "stats", "--json", "--gc")
	want(t, r, 0)
	var s serverStats
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, r)
	}
	if s.Sessions != 0 || s.HeapInuseBytes == 0 || s.Goroutines == 0 || s.CPUSeconds <= 0 {
		t.Errorf("stats --json => %+v, want no sessions and a heap, goroutines and CPU", s)
	}
	want(t, owg(t, nil, "--data", dir, "stats"), 0, "sessions     0", "heap in use")
	cm := aCaseManager(t, dir)
	want(t, owg(t, nil, "--data", dir, "--as", cm, "stats"), 1, "pm and supervisors")
}

// aCaseManager names a case manager, asking the running server.
func aCaseManager(t *testing.T, dir string) string {
	t.Helper()
	r := owg(t, nil, "--data", dir, "user", "list", "--json")
	want(t, r, 0)
	var users []struct {
		Name string     `json:"name"`
		Role store.Role `json:"role"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &users); err != nil {
		t.Fatalf("user list --json: %v\n%s", err, r)
	}
	for _, u := range users {
		if u.Role == store.RoleCaseManager {
			return u.Name
		}
	}
	t.Fatal("no case manager")
	return ""
}

// A contact dated before the participant was born (or before 1900) is
// refused by the store, naming the field; nothing is logged.
func TestContactAddRefusesDatesBeforeBirth(t *testing.T) {
	dir := demoDir(t)
	p, _ := someoneElses(t, dir)
	r := owg(t, nil, "--data", dir, "contact", "add", p.ID, "--kind", "phone", "--date", "1800-01-01")
	want(t, r, 1, "date: 1800-01-01 is before")
	if !p.DOB.IsZero() {
		r = owg(t, nil, "--data", dir, "contact", "add", p.ID, "--kind", "phone", "--date", store.FormatDate(p.DOB.AddDate(0, 0, -1)))
		want(t, r, 1, "date: ", "before the participant's date of birth")
	}
}
