package store

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var importNow = time.Date(2025, 4, 1, 12, 0, 0, 0, time.UTC)

func importErrs(t *testing.T, err error) []RowError {
	t.Helper()
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T) is not an *ImportError", err, err)
	}
	for _, e := range ie.Errs {
		if e.Msg == "" || e.Line < 1 {
			t.Errorf("row error %+v lacks a line or message", e)
		}
	}
	return ie.Errs
}

func TestParseReferralsCSV(t *testing.T) {
	in := "\uFEFFName,KIND,received,id,dob,referrer,agency,offense,unsheltered,contacts_12m,impairment,victimization_risk,warrant,next_court_date,race_ethnicity,notes\n" +
		"\"Dana \x1b[31mSmith\",arrest_diversion,2025-03-01,R-0012,1980-05-06,Ofc. Kim,Metro PD, Trespass ,YES,3,2,true,0,2025-04-10,Black,\"line one\nline two\x07\"\n" +
		"\n" +
		"Lee Park,Social Contact,2025-03-02T08:30:00-08:00,R-0020,,,,,,,,,,,,\n" +
		",,,,,,,,,,,,,,,\n" +
		"Kid,community,2025-03-03,r-0013,,,,,no,0,0,FALSE,No,,,\n"
	got, err := ParseReferralsCSV(strings.NewReader(in), importNow)
	if err != nil {
		t.Fatalf("ParseReferralsCSV => %v", err)
	}
	recv2, _ := time.Parse(time.RFC3339, "2025-03-02T08:30:00-08:00")
	want := []Referral{
		{
			ID: "R-0012", Received: day("2025-03-01"), Kind: KindArrestDiversion, Referrer: "Ofc. Kim", Agency: "Metro PD",
			Person: Person{Name: "Dana Smith", DOB: day("1980-05-06")}, Offense: "trespass",
			Indicators:    Indicators{Unsheltered: true, Contacts12m: 3, Impairment: 2, VictimizationRisk: true, NextCourtDate: day("2025-04-10")},
			RaceEthnicity: "Black, African American, or African", Notes: "line one\nline two", Status: RefNew,
		},
		{ID: "R-0020", Received: recv2, Kind: KindSocialContact, Person: Person{Name: "Lee Park"}, Status: RefNew},
		{ID: "R-0013", Received: day("2025-03-03"), Kind: KindCommunity, Person: Person{Name: "Kid"}, Status: RefNew},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseReferralsCSV =>\n%+v\nwant\n%+v", got, want)
	}

	empty, err := ParseReferralsCSV(strings.NewReader("id,received,kind,name\n"), importNow)
	if err != nil || empty == nil || len(empty) != 0 {
		t.Errorf("header only => %#v, %v; want an empty list", empty, err)
	}
}

func TestParseReferralsCSVErrors(t *testing.T) {
	const hdr = "id,received,kind,name,dob,offense,unsheltered,contacts_12m,impairment,victimization_risk,warrant,next_court_date\n"
	tests := []struct {
		name       string
		csv        string
		line       int
		column     string
		msgContain string
	}{
		{"empty file", "", 1, "", "header row"},
		{"no header", "R-0001,2025-03-01,community,Ana\n", 1, "", "must be a header"},
		{"unknown column", "id,received,kind,name,location\n", 1, "location", "unknown column"},
		{"duplicate column", "id,received,kind,name,Name\n", 1, "name", "appears twice"},
		{"blank column", "id,received,kind,name,\n", 1, "5", "blank"},
		{"missing required column", "id,received,name\n", 1, "kind", "required column is missing"},
		{"missing required value", hdr + "R-0001,2025-03-01,community,,,,,,,,,\n", 2, "name", "is required"},
		{"missing received", hdr + "R-0001,,community,Ana,,,,,,,,\n", 2, "received", "is required"},
		{"missing kind", hdr + "R-0001,2025-03-01,,Ana,,,,,,,,\n", 2, "kind", "is required"},
		{"bad id", hdr + "X-1,2025-03-01,community,Ana,,,,,,,,\n", 2, "id", "not a referral id"},
		{"bad received", hdr + "R-0001,03/01/2025,community,Ana,,,,,,,,\n", 2, "received", "not a date or time"},
		{"received in the future", hdr + "R-0001,2025-06-01,community,Ana,,,,,,,,\n", 2, "received", "in the future"},
		{"unknown kind", hdr + "R-0001,2025-03-01,parole,Ana,,,,,,,,\n", 2, "kind", `"parole" is not a referral kind`},
		{"bad dob", hdr + "R-0001,2025-03-01,community,Ana,1980-13-01,,,,,,,\n", 2, "dob", "not a date"},
		{"dob after received", hdr + "R-0001,2025-03-01,community,Ana,2025-03-02,,,,,,,\n", 2, "dob", "after the received date"},
		{"dob too old", hdr + "R-0001,2025-03-01,community,Ana,1850-01-01,,,,,,,\n", 2, "dob", "more than 120 years"},
		{"bad boolean", hdr + "R-0001,2025-03-01,community,Ana,,,maybe,,,,,\n", 2, "unsheltered", "not yes/no"},
		{"bad boolean victimization", hdr + "R-0001,2025-03-01,community,Ana,,,,,,y,,\n", 2, "victimization_risk", "not yes/no"},
		{"bad boolean warrant", hdr + "R-0001,2025-03-01,community,Ana,,,,,,,2,\n", 2, "warrant", "not yes/no"},
		{"bad count", hdr + "R-0001,2025-03-01,community,Ana,,,,many,,,,\n", 2, "contacts_12m", "not a number of contacts"},
		{"negative count", hdr + "R-0001,2025-03-01,community,Ana,,,,-1,,,,\n", 2, "contacts_12m", "not a number of contacts"},
		{"bad impairment", hdr + "R-0001,2025-03-01,community,Ana,,,,,3,,,\n", 2, "impairment", "not an impairment level"},
		{"bad court date", hdr + "R-0001,2025-03-01,community,Ana,,,,,,,,soon\n", 2, "next_court_date", "not a date"},
		{"long name", hdr + "R-0001,2025-03-01,community," + strings.Repeat("a", 201) + ",,,,,,,,\n", 2, "name", "longer than 200"},
		{"duplicate id", hdr + "R-0001,2025-03-01,community,Ana,,,,,,,,\nR-0002,2025-03-01,community,Ben,,,,,,,,\nr-0001,2025-03-01,community,Cy,,,,,,,,\n", 4, "id", "also on line 2"},
		{"wrong field count", hdr + "R-0001,2025-03-01,community\n", 2, "", "has 3 fields, the header has 12"},
		{"csv syntax", hdr + "R-0001,2025-03-01,community,An\"a,,,,,,,,\n", 2, "", "CSV syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseReferralsCSV(strings.NewReader(tt.csv), importNow)
			if err == nil {
				t.Fatalf("=> %d referrals, no error; want line %d column %q", len(got), tt.line, tt.column)
			}
			if got != nil {
				t.Errorf("=> %d referrals with an error, want none (all-or-nothing)", len(got))
			}
			errs := importErrs(t, err)
			found := false
			for _, e := range errs {
				if e.Line == tt.line && e.Column == tt.column && strings.Contains(e.Msg, tt.msgContain) {
					found = true
				}
			}
			if !found {
				t.Errorf("=> %v; want line %d, column %q: ...%s...", err, tt.line, tt.column, tt.msgContain)
			}
			if tt.column != "" && !strings.Contains(err.Error(), fmt.Sprintf("line %d, column %s: ", tt.line, tt.column)) {
				t.Errorf("Error() = %q does not name line %d column %s", err, tt.line, tt.column)
			}
		})
	}
}

func TestParseReferralsCSVReportsEveryBadRow(t *testing.T) {
	in := "name,kind,received,id,impairment\n" +
		"Ana,parole,2025-03-01,R-0001,0\n" + // line 2: kind
		"Ben,community,2025-03-01,R-0002,0\n" + // fine
		",community,yesterday,R-0003,9\n" + // line 4: name, received, impairment
		"\"Cy\nJones\",community,2025-03-01,R-0002,0\n" + // lines 5-6: duplicate id, reported on line 6 where the id is
		"Di,community,2025-03-01,R-0004,0\n" // fine
	_, err := ParseReferralsCSV(strings.NewReader(in), importNow)
	errs := importErrs(t, err)
	var got []string
	for _, e := range errs {
		got = append(got, fmt.Sprintf("%d:%s", e.Line, e.Column))
	}
	want := []string{"2:kind", "4:received", "4:name", "4:impairment", "6:id"}
	if !slices.Equal(got, want) {
		t.Errorf("errors => %v, want %v\n%v", got, want, err)
	}
	if !strings.HasPrefix(err.Error(), "referral import: 5 errors:\n  line 2, column kind: ") {
		t.Errorf("Error() => %q", err)
	}
}

func TestParseReferralFields(t *testing.T) {
	r, errs := ParseReferralFields(map[string]string{
		"kind": "arrest_diversion", "name": "Ana", "offense": "DUI", "approx_age": "30", "location": " 3rd & Pine\t",
		"notes": "ok",
	}, importNow)
	if len(errs) != 0 {
		t.Fatalf("errs => %v", errs)
	}
	if !r.Received.Equal(importNow) || r.Person.ApproxAge != 30 || r.Location != "3rd & Pine" || r.Offense != "dui" || r.Status != RefNew {
		t.Errorf("referral => %+v", r)
	}
	if ok, reason := Eligibility(DefaultProtocol(), r); ok || reason != ScreenExcluded {
		t.Errorf("imported DUI => %v %q, want excluded", ok, reason)
	}

	_, errs = ParseReferralFields(map[string]string{
		"kind": "parole", "name": "", "received": "", "approx_age": "200", "colour": "red", "impairment": "x",
	}, importNow)
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	if want := []string{"received", "kind", "name", "impairment", "approx_age", "colour"}; !slices.Equal(fields, want) {
		t.Errorf("bad fields => %v, want %v (%v)", fields, want, errs)
	}

	// an arrest diversion without an offense imports (then screens out)
	r, errs = ParseReferralFields(map[string]string{"kind": "arrest_diversion", "name": "Bo", "received": "2025-03-01"}, importNow)
	if len(errs) != 0 {
		t.Fatalf("errs => %v", errs)
	}
	if _, reason := Eligibility(DefaultProtocol(), r); reason != ScreenNotDivertible {
		t.Errorf("no offense => %q, want not_divertible", reason)
	}
}

func TestParseYesNo(t *testing.T) {
	for in, want := range map[string]bool{"yes": true, "YES": true, "true": true, "True": true, "1": true, " 1 ": true,
		"no": false, "No": false, "false": false, "0": false, "": false} {
		if got, ok := ParseYesNo(in); !ok || got != want {
			t.Errorf("ParseYesNo(%q) => %v %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"y", "n", "2", "maybe", "on"} {
		if _, ok := ParseYesNo(in); ok {
			t.Errorf("ParseYesNo(%q) accepted", in)
		}
	}
}

func FuzzParseReferralsCSV(f *testing.F) {
	f.Add("id,received,kind,name\nR-0001,2025-03-01,community,Ana\n")
	f.Add("name,kind,received,dob,unsheltered,contacts_12m,impairment\nAna,arrest_diversion,2025-03-01T10:00:00Z,1980-01-01,yes,3,2\n")
	f.Add("id,received,kind,name\nR-0001,2025-03-01,parole,\nR-0001,x,community,\"a\nb\"\n")
	f.Add("\uFEFFid,received,kind,name,bogus\n")
	f.Add("a\"b,c\n\"unterminated\n")
	f.Add("id,received,kind,name,notes\nR-0001,2025-03-01,community,\x1b]0;t\x07N,\x9b31m\n")
	f.Fuzz(func(t *testing.T, in string) {
		refs, err := ParseReferralsCSV(strings.NewReader(in), importNow)
		if err != nil {
			if refs != nil {
				t.Fatalf("referrals returned with an error")
			}
			if msg := err.Error(); msg != Clean(msg, true) {
				t.Fatalf("error message carries control characters: %q", msg)
			}
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Errs) == 0 {
				t.Fatalf("error %v is not an *ImportError with entries", err)
			}
			for _, e := range ie.Errs {
				if e.Msg == "" || e.Line < 1 {
					t.Fatalf("row error %+v lacks a line or message", e)
				}
			}
			return
		}
		for _, r := range refs {
			if verr := r.Validate(); verr != nil {
				t.Fatalf("imported referral fails Validate: %v", verr)
			}
			for _, s := range []string{r.Person.Name, r.Referrer, r.Agency, r.Offense, r.RaceEthnicity, r.Location} {
				if s != CleanLine(s) {
					t.Fatalf("field %q not cleaned", s)
				}
			}
			if r.Notes != strings.TrimSpace(Clean(r.Notes, true)) {
				t.Fatalf("notes %q not cleaned", r.Notes)
			}
		}
	})
}
