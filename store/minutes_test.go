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
				"### 1. Goal review P-0001", "P-0001 (Jane Roe)", "- bo: housing voucher approved",
				"(clinical) bo: started MAT red", "- ana: keep on rotation", "- A-0001 call landlord (owner bo, due 2025-03-17)",
				"## Other action items", "- A-0002 book room (owner ana): done", "### 2. Referral R-0003",
				"Decisions:\n\n- Goal review P-0001: keep on rotation\n- Referral R-0003: accepted, case manager bo"},
			[]string{"\x1b"}},
		{"pm sees general not clinical", Actor{User: "ana", Role: RolePM}, labels, roi,
			[]string{"housing voucher approved", "(1 more not shared with your role)"},
			[]string{"started MAT"}},
		{"pm with an ROI listing sensitive sees clinical", Actor{User: "ana", Role: RolePM}, labels, roiSensitive,
			[]string{"housing voucher approved", "started MAT"}, nil},
		{"police without ROI sees no notes", Actor{User: "ofc", Role: RolePolice},
			map[string]string{"P-0001": NotShared}, nil,
			[]string{"### 1. Goal review (not shared with your role)", "Decisions:\n\n- (1 more not shared with your role)"},
			[]string{"housing voucher", "started MAT", "Jane Roe", "keep on rotation", "call landlord", "P-0001"}},
		{"police with ROI sees general only", Actor{User: "ofc", Role: RolePolice}, labels, roi,
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
			[]string{"### 1. Goal review (not shared with your role)", "### 2. Referral (not shared with your role)"},
			[]string{"housing voucher", "started MAT", "Jane Roe", "keep on rotation", "call landlord", "book room", "P-0001", "R-0003"}},
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

func TestMinutesPlainWordsAndEscapes(t *testing.T) {
	m := Meeting{ID: "M-0001", Status: MeetingEnded, Items: []AgendaItem{
		{ID: "1", Kind: ItemOther, Title: "# not a heading", Status: ItemDiscussed, Notes: []Note{{Author: "a", Text: "*x*\nline2", Sensitivity: General}}},
		{ID: "2", Kind: ItemGoalReview, Subject: "P-0001", Title: "Goal review: P-0001", Reason: "status not_yet_engaged, waitlist #1", Status: ItemDiscussed},
		{ID: "3", Kind: ItemGoalReview, Subject: "P-0002", Title: "Goal review: P-0002", Status: ItemPending},
	}}
	got := Minutes(m, Actor{User: "a", Role: RolePM}, nil, nil)
	for _, w := range []string{"### 1. # not a heading", "\\*x\\* line2", "date unknown", "- Attendees: none",
		"Why on the agenda: status not yet engaged, waitlist #1", "Kind: goal review", "- Goal review: P-0002 (not reached)"} {
		if !strings.Contains(got, w) {
			t.Errorf("Minutes => missing %q in:\n%s", w, got)
		}
	}
	for _, no := range []string{"not_yet", "\\#", "goal_review", "### 3."} {
		if strings.Contains(got, no) {
			t.Errorf("Minutes => must not contain %q:\n%s", no, got)
		}
	}
	txt := MinutesFor(MinutesInput{Meeting: m, Audience: []Actor{{User: "a", Role: RolePM}}, Format: MinutesText})
	for _, w := range []string{"OWG meeting M-0001, date unknown\n=====", "Summary\n-------", "1. # not a heading", "*x* line2"} {
		if !strings.Contains(txt, w) {
			t.Errorf("text minutes => missing %q in:\n%s", w, txt)
		}
	}
	if strings.Contains(txt, "\\") || strings.Contains(txt, "## ") {
		t.Errorf("text minutes => Markdown in:\n%s", txt)
	}
}

// TestRoomMinutes: room minutes hold only what every attendee may see;
// action items closed during the meeting are summarised.
func TestRoomMinutes(t *testing.T) {
	m := minutesMeeting()
	m.Created = m.Date.Add(9 * time.Hour)
	cm := Actor{User: "bo", Role: RoleCaseManager}
	cop := Actor{User: "ofc", Role: RolePolice}
	earlier := Meeting{ID: "M-0001", ActionItems: []ActionItem{
		{ID: "A-0009", Text: "find a bed", Owner: "bo", Status: ActionDone, Done: true, DoneAt: m.Date.Add(10 * time.Hour)},
		{ID: "A-0008", Text: "old thing", Owner: "bo", Status: ActionDropped, Reason: "no longer needed", DoneAt: m.Date.Add(10 * time.Hour)},
		{ID: "A-0007", Text: "still open", Owner: "bo"},
	}}
	in := MinutesInput{Meeting: m, Audience: []Actor{cm, cop},
		Labels:  map[string]string{"P-0001": NotShared},
		Covers:  map[string][]RoomViewer{"P-0001": {{Actor: cm, Coverage: CoverageOf(ROIClasses...)}, {Actor: cop, Coverage: 0}}},
		Earlier: []Meeting{earlier}}
	got := MinutesFor(in)
	for _, no := range []string{"housing voucher", "started MAT", "keep on rotation", "call landlord", "Jane"} {
		if strings.Contains(got, no) {
			t.Errorf("room minutes with police (no ROI) => must not contain %q:\n%s", no, got)
		}
	}
	if !strings.Contains(got, "Closed action items:\n\n- 2 more not shared with everyone in the room") {
		t.Errorf("room minutes with police => general action items must be counted, not shown:\n%s", got)
	}
	in.Audience = []Actor{cm}
	in.Covers = nil
	in.Labels = map[string]string{"P-0001": "Jane Roe"}
	got = MinutesFor(in)
	for _, w := range []string{"Closed action items:\n\n- A-0009 find a bed (owner bo): done 2025-03-10 from M-0001\n- A-0008 old thing (owner bo): dropped, no longer needed from M-0001"} {
		if !strings.Contains(got, w) {
			t.Errorf("room minutes => missing %q in:\n%s", w, got)
		}
	}
	if strings.Contains(got, "still open") {
		t.Errorf("room minutes => an open item is not closed:\n%s", got)
	}
	if !strings.Contains(got, "started MAT") {
		t.Errorf("case manager alone => clinical note missing:\n%s", got)
	}
}
