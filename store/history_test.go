package store

import (
	"testing"
	"time"
)

// TestVisibleHistory: history follows the class of the data it is
// about, through the one visibility rule.
func TestVisibleHistory(t *testing.T) {
	day := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	evs := []HistoryEvent{
		{Kind: HistParticipant, Record: "P-0001", ParticipantID: "P-0001", Field: HistHousing, To: "shelter"},
		{Kind: HistGoal, Record: "G-0001", ParticipantID: "P-0001", Field: HistGoalStatus, To: "achieved", Domain: DomainHousing},
		{Kind: HistGoal, Record: "G-0002", ParticipantID: "P-0001", Field: HistGoalStatus, To: "achieved", Domain: DomainSubstanceUse},
		{Kind: HistCase, Record: "L-0001", ParticipantID: "P-0001", Field: HistStatus, To: "resolved"},
		{Kind: HistCase, Record: "L-0001", ParticipantID: "P-0001", Field: HistHearing, From: "2025-05-01", To: "missed"},
		{Kind: HistReferral, Record: "R-0001", ParticipantID: "P-0001", Field: HistDecision, To: "accepted"},
	}
	all := []DataKind{DataIdentity, DataGoals, DataSensitive, DataLegalCases}
	rois := func(roles ...Role) map[string][]ROI {
		return map[string][]ROI{"P-0001": {{ParticipantID: "P-0001", Roles: roles, Classes: all, Signed: day.AddDate(0, -1, 0), Expires: day.AddDate(1, 0, 0)}}}
	}
	for _, tt := range []struct {
		role Role
		rois map[string][]ROI
		want string // records seen, in order
	}{
		{RoleCaseManager, nil, "P-0001 G-0001 G-0002 L-0001 L-0001 R-0001"},
		{RolePM, nil, "P-0001 G-0001 L-0001 L-0001 R-0001"},                      // sensitive needs an ROI naming the pm
		{RolePolice, rois(RolePolice), "P-0001 G-0001 L-0001"},                   // never sensitive; case status only; referrals by ReferrerView
		{RoleProsecutor, rois(RoleProsecutor), "P-0001 G-0001 L-0001 L-0001"},    // never sensitive
		{RoleDefender, rois(RoleDefender), "P-0001 G-0001 G-0002 L-0001 L-0001"}, // the ROI lists sensitive
		{RoleDefender, nil, ""},                  // no ROI: nothing
		{RoleCommunity, rois(RoleCommunity), ""}, // de-identified: no history
		{RoleEvaluator, nil, ""},
	} {
		got := ""
		for _, e := range VisibleHistory(Actor{User: "u", Role: tt.role}, evs, tt.rois, day, nil) {
			if got != "" {
				got += " "
			}
			got += e.Record
		}
		if got != tt.want {
			t.Errorf("%s => %q, want %q", tt.role, got, tt.want)
		}
	}
}
