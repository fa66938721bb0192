package store

import (
	"fmt"
	"strings"
	"time"
)

// DateLayout is the layout of dates in owg's files and flags.
const DateLayout = "2006-01-02"

// DateOf returns t's calendar date (in t's location) as UTC midnight.
func DateOf(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Today returns now's calendar date, in now's own location, as UTC
// midnight. The clocks owg runs on (time.Now) carry the site's local zone;
// tests give UTC times, so their days do not depend on the machine's zone.
func Today(now time.Time) time.Time { return DateOf(now) }

// DaysBetween returns the whole calendar days from a to b (b - a).
func DaysBetween(a, b time.Time) int {
	return int(DateOf(b).Sub(DateOf(a)).Hours() / 24)
}

// AgeOn returns the age in whole years of someone born on dob, on day.
func AgeOn(dob, day time.Time) int {
	dob, day = DateOf(dob), DateOf(day)
	age := day.Year() - dob.Year()
	if day.Month() < dob.Month() || (day.Month() == dob.Month() && day.Day() < dob.Day()) {
		age--
	}
	return age
}

// ParseDate parses YYYY-MM-DD into a UTC-midnight date.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	return t, nil
}

// ParseTime parses YYYY-MM-DD (midnight UTC) or RFC 3339.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(DateLayout, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date or time (want YYYY-MM-DD or RFC 3339)", s)
}

// FormatDate formats a date as YYYY-MM-DD, or "" when zero.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(DateLayout)
}
