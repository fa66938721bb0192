package store

import "time"

// dayNum is the calendar date of t in t's location as a day number (days
// since 1970-01-01): DaysBetween(a, b) == dayNum(b) - dayNum(a) for
// non-zero times, without the cost of time.Date. The ranking uses it on
// every referral.
func dayNum(t time.Time) int {
	_, off := t.Zone()
	s := t.Unix() + int64(off)
	d := s / 86400
	if s%86400 < 0 {
		d--
	}
	return int(d)
}

// ageOn is AgeOn with one date computation per time.
func ageOn(dob, day time.Time) int {
	y1, m1, d1 := dob.Date()
	y2, m2, d2 := day.Date()
	age := y2 - y1
	if m2 < m1 || (m2 == m1 && d2 < d1) {
		age--
	}
	return age
}
