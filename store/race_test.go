package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseRaceEthnicity(t *testing.T) {
	const black, white, hisp = "Black, African American, or African", "White", "Hispanic/Latina/e/o"
	for _, tt := range []struct {
		in, want string
		bad      bool
	}{
		{"", "", false},
		{"   ", "", false},
		{"White", white, false},
		{"white", white, false},
		{"WHITE", white, false},
		{"black, african american, or african", black, false},
		{"black", black, false},
		{"3", black, false},
		{"Black", black, false}, // the demo's and earlier versions' label
		{"Hispanic/Latino", hisp, false},
		{"white; black", black + "; " + white, false}, // HUD's order, not the typed one
		{"black;black ; 3", black, false},
		{"hispanic;  white  ;", hisp + "; " + white, false},
		{"American Indian, Alaska Native, or Indigenous", "American Indian, Alaska Native, or Indigenous", false},
		{"mena; nhpi; asian", "Asian or Asian American; Middle Eastern or North African; Native Hawaiian or Pacific Islander", false},
		{"Client doesn't know", "Client doesn't know", false},
		{"prefers_not", "Client prefers not to answer", false},
		{"99", "Data not collected", false},
		{"data not collected; not_collected", "Data not collected", false},
		{"White; named Rosa Okafor, uses heroin", "", true},
		{"Multiracial", "", true},
		{"other", "", true},
		{"white; prefers_not", "", true},
		{"doesnt_know; prefers_not", "", true},
		{"5x", "", true},
	} {
		got, err := ParseRaceEthnicity(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseRaceEthnicity(%q) = %q, %v; want %q, bad %v", tt.in, got, err, tt.want, tt.bad)
		}
		if err != nil && (strings.Contains(err.Error(), "Rosa") || strings.Contains(err.Error(), "heroin")) {
			t.Errorf("the error repeats the text: %v", err)
		}
		if err == nil {
			if again, _ := ParseRaceEthnicity(got); again != got {
				t.Errorf("stored form %q reads back as %q", got, again)
			}
		}
	}
}

// TestRaceEthnicityOfFreeText: a value outside the vocabulary (free text
// from before it) counts as data not collected, never as its text.
func TestRaceEthnicityOfFreeText(t *testing.T) {
	for _, tt := range []struct {
		in, group string
		recorded  bool
	}{
		{"", "", false},
		{"White; named Rosa Okafor, uses heroin", RaceDataNotCollected, false},
		{"=cmd|' /C calc'!A0", RaceDataNotCollected, false},
		{"Client prefers not to answer", "Client prefers not to answer", false},
		{"Black", "Black, African American, or African", true},
		{"White; Hispanic/Latina/e/o", "Hispanic/Latina/e/o; White", true},
	} {
		if g := RaceEthnicityGroup(tt.in); g != tt.group {
			t.Errorf("RaceEthnicityGroup(%q) = %q, want %q", tt.in, g, tt.group)
		}
		if r := RaceEthnicityRecorded(tt.in); r != tt.recorded {
			t.Errorf("RaceEthnicityRecorded(%q) = %v, want %v", tt.in, r, tt.recorded)
		}
	}
	// an update keeps an old record's free text only as data not collected
	old := "White; named Rosa Okafor"
	if got := CarryRaceEthnicity(old, old); got != RaceDataNotCollected {
		t.Errorf("CarryRaceEthnicity(unchanged free text) = %q", got)
	}
	if got := CarryRaceEthnicity(old, "something new"); got != "something new" {
		t.Errorf("CarryRaceEthnicity(changed) = %q, want the new value kept for validation", got)
	}
}

// TestValidateRefusesRaceOutsideTheVocabulary: the store's one rule for
// referrals and participants refuses any race/ethnicity but HUD's
// categories in their stored form.
func TestValidateRefusesRaceOutsideTheVocabulary(t *testing.T) {
	now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	r := Referral{Received: now, Kind: KindSocialContact, Person: Person{Name: "Test Person"}, Status: RefNew}
	p := Participant{Name: "Test Person", Status: StatusEngaging, CaseManager: "alice", EnrolledOn: now}
	for _, tt := range []struct {
		race string
		ok   bool
	}{
		{"", true},
		{"White", true},
		{"Black, African American, or African; White", true},
		{"Data not collected", true},
		{"White; named Rosa Okafor, uses heroin", false},
		{"white", false}, // not the stored form: the store writes the label
		{"White; Black, African American, or African", false},
	} {
		r.RaceEthnicity, p.RaceEthnicity = tt.race, tt.race
		for what, err := range map[string]error{"referral": r.Validate(), "participant": p.ValidateAt(now)} {
			var fe *ValidationError
			if tt.ok != (err == nil) {
				t.Errorf("%s race %q: err %v, want ok %v", what, tt.race, err, tt.ok)
			}
			if err != nil && errors.As(err, &fe) && !strings.Contains(err.Error(), "race_ethnicity") {
				t.Errorf("%s race %q: error %v does not name race_ethnicity", what, tt.race, err)
			}
		}
	}
}

// TestImportNamesEveryBadRace: a referral CSV import refuses every row
// whose race_ethnicity is outside the vocabulary, each by line and
// column, without repeating the text; labels and short codes in any case
// import in their stored form.
func TestImportNamesEveryBadRace(t *testing.T) {
	in := "id,received,kind,name,race_ethnicity\n" +
		"R-0001,2025-03-01,social_contact,Ann,black\n" +
		"R-0002,2025-03-01,social_contact,Ben,\"White; named Rosa Okafor, uses heroin\"\n" +
		"R-0003,2025-03-01,social_contact,Cal,WHITE; hispanic\n" +
		"R-0004,2025-03-01,social_contact,Dee,Multiracial\n" +
		"R-0005,2025-03-01,social_contact,Eve,\n"
	_, err := ParseReferralsCSV(strings.NewReader(in), importNow)
	errs := importErrs(t, err)
	var lines []int
	for _, e := range errs {
		if e.Column != "race_ethnicity" {
			t.Errorf("row error %+v is not about race_ethnicity", e)
		}
		if strings.Contains(e.Msg, "Rosa") || strings.Contains(e.Msg, "Multiracial") {
			t.Errorf("row error repeats the text: %+v", e)
		}
		lines = append(lines, e.Line)
	}
	if fmt.Sprint(lines) != "[3 5]" {
		t.Errorf("bad race rows at lines %v, want [3 5]", lines)
	}
	good := "id,received,kind,name,race_ethnicity\n" +
		"R-0001,2025-03-01,social_contact,Ann,black\n" +
		"R-0003,2025-03-01,social_contact,Cal,WHITE; hispanic\n" +
		"R-0005,2025-03-01,social_contact,Eve,\n"
	rs, err := ParseReferralsCSV(strings.NewReader(good), importNow)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.RaceEthnicity)
	}
	if want := []string{"Black, African American, or African", "Hispanic/Latina/e/o; White", ""}; !slices.Equal(got, want) {
		t.Errorf("imported races %q, want %q", got, want)
	}
}
