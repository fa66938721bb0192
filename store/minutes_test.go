package store

import (
	"strings"
	"testing"
	"time"
)

func minutesMeeting() Meeting {
	day := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	return Meeting{
		ID: "M-0002", Date: day, Facilitator: "ana", Attendees: []string{"bo", "cy"},
		Status: MeetingEnded, EndedAt: day.Add(11 * time.Hour),
		Items: []AgendaItem{
			{ID: "1", Kind: ItemGoalReview, Subject: "P-0001", Title: "Goal review P-0001", Status: ItemDiscussed,
				Notes: []Note{
					{Author: "bo", Text: "housing voucher approved", Sensitivity: General},
					{Author: "bo", Text: "started MAT \x1b[31mred", Sensitivity: Clinical},
				},
				Decisions: []Decision{{Author: "ana", Text: "keep on rotation"}}},
			{ID: "2", Kind: ItemReferral, Subject: "R-0003", Title: "Referral R-0003", Status: ItemDiscussed,
				Decisions: []Decision{{Author: "ana", Text: "accepted, case manager bo"}}},
		},
		ActionItems: []ActionItem{
			{ID: "A-0001", ItemID: "1", Text: "call landlord", Owner: "bo", Due: day.AddDate(0, 0, 7)},
			{ID: "A-0002", Text: "book room", Owner: "ana", Done: true},
		},
	}
}

func TestMinutes(t *testing.T) {
	m := minutesMeeting()
	labels := map[string]string{"P-0001": "Jane Roe"}
	roi := map[string]Coverage{"P-0001": CoverageOf(LegacyROIClasses...)}
	roiSensitive := map[string]Coverage{"P-0001": CoverageOf(ROIClasses...)}
	tests := []struct {
		name    string
		viewer  Actor
		labels  map[string]string
		covers  map[string]Coverage
		want    []string
		notWant []string
	}{
		{"case manager sees clinical", Actor{User: "bo", Role: RoleCaseManager}, labels, nil,
			[]string{"# OWG meeting M-0002, 2025-03-10", "- Facilitator: ana", "- Attendees: bo, cy",
				"### 1. Goal review P-0001", "P-0001 (Jane Roe)", "[general] bo: housing voucher approved",
				"[clinical] bo: started MAT red", "- ana: keep on rotation", "- [ ] A-0001 call landlord (owner bo, due 2025-03-17)",
				"## Other action items", "- [x] A-0002 book room (owner ana)", "### 2. Referral R-0003"},
			[]string{"\x1b"}},
		{"pm sees general not clinical", Actor{User: "ana", Role: RolePM}, labels, roi,
			[]string{"housing voucher approved", "(other notes not shared with your role)"},
			[]string{"started MAT"}},
		{"pm with an ROI listing sensitive sees clinical", Actor{User: "ana", Role: RolePM}, labels, roiSensitive,
			[]string{"housing voucher approved", "started MAT"}, nil},
		{"police without ROI sees no notes", Actor{User: "ofc", Role: RolePolice},
			map[string]string{"P-0001": NotShared}, nil,
			[]string{"P-0001 (not shared with your role)", "Decisions:\n\n- (not shared with your role)"},
			[]string{"housing voucher", "started MAT", "Jane Roe", "keep on rotation", "call landlord"}},
		{"police with ROI label sees general only", Actor{User: "ofc", Role: RolePolice}, labels, roi,
			[]string{"housing voucher approved"},
			[]string{"started MAT"}},
		{"police with an ROI listing sensitive still sees no clinical note", Actor{User: "ofc", Role: RolePolice}, labels, roiSensitive,
			[]string{"housing voucher approved"},
			[]string{"started MAT"}},
		{"police with an ROI of identity only sees no notes", Actor{User: "ofc", Role: RolePolice}, labels,
			map[string]Coverage{"P-0001": CoverageOf(DataIdentity)},
			[]string{"P-0001 (Jane Roe)"},
			[]string{"housing voucher", "started MAT", "keep on rotation"}},
		{"community sees no notes", Actor{User: "cc", Role: RoleCommunity}, nil, roiSensitive,
			[]string{"### 1. Goal review P-0001", "- Subject: P-0001\n"},
			[]string{"housing voucher", "started MAT", "Jane Roe", "keep on rotation", "call landlord", "book room"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Minutes(m, tt.viewer, tt.labels, tt.covers)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Minutes(%s) => missing %q in:\n%s", tt.viewer.Role, w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("Minutes(%s) => must not contain %q in:\n%s", tt.viewer.Role, w, got)
				}
			}
		})
	}
}

func TestMinutesEscapesMarkdown(t *testing.T) {
	m := Meeting{ID: "M-0001", Items: []AgendaItem{{ID: "1", Kind: ItemOther, Title: "# not a heading", Notes: []Note{{Author: "a", Text: "*x*\nline2", Sensitivity: General}}}}}
	got := Minutes(m, Actor{User: "a", Role: RolePM}, nil, nil)
	for _, w := range []string{"### 1. \\# not a heading", "\\*x\\* line2", "date unknown", "- Attendees: none"} {
		if !strings.Contains(got, w) {
			t.Errorf("Minutes => missing %q in:\n%s", w, got)
		}
	}
}
