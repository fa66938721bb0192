package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDefaultProtocolValues(t *testing.T) {
	p := DefaultProtocol()
	want := Protocol{
		Site:                 "LEAD site",
		KindsAccepted:        []ReferralKind{KindArrestDiversion, KindSocialContact, KindCommunity},
		MinimumAge:           18,
		DivertibleOffenses:   []string{"drug_possession", "trespass", "theft_misdemeanor", "prostitution", "transit_misconduct", "public_disorder"},
		ExcludedOffenses:     []string{"dui", "domestic_violence", "sexual_assault", "felony_assault", "homicide", "exploitation_of_minors"},
		IntakeDeadlineDays:   30,
		DeadlineNearDays:     7,
		CaseloadCap:          20,
		HardCap:              25,
		OverdueContactDays:   14,
		ReviewRotationDays:   28,
		CourtWindowDays:      14,
		ROIExpiringDays:      30,
		MeetingEveryDays:     14,
		AckLimitMinutes:      30,
		HandoffMinutes:       30,
		DraftDays:            7,
		OnCall:               []OnCallShift{{Days: []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, From: 0, To: 24, Users: []string{}}},
		SensitiveGoalDomains: []GoalDomain{DomainSubstanceUse, DomainHealth},
		Weights: Weights{
			ArrestDiversion: 20, DeadlineNear: 10, LegalUrgency: 20, LegalWindowDays: 30,
			PerContact: 4, ContactsMax: 20, Unsheltered: 10, PerImpairment: 5,
			Victimization: 10, PerWeekWaiting: 1, WaitingMax: 26,
		},
		DeclineReasons: []DecisionReason{
			{"capacity", "No case-management capacity right now"},
			{"not_eligible_offense", "The offense is not eligible for LEAD"},
			{"outside_area", "Outside the LEAD service area"},
			{"already_served", "Already served by another program"},
			{"declined_by_person", "The person declined to take part"},
			{"unable_to_locate", "The person could not be located"},
			{"other", "Other reason"},
		},
		WaitlistReasons: []DecisionReason{
			{"capacity", "No case-management capacity right now"},
			{"pending_information", "Waiting for more information"},
			{"unable_to_locate", "The person could not be located yet"},
			{"other", "Other reason"},
		},
		Meeting: MeetingBudget{Minutes: 90, WaitlistShown: 3, ActionItems: 1, ActionItemsPer: 5, Referral: 3, Summary: 2,
			Case: 2, GoalReview: 4, Other: 5},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("DefaultProtocol() =>\n%+v\nwant\n%+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("default protocol Validate() => %v, want nil", err)
	}
}

func TestDefaultProtocolIsACopy(t *testing.T) {
	p := DefaultProtocol()
	p.KindsAccepted[0] = "x"
	p.OnCall[0].Days[0] = "x"
	q := DefaultProtocol()
	if q.KindsAccepted[0] != KindArrestDiversion || q.OnCall[0].Days[0] != "mon" {
		t.Errorf("changing one DefaultProtocol() changed the next => %v %v", q.KindsAccepted, q.OnCall[0].Days)
	}
}

func TestDefaultProtocolTOMLParses(t *testing.T) {
	text := DefaultProtocolTOML()
	if !strings.Contains(string(text), "[weights]") || !strings.Contains(string(text), "#") {
		t.Fatalf("DefaultProtocolTOML() has no [weights] table or comments")
	}
	p, err := ParseProtocol(text)
	if err != nil {
		t.Fatalf("ParseProtocol(default) => %v", err)
	}
	if !reflect.DeepEqual(p, DefaultProtocol()) {
		t.Errorf("ParseProtocol(DefaultProtocolTOML()) differs from DefaultProtocol()")
	}
}

func TestParseProtocolMissingKeysTakeDefaults(t *testing.T) {
	p, err := ParseProtocol([]byte("site = \"Harbor City\"\nminimum_age = 21\n[weights]\nper_contact = 3\n"))
	if err != nil {
		t.Fatalf("ParseProtocol => %v", err)
	}
	want := DefaultProtocol()
	want.Site, want.MinimumAge, want.Weights.PerContact = "Harbor City", 21, 3
	if !reflect.DeepEqual(p, want) {
		t.Errorf("ParseProtocol =>\n%+v\nwant\n%+v", p, want)
	}
	empty, err := ParseProtocol(nil)
	if err != nil || !reflect.DeepEqual(empty, DefaultProtocol()) {
		t.Errorf("ParseProtocol(empty) => %+v, %v; want the defaults", empty, err)
	}
}

func TestParseProtocolNormalizes(t *testing.T) {
	p, err := ParseProtocol([]byte(`
kinds_accepted = [" Arrest_Diversion "]
divertible_offenses = ["  Drug Possession "]
excluded_offenses = ["DUI"]
[[on_call]]
days = ["Monday", " TUE "]
from = 8
to = 17
users = ["sam"]
`))
	if err != nil {
		t.Fatalf("ParseProtocol => %v", err)
	}
	if !slices.Equal(p.KindsAccepted, []ReferralKind{KindArrestDiversion}) ||
		!slices.Equal(p.DivertibleOffenses, []string{"drug_possession"}) ||
		!slices.Equal(p.ExcludedOffenses, []string{"dui"}) ||
		!slices.Equal(p.OnCall[0].Days, []string{"mon", "tue"}) {
		t.Errorf("normalized => %v %v %v %v", p.KindsAccepted, p.DivertibleOffenses, p.ExcludedOffenses, p.OnCall[0].Days)
	}
}

func protocolErrKeys(t *testing.T, err error) []string {
	t.Helper()
	var pe *ProtocolError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *ProtocolError", err, err)
	}
	for _, f := range pe.Errs {
		if f.Field == "" || f.Msg == "" {
			t.Errorf("error %+v lacks a key or a message", f)
		}
	}
	return pe.Keys()
}

func TestParseProtocolErrorsNameTheirKeys(t *testing.T) {
	tests := []struct {
		name, toml string
		key, msg   string
	}{
		{"unknown top key", "colour = 1", "colour", "unknown key"},
		{"unknown key hint", "Minimum_Age = 1", "Minimum_Age", "did you mean minimum_age?"},
		{"unknown weight", "[weights]\nper_contacts = 1", "weights.per_contacts", "unknown key"},
		{"empty key", "[\"\"]", `""`, "unknown key"},
		{"escape in key", "\"a\\u001b[2Jb\" = 1", `"a\x1b[2Jb"`, "unknown key"},
		{"unknown shift key", "[[on_call]]\nhours = 3", "on_call[0].hours", "unknown key"},
		{"wrong type int", "minimum_age = \"18\"", "minimum_age", "must be a whole number"},
		{"float", "hard_cap = 2.5", "hard_cap", "must be a whole number"},
		{"wrong type list", "kinds_accepted = \"community\"", "kinds_accepted", "must be a list of strings"},
		{"wrong list element", "excluded_offenses = [\"dui\", 3]", "excluded_offenses[1]", "must be a string"},
		{"site type", "site = 3", "site", "must be a string"},
		{"weights not table", "weights = 3", "weights", "must be a table"},
		{"on_call not list", "on_call = 3", "on_call", "must be a list"},
		{"on_call element", "on_call = [3]", "on_call[0]", "must be a table"},
		{"huge int", "minimum_age = 99999999999", "minimum_age", "out of range"},
		{"negative weight", "[weights]\nper_contact = -1", "weights.per_contact", "must be >= 0"},
		{"legal window zero", "[weights]\nlegal_window_days = 0", "weights.legal_window_days", "must be >= 1"},
		{"unknown kind", "kinds_accepted = [\"parole\"]", "kinds_accepted[0]", `"parole" is not a referral kind`},
		{"no kinds", "kinds_accepted = []", "kinds_accepted", "at least one"},
		{"kind twice", "kinds_accepted = [\"community\", \"Community\"]", "kinds_accepted[1]", "listed twice"},
		{"empty offense", "excluded_offenses = [\"dui\", \" \"]", "excluded_offenses[1]", "must not be empty"},
		{"empty divertible", "divertible_offenses = [\"\"]", "divertible_offenses[0]", "must not be empty"},
		{"offense twice", "excluded_offenses = [\"dui\", \"DUI\"]", "excluded_offenses[1]", "listed twice"},
		{"both lists", "excluded_offenses = [\"dui\", \"trespass\"]", "excluded_offenses[1]", "also in divertible_offenses"},
		{"no divertible", "divertible_offenses = []", "divertible_offenses", "at least one offense"},
		{"unknown sensitive domain", "sensitive_goal_domains = [\"substance_use\", \"mental_health\"]", "sensitive_goal_domains[1]", `"mental_health" is not a goal domain`},
		{"sensitive domain twice", "sensitive_goal_domains = [\"substance_use\", \"Substance_Use\"]", "sensitive_goal_domains[1]", "listed twice"},
		{"sensitive without substance use", "sensitive_goal_domains = [\"health\"]", "sensitive_goal_domains", "must include substance_use"},
		{"sensitive not a list", "sensitive_goal_domains = \"health\"", "sensitive_goal_domains", ""},
		{"cap zero", "caseload_cap = 0\nhard_cap = 5", "caseload_cap", "must be >= 1"},
		{"hard below soft", "caseload_cap = 20\nhard_cap = 19", "hard_cap", "must be >= caseload_cap (20)"},
		{"min age negative", "minimum_age = -1", "minimum_age", "must be >= 0"},
		{"intake days", "intake_deadline_days = 0", "intake_deadline_days", "must be >= 1"},
		{"near days", "deadline_near_days = 0", "deadline_near_days", "must be >= 1"},
		{"overdue days", "overdue_contact_days = 0", "overdue_contact_days", "must be >= 1"},
		{"rotation days", "review_rotation_days = -3", "review_rotation_days", "must be >= 1"},
		{"court days", "court_window_days = 0", "court_window_days", "must be >= 1"},
		{"roi days", "roi_expiring_days = 0", "roi_expiring_days", "must be >= 1"},
		{"meeting days", "meeting_every_days = 0", "meeting_every_days", "must be >= 1"},
		{"ack minutes", "ack_limit_minutes = 0", "ack_limit_minutes", "must be >= 1"},
		{"handoff minutes", "handoff_minutes = 0", "handoff_minutes", "must be >= 1"},
		{"draft days", "draft_days = 400", "draft_days", "must be <= 365"},
		{"day name", "[[on_call]]\ndays = [\"mo\"]", "on_call[0].days[0]", `"mo" is not a day`},
		{"from hour", "[[on_call]]\nfrom = 24", "on_call[0].from", "must be <= 23"},
		{"to hour", "[[on_call]]\nfrom = 0\nto = 25", "on_call[0].to", "must be <= 24"},
		{"to before from", "[[on_call]]\nfrom = 22\nto = 6", "on_call[0].to", "must be after from (22)"},
		{"blank user", "[[on_call]]\nusers = [\"\"]", "on_call[0].users[0]", "must not be empty"},
		{"second shift", "[[on_call]]\nfrom = 0\nto = 12\n[[on_call]]\nfrom = -1\nto = 24", "on_call[1].from", "must be >= 0"},
		{"syntax", "minimum_age = 18\nhard_cap = \n", "line 2", "TOML syntax"},
		{"duplicate key", "minimum_age = 18\nminimum_age = 19\n", "line 2", "TOML syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProtocol([]byte(tt.toml))
			if err == nil {
				t.Fatalf("ParseProtocol(%q) => nil error, want %s: %s", tt.toml, tt.key, tt.msg)
			}
			keys := protocolErrKeys(t, err)
			if !slices.Contains(keys, tt.key) {
				t.Fatalf("ParseProtocol(%q) => keys %v, want %q (%v)", tt.toml, keys, tt.key, err)
			}
			if !strings.Contains(err.Error(), tt.key+": ") || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("ParseProtocol(%q) => %q, want %q with %q", tt.toml, err, tt.key, tt.msg)
			}
		})
	}
}

func TestParseProtocolReportsEveryError(t *testing.T) {
	_, err := ParseProtocol([]byte(`
minimum_age = "x"
colour = "blue"
kinds_accepted = ["parole"]
caseload_cap = 30
[weights]
per_contact = -1
bogus = 2
[[on_call]]
from = 25
days = ["funday"]
`))
	keys := protocolErrKeys(t, err)
	want := []string{"minimum_age", "colour", "kinds_accepted[0]", "hard_cap", "weights.per_contact", "weights.bogus", "on_call[0].from", "on_call[0].days[0]"}
	for _, k := range want {
		if !slices.Contains(keys, k) {
			t.Errorf("keys %v lack %q", keys, k)
		}
	}
	if len(keys) != len(want) {
		t.Errorf("got %d errors %v, want %d", len(keys), keys, len(want))
	}
	// file order: minimum_age is first in the file
	if keys[0] != "minimum_age" {
		t.Errorf("first error => %q, want minimum_age (file order)", keys[0])
	}
}

func TestLoadProtocol(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "protocol.toml")
	if err := os.WriteFile(good, []byte("minimum_age = 21\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProtocol(good)
	if err != nil || p.MinimumAge != 21 || p.HardCap != 25 {
		t.Errorf("LoadProtocol(good) => age %d cap %d, %v", p.MinimumAge, p.HardCap, err)
	}
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("hard_cap = 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadProtocol(bad)
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.File != bad || !strings.HasPrefix(err.Error(), bad+": ") {
		t.Errorf("LoadProtocol(bad) => %v, want a *ProtocolError naming the file", err)
	}
	_, err = LoadProtocol(filepath.Join(dir, "missing.toml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadProtocol(missing) => %v, want fs.ErrNotExist", err)
	}
}

func TestOnCallUsers(t *testing.T) {
	users := []User{
		{Name: "sup_a", Role: RoleSupervisor, Active: true},
		{Name: "sup_b", Role: RoleSupervisor, Active: true},
		{Name: "sup_gone", Role: RoleSupervisor, Active: false},
		{Name: "cm_night", Role: RoleCaseManager, Active: true},
		{Name: "cm_off", Role: RoleCaseManager, Active: false},
	}
	p, err := ParseProtocol([]byte(`
[[on_call]]
days = ["mon", "tue", "wed", "thu", "fri"]
from = 8
to = 18
[[on_call]]
days = ["mon", "tue", "wed", "thu", "fri"]
from = 18
to = 24
users = ["cm_night"]
[[on_call]]
days = ["sat"]
from = 0
to = 24
users = ["cm_off"]
`))
	if err != nil {
		t.Fatal(err)
	}
	mon := func(h int) time.Time { return time.Date(2025, 3, 3, h, 30, 0, 0, time.UTC) } // a Monday
	sat := time.Date(2025, 3, 8, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		at   time.Time
		want []string
	}{
		{"weekday day shift: every supervisor", mon(9), []string{"sup_a", "sup_b"}},
		{"17:30 still day shift", mon(17), []string{"sup_a", "sup_b"}},
		{"evening shift names a user", mon(18), []string{"cm_night"}},
		{"23:30", mon(23), []string{"cm_night"}},
		{"uncovered hour falls back to supervisors", mon(3), []string{"sup_a", "sup_b"}},
		{"named user inactive falls back", sat, []string{"sup_a", "sup_b"}},
	}
	for _, tt := range tests {
		if got := p.OnCallUsers(tt.at, users); !slices.Equal(got, tt.want) {
			t.Errorf("%s: OnCallUsers(%v) => %v, want %v", tt.name, tt.at, got, tt.want)
		}
	}
	def := DefaultProtocol()
	if got := def.OnCallUsers(mon(3), users); !slices.Equal(got, []string{"sup_a", "sup_b"}) {
		t.Errorf("default rota at 03:30 => %v, want every active supervisor", got)
	}
	if got := def.OnCallUsers(mon(3), nil); len(got) != 0 {
		t.Errorf("no users => %v, want none", got)
	}
}

func FuzzParseProtocol(f *testing.F) {
	f.Add(DefaultProtocolTOML())
	f.Add([]byte("minimum_age = 21\n[weights]\nper_contact = -1\n"))
	f.Add([]byte("[[on_call]]\ndays=[\"mon\"]\nfrom=22\nto=6\nusers=[\"\"]\n"))
	f.Add([]byte("on_call = [{from = 1, to = 2}, 3]\nweights = 3\n"))
	f.Add([]byte("kinds_accepted = [\"parole\", 3]\nexcluded_offenses=[\"trespass\"]\n"))
	f.Add([]byte("x = \x1b[31m\n"))
	f.Add(nestedTables(10000)) // 40 KB: exhausted memory before the nesting bound
	f.Add([]byte("a = [[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]\nb = \"\"\"[[[{{{\"\"\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProtocol(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("empty error message")
			}
			if msg := err.Error(); msg != Clean(msg, true) {
				t.Fatalf("error message carries control characters: %q", msg)
			}
			var pe *ProtocolError
			if !errors.As(err, &pe) || len(pe.Errs) == 0 {
				t.Fatalf("error %v is not a *ProtocolError with entries", err)
			}
			for _, fe := range pe.Errs {
				if fe.Field == "" || fe.Msg == "" {
					t.Fatalf("error entry %+v lacks a key or message", fe)
				}
			}
			return
		}
		if verr := p.Validate(); verr != nil {
			t.Fatalf("parsed protocol fails Validate: %v", verr)
		}
	})
}

// TestSensitiveGoalDomains: a site may mark more domains sensitive; the
// names are read case-insensitively and the default keeps substance use
// and health.
func TestSensitiveGoalDomains(t *testing.T) {
	p, err := ParseProtocol([]byte("sensitive_goal_domains = [\"Substance_Use\", \" health \", \"relationships\"]\n"))
	if err != nil {
		t.Fatalf("ParseProtocol => %v", err)
	}
	want := []GoalDomain{DomainSubstanceUse, DomainHealth, DomainRelationships}
	if !reflect.DeepEqual(p.SensitiveGoalDomains, want) {
		t.Errorf("SensitiveGoalDomains = %v => want %v", p.SensitiveGoalDomains, want)
	}
	if got := GoalClass(Goal{Domain: DomainRelationships}, p.SensitiveGoalDomains); got != DataSensitive {
		t.Errorf("a relationships goal under this protocol is %s => want sensitive", got)
	}
	if d := DefaultProtocol().SensitiveGoalDomains; !reflect.DeepEqual(d, DefaultSensitiveGoalDomains()) {
		t.Errorf("default protocol's sensitive domains %v => want %v", d, DefaultSensitiveGoalDomains())
	}
}

func TestProtocolMeetingTable(t *testing.T) {
	p, err := ParseProtocol([]byte("[meeting]\nminutes = 60\ngoal_review = 5\n"))
	if err != nil || p.Meeting.Minutes != 60 || p.Meeting.GoalReview != 5 || p.Meeting.WaitlistShown != 3 {
		t.Errorf("[meeting] minutes = 60 => %+v %v, want 60 minutes, goal_review 5, waitlist_shown 3", p.Meeting, err)
	}
	for _, tt := range []struct{ src, key string }{
		{"[meeting]\nminutess = 60\n", "meeting.minutess"},
		{"[meeting]\nminutes = 0\n", "meeting.minutes"},
		{"[meeting]\nwaitlist_shown = \"three\"\n", "meeting.waitlist_shown"},
		{"meeting = 3\n", "meeting"},
	} {
		_, err := ParseProtocol([]byte(tt.src))
		pe, ok := err.(*ProtocolError)
		if !ok || !slices.Contains(pe.Keys(), tt.key) {
			t.Errorf("ParseProtocol(%q) => %v, want an error naming %s", tt.src, err, tt.key)
		}
	}
}
