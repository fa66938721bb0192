package export

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/report"
)

const freeRace = "White; named Rosa Okafor, uses heroin"

// TestDeidentifiedCSVRaceIsHUDCategories: race_ethnicity carries HUD's
// categories; free text kept from before the vocabulary is "Data not
// collected", never its text.
func TestDeidentifiedCSVRaceIsHUDCategories(t *testing.T) {
	d := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }
	in := report.Input{Period: report.Period{From: d(2025, 3, 1), To: d(2025, 3, 31)}, AsOf: d(2025, 3, 31),
		Referrals: []store.Referral{
			{ID: "R-0001", Received: d(2025, 3, 2), Kind: store.KindSocialContact, Status: store.RefNew, RaceEthnicity: freeRace},
			{ID: "R-0002", Received: d(2025, 3, 3), Kind: store.KindSocialContact, Status: store.RefNew, RaceEthnicity: "Black, African American, or African; White"},
			{ID: "R-0003", Received: d(2025, 3, 4), Kind: store.KindSocialContact, Status: store.RefNew, RaceEthnicity: "=cmd|' /C calc'!A0"},
			{ID: "R-0004", Received: d(2025, 3, 5), Kind: store.KindSocialContact, Status: store.RefNew},
		},
		Participants: []store.Participant{{ID: "P-0001", Name: "Ann", EnrolledOn: d(2025, 3, 1), Status: store.StatusEngaging, CaseManager: "alice", RaceEthnicity: "Multiracial"}},
	}
	var b bytes.Buffer
	if err := DeidentifiedCSV(&b, in, bytes.Repeat([]byte{1}, 32)); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Rosa", "heroin", "cmd", "Multiracial"} {
		if strings.Contains(b.String(), s) {
			t.Errorf("the CSV carries free text %q:\n%s", s, b.String())
		}
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.Index(rows[0], "race_ethnicity")
	var got []string
	for _, r := range rows[1:] {
		got = append(got, r[i])
	}
	want := []string{store.RaceDataNotCollected, "Black, African American, or African; White", store.RaceDataNotCollected, "", store.RaceDataNotCollected}
	if !slices.Equal(got, want) {
		t.Errorf("race_ethnicity %q, want %q", got, want)
	}
}

// TestHMISRaceCodes: Client.csv flags each of HUD's categories a person
// has; a non-answer is its RaceNone code; free text is data not collected
// (99) and never goes to AdditionalRaceEthnicity.
func TestHMISRaceCodes(t *testing.T) {
	for _, tt := range []struct {
		race  string
		flags []string // columns set to 1
		none  string
	}{
		{"", nil, "99"},
		{"White", []string{"White"}, ""},
		{"Asian or Asian American; Hispanic/Latina/e/o; White", []string{"Asian", "HispanicLatinaeo", "White"}, ""},
		{"Middle Eastern or North African", []string{"MidEastNAfrican"}, ""},
		{"Native Hawaiian or Pacific Islander", []string{"NativeHIPacific"}, ""},
		{"American Indian, Alaska Native, or Indigenous; Black, African American, or African", []string{"AmIndAKNative", "BlackAfAmerican"}, ""},
		{"Client doesn't know", nil, "8"},
		{"Client prefers not to answer", nil, "9"},
		{"Data not collected", nil, "99"},
		{freeRace, nil, "99"},
	} {
		flags, none := raceFlags(tt.race)
		var set []string
		for _, c := range store.RaceCategories {
			if flags[c.Column] == 1 {
				set = append(set, c.Column)
			}
		}
		if !slices.Equal(set, tt.flags) || none != tt.none {
			t.Errorf("raceFlags(%q) = %v, RaceNone %q; want %v, %q", tt.race, set, none, tt.flags, tt.none)
		}
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	d := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }
	res := HMIS(HMISInput{Site: "Testville", Agency: "County HMIS", Now: now,
		Participants: []store.Participant{{ID: "P-0001", Name: "Ana Ruiz", EnrolledOn: d(2025, 2, 1), Status: store.StatusEngaging, RaceEthnicity: freeRace}},
		ROIs: map[string][]store.ROI{"P-0001": {{ParticipantID: "P-0001", Agencies: []string{"County HMIS"}, Classes: []store.DataKind{store.DataIdentity},
			Signed: d(2025, 1, 1), Expires: d(2026, 1, 1)}}}})
	for _, f := range res.Files {
		for _, row := range f.Rows {
			for _, v := range row {
				if strings.Contains(v, "Rosa") || strings.Contains(v, "heroin") {
					t.Errorf("%s carries free text: %v", f.Name, row)
				}
			}
		}
	}
}
