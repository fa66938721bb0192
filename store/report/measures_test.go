package report

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

func d(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }

func pev(id string, at time.Time, f store.HistoryField, from, to string) store.HistoryEvent {
	return store.HistoryEvent{Time: at, Kind: store.HistParticipant, Record: id, ParticipantID: id, Field: f, From: from, To: to}
}

func cev(id, pid string, at time.Time, kind store.CaseKind) store.HistoryEvent {
	return store.HistoryEvent{Time: at, Kind: store.HistCase, Record: id, ParticipantID: pid, Field: store.HistOpened, To: string(kind)}
}

// measureInput is one participant followed for over a year: unsheltered
// at entry, in a shelter at 6 months, permanently housed at 12; one case
// opened 3 months before enrolment, one 4 months after; court dates
// kept and missed after enrolment; 26 contacts.
func measureInput() Input {
	e := d(2025, 1, 10)
	p := store.Participant{ID: "P-0001", EnrolledOn: e, Status: store.StatusEngaging, Housing: "permanent housing", RaceEthnicity: "Black"}
	in := Input{
		Period: Period{From: d(2025, 1, 1), To: d(2025, 3, 31)}, AsOf: d(2026, 3, 1),
		Participants: []store.Participant{p},
		Referrals: []store.Referral{{ID: "R-0001", Kind: store.KindSocialContact, Received: e.AddDate(0, 0, -5), Status: store.RefAccepted, ParticipantID: p.ID, RaceEthnicity: "Black"},
			{ID: "R-0002", Kind: store.KindCommunity, Received: d(2025, 2, 3), Status: store.RefWaitlisted, DecidedAt: d(2025, 2, 5)}},
		Cases: []store.LegalCase{
			{ID: "L-0001", ParticipantID: p.ID, Kind: store.CasePreExisting, Hearings: []store.Hearing{{Date: e.AddDate(0, 1, 0), Outcome: "kept"}}},
			{ID: "L-0002", ParticipantID: p.ID, Kind: store.CasePostEnrollment, Hearings: []store.Hearing{{Date: e.AddDate(0, 5, 0), Outcome: "missed"}, {Date: e.AddDate(0, 6, 0), Outcome: "kept"}}},
		},
		Goals: []store.Goal{{ID: "G-0001", ParticipantID: p.ID, Domain: store.DomainHousing, Status: store.GoalAchieved,
			Progress: []store.ProgressEntry{{Step: store.StepForward}, {Step: store.StepForward}, {Step: store.StepSetback}, {Step: store.StepNoChange}}}},
		History: []store.HistoryEvent{
			pev(p.ID, e, store.HistEnrolled, "", "2025-01-10"),
			pev(p.ID, e, store.HistStatus, "", "not_yet_engaged"),
			pev(p.ID, e, store.HistHousing, "", "unsheltered"),
			pev(p.ID, e.AddDate(0, 0, 20), store.HistStatus, "not_yet_engaged", "engaging"),
			pev(p.ID, e.AddDate(0, 2, 0), store.HistHousing, "unsheltered", "shelter"),
			pev(p.ID, e.AddDate(0, 8, 0), store.HistHousing, "shelter", "permanent housing"),
			cev("L-0001", p.ID, e.AddDate(0, -3, 0), store.CasePreExisting),
			cev("L-0002", p.ID, e.AddDate(0, 4, 0), store.CasePostEnrollment),
		},
	}
	for i := range 26 {
		in.Contacts = append(in.Contacts, store.Contact{ParticipantID: p.ID, Date: e.AddDate(0, 0, 3+i*15)})
	}
	return in
}

func TestMeasuresFromHistory(t *testing.T) {
	m := Measure(measureInput(), store.Actor{User: "pat", Role: store.RolePM})
	c := m.Cohort
	for _, tt := range []struct {
		what      string
		got, want any
	}{
		{"participants", c.Participants.Value, 1},
		{"6m followed", c.Legal.Months6.Participants.Value, 1},
		{"6m before", c.Legal.Months6.Before.Value, 1},
		{"6m after", c.Legal.Months6.After.Value, 1},
		{"12m after", c.Legal.Months12.After.Value, 1},
		{"days to first new case", c.Legal.DaysToFirstCase.Median.Value, 120.0},
		{"court dates kept (after enrolment)", c.Legal.CourtDatesKept.Count.Value*10 + c.Legal.CourtDatesKept.Of.Value, 23},
		{"housing at entry unsheltered", c.Housing.AtEntry[HousingUnsheltered].Value, 1},
		{"housing at 6 months sheltered", c.Housing.At6Months[HousingSheltered].Value, 1},
		{"housing at 12 months permanent", c.Housing.At12Months[HousingPermanent].Value, 1},
		{"ever sheltered", c.Housing.EverSheltered.Count.Value, 1},
		{"ever permanent", c.Housing.EverPermanent.Count.Value, 1},
		{"engaging at 3 months", c.Engagement.At3Months["engaging"].Value, 1},
		{"referral to intake days", c.Dose.ReferralToIntake.Median.Value, 5.0},
		{"housing goals set", c.Goals[0].Set.Value, 1},
		{"housing goals forward share", c.Goals[0].Forward.Share.Value, 0.5},
		{"funnel received", m.Funnel.Total.Received.Value, 2},
		{"funnel waitlisted", m.Funnel.Total.Waitlisted.Value, 1},
		{"equity groups", len(m.Equity), 2},
		{"equity first group", m.Equity[0].Group, "Black, African American, or African"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s => %v, want %v", tt.what, tt.got, tt.want)
		}
	}
	// 26 contacts over the 13.6 months to as-of
	if v := c.Dose.ContactsPerMonth.Value; v < 1.8 || v > 2.0 {
		t.Errorf("contacts per participant-month => %v, want about 1.9", v)
	}
	if n := len(m.NetWidening); n != 3 {
		t.Errorf("net-widening months => %d, want 3 (Jan to Mar)", n)
	}
}

// TestMeasuresSuppressSmallCells: an evaluator reads <5 for every count
// of 1 to 4 people, and never a figure derived from one.
func TestMeasuresSuppressSmallCells(t *testing.T) {
	m := Measure(measureInput(), store.Actor{User: "eve", Role: store.RoleEvaluator})
	if !m.SmallCellSuppression || !m.Cohort.Participants.Suppressed || !m.Cohort.Legal.Months6.PerAfter.Suppressed ||
		!m.Cohort.Housing.EverSheltered.Share.Suppressed || !m.Cohort.Dose.ContactsPerMonth.Suppressed || !m.Equity[0].Overall.Participants.Suppressed {
		t.Errorf("evaluator measures not suppressed: %+v", m.Cohort)
	}
	b, err := m.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"cohort", "overall", "funnel", "net_widening", "equity"} {
		if _, ok := back[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	for _, tbl := range m.Tables() {
		if len(tbl.Rows) == 0 && tbl.Name != "screened_out_by_reason" {
			t.Errorf("table %s is empty", tbl.Name)
		}
	}
}

func TestHousingCategory(t *testing.T) {
	for in, want := range map[string]string{"unsheltered": HousingUnsheltered, "Street": HousingUnsheltered, "shelter": HousingSheltered,
		"transitional housing": HousingSheltered, "permanent housing": HousingPermanent, "own apartment": HousingPermanent,
		"couch surfing": HousingOther, "vehicle": HousingOther, "": HousingUnknown, "unhoused": HousingUnsheltered} {
		if got := HousingCategory(in); got != want {
			t.Errorf("HousingCategory(%q) => %q, want %q", in, got, want)
		}
	}
}
