package store

import (
	"errors"
	"slices"
	"testing"
)

// TestMayWriteEveryRoleAndAction checks every role x write action, each
// with the relations that matter: the roles listed may write, every other
// role is refused with a *ForbiddenError matching ErrForbidden.
func TestMayWriteEveryRoleAndAction(t *testing.T) {
	var (
		none     = Relation{}
		caseload = Relation{OwnCaseload: true, Covered: true}
		referral = Relation{OwnReferral: true}
		covered  = Relation{Covered: true}
		self     = Relation{Self: true}
		taker    = Relation{HandoffTaker: true}
	)
	staff := []Role{RolePM, RoleSupervisor}
	tests := []struct {
		action WriteAction
		rel    Relation
		allow  []Role
	}{
		{WriteParticipant, none, []Role{RoleSupervisor}},
		{WriteParticipant, caseload, []Role{RoleSupervisor, RoleCaseManager}},
		{WriteGoal, none, []Role{RoleSupervisor}},
		{WriteGoal, caseload, []Role{RoleSupervisor, RoleCaseManager}},
		{WriteContact, none, []Role{RoleSupervisor}},
		{WriteContact, caseload, []Role{RoleSupervisor, RoleCaseManager}},
		{WriteCase, none, []Role{RoleSupervisor}},
		{WriteCase, caseload, []Role{RoleSupervisor, RoleCaseManager}},
		{WriteROI, none, []Role{RoleSupervisor}},
		{WriteROI, caseload, []Role{RoleSupervisor, RoleCaseManager}},
		{WriteFlag, none, nil},
		{WriteFlag, covered, []Role{RolePM, RoleSupervisor, RoleCaseManager, RoleProsecutor, RoleDefender, RoleProvider}},
		{WriteReview, caseload, staff},
		{WritePosition, covered, []Role{RoleProsecutor}},
		{WriteCaseNote, covered, []Role{RoleProsecutor, RoleDefender}},
		{WriteAddReferral, none, []Role{RolePM, RoleSupervisor, RoleCaseManager}},
		{WriteAddReferral, referral, []Role{RolePM, RoleSupervisor, RoleCaseManager, RolePolice, RoleProvider, RoleCommunity}},
		{WriteImportReferrals, none, staff},
		{WriteEditReferral, referral, staff},
		{WriteDecideReferral, referral, staff},
		{WriteAckReferral, none, []Role{RolePM, RoleSupervisor, RoleCaseManager}},
		{WriteHandoff, none, staff},
		{WriteHandoff, taker, []Role{RolePM, RoleSupervisor, RoleCaseManager}},
		{WriteDraft, none, nil},
		{WriteDraft, self, Roles},
		{WriteRunMeeting, none, staff},
		{WriteMeetingNote, none, []Role{RolePM, RoleSupervisor, RoleCaseManager, RoleProsecutor, RoleDefender, RoleProvider}},
		{WriteActionItem, none, []Role{RolePM, RoleSupervisor, RoleCaseManager, RoleProvider}},
		{WriteCloseAction, none, staff},
		{WriteCloseAction, self, Roles},
		{WriteUser, self, []Role{RolePM}},
		{WriteProtocol, none, []Role{RolePM}},
		{WriteUserPrefs, none, []Role{RolePM}},
		{WriteUserPrefs, self, Roles},
	}
	seen := map[WriteAction]bool{}
	for _, tt := range tests {
		seen[tt.action] = true
		for _, role := range Roles {
			a := Actor{User: "u", Role: role}
			err := MayWrite(a, tt.action, tt.rel)
			want := slices.Contains(tt.allow, role)
			if (err == nil) != want {
				t.Errorf("MayWrite(%s, %s, %+v) => %v, want allowed=%v", role, tt.action, tt.rel, err, want)
			}
			if err != nil {
				fe, ok := AsForbidden(err)
				if !ok || !errors.Is(err, ErrForbidden) || fe.Reason == "" || fe.Action != tt.action {
					t.Errorf("MayWrite(%s, %s) => %#v, want a *ForbiddenError with a reason, matching ErrForbidden", role, tt.action, err)
				}
			}
			// the system actor may do anything
			if err := MayWrite(Actor{User: "operator", Role: role, System: true}, tt.action, tt.rel); err != nil {
				t.Errorf("MayWrite(system %s, %s) => %v, want nil", role, tt.action, err)
			}
		}
	}
	for _, a := range WriteActions {
		if !seen[a] {
			t.Errorf("write action %s has no row in the table", a)
		}
	}
	if err := MayWrite(Actor{User: "u", Role: RolePM}, "bogus", Relation{}); err == nil {
		t.Errorf("MayWrite(unknown action) => nil, want refused")
	}
}
