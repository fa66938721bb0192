package store

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestEligibility(t *testing.T) {
	p := DefaultProtocol()
	noCommunity := DefaultProtocol()
	noCommunity.KindsAccepted = []ReferralKind{KindArrestDiversion, KindSocialContact}
	recv := time.Date(2025, 3, 10, 15, 4, 0, 0, time.UTC)
	ref := func(kind ReferralKind, offense string, dob time.Time, approx int) Referral {
		return Referral{ID: "R-0001", Kind: kind, Offense: offense, Received: recv, Status: RefNew,
			Person: Person{Name: "A", DOB: dob, ApproxAge: approx}}
	}
	adult := day("1990-01-01")
	tests := []struct {
		name   string
		p      Protocol
		r      Referral
		ok     bool
		reason string
	}{
		{"arrest diversion, divertible", p, ref(KindArrestDiversion, "trespass", adult, 0), true, ""},
		{"social contact, no offense", p, ref(KindSocialContact, "", adult, 0), true, ""},
		{"community, any non-excluded offense", p, ref(KindCommunity, "loitering", adult, 0), true, ""},
		{"kind not accepted", noCommunity, ref(KindCommunity, "", adult, 0), false, ScreenKind},
		{"unknown kind", p, ref("parole", "", adult, 0), false, ScreenKind},
		{"kind checked before age", noCommunity, ref(KindCommunity, "dui", day("2015-01-01"), 0), false, ScreenKind},
		{"18 today", p, ref(KindSocialContact, "", day("2007-03-10"), 0), true, ""},
		{"18th birthday the day after: 17", p, ref(KindSocialContact, "", day("2007-03-11"), 0), false, ScreenAge},
		{"age checked before offense", p, ref(KindArrestDiversion, "dui", day("2010-01-01"), 0), false, ScreenAge},
		{"no dob, approx age 17", p, ref(KindSocialContact, "", time.Time{}, 17), false, ScreenAge},
		{"no dob, approx age 18", p, ref(KindSocialContact, "", time.Time{}, 18), true, ""},
		{"dob wins over approx age", p, ref(KindSocialContact, "", adult, 12), true, ""},
		{"no dob, no age: passes age", p, ref(KindSocialContact, "", time.Time{}, 0), true, ""},
		{"excluded offense, any kind", p, ref(KindSocialContact, "dui", adult, 0), false, ScreenExcluded},
		{"excluded, case and space insensitive", p, ref(KindCommunity, "  DUI ", adult, 0), false, ScreenExcluded},
		{"excluded arrest diversion is excluded, not not_divertible", p, ref(KindArrestDiversion, "homicide", adult, 0), false, ScreenExcluded},
		{"arrest diversion, offense not divertible", p, ref(KindArrestDiversion, "burglary", adult, 0), false, ScreenNotDivertible},
		{"arrest diversion, no offense", p, ref(KindArrestDiversion, "", adult, 0), false, ScreenNotDivertible},
		{"divertible, mixed case", p, ref(KindArrestDiversion, " Drug_Possession", adult, 0), true, ""},
		{"divertible, written with spaces", p, ref(KindArrestDiversion, "drug possession", adult, 0), true, ""},
	}
	for _, tt := range tests {
		ok, reason := Eligibility(tt.p, tt.r)
		if ok != tt.ok || reason != tt.reason {
			t.Errorf("%s: Eligibility => %v %q, want %v %q", tt.name, ok, reason, tt.ok, tt.reason)
		}
	}
}

func TestScreenOutMessage(t *testing.T) {
	p := DefaultProtocol()
	tests := []struct {
		r      Referral
		reason string
		want   string
	}{
		{Referral{Offense: "dui"}, ScreenExcluded, "DUI is excluded by this site's protocol"},
		{Referral{Offense: "felony_assault"}, ScreenExcluded, "Felony assault is excluded by this site's protocol"},
		{Referral{Offense: "arson_\x1b[31mred"}, ScreenExcluded, "Arson red is excluded by this site's protocol"},
		{Referral{Kind: KindArrestDiversion, Offense: "burglary"}, ScreenNotDivertible, "arrest diversion needs a divertible offense"},
		{Referral{}, ScreenAge, "under 18 on the day of referral"},
		{Referral{Kind: "parole"}, ScreenKind, "kind parole is not accepted by this site"},
		{Referral{Kind: KindSocialContact}, ScreenKind, "kind social contact is not accepted by this site"},
		{Referral{}, "", ""},
	}
	for _, tt := range tests {
		if got := ScreenOutMessage(p, tt.r, tt.reason); got != tt.want {
			t.Errorf("ScreenOutMessage(%q, %q) => %q, want %q", tt.r.Offense, tt.reason, got, tt.want)
		}
	}
	p.MinimumAge = 21
	if got := ScreenOutMessage(p, Referral{}, ScreenAge); got != "under 21 on the day of referral" {
		t.Errorf("age 21 => %q", got)
	}
}

func TestNormalizeOffense(t *testing.T) {
	for in, want := range map[string]string{
		"dui": "dui", " DUI ": "dui", "Drug Possession": "drug_possession", "theft-misdemeanor": "theft_misdemeanor",
		"a__b": "a_b", "_a_": "a", "": "", "  ": "", "drug_possession": "drug_possession",
	} {
		if got := NormalizeOffense(in); got != want {
			t.Errorf("NormalizeOffense(%q) => %q, want %q", in, got, want)
		}
	}
}

func TestNameKey(t *testing.T) {
	for in, want := range map[string]string{
		"José  O'Neil":      "joseoneil",
		"JOSE ONEIL":        "joseoneil",
		"Jose\u0301 Oneil":  "joseoneil", // decomposed accent
		"Zoë Saldaña-Ruiz":  "zoesaldanaruiz",
		"Łukasz Żółć":       "lukaszzolc",
		"  ":                "",
		"Nguyễn Văn An":     "nguyễnvanan", // outside the Latin-1/Extended-A table: kept, lower-cased
		"\x1b[31mEvil\x07":  "evil",
		"Strauß":            "strauss",
		"Mary-Jane  Watson": "maryjanewatson",
	} {
		if got := NameKey(in); got != want {
			t.Errorf("NameKey(%q) => %q, want %q", in, got, want)
		}
	}
}

func TestMatchParticipant(t *testing.T) {
	dob := day("1980-05-06")
	active := []Participant{
		{ID: "P-0003", Name: "Dana Smith", DOB: dob, Status: StatusEngaging},
		{ID: "P-0002", Name: "José Núñez", Aliases: []string{"Pepe"}, DOB: dob, Status: StatusNotYetEngaged},
		{ID: "P-0001", Name: "Dana Smith", DOB: dob, Status: StatusExited},
		{ID: "P-0010", Name: "Lee Park", DOB: day("1970-01-01"), Status: StatusUnableToLocate},
	}
	tests := []struct {
		name   string
		person Person
		want   string
	}{
		{"same name and dob", Person{Name: "Dana Smith", DOB: dob}, "P-0003"},
		{"case and spaces", Person{Name: "  dana   SMITH ", DOB: dob}, "P-0003"},
		{"accents", Person{Name: "Jose Nunez", DOB: dob}, "P-0002"},
		{"participant alias", Person{Name: "pepe", DOB: dob}, "P-0002"},
		{"referral alias", Person{Name: "Unknown", Aliases: []string{"Lee Park"}, DOB: day("1970-01-01")}, "P-0010"},
		{"dob differs", Person{Name: "Dana Smith", DOB: day("1980-05-07")}, ""},
		{"no dob", Person{Name: "Dana Smith"}, ""},
		{"exited only", Person{Name: "Nobody", DOB: dob}, ""},
		{"dob with a time", Person{Name: "Dana Smith", DOB: dob.Add(13 * time.Hour)}, "P-0003"},
	}
	for _, tt := range tests {
		got, ok := MatchParticipant(Referral{Person: tt.person}, active)
		if (tt.want != "") != ok || got.ID != tt.want {
			t.Errorf("%s: MatchParticipant => %q %v, want %q", tt.name, got.ID, ok, tt.want)
		}
		// Rank's index agrees with MatchParticipant
		id, ok2 := newMatcher(active).match(&Referral{Person: tt.person})
		if id != tt.want || ok2 != ok {
			t.Errorf("%s: matcher => %q %v, want %q", tt.name, id, ok2, tt.want)
		}
	}
	twins := []Participant{
		{ID: "P-10000", Name: "Sam Roe", DOB: dob, Status: StatusEngaging},
		{ID: "P-9999", Name: "Sam Roe", DOB: dob, Status: StatusEngaging},
	}
	if got, _ := MatchParticipant(Referral{Person: Person{Name: "Sam Roe", DOB: dob}}, twins); got.ID != "P-9999" {
		t.Errorf("two matches => %q, want the lowest id P-9999", got.ID)
	}
}

func TestIDLess(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"R-0001", "R-0002", true},
		{"R-0002", "R-0001", false},
		{"R-9999", "R-10000", true},
		{"R-10000", "R-9999", false},
		{"R-0001", "R-0001", false},
		{"", "R-0001", true},
		{"P-0001", "R-0001", true},
	}
	for _, tt := range tests {
		if got := idLess(tt.a, tt.b); got != tt.want {
			t.Errorf("idLess(%q, %q) => %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
