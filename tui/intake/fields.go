package intake

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/leadtable/owg/store"
)

// Field names as the form shows them; validation errors start with them.
const (
	fieldKind       = "Kind"
	fieldName       = "Name"
	fieldDOBAge     = "DOB or age"
	fieldLocation   = "Location"
	fieldOffense    = "Offense"
	fieldUnshelt    = "Unsheltered"
	fieldImpair     = "Impairment"
	fieldVictim     = "Victimization risk"
	fieldWarrant    = "Known warrant"
	fieldCourt      = "Next court date"
	fieldContacts   = "Contacts, 12 months"
	fieldNote       = "Note"
	fieldCallback   = "Callback number"
	fieldRace       = "Race/ethnicity"
	maxCallbackLen  = 40
	maxNameLen      = 100
	maxLocationLen  = 120
	maxNoteLen      = 280
	maxContacts12m  = 1000
	offenseNone     = ""
	offenseOther    = "other"
	impairmentLevel = 2
)

// values holds what the officer typed. huh binds its fields to these
// pointers, so a rebuilt form keeps the input.
type values struct {
	kind        store.ReferralKind
	name        string
	dobOrAge    string
	location    string
	offense     string
	unsheltered bool
	impairment  int
	victim      bool
	warrant     bool
	court       string
	contacts    string
	note        string
	callback    string   // the officer's number for the person taking the handoff, optional
	race        []string // HUD's categories chosen (store.RaceCategories labels), optional
}

// empty reports whether nothing was entered beyond the defaults.
func (v *values) empty() bool {
	return strings.TrimSpace(v.name) == "" && strings.TrimSpace(v.dobOrAge) == "" &&
		strings.TrimSpace(v.location) == "" && v.offense == offenseNone && !v.unsheltered &&
		v.impairment == 0 && !v.victim && !v.warrant && strings.TrimSpace(v.court) == "" &&
		strings.TrimSpace(v.contacts) == "" && strings.TrimSpace(v.note) == "" &&
		strings.TrimSpace(v.callback) == "" && len(v.race) == 0
}

// raceValue is the race/ethnicity chosen, in its stored form.
func (v *values) raceValue() (string, error) {
	s, err := store.ParseRaceEthnicity(strings.Join(v.race, ";"))
	if err != nil {
		return "", fieldErr(fieldRace, "%v", err)
	}
	return s, nil
}

// fieldErr is a validation error that names the field.
func fieldErr(field, format string, args ...any) error {
	return fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...))
}

func validateName(s string) error {
	s = store.CleanLine(s)
	switch {
	case s == "":
		return fieldErr(fieldName, "is required")
	case len([]rune(s)) > maxNameLen:
		return fieldErr(fieldName, "is longer than %d characters", maxNameLen)
	}
	return nil
}

// parseDOBOrAge reads a date of birth (YYYY-MM-DD) or an approximate age
// (0-120 years). Empty is allowed (unknown).
func parseDOBOrAge(s string, now time.Time) (dob time.Time, age int, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, 0, nil
	}
	if n, aerr := strconv.Atoi(s); aerr == nil {
		if n < 0 || n > 120 {
			return time.Time{}, 0, fieldErr(fieldDOBAge, "age %d is not 0-120", n)
		}
		return time.Time{}, n, nil
	}
	d, derr := time.Parse(store.DateLayout, s)
	if derr != nil {
		return time.Time{}, 0, fieldErr(fieldDOBAge, "%q is not a date YYYY-MM-DD or an age 0-120", s)
	}
	if d.After(store.DateOf(now)) {
		return time.Time{}, 0, fieldErr(fieldDOBAge, "%s is in the future", s)
	}
	if store.AgeOn(d, now) > 120 {
		return time.Time{}, 0, fieldErr(fieldDOBAge, "%s is more than 120 years ago", s)
	}
	return d, 0, nil
}

// parseCourtDate reads an optional next court date (YYYY-MM-DD).
func parseCourtDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(store.DateLayout, s)
	if err != nil {
		return time.Time{}, fieldErr(fieldCourt, "%q is not a date YYYY-MM-DD", s)
	}
	return d, nil
}

// parseContacts reads the optional count of contacts in the last 12 months.
func parseContacts(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxContacts12m {
		return 0, fieldErr(fieldContacts, "%q is not a number 0-%d", s, maxContacts12m)
	}
	return n, nil
}

func validateLen(field string, limit int) func(string) error {
	return func(s string) error {
		if len([]rune(store.CleanLine(s))) > limit {
			return fieldErr(field, "is longer than %d characters", limit)
		}
		return nil
	}
}

// build turns the values into a referral received at now, made by actor.
// It returns every field error, each naming its field.
func (v *values) build(actor store.Actor, now time.Time) (store.Referral, []error) {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(validateName(v.name))
	dob, age, err := parseDOBOrAge(v.dobOrAge, now)
	add(err)
	add(validateLen(fieldLocation, maxLocationLen)(v.location))
	court, err := parseCourtDate(v.court)
	add(err)
	contacts, err := parseContacts(v.contacts)
	add(err)
	add(validateLen(fieldNote, maxNoteLen)(v.note))
	add(validateLen(fieldCallback, maxCallbackLen)(v.callback))
	race, err := v.raceValue()
	add(err)
	if v.impairment < 0 || v.impairment > impairmentLevel {
		add(fieldErr(fieldImpair, "%d is not 0, 1 or 2", v.impairment))
	}
	if v.kind == "" {
		add(fieldErr(fieldKind, "is required"))
	}
	r := store.Referral{
		Received:     now,
		Kind:         v.kind,
		Referrer:     actor.User,
		Agency:       actor.Agency,
		ReferrerUser: actor.User,
		Person:       store.Person{Name: store.CleanLine(v.name), DOB: dob, ApproxAge: age},
		Offense:      v.offense,
		Location:     store.CleanLine(v.location),
		Indicators: store.Indicators{
			Unsheltered:       v.unsheltered,
			Contacts12m:       contacts,
			Impairment:        v.impairment,
			VictimizationRisk: v.victim,
			Warrant:           v.warrant,
			NextCourtDate:     court,
		},
		Notes:         store.CleanLine(v.note),
		Callback:      store.CleanLine(v.callback),
		RaceEthnicity: race,
		Status:        store.RefNew,
	}
	return r, errs
}
