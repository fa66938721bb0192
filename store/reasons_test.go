package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestProtocolReasonsParse(t *testing.T) {
	tests := []struct {
		name     string
		toml     string
		wantKeys []string // bad keys named by the error; nil = valid
		decline  []string // codes when valid
	}{
		{"site edits the list", "[[decline_reasons]]\ncode = \"full\"\nlabel = \"We are full\"\n", nil, []string{"full"}},
		{"unknown key", "[[decline_reasons]]\ncode = \"full\"\nlabel = \"Full\"\ncolour = \"red\"\n", []string{"decline_reasons[0].colour"}, nil},
		{"empty label", "[[decline_reasons]]\ncode = \"full\"\nlabel = \"\"\n", []string{"decline_reasons[0].label"}, nil},
		{"duplicate code", "[[waitlist_reasons]]\ncode = \"a\"\nlabel = \"A\"\n[[waitlist_reasons]]\ncode = \"a\"\nlabel = \"B\"\n", []string{"waitlist_reasons[1].code"}, nil},
		{"bad code", "[[decline_reasons]]\ncode = \"no way!\"\nlabel = \"X\"\n", []string{"decline_reasons[0].code"}, nil},
		{"not a table", "decline_reasons = \"capacity\"\n", []string{"decline_reasons"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseProtocol([]byte(tt.toml))
			if tt.wantKeys == nil {
				if err != nil {
					t.Fatalf("ParseProtocol => %v, want nil", err)
				}
				if got := p.ReasonCodes(RefDeclined); !slices.Equal(got, tt.decline) {
					t.Errorf("decline codes => %v, want %v", got, tt.decline)
				}
				return
			}
			var pe *ProtocolError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseProtocol => %v, want a ProtocolError naming %v", err, tt.wantKeys)
			}
			if got := pe.Keys(); !slices.Equal(got, tt.wantKeys) {
				t.Errorf("bad keys => %v, want %v (%v)", got, tt.wantKeys, err)
			}
		})
	}
}

func TestCheckReasonCode(t *testing.T) {
	p := DefaultProtocol()
	tests := []struct {
		status ReferralStatus
		code   string
		ok     bool
	}{
		{RefDeclined, "capacity", true},
		{RefDeclined, "declined_by_person", true},
		{RefDeclined, "other", true},
		{RefDeclined, "", true}, // presence is the caller's check
		{RefDeclined, "psychosis", false},
		{RefWaitlisted, "capacity", true},
		{RefWaitlisted, "declined_by_person", false},
	}
	for _, tt := range tests {
		err := p.CheckReasonCode(tt.status, tt.code)
		if (err == nil) != tt.ok {
			t.Errorf("CheckReasonCode(%s, %q) => %v, want ok=%v", tt.status, tt.code, err, tt.ok)
		}
		if err != nil && (!strings.Contains(err.Error(), "code") || !strings.Contains(err.Error(), "capacity")) {
			t.Errorf("CheckReasonCode(%s, %q) => %q, want the field and the valid codes named", tt.status, tt.code, err)
		}
	}
}

func TestOutcomeOf(t *testing.T) {
	p := DefaultProtocol()
	tests := []struct {
		name string
		r    Referral
		want Outcome
	}{
		{"coded decline with note", Referral{Status: RefDeclined, Reason: "capacity", DecisionNote: "active psychosis, referred to inpatient psych"},
			Outcome{Code: "capacity", Label: "No case-management capacity right now", Note: "active psychosis, referred to inpatient psych"}},
		{"legacy free-text decline", Referral{Status: RefDeclined, Reason: "active psychosis, referred to inpatient psych"},
			Outcome{Code: "other", Label: "Other reason", Note: "active psychosis, referred to inpatient psych"}},
		{"coded waitlist", Referral{Status: RefWaitlisted, Reason: "capacity"},
			Outcome{Code: "capacity", Label: "No case-management capacity right now"}},
		{"waitlist without code", Referral{Status: RefWaitlisted}, Outcome{}},
		{"accepted override note", Referral{Status: RefAccepted, DecisionNote: "imminent eviction"}, Outcome{Note: "imminent eviction"}},
		{"legacy accepted reason", Referral{Status: RefAccepted, Reason: "imminent eviction"}, Outcome{Note: "imminent eviction"}},
		{"screened out: not a decision", Referral{Status: RefScreenedOut, Reason: "age"}, Outcome{}},
	}
	for _, tt := range tests {
		if got := OutcomeOf(p, tt.r); got != tt.want {
			t.Errorf("%s: OutcomeOf => %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
