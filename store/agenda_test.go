package store

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBuildAgendaOrder(t *testing.T) {
	p := DefaultProtocol()
	meetingDay := DateOf(asOf) // 2025-03-31
	last := &Meeting{
		ID: "M-0003", Date: meetingDay.AddDate(0, 0, -14), EndedAt: meetingDay.AddDate(0, 0, -14).Add(11 * time.Hour),
		Facilitator: "pm_lee",
		ActionItems: []ActionItem{
			{ID: "A-0001", Text: "call housing", Owner: "cm1", Due: meetingDay.AddDate(0, 0, -1)},
			{ID: "A-0002", Text: "done thing", Owner: "cm1", Done: true},
			{ID: "A-0003", Text: "find ROI", Owner: "cm2"},
		},
	}
	since := last.EndedAt
	dob := day("1980-01-01")
	parts := []Participant{
		{ID: "P-0001", Name: "Flagged Person", DOB: dob, Status: StatusEngaging, CaseManager: "cm1", FlaggedBy: "officer_kim",
			LastContact: meetingDay.AddDate(0, 0, -30), LastReview: meetingDay.AddDate(0, 0, -40), EnrolledOn: day("2024-01-01")},
		{ID: "P-0002", Name: "Overdue Long", DOB: dob, Status: StatusEngaging, CaseManager: "cm1",
			LastContact: meetingDay.AddDate(0, 0, -21), LastReview: meetingDay.AddDate(0, 0, -5), EnrolledOn: day("2024-01-01")},
		{ID: "P-0003", Name: "Overdue Longer", DOB: dob, Status: StatusUnableToLocate, CaseManager: "cm2",
			LastContact: meetingDay.AddDate(0, 0, -40), LastReview: meetingDay.AddDate(0, 0, -5), EnrolledOn: day("2024-01-01")},
		{ID: "P-0004", Name: "Contact 14 days", DOB: dob, Status: StatusEngaging, CaseManager: "cm2", // neither overdue nor due
			LastContact: meetingDay.AddDate(0, 0, -14), LastReview: meetingDay.AddDate(0, 0, -14), EnrolledOn: day("2024-01-01")},
		{ID: "P-0005", Name: "Rotation old", DOB: dob, Status: StatusEngaging, CaseManager: "cm2",
			LastContact: meetingDay.AddDate(0, 0, -2), LastReview: meetingDay.AddDate(0, 0, -30), EnrolledOn: day("2024-01-01")},
		{ID: "P-0006", Name: "Never reviewed", DOB: dob, Status: StatusNotYetEngaged, CaseManager: "cm2",
			LastContact: meetingDay.AddDate(0, 0, -1), EnrolledOn: day("2025-03-20")},
		{ID: "P-0007", Name: "Rotation older", DOB: dob, Status: StatusEngaging, CaseManager: "cm1",
			LastContact: meetingDay.AddDate(0, 0, -1), LastReview: meetingDay.AddDate(0, 0, -50), EnrolledOn: day("2024-01-01")},
		{ID: "P-0008", Name: "Exited", DOB: dob, Status: StatusExited, FlaggedBy: "x",
			LastContact: meetingDay.AddDate(0, 0, -90), EnrolledOn: day("2024-01-01")},
		{ID: "P-0009", Name: "Recently reviewed", DOB: dob, Status: StatusEngaging, CaseManager: "cm1",
			LastContact: meetingDay.AddDate(0, 0, -1), LastReview: meetingDay.AddDate(0, 0, -10), EnrolledOn: day("2024-01-01")},
	}
	cases := []LegalCase{
		{ID: "L-0001", ParticipantID: "P-0002", Kind: CasePreExisting, Status: CaseOpen, NextCourtDate: meetingDay.AddDate(0, 0, 3)},
		{ID: "L-0002", ParticipantID: "P-0003", Kind: CasePreExisting, Status: CaseOpen, NextCourtDate: meetingDay},
		{ID: "L-0003", ParticipantID: "P-0002", Kind: CasePreExisting, Status: CaseOpen, NextCourtDate: meetingDay.AddDate(0, 0, 15)},    // past the window
		{ID: "L-0004", ParticipantID: "P-0002", Kind: CasePreExisting, Status: CaseOpen, NextCourtDate: meetingDay.AddDate(0, 0, -1)},    // past
		{ID: "L-0005", ParticipantID: "P-0004", Kind: CasePostEnrollment, Status: CaseOpen, Created: since.Add(time.Hour)},               // new
		{ID: "L-0006", ParticipantID: "P-0004", Kind: CasePostEnrollment, Status: CaseOpen, Created: since.Add(-time.Hour)},              // old
		{ID: "L-0007", ParticipantID: "P-0005", Kind: CaseWarrant, Status: CaseOpen},                                                     // active warrant
		{ID: "L-0008", ParticipantID: "P-0005", Kind: CaseWarrant, Status: CaseResolved},                                                 // quashed
		{ID: "L-0009", ParticipantID: "P-0006", Kind: CaseDivertedArrest, Status: CaseOpen, IntakeDeadline: meetingDay.AddDate(0, 0, 7)}, // near
		{ID: "L-0010", ParticipantID: "P-0006", Kind: CaseDivertedArrest, Status: CaseOpen, IntakeDeadline: meetingDay.AddDate(0, 0, 8)}, // not near
		{ID: "L-0011", ParticipantID: "P-0006", Kind: CaseDivertedArrest, Status: CaseOpen, IntakeDeadline: meetingDay.AddDate(0, 0, -2)},
		{ID: "L-0012", ParticipantID: "P-0006", Kind: CaseDivertedArrest, Status: CaseOpen, IntakeDeadline: meetingDay.AddDate(0, 0, 1), IntakeCompleted: meetingDay},
		{ID: "L-0013", ParticipantID: "P-0008", Kind: CaseWarrant, Status: CaseOpen},                                              // exited participant
		{ID: "L-0014", ParticipantID: "P-0007", Kind: CaseWarrant, Status: CaseOpen, NextCourtDate: meetingDay.AddDate(0, 0, 14)}, // court on day 14 and warrant
	}
	refs := []Referral{
		{ID: "R-0010", Kind: KindArrestDiversion, Offense: "trespass", Received: since.Add(time.Hour), Status: RefNew, AckBy: "sup"},
		{ID: "R-0011", Kind: KindSocialContact, Received: since.Add(2 * time.Hour), Status: RefNew, Indicators: Indicators{Unsheltered: true}},
		{ID: "R-0009", Kind: KindSocialContact, Received: since.Add(-48 * time.Hour), Status: RefWaitlisted, WaitlistPos: 1},
		{ID: "R-0008", Kind: KindSocialContact, Received: since.Add(-72 * time.Hour), Status: RefWaitlisted, WaitlistPos: 2},
		{ID: "R-0012", Kind: KindSocialContact, Received: since.Add(3 * time.Hour), Status: RefNew, Person: Person{Name: "overdue long", DOB: dob}},
		{ID: "R-0013", Kind: KindSocialContact, Received: since.Add(3 * time.Hour), Status: RefNew, Offense: "dui"},
	}
	rk := Rank(p, refs, parts, 3, asOf)
	items := BuildAgenda(AgendaInput{Protocol: p, AsOf: asOf, LastMeeting: last, Ranking: rk, Participants: parts, Cases: cases})

	var got []string
	for i, it := range items {
		if it.ID != fmt.Sprint(i+1) || it.Status != ItemPending {
			t.Errorf("item %d: id %q status %q", i, it.ID, it.Status)
		}
		got = append(got, fmt.Sprintf("%s|%s|%s", it.Kind, it.Title, it.Reason))
		for _, pt := range parts {
			if strings.Contains(it.Title, pt.Name) || strings.Contains(it.Reason, pt.Name) {
				t.Errorf("item %q names %q", it.Title, pt.Name)
			}
		}
	}
	want := []string{
		"action_items|Open action items from M-0003|2 open, 2 owners, 1 past due",
		// ranked (2 weeks waited each): R-0010 (arrest diversion), R-0011 (unsheltered), then the
		// oldest waitlisted R-0008 reaches a slot; R-0009 is waitlisted #1 (within waitlist_shown 3);
		// R-0013 (DUI) is screened out, never ranked: counted in the summary item
		"referral|Referral R-0010 (arrest diversion)|rank 1 of 4, score 22, offer (capacity 3)",
		"referral|Referral R-0011 (social contact)|rank 2 of 4, score 12, offer (capacity 3); not acknowledged within 30 minutes",
		"referral|Referral R-0008 (social contact)|rank 3 of 4, score 2, offer (capacity 3); a slot opened for this waitlisted referral; not acknowledged within 30 minutes",
		"referral|Referral R-0009 (social contact)|rank 4 of 4, score 2, waitlist #1 (capacity 3); not acknowledged within 30 minutes",
		"referral|Re-referral R-0012 (of P-0002)|already enrolled: routed to the case manager, uses no capacity",
		"referral_summary|Other referrals: 1 screened out|x lists them one by one",
		"case|Court date: L-0002 (P-0003)|court today",
		"case|Court date: L-0001 (P-0002)|court in 3 days",
		"case|Court date: L-0014 (P-0007)|court in 14 days; active warrant",
		"case|New post-enrollment case: L-0005 (P-0004)|new since the last meeting",
		"case|Active warrant: L-0007 (P-0005)|active warrant",
		"case|Intake deadline: L-0011 (P-0006)|intake overdue by 2 days",
		"case|Intake deadline: L-0009 (P-0006)|intake due in 7 days",
		"goal_review|Goal review: P-0001|flagged by officer_kim",
		"goal_review|Goal review: P-0003|no contact for 40 days",
		"goal_review|Goal review: P-0002|no contact for 21 days",
		"goal_review|Goal review: P-0006|never reviewed in the OWG",
		"goal_review|Goal review: P-0007|rotation: last reviewed 50 days ago",
		"goal_review|Goal review: P-0005|rotation: last reviewed 30 days ago",
	}
	if !slices.Equal(got, want) {
		t.Errorf("agenda =>\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, it := range items {
		if it.Kind == ItemGoalReview && it.Subject == "P-0001" && it.Presenter != "cm1" {
			t.Errorf("goal review presenter => %q, want the case manager", it.Presenter)
		}
	}
}

func TestBuildAgendaFirstMeetingAndEmpty(t *testing.T) {
	p := DefaultProtocol()
	if items := BuildAgenda(AgendaInput{Protocol: p, AsOf: asOf}); items == nil || len(items) != 0 {
		t.Errorf("empty agenda => %#v", items)
	}
	// no last meeting: every open post-enrollment case is new; no action items item
	items := BuildAgenda(AgendaInput{Protocol: p, AsOf: asOf, Cases: []LegalCase{
		{ID: "L-0001", ParticipantID: "P-0001", Kind: CasePostEnrollment, Status: CaseOpen, Created: day("2024-01-01")},
	}})
	if len(items) != 1 || items[0].Title != "New post-enrollment case: L-0001 (P-0001)" {
		t.Errorf("first meeting => %+v", items)
	}
	// a last meeting with every action item done adds no item
	items = BuildAgenda(AgendaInput{Protocol: p, AsOf: asOf, LastMeeting: &Meeting{ID: "M-0001", Date: day("2025-03-17"),
		ActionItems: []ActionItem{{Text: "x", Owner: "y", Done: true}}}})
	if len(items) != 0 {
		t.Errorf("all action items done => %+v", items)
	}
}

func TestOverdueAndReviewDue(t *testing.T) {
	p := DefaultProtocol()
	d := DateOf(asOf)
	tests := []struct {
		name string
		pt   Participant
		want bool
	}{
		{"contact 14 days ago", Participant{Status: StatusEngaging, LastContact: d.AddDate(0, 0, -14)}, false},
		{"contact 15 days ago", Participant{Status: StatusEngaging, LastContact: d.AddDate(0, 0, -15)}, true},
		{"no contact, enrolled 10 days ago", Participant{Status: StatusEngaging, EnrolledOn: d.AddDate(0, 0, -10)}, false},
		{"no contact, enrolled 20 days ago", Participant{Status: StatusEngaging, EnrolledOn: d.AddDate(0, 0, -20)}, true},
		{"exited", Participant{Status: StatusExited, LastContact: d.AddDate(0, 0, -99)}, false},
		{"no dates at all", Participant{Status: StatusEngaging}, true},
	}
	for _, tt := range tests {
		if got := Overdue(p, tt.pt, asOf); got != tt.want {
			t.Errorf("Overdue(%s) => %v, want %v", tt.name, got, tt.want)
		}
	}
	// rotation 28, meetings every 14: reviewed 14 days ago is not due (28 days by the next
	// meeting, still within the period); 15 days ago is (29 by the next meeting)
	for _, tt := range []struct {
		ago  int
		want bool
	}{{0, false}, {13, false}, {14, false}, {15, true}, {28, true}, {40, true}} {
		pt := Participant{Status: StatusEngaging, LastReview: d.AddDate(0, 0, -tt.ago)}
		if got := ReviewDue(p, pt, asOf); got != tt.want {
			t.Errorf("ReviewDue(reviewed %d days ago) => %v, want %v", tt.ago, got, tt.want)
		}
	}
	if !ReviewDue(p, Participant{Status: StatusEngaging}, asOf) || ReviewDue(p, Participant{Status: StatusExited}, asOf) {
		t.Errorf("ReviewDue never-reviewed / exited wrong")
	}
}

func TestUnacknowledged(t *testing.T) {
	p := DefaultProtocol()
	recv := asOf.Add(-31 * time.Minute)
	tests := []struct {
		name string
		r    Referral
		want bool
	}{
		{"31 minutes", Referral{Kind: KindArrestDiversion, Received: recv, Status: RefNew}, true},
		{"30 minutes", Referral{Kind: KindSocialContact, Received: asOf.Add(-30 * time.Minute), Status: RefNew}, false},
		{"acknowledged", Referral{Kind: KindArrestDiversion, Received: recv, Status: RefNew, AckBy: "sup"}, false},
		{"community", Referral{Kind: KindCommunity, Received: recv, Status: RefNew}, false},
		{"decided", Referral{Kind: KindArrestDiversion, Received: recv, Status: RefAccepted}, false},
	}
	for _, tt := range tests {
		if got := Unacknowledged(p, tt.r, asOf); got != tt.want {
			t.Errorf("Unacknowledged(%s) => %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestPlanAgendaBudget: goal reviews fill only the minutes left, the
// rotation resumes where it stopped, every open action item of any
// earlier meeting comes back (grouped by owner, overdue first), the
// waitlist beyond waitlist_shown is one summary item, and an item added
// in the last meeting that was not reached comes back.
func TestPlanAgendaBudget(t *testing.T) {
	p := DefaultProtocol()
	p.Meeting.Minutes = 30
	p.Meeting.WaitlistShown = 1
	d := DateOf(asOf)
	var parts []Participant
	for i := 1; i <= 10; i++ {
		parts = append(parts, Participant{ID: fmt.Sprintf("P-%04d", i), Status: StatusEngaging, CaseManager: "cm1",
			LastContact: d.AddDate(0, 0, -1), LastReview: d.AddDate(0, 0, -60+i), EnrolledOn: day("2024-01-01")})
	}
	m1 := Meeting{ID: "M-0001", Date: d.AddDate(0, 0, -28), Status: MeetingEnded, ActionItems: []ActionItem{
		{ID: "A-0001", Text: "a", Owner: "zed", Due: d.AddDate(0, 0, -3)},
		{ID: "A-0002", Text: "b", Owner: "amy", Due: d.AddDate(0, 0, 5)},
		{ID: "A-0003", Text: "c", Owner: "amy", Status: ActionDone, Done: true},
	}}
	m2 := Meeting{ID: "M-0002", Date: d.AddDate(0, 0, -14), Status: MeetingEnded, EndedAt: d.AddDate(0, 0, -14).Add(time.Hour),
		Items: []AgendaItem{
			{ID: "1", Kind: ItemOther, Title: "Budget for bus passes", Typed: true, Status: ItemNotReached},
			{ID: "2", Kind: ItemOther, Title: "Done topic", Status: ItemDiscussed},
		},
		ActionItems: []ActionItem{
			{ID: "A-0004", Text: "d", Owner: "amy", Due: d.AddDate(0, 0, -1)},
			{ID: "A-0005", Text: "e", Owner: "bob", Status: ActionDropped, Reason: "moot"},
		}}
	refs := []Referral{
		{ID: "R-0001", Kind: KindSocialContact, Received: d.AddDate(0, 0, -3), Status: RefNew},
		{ID: "R-0002", Kind: KindSocialContact, Received: d.AddDate(0, 0, -2), Status: RefNew},
		{ID: "R-0003", Kind: KindSocialContact, Received: d.AddDate(0, 0, -1), Status: RefNew},
	}
	rk := Rank(p, refs, parts, 1, asOf)
	plan := PlanAgenda(AgendaInput{Protocol: p, AsOf: asOf, LastMeeting: &m2, Earlier: []Meeting{m1, m2}, Ranking: rk, Participants: parts})
	var got []string
	for _, it := range plan.Items {
		got = append(got, fmt.Sprintf("%s|%s|%d", it.Kind, it.Subject, it.Minutes))
	}
	want := []string{
		"action_items|M-0002|1",                  // 3 open: one block of 5
		"referral|R-0001|3", "referral|R-0002|3", // offered, waitlist #1
		"referral_summary||2",                                                  // R-0003, waitlist #2
		"other||5",                                                             // not reached in M-0002
		"goal_review|P-0001|4", "goal_review|P-0002|4", "goal_review|P-0003|4", // 14 used, 16 left: 4 reviews
		"goal_review|P-0004|4",
	}
	if !slices.Equal(got, want) {
		t.Errorf("budgeted agenda =>\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if plan.Estimate != 30 || plan.Budget != 30 || plan.ReviewsDue != 10 || plan.ReviewsListed != 4 || plan.RotationMeetings != 3 {
		t.Errorf("plan => estimate %d budget %d reviews %d/%d rotation in %d meetings, want 30 30 4/10 3",
			plan.Estimate, plan.Budget, plan.ReviewsListed, plan.ReviewsDue, plan.RotationMeetings)
	}
	if s := plan.Items[3]; !slices.Equal(s.More, []string{"R-0003"}) || s.Title != "Other referrals: 1 more waitlisted" {
		t.Errorf("summary item => %q %v", s.Title, s.More)
	}
	var owners []string
	for _, a := range OpenActions([]Meeting{m1, m2}, asOf) {
		owners = append(owners, a.Owner+":"+a.ID)
	}
	if w := []string{"amy:A-0004", "amy:A-0002", "zed:A-0001"}; !slices.Equal(owners, w) {
		t.Errorf("OpenActions => %v, want %v (owners with overdue first, overdue first within)", owners, w)
	}
	// the next meeting, the four reviewed: the rotation resumes at P-0005
	for i := range 4 {
		parts[i].LastReview = d
	}
	plan = PlanAgenda(AgendaInput{Protocol: p, AsOf: asOf, Participants: parts})
	if len(plan.Items) == 0 || plan.Items[0].Subject != "P-0005" {
		t.Errorf("next meeting => %+v, want the rotation to resume at P-0005", plan.Items)
	}
}
