package tui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/themes"
)

// fixedNow is the clock of every screen test: Monday 2026-03-02, noon UTC.
var fixedNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func day(offset int) time.Time { return store.DateOf(fixedNow).AddDate(0, 0, offset) }

// Actors of the test site.
var (
	actorPM        = store.Actor{User: "pat", Role: store.RolePM}
	actorCM        = store.Actor{User: "ana", Role: store.RoleCaseManager}
	actorProsecute = store.Actor{User: "pro", Role: store.RoleProsecutor, Agency: "County DA"}
	actorDefender  = store.Actor{User: "dee", Role: store.RoleDefender, Agency: "Public Defender"}
	actorPolice    = store.Actor{User: "ofc", Role: store.RolePolice, Agency: "City PD"}
	actorCommunity = store.Actor{User: "cora", Role: store.RoleCommunity}
)

// clinicalNote is the text of the one clinical contact of the site.
const clinicalNote = "Discussed medication side effects"

// clinicalProgress is a clinical progress note on P-0001's housing goal;
// sensitiveGoal is P-0001's goal in a sensitive domain (substance use).
const (
	clinicalProgress = "back to using after a hard week"
	sensitiveGoal    = "try methadone again"
)

// seed fills an in-memory store with a small fixed site.
func seed(t testing.TB) store.Store {
	t.Helper()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return fixedNow })
	if err != nil {
		t.Fatalf("open memory store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	ctx, a := context.Background(), store.SystemActor
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s: %v", what, err)
		}
	}
	for _, u := range []store.User{
		{Name: "pat", Role: store.RolePM, Active: true},
		{Name: "sam", Role: store.RoleSupervisor, Active: true},
		{Name: "ana", Role: store.RoleCaseManager, Active: true, Cap: 4},
		{Name: "ben", Role: store.RoleCaseManager, Active: true},
		{Name: "pro", Role: store.RoleProsecutor, Agency: "County DA", Active: true},
		{Name: "dee", Role: store.RoleDefender, Agency: "Public Defender", Active: true},
		{Name: "ofc", Role: store.RolePolice, Agency: "City PD", Active: true},
		{Name: "cora", Role: store.RoleCommunity, Active: true},
	} {
		_, err := db.CreateUser(ctx, a, u)
		must("user "+u.Name, err)
	}
	people := []store.Participant{
		{Name: "José Núñez", Pronouns: "he/him", DOB: time.Date(1984, 2, 3, 0, 0, 0, 0, time.UTC), CaseManager: "ana",
			Status: store.StatusEngaging, Housing: "unsheltered", EnrolledOn: day(-120)},
		{Name: "Nguyễn Thị Lan", Pronouns: "she/her", DOB: time.Date(1991, 7, 14, 0, 0, 0, 0, time.UTC), CaseManager: "ana",
			Status: store.StatusNotYetEngaged, EnrolledOn: day(-20)},
		{Name: "李小龍", DOB: time.Date(1979, 11, 27, 0, 0, 0, 0, time.UTC), CaseManager: "ben",
			Status: store.StatusEngaging, EnrolledOn: day(-300)},
		{Name: "Mary-Kate O'Brien", DOB: time.Date(1988, 5, 5, 0, 0, 0, 0, time.UTC), CaseManager: "ben",
			Status: store.StatusUnableToLocate, EnrolledOn: day(-60), FlaggedBy: "dee"},
	}
	for _, p := range people {
		_, err := db.CreateParticipant(ctx, a, p)
		must("participant "+p.Name, err)
	}
	cm := store.Actor{User: "ana", Role: store.RoleCaseManager}
	for _, c := range []store.Contact{
		{ParticipantID: "P-0001", Date: day(-5), Kind: store.ContactOffice, Note: "Met at the library; talked about the housing list", Author: "ana", Sensitivity: store.General},
		{ParticipantID: "P-0001", Date: day(-9), Kind: store.ContactPhone, Note: clinicalNote, Author: "ana", Sensitivity: store.Clinical},
		{ParticipantID: "P-0003", Date: day(-2), Kind: store.ContactStreet, Note: "Checked in at the camp", Author: "ben", Sensitivity: store.General},
		{ParticipantID: "P-0004", Date: day(-40), Kind: store.ContactStreet, Note: "Last seen by the river", Author: "ben", Sensitivity: store.General},
	} {
		// each contact written by its author, on their own caseload
		_, err := db.CreateContact(ctx, store.Actor{User: c.Author, Role: store.RoleCaseManager}, c)
		must("contact", err)
	}
	g, err := db.CreateGoal(ctx, cm, store.Goal{ParticipantID: "P-0001", Words: "I want my own place before winter", Domain: store.DomainHousing, Status: store.GoalActive})
	must("goal", err)
	for i, s := range []store.Step{store.StepForward, store.StepNoChange, store.StepSetback, store.StepForward} {
		_, err := db.AppendProgress(ctx, cm, g.ID, store.ProgressEntry{Date: day(-40 + 10*i), Step: s, Note: "check-in " + string(rune('A'+i)), Author: "ana"})
		must("progress", err)
	}
	// sensitive data on P-0001: a clinical note on the housing goal, and a
	// goal in a sensitive domain (substance use)
	_, err = db.AppendProgress(ctx, cm, g.ID, store.ProgressEntry{Date: day(-3), Step: store.StepSetback, Note: clinicalProgress, Author: "ana", Sensitivity: store.Clinical})
	must("clinical progress", err)
	_, err = db.CreateGoal(ctx, cm, store.Goal{ParticipantID: "P-0001", Words: sensitiveGoal, Domain: store.DomainSubstanceUse, Status: store.GoalActive,
		Progress: []store.ProgressEntry{{Date: day(-6), Step: store.StepForward, Note: "went to the clinic twice", Author: "ana"}}})
	must("sensitive goal", err)
	_, err = db.CreateGoal(ctx, cm, store.Goal{ParticipantID: "P-0002", Words: "Get my ID back", Domain: store.DomainOther, Status: store.GoalActive})
	must("goal 2", err)
	for _, c := range []store.LegalCase{
		{ParticipantID: "P-0001", Kind: store.CasePostEnrollment, CaseNumber: "26CR0042", Court: "Municipal", Charges: "trespass",
			Status: store.CaseOpen, NextCourtDate: day(4), Position: store.PositionHoldFiling, PositionNote: "hold while engaged"},
		{ParticipantID: "P-0002", Kind: store.CaseDivertedArrest, CaseNumber: "26CR0077", Status: store.CaseOpen, IntakeDeadline: day(3)},
		{ParticipantID: "P-0003", Kind: store.CaseWarrant, CaseNumber: "W-1193", Status: store.CaseOpen, NextCourtDate: day(10)},
	} {
		_, err := db.CreateCase(ctx, a, c)
		must("case", err)
	}
	for _, r := range []store.ROI{
		{ParticipantID: "P-0001", Roles: []store.Role{store.RolePolice, store.RoleProsecutor}, Classes: store.LegacyROIClasses,
			Purpose: "care coordination", Signed: day(-100), Expires: day(200)},
		{ParticipantID: "P-0003", Agencies: []string{"Public Defender"}, Classes: []store.DataKind{store.DataIdentity, store.DataLegalCases},
			Purpose: "legal defense", Signed: day(-300), Expires: day(12)},
	} {
		_, err := db.CreateROI(ctx, a, r)
		must("ROI", err)
	}
	_, err = db.CreateMeeting(ctx, a, store.Meeting{Date: day(-7), Facilitator: "pat", Status: store.MeetingEnded,
		ActionItems: []store.ActionItem{
			{Text: "Call the housing authority about José", Owner: "ana", Due: day(2)},
			{Text: "Send the docket to the DA", Owner: "pat", Due: day(5)},
		}})
	must("meeting", err)
	return db
}

// testOptions returns the options of a session of actor on s.
func testOptions(s store.Store, actor store.Actor) Options {
	return Options{Store: s, Actor: actor, Protocol: store.DefaultProtocol(), Theme: themes.Default, Now: func() time.Time { return fixedNow }}
}

// probes maps each test program to the probe of its screen (test code only).
var probes sync.Map // *teatest.TestModel -> screenProbe

// startTUI runs the root model under teatest at w x h with the ASCII
// profile, wrapped in a probe that keeps its last screen for waitFor.
func startTUI(t *testing.T, opts Options, w, h int) *teatest.TestModel {
	t.Helper()
	probe := newScreenProbe(New(opts))
	tm := teatest.NewTestModel(t, probe, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	probes.Store(tm, probe)
	t.Cleanup(func() { probes.Delete(tm) })
	return tm
}

// waitFor waits until the program's screen shows all of the given strings
// (styles stripped). It looks at the screen the model last drew, not at
// the output stream: the renderer sends only changed cells, and how it
// splits them depends on timing.
func waitFor(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	p, ok := probes.Load(tm)
	if !ok { // a program of its own (e.g. another colour profile): read its output
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			s := ansi.Strip(string(b))
			for _, w := range want {
				if !strings.Contains(s, w) {
					return false
				}
			}
			return true
		}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
		return
	}
	probe := p.(screenProbe)
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := probe.Screen()
		missing := ""
		for _, w := range want {
			if !strings.Contains(s, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %q on the screen; last screen:\n%s", missing, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// finalScreen quits the program and returns its last view, styles stripped.
func finalScreen(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	m := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	return ansi.Strip(m.View().Content)
}
