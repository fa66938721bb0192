package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestVisibleMatrix covers every role x class of DOMAIN.md's matrix,
// with no ROI, with an ROI listing that class only, and with an ROI
// listing every class an ROI can release.
func TestVisibleMatrix(t *testing.T) {
	S, R, D, SO, OO := Shown, Redacted, DeIdentified, StatusOnly, OwnOnly
	type row struct{ none, this, all Access }
	want := map[Role]map[DataKind]row{
		RolePM: {DataIdentity: {S, S, S}, DataGoals: {S, S, S}, DataSensitive: {R, S, S}, DataGeneralContacts: {S, S, S},
			DataLegalCases: {S, S, S}, DataReferrals: {S, S, S}, DataAggregates: {S, S, S}},
		RoleSupervisor: {DataIdentity: {S, S, S}, DataGoals: {S, S, S}, DataSensitive: {S, S, S}, DataGeneralContacts: {S, S, S},
			DataLegalCases: {S, S, S}, DataReferrals: {S, S, S}, DataAggregates: {S, S, S}},
		RoleCaseManager: {DataIdentity: {S, S, S}, DataGoals: {S, S, S}, DataSensitive: {S, S, S}, DataGeneralContacts: {S, S, S},
			DataLegalCases: {S, S, S}, DataReferrals: {S, S, S}, DataAggregates: {S, S, S}},
		RoleProsecutor: {DataIdentity: {R, S, S}, DataGoals: {R, S, S}, DataSensitive: {R, R, R}, DataGeneralContacts: {R, S, S},
			DataLegalCases: {R, S, S}, DataReferrals: {R, R, R}, DataAggregates: {S, S, S}},
		RoleDefender: {DataIdentity: {R, S, S}, DataGoals: {R, S, S}, DataSensitive: {R, S, S}, DataGeneralContacts: {R, S, S},
			DataLegalCases: {R, S, S}, DataReferrals: {R, R, R}, DataAggregates: {S, S, S}},
		RolePolice: {DataIdentity: {R, S, S}, DataGoals: {R, S, S}, DataSensitive: {R, R, R}, DataGeneralContacts: {R, S, S},
			DataLegalCases: {R, SO, SO}, DataReferrals: {OO, OO, OO}, DataAggregates: {S, S, S}},
		RoleProvider: {DataIdentity: {R, S, S}, DataGoals: {R, S, S}, DataSensitive: {R, S, S}, DataGeneralContacts: {R, S, S},
			DataLegalCases: {R, S, S}, DataReferrals: {OO, OO, OO}, DataAggregates: {S, S, S}},
		// community referrers see their own referrals' coded outcome label
		RoleCommunity: {DataIdentity: {D, D, D}, DataGoals: {R, R, R}, DataSensitive: {R, R, R}, DataGeneralContacts: {R, R, R},
			DataLegalCases: {R, R, R}, DataReferrals: {OO, OO, OO}, DataAggregates: {S, S, S}},
		RoleEvaluator: {DataIdentity: {R, R, R}, DataGoals: {R, R, R}, DataSensitive: {R, R, R}, DataGeneralContacts: {R, R, R},
			DataLegalCases: {R, R, R}, DataReferrals: {R, R, R}, DataAggregates: {S, S, S}},
	}
	all := CoverageOf(ROIClasses...)
	for _, role := range Roles {
		for _, d := range DataKinds {
			w, ok := want[role][d]
			if !ok {
				t.Fatalf("matrix test misses %s x %s", role, d)
			}
			if got := Visible(role, 0, d); got != w.none {
				t.Errorf("Visible(%s, no ROI, %s) = %s => want %s", role, d, got, w.none)
			}
			if got := Visible(role, CoverageOf(d), d); got != w.this {
				t.Errorf("Visible(%s, ROI listing %s, %s) = %s => want %s", role, d, d, got, w.this)
			}
			if got := Visible(role, all, d); got != w.all {
				t.Errorf("Visible(%s, ROI listing every class, %s) = %s => want %s", role, d, got, w.all)
			}
			// an ROI listing every other class never releases this one
			if other := all &^ CoverageOf(d); Visible(role, other, d) != w.none {
				t.Errorf("Visible(%s, ROI not listing %s, %s) = %s => want %s", role, d, d, Visible(role, other, d), w.none)
			}
		}
	}
}

func TestSensitiveNeverReachesLawEnforcement(t *testing.T) {
	every := CoverageOf(DataKinds...)
	for _, role := range []Role{RolePolice, RoleProsecutor} {
		for _, c := range []Coverage{0, CoverageOf(DataSensitive), every} {
			if CanSeeContact(role, c, Clinical) || CanSeeNote(role, c, Clinical) || Visible(role, c, DataSensitive) != Redacted {
				t.Errorf("%s with coverage %v sees sensitive data => want never", role, c.Classes())
			}
		}
	}
	for _, role := range []Role{RoleDefender, RoleProvider, RolePM, RoleCommunity, RoleEvaluator} {
		if CanSeeContact(role, CoverageOf(LegacyROIClasses...), Clinical) {
			t.Errorf("CanSeeContact(%s, ROI not listing sensitive, clinical) = true => want false", role)
		}
	}
}

// TestROIScopes covers every role x class x ROI scope: who the ROI names
// (by role, by the viewer's agency, by another agency), whether it lists
// the class, and whether it is in force (expired, revoked, unsigned,
// signed in the future). The answer must be Visible's with the class
// covered exactly when the ROI is in force, names the viewer and lists it.
func TestROIScopes(t *testing.T) {
	d := func(s string) time.Time { t, _ := ParseDate(s); return t }
	day := d("2026-06-15")
	base := ROI{Purpose: "care coordination", Signed: d("2026-01-01"), Expires: d("2026-12-31"), RecordedBy: "dana"}
	type scope struct {
		name   string
		roi    func(viewer Actor, class DataKind) ROI
		covers bool
	}
	other := func(d DataKind) []DataKind {
		var out []DataKind
		for _, c := range ROIClasses {
			if c != d {
				out = append(out, c)
			}
		}
		return out
	}
	scopes := []scope{
		{"role named, class listed", func(v Actor, c DataKind) ROI {
			r := base
			r.Roles, r.Classes = []Role{v.Role}, []DataKind{c}
			return r
		}, true},
		{"role named, class not listed", func(v Actor, c DataKind) ROI {
			r := base
			r.Roles, r.Classes = []Role{v.Role}, other(c)
			return r
		}, false},
		{"own agency named, class listed", func(v Actor, c DataKind) ROI {
			r := base
			r.Agencies, r.Classes = []string{"  metro pd "}, []DataKind{c}
			return r
		}, true},
		{"own agency named, class not listed", func(v Actor, c DataKind) ROI {
			r := base
			r.Agencies, r.Classes = []string{"Metro PD"}, other(c)
			return r
		}, false},
		{"another agency named", func(v Actor, c DataKind) ROI {
			r := base
			r.Agencies, r.Classes = []string{"County Sheriff"}, ROIClasses
			return r
		}, false},
		{"another role named", func(v Actor, c DataKind) ROI {
			r := base
			r.Roles, r.Classes = []Role{RoleDefender}, ROIClasses
			if v.Role == RoleDefender {
				r.Roles = []Role{RoleProvider}
			}
			return r
		}, false},
		{"expired yesterday", func(v Actor, c DataKind) ROI {
			r := base
			r.Roles, r.Classes, r.Expires = []Role{v.Role}, ROIClasses, d("2026-06-14")
			return r
		}, false},
		{"expires today", func(v Actor, c DataKind) ROI {
			r := base
			r.Roles, r.Classes, r.Expires = []Role{v.Role}, ROIClasses, d("2026-06-15")
			return r
		}, true},
		{"revoked today", func(v Actor, c DataKind) ROI {
			r := base
			r.Roles, r.Classes, r.Revoked = []Role{v.Role}, ROIClasses, d("2026-06-15")
			return r
		}, false},
		{"revoked tomorrow", func(v Actor, c DataKind) ROI {
			r := base
			r.Roles, r.Classes, r.Revoked = []Role{v.Role}, ROIClasses, d("2026-06-16")
			return r
		}, true},
		{"unsigned", func(v Actor, c DataKind) ROI {
			r := base
			r.Roles, r.Classes, r.Signed = []Role{v.Role}, ROIClasses, time.Time{}
			return r
		}, false},
		{"signed tomorrow", func(v Actor, c DataKind) ROI {
			r := base
			r.Roles, r.Classes, r.Signed = []Role{v.Role}, ROIClasses, d("2026-06-16")
			return r
		}, false},
		{"legacy covers naming the role", func(v Actor, c DataKind) ROI {
			r := base
			r.Covers = []string{string(v.Role)}
			return r
		}, true}, // for the legacy classes only: checked below
	}
	for _, role := range Roles {
		viewer := Actor{User: "u", Role: role, Agency: "Metro PD"}
		for _, class := range DataKinds {
			for _, sc := range scopes {
				roi := sc.roi(viewer, class)
				covered := sc.covers && slices.Contains(ROIClasses, class)
				if sc.name == "legacy covers naming the role" {
					covered = slices.Contains(LegacyROIClasses, class)
				}
				var cov Coverage
				if covered {
					cov = CoverageOf(class)
				}
				want := Visible(role, cov, class)
				if got := Sees(viewer, []ROI{roi}, day, class); got != want {
					t.Errorf("%s x %s x %s: Sees = %s => want %s", role, class, sc.name, got, want)
				}
				if got := ROICoverage([]ROI{roi}, viewer, day).Has(class); got != covered {
					t.Errorf("%s x %s x %s: covered = %v => want %v", role, class, sc.name, got, covered)
				}
			}
		}
	}
	// an agency-named ROI covers every user of that agency, whatever role,
	// and no user of another agency, even in the same role
	r := base
	r.Agencies, r.Classes = []string{"Metro PD"}, []DataKind{DataIdentity}
	if !ROICoverage([]ROI{r}, Actor{Role: RolePolice, Agency: "Metro PD"}, day).Has(DataIdentity) {
		t.Error("Metro PD officer not covered by an ROI naming Metro PD")
	}
	if ROICoverage([]ROI{r}, Actor{Role: RolePolice, Agency: "County Sheriff"}, day).Any() {
		t.Error("County Sheriff officer covered by an ROI naming Metro PD => want nothing")
	}
	if ROICoverage([]ROI{r}, Actor{Role: RolePolice}, day).Any() {
		t.Error("officer with no agency covered by an ROI naming Metro PD => want nothing")
	}
	// several ROIs: the union of what each in force releases
	a, b := base, base
	a.Roles, a.Classes = []Role{RoleProvider}, []DataKind{DataIdentity}
	b.Agencies, b.Classes, b.Revoked = []string{"Harbor Housing"}, []DataKind{DataSensitive}, d("2026-06-01")
	c := base
	c.Agencies, c.Classes = []string{"Harbor Housing"}, []DataKind{DataGoals}
	got := ROICoverage([]ROI{a, b, c}, Actor{Role: RoleProvider, Agency: "Harbor Housing"}, day)
	if want := CoverageOf(DataIdentity, DataGoals); got != want {
		t.Errorf("union of ROIs = %v => want %v", got.Classes(), want.Classes())
	}
}

func TestMigrateROI(t *testing.T) {
	old := ROI{ID: "I-0001", Covers: []string{"police", "Defender", "Harbor Housing", " "}}
	got := MigrateROI(old)
	if !slices.Equal(got.Roles, []Role{RolePolice, RoleDefender}) || !slices.Equal(got.Agencies, []string{"Harbor Housing"}) ||
		!slices.Equal(got.Classes, LegacyROIClasses) || got.Covers != nil {
		t.Errorf("MigrateROI(%v) = roles %v agencies %v classes %v covers %v => want police, defender; Harbor Housing; legacy classes; no covers",
			old.Covers, got.Roles, got.Agencies, got.Classes, got.Covers)
	}
	if slices.Contains(got.Classes, DataSensitive) {
		t.Error("a migrated ROI lists sensitive => want never")
	}
	scoped := ROI{Roles: []Role{RoleProvider}, Classes: []DataKind{DataSensitive}}
	if g := MigrateROI(scoped); !slices.Equal(g.Classes, scoped.Classes) {
		t.Errorf("MigrateROI changed a scoped ROI: %v", g.Classes)
	}
}

func TestGoalAndProgressClasses(t *testing.T) {
	sensitive := []GoalDomain{DomainSubstanceUse, DomainHealth}
	housing := Goal{ID: "G-1", Domain: DomainHousing, Words: "own place"}
	sud := Goal{ID: "G-2", Domain: DomainSubstanceUse, Words: "try methadone again"}
	cases := []struct {
		name string
		g    Goal
		e    ProgressEntry
		want DataKind
		sens Sensitivity
	}{
		{"ordinary goal, general entry", housing, ProgressEntry{Sensitivity: General}, DataGoals, General},
		{"ordinary goal, clinical entry", housing, ProgressEntry{Sensitivity: Clinical}, DataSensitive, Clinical},
		{"ordinary goal, old entry", housing, ProgressEntry{}, DataGoals, General},
		{"sensitive goal, general entry", sud, ProgressEntry{Sensitivity: General}, DataSensitive, General},
		{"sensitive goal, old entry", sud, ProgressEntry{}, DataSensitive, Clinical},
	}
	for _, c := range cases {
		if got := ProgressClass(c.g, c.e, sensitive); got != c.want {
			t.Errorf("%s: ProgressClass = %s => want %s", c.name, got, c.want)
		}
		if got := ProgressSensitivity(c.g, c.e, sensitive); got != c.sens {
			t.Errorf("%s: ProgressSensitivity = %s => want %s", c.name, got, c.sens)
		}
	}
	if GoalClass(sud, nil) != DataSensitive || GoalClass(Goal{Domain: DomainHealth}, nil) != DataSensitive ||
		GoalClass(sud, []GoalDomain{DomainHousing}) != DataGoals || GoalClass(Goal{Domain: DomainHousing}, []GoalDomain{DomainHousing}) != DataSensitive {
		t.Error("GoalClass does not follow the protocol's sensitive domains")
	}
	housing.Progress = []ProgressEntry{{Note: "got the paperwork in", Sensitivity: General}, {Note: "back to using", Sensitivity: Clinical}, {Note: "old"}}
	sud.Progress = []ProgressEntry{{Note: "went to the clinic"}}
	goals := []Goal{housing, sud}
	for _, c := range []struct {
		role   Role
		cov    Coverage
		shown  []string // goal id: notes
		hidden int
	}{
		{RolePolice, CoverageOf(ROIClasses...), []string{"G-1:got the paperwork in,old"}, 1},
		{RoleProsecutor, CoverageOf(LegacyROIClasses...), []string{"G-1:got the paperwork in,old"}, 1},
		{RoleProvider, CoverageOf(ROIClasses...), []string{"G-1:got the paperwork in,back to using,old", "G-2:went to the clinic"}, 0},
		{RoleProvider, CoverageOf(DataIdentity, DataSensitive), []string{"G-2:went to the clinic"}, 1},
		{RolePM, 0, []string{"G-1:got the paperwork in,old"}, 1},
		{RoleCaseManager, 0, []string{"G-1:got the paperwork in,back to using,old", "G-2:went to the clinic"}, 0},
		{RoleCommunity, CoverageOf(ROIClasses...), nil, 2},
		{RoleEvaluator, CoverageOf(ROIClasses...), nil, 2},
	} {
		shown, hidden := VisibleGoals(c.role, c.cov, goals, sensitive)
		var got []string
		for _, g := range shown {
			var notes []string
			for _, e := range g.Progress {
				notes = append(notes, e.Note)
			}
			got = append(got, g.ID+":"+strings.Join(notes, ","))
		}
		if !slices.Equal(got, c.shown) || hidden != c.hidden {
			t.Errorf("VisibleGoals(%s, %v) = %v, %d hidden => want %v, %d hidden", c.role, c.cov.Classes(), got, hidden, c.shown, c.hidden)
		}
	}
}

func TestROIValidateNamesFields(t *testing.T) {
	d := func(s string) time.Time { t, _ := ParseDate(s); return t }
	ok := ROI{ParticipantID: "P-0001", Roles: []Role{RolePolice}, Agencies: []string{"Metro PD"}, Classes: []DataKind{DataIdentity},
		Purpose: "care coordination", Signed: d("2026-01-01"), Expires: d("2027-01-01"), RecordedBy: "dana"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid ROI refused: %v", err)
	}
	cases := []struct {
		field string
		edit  func(*ROI)
	}{
		{"participant_id", func(r *ROI) { r.ParticipantID = "" }},
		{"recipients", func(r *ROI) { r.Roles, r.Agencies = nil, nil }},
		{"roles", func(r *ROI) { r.Roles = []Role{RoleCommunity} }},
		{"roles", func(r *ROI) { r.Roles = []Role{"sheriff"} }},
		{"agencies", func(r *ROI) { r.Agencies = []string{" "} }},
		{"classes", func(r *ROI) { r.Classes = nil }},
		{"classes", func(r *ROI) { r.Classes = []DataKind{DataReferrals} }},
		{"classes", func(r *ROI) { r.Classes = []DataKind{"clinical"} }},
		{"purpose", func(r *ROI) { r.Purpose = " " }},
		{"signed", func(r *ROI) { r.Signed = time.Time{} }},
		{"expires", func(r *ROI) { r.Expires = time.Time{} }},
		{"expires", func(r *ROI) { r.Expires = d("2025-12-31") }},
		{"revoked", func(r *ROI) { r.Revoked = d("2025-12-31") }},
		{"recorded_by", func(r *ROI) { r.RecordedBy = "" }},
		{"covers", func(r *ROI) { r.Covers = []string{"police"} }},
	}
	for _, c := range cases {
		r := ok
		r.Roles, r.Agencies, r.Classes = slices.Clone(ok.Roles), slices.Clone(ok.Agencies), slices.Clone(ok.Classes)
		c.edit(&r)
		err := r.Validate()
		var ve *ValidationError
		if !errors.As(err, &ve) || !slices.ContainsFunc(ve.Errs, func(f FieldError) bool { return f.Field == c.field }) {
			t.Errorf("ROI with bad %s: Validate = %v => want an error naming %s", c.field, err, c.field)
		}
	}
}

func TestROIDescribe(t *testing.T) {
	d := func(s string) time.Time { t, _ := ParseDate(s); return t }
	r := ROI{Agencies: []string{"Metro PD"}, Classes: []DataKind{DataIdentity, DataGoals, DataLegalCases}, Purpose: "care coordination", Expires: d("2027-03-01")}
	if got, want := r.Describe(), "Metro PD: identity, goals, legal cases, until 2027-03-01 (care coordination)"; got != want {
		t.Errorf("Describe = %q => want %q", got, want)
	}
	r = ROI{Roles: []Role{RoleProvider}, Agencies: []string{"Harbor \x1b[31mHousing"}, Classes: []DataKind{DataSensitive}, Expires: d("2027-03-01")}
	if got, want := r.Describe(), "provider, Harbor Housing: sensitive, until 2027-03-01 (purpose not recorded)"; got != want {
		t.Errorf("Describe = %q => want %q", got, want)
	}
}

func TestCleanStripsEscapes(t *testing.T) {
	cases := map[string]string{
		"plain":                         "plain",
		"José Núñez":                    "José Núñez",
		"a\x1b[31mred\x1b[0m":           "ared",
		"title\x1b]0;pwned\x07 ok":      "title ok",
		"bell\x07 and \x00nul":          "bell and nul",
		"tab\there":                     "tab here",
		"c1\u009b2Jcsi":                 "c1csi",
		"\x1b]8;;http://x\x1b\\link":    "link",
		"bidi\u202eevil":                "bidievil",
		"Nguyễn Thị Lan 🙂":              "Nguyễn Thị Lan 🙂",
		"dcs\x1bPq#0;2;0;0;0\x1b\\done": "dcsdone",
	}
	for in, want := range cases {
		if got := Clean(in, false); got != want {
			t.Errorf("Clean(%q) = %q => want %q", in, got, want)
		}
	}
	if got := Clean("a\nb", true); got != "a\nb" {
		t.Errorf("Clean keeps newlines => got %q", got)
	}
}

func FuzzClean(f *testing.F) {
	f.Add("a\x1b[31mred")
	f.Add("\x1b]0;x\x07")
	f.Fuzz(func(t *testing.T, s string) {
		out := Clean(s, true)
		for _, r := range out {
			if r == 0x1b || (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("Clean(%q) left control %U", s, r)
			}
		}
	})
}

// TestMeetingAndCaseNoteRules covers the rules of meeting free text,
// meeting attendance, referral decisions and case notes for every role.
func TestMeetingAndCaseNoteRules(t *testing.T) {
	type want struct {
		itemTextNoROI, itemTextROI, meetings, decides bool
		defenseNote, prosecutionNote                  bool // with the case shown in full
	}
	wants := map[Role]want{
		RolePM:          {true, true, true, true, false, true},
		RoleSupervisor:  {true, true, true, true, false, true},
		RoleCaseManager: {true, true, true, false, false, true},
		RoleProsecutor:  {false, true, true, false, false, true},
		RoleDefender:    {false, true, true, false, true, true},
		RolePolice:      {false, true, true, false, false, true},
		RoleProvider:    {false, true, true, false, false, true},
		RoleCommunity:   {false, false, true, false, false, true},
		RoleEvaluator:   {false, false, false, false, false, true},
	}
	defense := CaseNote{Role: RoleDefender, Text: "alibi"}
	unsigned := CaseNote{Text: "no role"}
	prosecution := CaseNote{Role: RoleProsecutor, Text: "offer"}
	for _, role := range Roles {
		w, ok := wants[role]
		if !ok {
			t.Fatalf("test misses %s", role)
		}
		if got := CanSeeItemText(role, 0); got != w.itemTextNoROI {
			t.Errorf("CanSeeItemText(%s, no ROI) = %v => want %v", role, got, w.itemTextNoROI)
		}
		if got := CanSeeItemText(role, CoverageOf(LegacyROIClasses...)); got != w.itemTextROI {
			t.Errorf("CanSeeItemText(%s, ROI) = %v => want %v", role, got, w.itemTextROI)
		}
		if got := SeesMeetings(role); got != w.meetings {
			t.Errorf("SeesMeetings(%s) = %v => want %v", role, got, w.meetings)
		}
		if got := CanDecideReferrals(role); got != w.decides {
			t.Errorf("CanDecideReferrals(%s) = %v => want %v", role, got, w.decides)
		}
		for _, n := range []CaseNote{defense, unsigned} {
			if got := CanSeeCaseNote(role, Shown, n); got != w.defenseNote {
				t.Errorf("CanSeeCaseNote(%s, shown, %q by %q) = %v => want %v", role, n.Text, n.Role, got, w.defenseNote)
			}
		}
		if got := CanSeeCaseNote(role, Shown, prosecution); got != w.prosecutionNote {
			t.Errorf("CanSeeCaseNote(%s, shown, prosecution) = %v => want %v", role, got, w.prosecutionNote)
		}
		for _, a := range []Access{StatusOnly, Redacted, DeIdentified} {
			for _, n := range []CaseNote{defense, prosecution} {
				if CanSeeCaseNote(role, a, n) {
					t.Errorf("CanSeeCaseNote(%s, %s, %q) = true => want false: notes need the case in full", role, a, n.Text)
				}
			}
		}
	}
}
