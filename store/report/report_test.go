package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

var (
	pm        = store.Actor{User: "pat", Role: store.RolePM, System: true} // fixtures write as the system actor (store.MayWrite allows it all)
	community = store.Actor{User: "cora", Role: store.RoleCommunity}
	evaluator = store.Actor{User: "eve", Role: store.RoleEvaluator}
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture is a small site, two weeks from Monday 2025-03-03; the expected
// figures in TestBuildFigures are computed by hand from it.
func fixture() Input {
	ref := func(id, received string, kind store.ReferralKind, status store.ReferralStatus, race string) store.Referral {
		return store.Referral{ID: id, Received: at(received), Kind: kind, Status: status, RaceEthnicity: race}
	}
	r0 := ref("R-0000", "2025-02-20 10:00", store.KindSocialContact, store.RefAccepted, "")
	r0.DecidedAt, r0.ParticipantID = at("2025-03-04 10:00"), "P-0003"
	r1 := ref("R-0001", "2025-03-03 09:00", store.KindArrestDiversion, store.RefAccepted, "Black")
	r1.DecidedAt, r1.ParticipantID, r1.AckAt = at("2025-03-05 10:00"), "P-0001", at("2025-03-03 09:10")
	r1.Indicators.Contacts12m = 2
	r2 := ref("R-0002", "2025-03-04 22:00", store.KindSocialContact, store.RefWaitlisted, "White")
	r2.DecidedAt, r2.AckAt = at("2025-03-06 10:00"), at("2025-03-04 22:30")
	r3 := ref("R-0003", "2025-03-05 10:00", store.KindCommunity, store.RefScreenedOut, "")
	r3.Reason = "excluded_offense"
	r4 := ref("R-0004", "2025-03-10 08:00", store.KindArrestDiversion, store.RefDeclined, "Black")
	r4.DecidedAt, r4.Indicators.Warrant = at("2025-03-12 10:00"), true
	r5 := ref("R-0005", "2025-03-11 14:00", store.KindSocialContact, store.RefNew, "White")
	r5.AckAt, r5.Indicators.NextCourtDate = at("2025-03-11 14:20"), day("2025-04-01")
	r6 := ref("R-0006", "2025-03-12 09:00", store.KindArrestDiversion, store.RefAccepted, "Black")
	r6.DecidedAt, r6.ParticipantID, r6.AckAt = at("2025-03-13 10:00"), "P-0002", at("2025-03-12 09:40")
	r6.Indicators.Contacts12m = 1

	return Input{
		Period:   Period{From: day("2025-03-03"), To: day("2025-03-16")},
		AsOf:     at("2025-03-16 12:00"),
		Protocol: store.Protocol{Site: "Testville", CaseloadCap: 10, HardCap: 12, IntakeDeadlineDays: 3},
		Participants: []store.Participant{
			{ID: "P-0001", Name: "Ann", ReferralID: "R-0001", EnrolledOn: day("2025-03-05"), FirstContact: day("2025-03-04"),
				Status: store.StatusEngaging, CaseManager: "alice", RaceEthnicity: "Black"},
			{ID: "P-0002", Name: "Ben", ReferralID: "R-0006", EnrolledOn: day("2025-03-14"), FirstContact: day("2025-03-12"),
				Status: store.StatusNotYetEngaged, CaseManager: "alice", RaceEthnicity: "Black"},
			{ID: "P-0003", Name: "Cal", ReferralID: "R-0000", EnrolledOn: day("2025-03-04"), FirstContact: day("2025-02-25"),
				Status: store.StatusUnableToLocate, CaseManager: "bob", LastContact: day("2025-02-10")},
			{ID: "P-0004", Name: "Dee", EnrolledOn: day("2024-12-01"), Status: store.StatusExited, ExitReason: "moved",
				CaseManager: "bob", RaceEthnicity: "White", Updated: at("2025-03-10 12:00")},
		},
		Contacts: []store.Contact{
			{ID: "C-1", ParticipantID: "P-0001", Date: day("2025-03-10")},
			{ID: "C-2", ParticipantID: "P-0002", Date: day("2025-03-12")},
			{ID: "C-3", ParticipantID: "P-0003", Date: day("2025-02-20")},
			{ID: "C-4", ParticipantID: "P-0004", Date: day("2025-03-01")},
		},
		Goals: []store.Goal{
			{ID: "G-1", ParticipantID: "P-0001", Domain: store.DomainHousing, Status: store.GoalAchieved, Created: day("2025-03-05"), Updated: day("2025-03-14"),
				Progress: []store.ProgressEntry{{Date: day("2025-02-28"), Step: store.StepForward}, {Date: day("2025-03-06"), Step: store.StepForward}, {Date: day("2025-03-10"), Step: store.StepSetback}}},
			{ID: "G-2", ParticipantID: "P-0002", Domain: store.DomainHealth, Status: store.GoalActive, Created: day("2025-02-01"),
				Progress: []store.ProgressEntry{{Date: day("2025-03-12"), Step: store.StepNoChange}, {Date: day("2025-03-13"), Step: store.StepForward}}},
			{ID: "G-3", ParticipantID: "P-0001", Domain: store.DomainIncome, Status: store.GoalSetAside, Created: day("2025-03-06"), Updated: day("2025-03-07")},
		},
		Referrals: []store.Referral{r0, r1, r2, r3, r4, r5, r6},
		Cases: []store.LegalCase{
			{ID: "L-1", ParticipantID: "P-0001", Kind: store.CasePreExisting, Status: store.CaseOpen, Hearings: []store.Hearing{
				{Date: day("2025-02-01"), Outcome: "kept"}, {Date: day("2025-03-04"), Outcome: "kept"}, {Date: day("2025-03-11"), Outcome: "missed"}, {Date: day("2025-03-20")}}},
			{ID: "L-2", ParticipantID: "P-0002", Kind: store.CaseWarrant, Status: store.CaseResolved, ResolvedOn: day("2025-03-08")},
			{ID: "L-3", ParticipantID: "P-0003", Kind: store.CaseWarrant, Status: store.CaseOpen, Created: day("2025-01-01")},
			{ID: "L-4", ParticipantID: "P-0002", Kind: store.CasePostEnrollment, Status: store.CaseOpen, Created: day("2025-03-15")},
			{ID: "L-5", ParticipantID: "P-0001", Kind: store.CaseDivertedArrest, Status: store.CaseClosed, IntakeDeadline: day("2025-03-06"), IntakeCompleted: day("2025-03-05")},
			{ID: "L-6", ParticipantID: "P-0002", Kind: store.CaseDivertedArrest, Status: store.CaseClosed, IntakeDeadline: day("2025-03-13"), IntakeCompleted: day("2025-03-14")},
			{ID: "L-7", ParticipantID: "P-0003", Kind: store.CaseDivertedArrest, Status: store.CaseOpen, IntakeDeadline: day("2025-03-10")},
		},
		Users: []store.User{
			{Name: "alice", Role: store.RoleCaseManager, Active: true},
			{Name: "bob", Role: store.RoleCaseManager, Active: true, Cap: 3},
			{Name: "carol", Role: store.RoleSupervisor, Active: true},
		},
		Meetings: []store.Meeting{
			{ID: "M-1", Date: day("2025-03-06"), Status: store.MeetingEnded},
			{ID: "M-2", Date: day("2025-03-20"), Status: store.MeetingPlanned},
		},
	}
}

func v(n int) Cell      { return Cell{Value: n} }
func num(f float64) Num { return Num{Value: f, Valid: true} }
func sup() Cell         { return Cell{Suppressed: true} }
func share(c, of int, f float64) Share {
	return Share{Count: v(c), Of: v(of), Share: num(f)}
}

func check[T comparable](t *testing.T, name string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %+v => want %+v", name, got, want)
	}
}

func TestBuildFigures(t *testing.T) {
	r := Build(fixture(), pm)
	check(t, "small cell suppression", r.SmallCellSuppression, false)
	check(t, "period", r.From+".."+r.To+" "+r.AsOf, "2025-03-03..2025-03-16 2025-03-16")

	// referrals per week by kind
	check(t, "referrals total", r.Referrals.Total, v(6))
	check(t, "arrest diversions", r.Referrals.ByKind["arrest_diversion"], v(3))
	check(t, "social contacts", r.Referrals.ByKind["social_contact"], v(2))
	check(t, "community", r.Referrals.ByKind["community"], v(1))
	check(t, "weeks", len(r.Referrals.Weeks), 2)
	check(t, "week 1 start", r.Referrals.Weeks[0].Start, "2025-03-03")
	check(t, "week 1 total", r.Referrals.Weeks[0].Total, v(3))
	check(t, "week 2 arrest diversions", r.Referrals.Weeks[1].ByKind["arrest_diversion"], v(2))

	// decisions
	d := r.Decisions
	check(t, "offered", d.Offered, v(2))
	check(t, "waitlisted", d.Waitlisted, v(1))
	check(t, "declined", d.Declined, v(1))
	check(t, "withdrawn", d.Withdrawn, v(0))
	check(t, "pending", d.Pending, v(1))
	check(t, "screened out", d.ScreenedOut, v(1))
	check(t, "screened out excluded_offense", d.ScreenedOutByReason["excluded_offense"], v(1))
	check(t, "meetings held", d.MeetingsHeld, 1)

	// waitlist
	check(t, "waiting now", r.Waitlist.Waiting, v(2))
	check(t, "waitlisted now", r.Waitlist.Waitlisted, v(1))
	check(t, "waiting end of week 1", r.Waitlist.Weeks[0].Waiting, v(1))
	check(t, "waiting end of week 2", r.Waitlist.Weeks[1].Waiting, v(2))

	// timeliness: first contact days [1 0], intake days [2 2 12]
	check(t, "first contact n", r.Timeliness.ReferralToFirstContactDays.N, v(2))
	check(t, "first contact median", r.Timeliness.ReferralToFirstContactDays.Median, num(0.5))
	check(t, "intake n", r.Timeliness.ReferralToIntakeDays.N, v(3))
	check(t, "intake median", r.Timeliness.ReferralToIntakeDays.Median, num(2))
	check(t, "intake p90", r.Timeliness.ReferralToIntakeDays.P90, num(12))

	// capacity
	c := r.Capacity
	check(t, "case managers", len(c.CaseManagers), 2)
	check(t, "alice", c.CaseManagers[0], CaseManager{Name: "alice", Active: v(2), SoftCap: 10, HardCap: 12, OpenSlots: v(8)})
	check(t, "bob", c.CaseManagers[1], CaseManager{Name: "bob", Active: v(1), SoftCap: 3, HardCap: 12, OpenSlots: v(2)})
	check(t, "active", c.Active, v(3))
	check(t, "open slots", c.OpenSlots, v(10))

	// engagement
	e := r.Engagement
	check(t, "active participants", e.Active, v(3))
	check(t, "contact 14d", e.Contact14d, share(2, 3, 0.667))
	check(t, "contact 30d", e.Contact30d, share(3, 3, 1))
	check(t, "unable to locate", e.UnableToLocate, v(1))

	// goals
	g := r.Goals
	check(t, "goals", g.GoalCounts, GoalCounts{Set: v(2), Achieved: v(1), Forward: v(2), NoChange: v(1), Setback: v(1)})
	check(t, "housing", g.ByDomain["housing"], GoalCounts{Set: v(1), Achieved: v(1), Forward: v(1), Setback: v(1)})
	check(t, "health", g.ByDomain["health"], GoalCounts{Forward: v(1), NoChange: v(1)})

	// legal
	l := r.Legal
	check(t, "court dates kept", l.CourtDatesKept, share(1, 2, 0.5))
	check(t, "warrants resolved", l.WarrantsResolved, v(1))
	check(t, "warrants open", l.WarrantsOpen, v(1))
	check(t, "post-enrollment", l.PostEnrollmentCases, v(1))
	check(t, "intakes on time", l.DivertedIntakesOnTime, share(1, 2, 0.5))
	check(t, "intakes overdue", l.DivertedIntakesLate, v(1))

	// equity
	eq := r.Equity
	check(t, "equity groups", len(eq.Groups), 3)
	check(t, "Black", eq.Groups[0], EquityGroup{Group: "Black, African American, or African", Recorded: true, Referrals: v(3), Decided: v(3), Offers: v(2), OfferShare: num(0.667), Enrollments: v(2)})
	check(t, "White", eq.Groups[1], EquityGroup{Group: "White", Recorded: true, Referrals: v(2), Decided: v(1), OfferShare: num(0), Exits: v(1)})
	check(t, "not recorded", eq.Groups[2], EquityGroup{Group: NotRecorded, Referrals: v(1), Enrollments: v(1)})
	check(t, "top share (no group of 5)", eq.TopShare, Num{})

	// net-widening
	n := r.NetWidening
	check(t, "no recent contact", n.NoRecentContact, share(2, 6, 0.333))
	check(t, "arrest diversion", n.ByKind["arrest_diversion"], share(0, 3, 0))
	check(t, "social contact", n.ByKind["social_contact"], share(1, 2, 0.5))
	check(t, "community", n.ByKind["community"], share(1, 1, 1))

	// intake response: ack minutes [10 30 20 40], first contact [900 0]
	ir := r.IntakeResponse
	check(t, "intake referrals", ir.Referrals, v(5))
	check(t, "unacknowledged", ir.Unacknowledged, v(1))
	check(t, "to ack", ir.ToAck, Dist{N: v(4), Median: num(25), P90: num(40)})
	check(t, "to first contact", ir.ToFirstContact, Dist{N: v(2), Median: num(450), P90: num(900)})
	check(t, "monday", ir.ByWeekday[0], ResponseBucket{Bucket: "mon", Referrals: v(2), ToAck: Dist{N: v(1), Median: num(10), P90: num(10)},
		ToFirstContact: Dist{N: v(1), Median: num(900), P90: num(900)}})
	check(t, "tuesday ack", ir.ByWeekday[1].ToAck, Dist{N: v(2), Median: num(25), P90: num(30)})
	check(t, "hours", len(ir.ByHour), 24)
	check(t, "09h", ir.ByHour[9].Referrals, v(2))
	check(t, "09h ack", ir.ByHour[9].ToAck.Median, num(25))
	check(t, "22h", ir.ByHour[22].Referrals, v(1))
}

func TestFourFifths(t *testing.T) {
	var rs []store.Referral
	add := func(race string, decided, offers int) {
		for i := range decided {
			st := store.RefWaitlisted
			if i < offers {
				st = store.RefAccepted
			}
			rs = append(rs, store.Referral{ID: "R-x", Received: at("2025-03-05 10:00"), Kind: store.KindSocialContact, Status: st, RaceEthnicity: race})
		}
	}
	const A, B, C, D, E = "Asian or Asian American", "Black, African American, or African", "White", "Hispanic/Latina/e/o", "Middle Eastern or North African"
	add(A, 10, 8)                         // 0.8: top
	add(B, 10, 6)                         // 0.6 < 0.64: flagged
	add(C, 5, 4)                          // 0.8: not flagged
	add("", 10, 10)                       // 1.0 but not recorded: never top, never flagged
	add(D, 4, 0)                          // too few decided to compare
	add(E, 10, 7)                         // 0.7 >= 0.64: not flagged
	add("Client doesn't know", 10, 10)    // a non-answer: shown, never top, never flagged
	add("White; named Rosa Okafor", 5, 0) // free text from before the vocabulary: data not collected
	in := Input{Period: Period{From: day("2025-03-01"), To: day("2025-03-31")}, AsOf: day("2025-03-31"), Referrals: rs}
	for _, viewer := range []store.Actor{pm, evaluator} {
		eq := Build(in, viewer).Equity
		flags := map[string]bool{}
		for _, g := range eq.Groups {
			flags[g.Group] = g.Flag
		}
		want := map[string]bool{A: false, B: true, C: false, NotRecorded: false, D: false, E: false, "Client doesn't know": false, store.RaceDataNotCollected: false}
		for _, g := range eq.Groups {
			if strings.Contains(g.Group, "Rosa") {
				t.Errorf("free text shown as a group: %q", g.Group)
			}
			if _, ok := want[g.Group]; !ok {
				t.Errorf("unexpected group %q", g.Group)
			}
		}
		for k, w := range want {
			check(t, string(viewer.Role)+" flag "+k, flags[k], w)
		}
		check(t, string(viewer.Role)+" top share", eq.TopShare, num(0.8))
		check(t, string(viewer.Role)+" last group", eq.Groups[len(eq.Groups)-1].Group, NotRecorded)
	}
}

// referralsOf makes n social-contact referrals and m arrest diversions.
func referralsOf(n, m int) Input {
	in := Input{Period: Period{From: day("2025-03-03"), To: day("2025-03-09")}, AsOf: at("2025-03-09 12:00")}
	for range n {
		in.Referrals = append(in.Referrals, store.Referral{ID: "R-x", Received: at("2025-03-04 10:00"), Kind: store.KindSocialContact, Status: store.RefNew})
	}
	for range m {
		in.Referrals = append(in.Referrals, store.Referral{ID: "R-y", Received: at("2025-03-05 10:00"), Kind: store.KindArrestDiversion, Status: store.RefNew})
	}
	return in
}

func TestSmallCellSuppression(t *testing.T) {
	for _, tc := range []struct {
		n      int
		viewer store.Actor
		want   Cell
	}{
		{4, community, sup()},
		{5, community, v(5)},
		{4, evaluator, sup()},
		{5, evaluator, v(5)},
		{1, evaluator, sup()},
		{0, evaluator, v(0)},
		{4, pm, v(4)},
		{1, pm, v(1)},
		{4, store.Actor{Role: store.RolePolice}, sup()},
		{4, store.Actor{Role: store.RoleCaseManager}, v(4)},
	} {
		r := Build(referralsOf(tc.n, 0), tc.viewer)
		check(t, fmt.Sprintf("%s total of %d", tc.viewer.Role, tc.n), r.Referrals.Total, tc.want)
		check(t, "pending", r.Decisions.Pending, tc.want)
		check(t, "net-widening count", r.NetWidening.NoRecentContact.Count, tc.want)
		if tc.want.Suppressed {
			check(t, "share with a suppressed count", r.NetWidening.NoRecentContact.Share, Num{Suppressed: true})
			if !strings.Contains(r.Text(80, true), "<5") {
				t.Errorf("text for %s does not show <5", tc.viewer.Role)
			}
		}
	}
}

func TestComplementarySuppression(t *testing.T) {
	// 4 social contacts and 6 arrest diversions: the total 10 is shown, so
	// hiding only the 4 would let anyone compute it; the 6 is hidden too.
	r := Build(referralsOf(4, 6), evaluator)
	check(t, "total", r.Referrals.Total, v(10))
	check(t, "social contact", r.Referrals.ByKind["social_contact"], sup())
	check(t, "arrest diversion", r.Referrals.ByKind["arrest_diversion"], sup())
	check(t, "community (zero is shown)", r.Referrals.ByKind["community"], v(0))
	r = Build(referralsOf(4, 6), pm)
	check(t, "pm social contact", r.Referrals.ByKind["social_contact"], v(4))
	r = Build(referralsOf(5, 6), evaluator)
	check(t, "5 social contacts", r.Referrals.ByKind["social_contact"], v(5))
}

func TestMedianWithSmallN(t *testing.T) {
	in := fixture()
	r := Build(in, evaluator)
	check(t, "first contact n=2", r.Timeliness.ReferralToFirstContactDays, Dist{N: sup(), Median: Num{Suppressed: true}, P90: Num{Suppressed: true}})
	check(t, "capacity alice", r.Capacity.CaseManagers[0].Active, sup())
	check(t, "capacity alice open", r.Capacity.CaseManagers[0].OpenSlots, sup())
}

func TestJSON(t *testing.T) {
	b, err := Build(referralsOf(4, 6), evaluator).JSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"referrals", "decisions", "waitlist", "timeliness", "capacity", "engagement", "goals", "legal", "equity", "net_widening", "intake_response"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks top-level key %q", k)
		}
	}
	var refs struct {
		Total  any            `json:"total"`
		ByKind map[string]any `json:"by_kind"`
	}
	if err := json.Unmarshal(m["referrals"], &refs); err != nil {
		t.Fatal(err)
	}
	check(t, "total", refs.Total, any(float64(10)))
	check(t, "suppressed cell", refs.ByKind["social_contact"], any("<5"))
	if strings.Contains(string(m["decisions"]), `"pending": 4`) {
		t.Error("a suppressed count leaked into the JSON")
	}
}

func TestText(t *testing.T) {
	r := Build(fixture(), pm)
	for _, ascii := range []bool{false, true} {
		s := r.Text(80, ascii)
		for _, want := range []string{"REFERRALS PER WEEK", "DECISIONS", "WAITLIST", "TIMELINESS", "CAPACITY", "ENGAGEMENT", "GOALS", "LEGAL", "EQUITY", "NET-WIDENING WATCH", "INTAKE RESPONSE"} {
			if !strings.Contains(s, want) {
				t.Errorf("text lacks %q", want)
			}
		}
		for i, line := range strings.Split(s, "\n") {
			if ascii {
				for _, c := range line {
					if c > 0x7e {
						t.Fatalf("ascii text line %d has %q: %s", i+1, c, line)
					}
				}
			}
		}
		if ascii && !strings.Contains(s, "#") {
			t.Error("ascii text has no bars")
		}
		if !ascii && !strings.Contains(s, "█") {
			t.Error("text has no block bars")
		}
	}
}

func TestMedianPercentile(t *testing.T) {
	check(t, "median odd", median([]float64{3, 1, 2}), 2.0)
	check(t, "median even", median([]float64{4, 1, 3, 2}), 2.5)
	check(t, "p90 of 10", percentile([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9), 9.0)
	check(t, "p90 of 11", percentile([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0.9), 10.0)
	check(t, "p90 of 1", percentile([]float64{7}, 0.9), 7.0)
}
