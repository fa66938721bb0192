package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestValidationNamesFields(t *testing.T) {
	day := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"participant empty", Participant{}.Validate(), []string{"name", "status", "case_manager", "enrolled_on"}},
		{"participant bad id", Participant{ID: "X1", Name: "a", DOB: day, Status: StatusEngaging, CaseManager: "cm", EnrolledOn: day}.Validate(), []string{"id"}},
		{"participant exited", Participant{Name: "a", DOB: day, Status: StatusExited, EnrolledOn: day}.Validate(), []string{"exit_reason"}},
		{"goal", Goal{Domain: "fun", Status: "maybe"}.Validate(), []string{"participant_id", "words", "domain", "status"}},
		{"progress", ProgressEntry{Step: "up"}.Validate(), []string{"date", "step", "author"}},
		{"contact", Contact{Kind: "telepathy", Sensitivity: "secret"}.Validate(), []string{"participant_id", "date", "kind", "sensitivity", "author"}},
		{"referral", Referral{ID: "R-1", Kind: "parole", Indicators: Indicators{Impairment: 3, Contacts12m: -1}, Person: Person{ApproxAge: -2}}.Validate(),
			[]string{"id", "received", "kind", "name", "approx_age", "impairment", "contacts_12m", "status"}},
		{"case", LegalCase{Kind: CaseDivertedArrest, Status: "x", Position: "maybe"}.Validate(), []string{"participant_id", "status", "position", "intake_deadline"}},
		{"roi", ROI{Signed: day, Expires: day.AddDate(0, 0, -1)}.Validate(), []string{"participant_id", "recipients", "classes", "purpose", "expires", "recorded_by"}},
		{"meeting", Meeting{ActionItems: []ActionItem{{}}}.Validate(), []string{"date", "facilitator", "status", "action_items[0].text", "action_items[0].owner"}},
		{"user", User{Name: "a b", Role: "chief", Cap: -1}.Validate(), []string{"name", "role", "cap"}},
	}
	for _, c := range cases {
		var ve *ValidationError
		if !errors.As(c.err, &ve) {
			t.Errorf("%s: err = %v => want *ValidationError", c.name, c.err)
			continue
		}
		if got := ve.Fields(); !slices.Equal(got, c.want) {
			t.Errorf("%s: fields = %v => want %v", c.name, got, c.want)
		}
	}
}

// A contact's date has a floor: the participant's date of birth when it is
// known, else EarliestContactDate; each refusal names the date field.
func TestContactDateFloor(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	c := Contact{ParticipantID: "P-0001", Date: time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC), Kind: ContactPhone, Author: "casey", Sensitivity: General}
	var ve *ValidationError
	if err := c.ValidateAt(now); !errors.As(err, &ve) || !slices.Equal(ve.Fields(), []string{"date"}) || !strings.Contains(err.Error(), "1800-01-01") {
		t.Errorf("a contact of 1800 => %v, want a date error naming it", err)
	}
	c.Date = EarliestContactDate
	if err := c.ValidateAt(now); err != nil {
		t.Errorf("a contact on the floor => %v", err)
	}
	dob := time.Date(1980, 5, 17, 0, 0, 0, 0, time.UTC)
	c.Date = dob.AddDate(0, 0, -1)
	if err := c.ValidateBirth(dob); !errors.As(err, &ve) || !slices.Equal(ve.Fields(), []string{"date"}) || !strings.Contains(err.Error(), "date of birth (1980-05-17)") {
		t.Errorf("a contact the day before birth => %v, want a date error", err)
	}
	for _, ok := range []time.Time{dob, dob.AddDate(30, 0, 0)} {
		c.Date = ok
		if err := c.ValidateBirth(dob); err != nil {
			t.Errorf("a contact on %s => %v", FormatDate(ok), err)
		}
	}
	if err := c.ValidateBirth(time.Time{}); err != nil {
		t.Errorf("no date of birth known => %v", err)
	}
}
