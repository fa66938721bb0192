package store

import (
	"testing"
	"time"
)

// TestVisibleMatrix covers every role x data row of DOMAIN.md, with and
// without an ROI covering the viewer.
func TestVisibleMatrix(t *testing.T) {
	S, R, D, SO, OO := Shown, Redacted, DeIdentified, StatusOnly, OwnOnly
	type row struct{ noROI, withROI Access }
	want := map[Role]map[DataKind]row{
		RolePM: {DataIdentity: {S, S}, DataClinicalContacts: {R, R}, DataGeneralContacts: {S, S},
			DataLegalCases: {S, S}, DataReferrals: {S, S}, DataAggregates: {S, S}},
		RoleSupervisor: {DataIdentity: {S, S}, DataClinicalContacts: {S, S}, DataGeneralContacts: {S, S},
			DataLegalCases: {S, S}, DataReferrals: {S, S}, DataAggregates: {S, S}},
		RoleCaseManager: {DataIdentity: {S, S}, DataClinicalContacts: {S, S}, DataGeneralContacts: {S, S},
			DataLegalCases: {S, S}, DataReferrals: {S, S}, DataAggregates: {S, S}},
		RoleProsecutor: {DataIdentity: {R, S}, DataClinicalContacts: {R, R}, DataGeneralContacts: {R, S},
			DataLegalCases: {R, S}, DataReferrals: {R, R}, DataAggregates: {S, S}},
		RoleDefender: {DataIdentity: {R, S}, DataClinicalContacts: {R, R}, DataGeneralContacts: {R, S},
			DataLegalCases: {R, S}, DataReferrals: {R, R}, DataAggregates: {S, S}},
		RolePolice: {DataIdentity: {R, S}, DataClinicalContacts: {R, R}, DataGeneralContacts: {R, S},
			DataLegalCases: {R, SO}, DataReferrals: {OO, OO}, DataAggregates: {S, S}},
		RoleProvider: {DataIdentity: {R, S}, DataClinicalContacts: {R, R}, DataGeneralContacts: {R, S},
			DataLegalCases: {R, S}, DataReferrals: {OO, OO}, DataAggregates: {S, S}},
		RoleCommunity: {DataIdentity: {D, D}, DataClinicalContacts: {R, R}, DataGeneralContacts: {R, R},
			DataLegalCases: {R, R}, DataReferrals: {OO, OO}, DataAggregates: {S, S}},
		RoleEvaluator: {DataIdentity: {R, R}, DataClinicalContacts: {R, R}, DataGeneralContacts: {R, R},
			DataLegalCases: {R, R}, DataReferrals: {R, R}, DataAggregates: {S, S}},
	}
	for _, role := range Roles {
		for _, d := range DataKinds {
			w, ok := want[role][d]
			if !ok {
				t.Fatalf("matrix test misses %s x %s", role, d)
			}
			if got := Visible(role, false, d); got != w.noROI {
				t.Errorf("Visible(%s, no ROI, %s) = %s => want %s", role, d, got, w.noROI)
			}
			if got := Visible(role, true, d); got != w.withROI {
				t.Errorf("Visible(%s, ROI, %s) = %s => want %s", role, d, got, w.withROI)
			}
		}
	}
}

func TestClinicalNeverReachesLawEnforcement(t *testing.T) {
	for _, role := range []Role{RolePolice, RoleProsecutor, RoleDefender, RoleProvider, RoleCommunity, RoleEvaluator, RolePM} {
		for _, roi := range []bool{false, true} {
			if CanSeeContact(role, roi, Clinical) {
				t.Errorf("CanSeeContact(%s, roi=%v, clinical) = true => want false", role, roi)
			}
		}
	}
}

func TestROIValidity(t *testing.T) {
	d := func(s string) time.Time { t, _ := ParseDate(s); return t }
	day := d("2026-06-15")
	cases := []struct {
		name   string
		roi    ROI
		role   Role
		agency string
		want   bool
	}{
		{"covers role", ROI{Covers: []string{"police"}, Signed: d("2026-01-01"), Expires: d("2026-12-31")}, RolePolice, "", true},
		{"covers agency", ROI{Covers: []string{"Metro PD"}, Signed: d("2026-01-01"), Expires: d("2026-12-31")}, RolePolice, "metro pd", true},
		{"other partner", ROI{Covers: []string{"defender"}, Signed: d("2026-01-01"), Expires: d("2026-12-31")}, RolePolice, "", false},
		{"expired yesterday", ROI{Covers: []string{"police"}, Signed: d("2026-01-01"), Expires: d("2026-06-14")}, RolePolice, "", false},
		{"expires today", ROI{Covers: []string{"police"}, Signed: d("2026-01-01"), Expires: d("2026-06-15")}, RolePolice, "", true},
		{"revoked today", ROI{Covers: []string{"police"}, Signed: d("2026-01-01"), Expires: d("2026-12-31"), Revoked: d("2026-06-15")}, RolePolice, "", false},
		{"revoked tomorrow", ROI{Covers: []string{"police"}, Signed: d("2026-01-01"), Expires: d("2026-12-31"), Revoked: d("2026-06-16")}, RolePolice, "", true},
		{"signed tomorrow", ROI{Covers: []string{"police"}, Signed: d("2026-06-16"), Expires: d("2026-12-31")}, RolePolice, "", false},
	}
	for _, c := range cases {
		if got := ROICovers([]ROI{c.roi}, c.role, c.agency, day); got != c.want {
			t.Errorf("%s: ROICovers = %v => want %v", c.name, got, c.want)
		}
	}
	if !ROICovers(nil, RoleCaseManager, "", day) {
		t.Errorf("case manager needs no ROI => want true")
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
		if got := CanSeeItemText(role, false); got != w.itemTextNoROI {
			t.Errorf("CanSeeItemText(%s, no ROI) = %v => want %v", role, got, w.itemTextNoROI)
		}
		if got := CanSeeItemText(role, true); got != w.itemTextROI {
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
