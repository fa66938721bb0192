package store

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ReferralCSVColumns are the columns a referral import may have, in the
// order the triage issue lists them. RequiredReferralColumns must be present.
var ReferralCSVColumns = []string{
	"id", "received", "kind", "name", "dob", "referrer", "agency", "offense",
	"unsheltered", "contacts_12m", "impairment", "victimization_risk", "warrant",
	"next_court_date", "race_ethnicity", "notes",
}

// RequiredReferralColumns must be in a referral import's header and have a
// value on every row (the triage issue: id, received, kind and name are
// required; a records-system bridge brings its own ids).
var RequiredReferralColumns = []string{"id", "received", "kind", "name"}

// ReferralFieldNames are the fields ParseReferralFields accepts: the CSV
// columns plus location and approx_age, which field intake (the form and
// `owg referral add`) also collects.
var ReferralFieldNames = append(slices.Clone(ReferralCSVColumns), "location", "approx_age", "callback")

// Longest accepted values, in characters.
const (
	maxLineField = 200
	maxNotes     = 4000
)

// ParseReferralFields parses and validates one referral given as field
// name → text, the one rule shared by the CSV importer, `owg referral add`
// and the field form, so they all accept and refuse the same values. Every
// text is cleaned (CleanLine, or Clean keeping newlines for notes). The
// result has status new; errs names every bad field (in ReferralFieldNames
// order) and the referral is meaningful only when errs is empty.
//
// Values: id blank (assigned when stored) or R-0001; received YYYY-MM-DD or
// RFC 3339 — left out of fields it is now, present but blank it is an
// error; kind one of arrest_diversion, social_contact, community (any case;
// an unknown kind such as parole is a bad value); name required; dob and
// next_court_date YYYY-MM-DD; unsheltered, victimization_risk and warrant
// yes/no/true/false/1/0 in any case, blank = no; contacts_12m a whole
// number 0-1000; impairment 0, 1 or 2; approx_age 0-120; offense is
// stored as a code (NormalizeOffense).
func ParseReferralFields(fields map[string]string, now time.Time) (Referral, []FieldError) {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	r := Referral{Status: RefNew}

	var unknown []string
	for k := range fields {
		if !slices.Contains(ReferralFieldNames, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)

	receivedOK := false
	for _, k := range ReferralFieldNames {
		raw, present := fields[k]
		line := CleanLine(raw)
		switch k {
		case "id":
			if line == "" {
				continue
			}
			id := strings.ToUpper(line)
			if !ValidReferralID(id) {
				add(k, "%s is not a referral id (want R- and at least 4 digits, e.g. R-0001)", fieldQuote(line))
				continue
			}
			r.ID = id
		case "received":
			switch {
			case !present && !now.IsZero():
				r.Received = now
				receivedOK = true
			case line == "":
				add(k, "is required (YYYY-MM-DD or RFC 3339)")
			default:
				t, err := ParseTime(line)
				if err != nil {
					add(k, "%s is not a date or time (want YYYY-MM-DD or RFC 3339)", fieldQuote(line))
					continue
				}
				if !now.IsZero() && t.After(now.Add(24*time.Hour)) {
					add(k, "%s is in the future", fieldQuote(line))
					continue
				}
				r.Received = t
				receivedOK = true
			}
		case "kind":
			if line == "" {
				add(k, "is required (%s)", names(ReferralKinds))
				continue
			}
			kind := ReferralKind(NormalizeOffense(line))
			if !oneOf(kind, ReferralKinds) {
				add(k, "%s is not a referral kind owg knows (%s)", fieldQuote(line), names(ReferralKinds))
				continue
			}
			r.Kind = kind
		case "name":
			if line == "" {
				add(k, "is required")
				continue
			}
			if utf8.RuneCountInString(line) > maxLineField {
				add(k, "is longer than %d characters", maxLineField)
				continue
			}
			r.Person.Name = line
		case "dob", "next_court_date":
			if line == "" {
				continue
			}
			d, err := ParseDate(line)
			if err != nil {
				add(k, "%s is not a date (want YYYY-MM-DD)", fieldQuote(line))
				continue
			}
			if k == "next_court_date" {
				r.Indicators.NextCourtDate = d
				continue
			}
			if receivedOK {
				if DateOf(d).After(DateOf(r.Received)) {
					add(k, "%s is after the received date", fieldQuote(line))
					continue
				}
				if AgeOn(d, r.Received) > 120 {
					add(k, "%s is more than 120 years before the received date", fieldQuote(line))
					continue
				}
			}
			r.Person.DOB = d
		case "approx_age":
			n, ok := parseCount(line, 0, 120)
			if !ok {
				add(k, "%s is not an age (a whole number 0-120)", fieldQuote(line))
				continue
			}
			r.Person.ApproxAge = n
		case "contacts_12m":
			n, ok := parseCount(line, 0, 1000)
			if !ok {
				add(k, "%s is not a number of contacts (a whole number 0-1000)", fieldQuote(line))
				continue
			}
			r.Indicators.Contacts12m = n
		case "impairment":
			n, ok := parseCount(line, 0, 2)
			if !ok {
				add(k, "%s is not an impairment level (0, 1 or 2)", fieldQuote(line))
				continue
			}
			r.Indicators.Impairment = n
		case "unsheltered", "victimization_risk", "warrant":
			b, ok := ParseYesNo(line)
			if !ok {
				add(k, "%s is not yes/no, true/false or 1/0", fieldQuote(line))
				continue
			}
			switch k {
			case "unsheltered":
				r.Indicators.Unsheltered = b
			case "victimization_risk":
				r.Indicators.VictimizationRisk = b
			default:
				r.Indicators.Warrant = b
			}
		case "offense":
			if utf8.RuneCountInString(line) > maxLineField {
				add(k, "is longer than %d characters", maxLineField)
				continue
			}
			r.Offense = NormalizeOffense(line)
		case "race_ethnicity":
			v, err := ParseRaceEthnicity(line)
			if err != nil {
				add(k, "%v", err)
				continue
			}
			r.RaceEthnicity = v
		case "referrer", "agency", "location", "callback":
			if utf8.RuneCountInString(line) > maxLineField {
				add(k, "is longer than %d characters", maxLineField)
				continue
			}
			switch k {
			case "referrer":
				r.Referrer = line
			case "agency":
				r.Agency = line
			case "location":
				r.Location = line
			default:
				r.Callback = line
			}
		case "notes":
			notes := strings.TrimSpace(Clean(raw, true))
			if utf8.RuneCountInString(notes) > maxNotes {
				add(k, "is longer than %d characters", maxNotes)
				continue
			}
			r.Notes = notes
		}
	}
	for _, k := range unknown {
		add(CleanLine(k), "unknown field (known: %s)", strings.Join(ReferralFieldNames, ", "))
	}
	if len(errs) == 0 {
		if err := r.Validate(); err != nil {
			if ve, ok := err.(*ValidationError); ok {
				errs = append(errs, ve.Errs...)
			} else {
				errs = append(errs, FieldError{Field: "referral", Msg: err.Error()})
			}
		}
	}
	return r, errs
}

// ParseYesNo parses a boolean field: yes/no, true/false, 1/0 in any case;
// blank is no.
func ParseYesNo(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "no", "false", "0":
		return false, true
	case "yes", "true", "1":
		return true, true
	}
	return false, false
}

// parseCount parses a whole number in [lo, hi]; blank is 0.
func parseCount(s string, lo, hi int) (int, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, false
	}
	return n, true
}

// quote quotes a cleaned value for an error message, shortened.
func fieldQuote(s string) string { return strconv.Quote(rkClip(s, 60)) }
