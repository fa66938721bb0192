package store

import (
	"errors"
	"slices"
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
