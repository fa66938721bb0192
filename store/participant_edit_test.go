package store

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestParticipantEditApply(t *testing.T) {
	base := Participant{ID: "P-0001", Name: "A", CaseManager: "ana", Status: StatusNotYetEngaged, Housing: "unsheltered",
		EnrolledOn: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	exited := base
	exited.Status, exited.ExitReason = StatusExited, "moved away"
	cms := []CaseManagerLoad{{Name: "ana", Active: 3, Cap: 20}, {Name: "ben", Active: 25, Cap: 25}, {Name: "cy", Active: 1, Cap: 20}}
	str := func(s string) *string { return &s }
	for _, tt := range []struct {
		name    string
		from    Participant
		edit    ParticipantEdit
		hardCap int
		bad     []string // fields named, nil: saved
		check   func(Participant) bool
	}{
		{"engaging", base, ParticipantEdit{Status: StatusEngaging}, 0, nil, func(p Participant) bool { return p.Status == StatusEngaging && p.Housing == "unsheltered" }},
		{"unknown status", base, ParticipantEdit{Status: "asleep"}, 0, []string{"status"}, nil},
		{"exit with a reason", base, ParticipantEdit{Status: StatusExited, ExitReason: " graduated "}, 0, nil,
			func(p Participant) bool { return p.Status == StatusExited && p.ExitReason == "graduated" }},
		{"exit without a reason", base, ParticipantEdit{Status: StatusExited}, 0, []string{"exit_reason"}, nil},
		{"a reason without exiting", base, ParticipantEdit{Status: StatusEngaging, ExitReason: "x"}, 0, []string{"exit_reason"}, nil},
		{"exited: the housing alone keeps the reason", exited, ParticipantEdit{Housing: str("shelter")}, 0, nil,
			func(p Participant) bool { return p.ExitReason == "moved away" && p.Housing == "shelter" }},
		{"exited: a new reason", exited, ParticipantEdit{ExitReason: "graduated"}, 0, nil, func(p Participant) bool { return p.ExitReason == "graduated" }},
		{"re-engaged after exit clears the reason", exited, ParticipantEdit{Status: StatusEngaging}, 0, nil,
			func(p Participant) bool { return p.Status == StatusEngaging && p.ExitReason == "" }},
		{"housing cleared", base, ParticipantEdit{Housing: str("")}, 0, nil, func(p Participant) bool { return p.Housing == "" }},
		{"housing cleaned", base, ParticipantEdit{Housing: str("shel\x1b[2Jter")}, 0, nil, func(p Participant) bool { return p.Housing == "shelter" }},
		{"another case manager", base, ParticipantEdit{CaseManager: "cy"}, 0, nil, func(p Participant) bool { return p.CaseManager == "cy" }},
		{"not a case manager", base, ParticipantEdit{CaseManager: "pat"}, 0, []string{"case_manager"}, nil},
		{"over the soft cap is allowed", base, ParticipantEdit{CaseManager: "ben"}, 0, nil, func(p Participant) bool { return p.CaseManager == "ben" }},
		{"at the hard cap", base, ParticipantEdit{CaseManager: "ben"}, 25, []string{"case_manager"}, nil},
		{"two bad fields", base, ParticipantEdit{Status: StatusExited, CaseManager: "nobody"}, 0, []string{"exit_reason", "case_manager"}, nil},
	} {
		got, err := tt.edit.Apply(tt.from, cms, tt.hardCap)
		var ve *ValidationError
		switch {
		case tt.bad == nil && err != nil:
			t.Errorf("%s: %v, want saved", tt.name, err)
		case tt.bad == nil && !tt.check(got):
			t.Errorf("%s: => %+v", tt.name, got)
		case tt.bad != nil && !errors.As(err, &ve):
			t.Errorf("%s: %v, want a validation error naming %v", tt.name, err, tt.bad)
		case tt.bad != nil && !slices.Equal(ve.Fields(), tt.bad):
			t.Errorf("%s: fields %v, want %v (%v)", tt.name, ve.Fields(), tt.bad, err)
		case tt.bad != nil && !sameParticipant(got, tt.from):
			t.Errorf("%s: refused edit changed the record: %+v", tt.name, got)
		}
		if err == nil {
			if verr := got.ValidateAt(tt.from.EnrolledOn); verr != nil {
				t.Errorf("%s: the store would refuse %+v: %v", tt.name, got, verr)
			}
		}
	}
	if _, err := (ParticipantEdit{Status: StatusNotYetEngaged, Housing: str("unsheltered"), CaseManager: "ana"}).Apply(base, cms, 0); !errors.Is(err, ErrUnchanged) {
		t.Errorf("an edit that changes nothing => %v, want ErrUnchanged", err)
	}
}

func sameParticipant(a, b Participant) bool {
	return a.Status == b.Status && a.ExitReason == b.ExitReason && a.Housing == b.Housing && a.CaseManager == b.CaseManager
}

func TestSetGoalStatus(t *testing.T) {
	g := Goal{ID: "G-0001", Status: GoalActive}
	if _, err := SetGoalStatus(g, GoalActive); !errors.Is(err, ErrUnchanged) {
		t.Errorf("same status => %v, want ErrUnchanged", err)
	}
	for _, tt := range []struct {
		from, to GoalStatus
		ok       bool
	}{
		{GoalActive, GoalAchieved, true},
		{GoalActive, GoalSetAside, true},
		{GoalAchieved, GoalActive, true},
		{GoalSetAside, GoalActive, true},
		{GoalSetAside, GoalAchieved, true},
		{GoalActive, GoalActive, false},
		{GoalActive, "done", false},
	} {
		g.Status = tt.from
		got, err := SetGoalStatus(g, tt.to)
		if tt.ok != (err == nil) || (tt.ok && got.Status != tt.to) || (!tt.ok && got.Status != tt.from) {
			t.Errorf("%s -> %s => %s, %v", tt.from, tt.to, got.Status, err)
		}
	}
}

func TestCaseManagerLoads(t *testing.T) {
	p := DefaultProtocol()
	users := []User{{Name: "zed", Role: RoleCaseManager, Active: true, Cap: 3}, {Name: "ana", Role: RoleCaseManager, Active: true},
		{Name: "old", Role: RoleCaseManager}, {Name: "sam", Role: RoleSupervisor, Active: true}}
	parts := []Participant{{CaseManager: "zed", Status: StatusEngaging}, {CaseManager: "zed", Status: StatusExited}, {CaseManager: "ana", Status: StatusNotYetEngaged}}
	got := CaseManagerLoads(p, users, parts)
	want := []CaseManagerLoad{{Name: "ana", Active: 1, Cap: CaseloadLimit(p, users[1])}, {Name: "zed", Active: 1, Cap: 3}}
	if !slices.Equal(got, want) {
		t.Errorf("CaseManagerLoads => %+v, want %+v", got, want)
	}
}

func TestParticipantEditMayEdit(t *testing.T) {
	p := Participant{ID: "P-0001", CaseManager: "ana"}
	for _, tt := range []struct {
		actor Actor
		edit  ParticipantEdit
		ok    bool
	}{
		{Actor{User: "ana", Role: RoleCaseManager}, ParticipantEdit{Status: StatusEngaging}, true},
		{Actor{User: "ana", Role: RoleCaseManager}, ParticipantEdit{CaseManager: "ana"}, true},
		{Actor{User: "ana", Role: RoleCaseManager}, ParticipantEdit{CaseManager: "ben"}, false},
		{Actor{User: "ben", Role: RoleCaseManager}, ParticipantEdit{Status: StatusEngaging}, false},
		{Actor{User: "ben", Role: RoleCaseManager}, ParticipantEdit{CaseManager: "ben"}, false},
		{Actor{User: "sam", Role: RoleSupervisor}, ParticipantEdit{CaseManager: "ben"}, true},
		{Actor{User: "pat", Role: RolePM}, ParticipantEdit{Status: StatusEngaging}, false},
		{SystemActor, ParticipantEdit{CaseManager: "ben"}, true},
		{Actor{User: "ofc", Role: RolePolice}, ParticipantEdit{Status: StatusExited}, false},
	} {
		err := tt.edit.MayEdit(tt.actor, p)
		if (err == nil) != tt.ok {
			t.Errorf("%s %s edit %+v => %v, want allowed %v", tt.actor.Role, tt.actor.User, tt.edit, err, tt.ok)
		}
		if fe, isFE := AsForbidden(err); err != nil && (!isFE || fe.Subject != "P-0001") {
			t.Errorf("%s: refusal %v, want a ForbiddenError naming P-0001", tt.actor.User, err)
		}
	}
	if !MayMoveCaseload(Actor{User: "sam", Role: RoleSupervisor}) || MayMoveCaseload(Actor{User: "ana", Role: RoleCaseManager}) || !MayMoveCaseload(SystemActor) {
		t.Error("MayMoveCaseload: want supervisors and the operator only")
	}
}
