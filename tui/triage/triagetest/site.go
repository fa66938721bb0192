// Package triagetest builds a small fixed LEAD site on the in-memory store
// for the tests of the Referrals and Meeting screens: a handful of users,
// participants, referrals and one case, with a fixed clock.
package triagetest

import (
	"context"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/themes"
	"github.com/leadtable/owg/tui/common"
)

// Now is the fixed clock of the site: Monday 2025-03-10 10:00 UTC.
var Now = time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Site is the fixture: the store and the ids in it.
type Site struct {
	Store store.Store
	// P1 (Jane Roe, case manager bo) has an ROI covering the prosecutor
	// only; P2 (Mark Doe, case manager cy) has one covering police and is
	// flagged for review.
	P1, P2 string
	Case1  string
}

// New opens an in-memory store and fills it. The store closes with the test.
func New(t testing.TB) *Site {
	t.Helper()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return Now })
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	a := store.SystemActor
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("fixture: %v", err)
		}
	}
	for _, u := range []store.User{
		{Name: "ana", Role: store.RolePM, Active: true},
		{Name: "sam", Role: store.RoleSupervisor, Active: true},
		{Name: "bo", Role: store.RoleCaseManager, Cap: 2, Active: true},
		{Name: "cy", Role: store.RoleCaseManager, Cap: 2, Active: true},
		{Name: "ofc", Role: store.RolePolice, Agency: "SPD", Active: true},
		{Name: "pat", Role: store.RoleProsecutor, Active: true},
		{Name: "cc", Role: store.RoleCommunity, Active: true},
	} {
		_, err := db.CreateUser(ctx, a, u)
		must(err)
	}
	s := &Site{Store: db}
	p1, err := db.CreateParticipant(ctx, a, store.Participant{Name: "Jane Roe", DOB: day(1985, 4, 2), Pronouns: "she/her",
		EnrolledOn: day(2024, 11, 1), CaseManager: "bo", Status: store.StatusEngaging, Housing: "unsheltered"})
	must(err)
	p2, err := db.CreateParticipant(ctx, a, store.Participant{Name: "Mark Doe", DOB: day(1979, 9, 12),
		EnrolledOn: day(2024, 6, 3), CaseManager: "cy", Status: store.StatusEngaging, FlaggedBy: "ofc"})
	must(err)
	s.P1, s.P2 = p1.ID, p2.ID
	_, err = db.CreateROI(ctx, a, store.ROI{ParticipantID: p1.ID, Covers: []string{"prosecutor"}, Signed: day(2024, 11, 1), Expires: day(2025, 11, 1)})
	must(err)
	_, err = db.CreateROI(ctx, a, store.ROI{ParticipantID: p2.ID, Covers: []string{"police", "prosecutor"}, Signed: day(2024, 6, 3), Expires: day(2025, 12, 1)})
	must(err)
	g, err := db.CreateGoal(ctx, store.Actor{User: "bo", Role: store.RoleCaseManager}, store.Goal{ParticipantID: p1.ID, Words: "get my own place", Domain: store.DomainHousing, Status: store.GoalActive})
	must(err)
	for i, st := range []store.Step{store.StepForward, store.StepNoChange, store.StepForward} {
		_, err = db.AppendProgress(ctx, store.Actor{User: "bo", Role: store.RoleCaseManager}, g.ID, store.ProgressEntry{Date: day(2025, 2, 3+7*i), Step: st, Author: "bo", Note: "viewing"})
		must(err)
	}
	_, err = db.CreateContact(ctx, store.Actor{User: "bo", Role: store.RoleCaseManager}, store.Contact{ParticipantID: p1.ID, Date: day(2025, 3, 3), Kind: store.ContactStreet, Note: "met at the library", Author: "bo", Sensitivity: store.General})
	must(err)
	_, err = db.CreateContact(ctx, store.Actor{User: "cy", Role: store.RoleCaseManager}, store.Contact{ParticipantID: p2.ID, Date: day(2025, 1, 6), Kind: store.ContactPhone, Author: "cy", Sensitivity: store.General})
	must(err)
	lc, err := db.CreateCase(ctx, a, store.LegalCase{ParticipantID: p1.ID, Kind: store.CasePreExisting, CaseNumber: "24-CR-0193", Court: "Municipal",
		Charges: "trespass", Status: store.CaseOpen, NextCourtDate: day(2025, 3, 14), Position: store.PositionHoldFiling})
	must(err)
	s.Case1 = lc.ID
	refs := []store.Referral{
		{Received: day(2025, 3, 1), Kind: store.KindArrestDiversion, Referrer: "Ofc. Park", Agency: "SPD", ReferrerUser: "ofc",
			Person: store.Person{Name: "Alex Kim", DOB: day(1990, 1, 5)}, Offense: "drug_possession",
			Indicators: store.Indicators{Unsheltered: true, Contacts12m: 3}, RaceEthnicity: "asian", Status: store.RefNew},
		{Received: day(2025, 2, 20), Kind: store.KindSocialContact, Referrer: "Outreach", Agency: "REACH",
			Person: store.Person{Name: "Bea Lo", DOB: day(1972, 6, 30)}, Indicators: store.Indicators{Impairment: 1}, Status: store.RefNew},
		{Received: day(2025, 3, 5), Kind: store.KindCommunity, Referrer: "Pastor Ruiz",
			Person: store.Person{Name: "Cal Ng", DOB: day(1995, 8, 8)}, Status: store.RefNew},
		{Received: day(2025, 3, 6), Kind: store.KindArrestDiversion, ReferrerUser: "ofc", Agency: "SPD",
			Person: store.Person{Name: "Dee Fox", DOB: day(1988, 2, 2)}, Offense: "dui", Status: store.RefNew},
		{Received: day(2025, 3, 7), Kind: store.KindSocialContact, Referrer: "Ofc. Lee", Agency: "SPD",
			Person: store.Person{Name: "Jane Roe", DOB: day(1985, 4, 2)}, Status: store.RefNew},
	}
	for _, r := range refs {
		_, err := db.CreateReferral(ctx, a, r)
		must(err)
	}
	return s
}

// Ctx returns a session context for actor on the site, with the default
// protocol, the ASCII theme and the fixed clock.
func (s *Site) Ctx(actor store.Actor) *common.Ctx {
	return &common.Ctx{
		Ctx: context.Background(), Store: s.Store, Actor: actor, Protocol: store.DefaultProtocol(),
		Theme: themes.Default, Now: func() time.Time { return Now },
		DraftTimer: firesNow, // a draft timer goes off at once: no test waits on it
	}
}

// firesNow is a draft timer that has gone off.
func firesNow(time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- Now
	return c
}

// Actor returns the actor of a fixture user.
func Actor(name string) store.Actor {
	roles := map[string]store.Role{"ana": store.RolePM, "sam": store.RoleSupervisor, "bo": store.RoleCaseManager, "cy": store.RoleCaseManager,
		"ofc": store.RolePolice, "pat": store.RoleProsecutor, "cc": store.RoleCommunity}
	a := store.Actor{User: name, Role: roles[name]}
	if name == "ofc" {
		a.Agency = "SPD"
	}
	return a
}
