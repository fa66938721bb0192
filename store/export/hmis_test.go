package export

import (
	"slices"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

// TestHMISOnlyWhatTheROIReleases: a participant is exported only by a
// valid ROI naming the HMIS agency by name (a role alone is not the HMIS)
// that releases identity; their contacts only as the ROI releases them.
func TestHMISOnlyWhatTheROIReleases(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	d := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }
	roi := func(pid string, classes ...store.DataKind) store.ROI {
		return store.ROI{ParticipantID: pid, Agencies: []string{"County HMIS"}, Classes: classes, Signed: d(2025, 1, 1), Expires: d(2026, 1, 1)}
	}
	ps := []store.Participant{
		{ID: "P-0001", Name: "Ana Ruiz", DOB: d(1980, 1, 2), EnrolledOn: d(2025, 2, 1), Status: store.StatusEngaging, Housing: "shelter", RaceEthnicity: "Hispanic/Latino"},
		{ID: "P-0002", Name: "Bo", EnrolledOn: d(2025, 2, 1), Status: store.StatusEngaging},
		{ID: "P-0003", Name: "Cy Ode", EnrolledOn: d(2025, 2, 1), Status: store.StatusEngaging},
		{ID: "P-0004", Name: "Di Li", EnrolledOn: d(2025, 2, 1), Status: store.StatusEngaging},
		{ID: "P-0005", Name: "Ed Fay", EnrolledOn: d(2025, 2, 1), Status: store.StatusExited, ExitReason: "moved", Housing: "permanent housing", Updated: d(2025, 5, 1)},
	}
	expired := roi("P-0004", store.DataIdentity)
	expired.Expires = d(2025, 3, 1)
	in := HMISInput{Site: "Testville", Agency: "County HMIS", Now: now, Participants: ps,
		ROIs: map[string][]store.ROI{
			"P-0001": {roi("P-0001", store.DataIdentity, store.DataGeneralContacts)},
			"P-0002": {roi("P-0002", store.DataIdentity)},
			"P-0003": {{ParticipantID: "P-0003", Roles: []store.Role{store.RoleProvider}, Classes: []store.DataKind{store.DataIdentity}, Signed: d(2025, 1, 1), Expires: d(2026, 1, 1)}},
			"P-0004": {expired},
			"P-0005": {roi("P-0005", store.DataIdentity)},
		},
		Contacts: map[string][]store.Contact{
			"P-0001": {{ID: "C-0001", ParticipantID: "P-0001", Date: d(2025, 3, 1), Kind: store.ContactStreet, Sensitivity: store.General},
				{ID: "C-0002", ParticipantID: "P-0001", Date: d(2025, 3, 8), Kind: store.ContactOffice, Sensitivity: store.Clinical}},
			"P-0002": {{ID: "C-0003", ParticipantID: "P-0002", Date: d(2025, 3, 1), Kind: store.ContactPhone, Sensitivity: store.General}},
		},
	}
	res := HMIS(in)
	if !slices.Equal(res.Exported, []string{"P-0001", "P-0002", "P-0005"}) || res.LeftOut != 2 {
		t.Fatalf("exported %v, left out %d => want P-0001, P-0002, P-0005 and 2 left out (a role-only ROI, an expired one)", res.Exported, res.LeftOut)
	}
	files := map[string]HMISFile{}
	for _, f := range res.Files {
		files[f.Name] = f
	}
	col := func(f HMISFile, row int, name string) string { return f.Rows[row][slices.Index(f.Header, name)] }
	svc := files["Services.csv"]
	if len(svc.Rows) != 1 || col(svc, 0, "ServicesID") != "S0001" || col(svc, 0, "RecordType") != "141" || col(svc, 0, "TypeProvided") != "6" {
		t.Errorf("services %v => want only P-0001's general contact (clinical needs sensitive, P-0002's ROI releases no contacts)", svc.Rows)
	}
	c := files["Client.csv"]
	if col(c, 0, "FirstName") != "Ana" || col(c, 0, "LastName") != "Ruiz" || col(c, 0, "HispanicLatinaeo") != "1" || col(c, 0, "RaceNone") != "" ||
		col(c, 1, "NameDataQuality") != "2" || col(c, 1, "DOBDataQuality") != "99" || col(c, 1, "RaceNone") != "99" {
		t.Errorf("clients %v", c.Rows)
	}
	e := files["Enrollment.csv"]
	if col(e, 0, "LivingSituation") != "101" || col(e, 1, "LivingSituation") != "99" || col(e, 0, "ProjectID") != "LEAD" {
		t.Errorf("enrollments %v => want shelter 101, not collected 99", e.Rows)
	}
	x := files["Exit.csv"]
	if len(x.Rows) != 1 || col(x, 0, "PersonalID") != "P-0005" || col(x, 0, "Destination") != "410" || col(x, 0, "ExitDate") != "2025-05-01" {
		t.Errorf("exits %v => want P-0005 to 410 on 2025-05-01", x.Rows)
	}
	if cls := files["CurrentLivingSituation.csv"]; len(cls.Rows) != 1 || col(cls, 0, "CurrentLivingSituation") != "101" {
		t.Errorf("living situations %v => want P-0001's street contact, in a shelter", cls.Rows)
	}
	// no HMIS agency named: nobody
	in.Agency = ""
	if res := HMIS(in); len(res.Exported) != 0 || res.LeftOut != 5 {
		t.Errorf("no agency => exported %v", res.Exported)
	}
}

func TestHMISLivingSituation(t *testing.T) {
	for in, want := range map[string]int{"unsheltered": 116, "vehicle": 116, "shelter": 101, "transitional housing": 302,
		"couch surfing": 313, "permanent housing": 410, "": 99, "hospital ward": 17} {
		if got := HMISLivingSituation(in); got != want {
			t.Errorf("HMISLivingSituation(%q) => %d, want %d", in, got, want)
		}
		if want != 17 && want != 99 && HousingOfLivingSituation(want) == "" {
			t.Errorf("HousingOfLivingSituation(%d) is empty", want)
		}
	}
}
