package tui

import (
	"testing"

	"github.com/leadtable/owg/store"
)

func TestTouchesSite(t *testing.T) {
	ch := func(kinds ...string) []store.Change {
		var cs []store.Change
		for _, k := range kinds {
			cs = append(cs, store.Change{Kind: k})
		}
		return cs
	}
	cases := []struct {
		name         string
		cs           []store.Change
		withMeetings bool
		want         bool
	}{
		{"empty batch", nil, false, true},
		{"meeting step, caseload", ch("meeting"), false, false},
		{"meeting step, today", ch("meeting"), true, true},
		{"goal and referral", ch("goal", "referral"), false, false},
		{"contact moves last contact", ch("contact", "participant"), false, true},
		{"court date", ch("case"), false, true},
		{"ROI revoked", ch("roi"), false, true},
		{"user cap", ch("user"), false, true},
	}
	for _, c := range cases {
		if got := touchesSite(c.cs, c.withMeetings); got != c.want {
			t.Errorf("%s: touchesSite = %v => want %v", c.name, got, c.want)
		}
	}
}
