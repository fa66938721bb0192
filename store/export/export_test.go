package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/store/report"
)

var (
	ctx    = context.Background()
	pm     = store.Actor{User: "pat", Role: store.RolePM, System: true} // fixtures write as the system actor (store.MayWrite allows it all)
	cm     = store.Actor{User: "alice", Role: store.RoleCaseManager}
	police = store.Actor{User: "officer", Role: store.RolePolice, Agency: "Metro PD"}
	eval   = store.Actor{User: "eve", Role: store.RoleEvaluator}
	now    = time.Date(2025, 3, 20, 12, 0, 0, 0, time.UTC)

	sensitive = store.DefaultProtocol().SensitiveGoalDomains
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// seeded is a store with identifying values everywhere; secrets lists
// every one of them that must never reach a de-identified export.
type seeded struct {
	s       store.Store
	p1, p2  string // p2 has an ROI covering police
	meeting string
	secrets []string
	general string // a general contact note on p2
	clinic  string // a clinical contact note on p2
}

func seed(t *testing.T) seeded {
	t.Helper()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sd := seeded{s: db}
	for _, u := range []store.User{
		{Name: "alice", Role: store.RoleCaseManager, Active: true},
		{Name: "officer", Role: store.RolePolice, Agency: "Metro PD", Active: true},
	} {
		_, err := db.CreateUser(ctx, pm, u)
		must(err)
	}
	r1, err := db.CreateReferral(ctx, pm, store.Referral{
		Received: time.Date(2025, 3, 3, 9, 15, 0, 0, time.UTC), Kind: store.KindArrestDiversion,
		Referrer: "Sgt Quincy Referwell", Agency: "Metro PD", ReferrerUser: "officer",
		Person:  store.Person{Name: "Zebulon Quartermaine", Aliases: []string{"Zeb Q"}, DOB: day("1958-07-23")},
		Offense: "possession", Location: "under the Larkspur Street bridge",
		Notes: "seemed xylophone-tired, mentioned sister Ophelia", RaceEthnicity: "Black",
		Status: store.RefNew, Indicators: store.Indicators{Unsheltered: true, Contacts12m: 3},
	})
	must(err)
	r2, err := db.CreateReferral(ctx, pm, store.Referral{
		Received: time.Date(2025, 3, 5, 23, 40, 0, 0, time.UTC), Kind: store.KindSocialContact,
		Referrer: "Officer Maribel Stonecrop", Agency: "Metro PD",
		Person:  store.Person{Name: "Wilhelmina Yarrowby", ApproxAge: 30},
		Offense: "loitering near the Quillfeather pharmacy", Location: "Quillfeather Ave & 5th",
		Notes: "asked for help with a voucher", RaceEthnicity: "hispanic",
		Status: store.RefNew,
	})
	must(err)
	_, err = db.DecideReferral(ctx, pm, r1.ID, store.ReferralDecision{Version: r1.Version, Status: store.RefAccepted, CaseManager: "alice", HardCap: 20})
	must(err)
	r1, err = db.GetReferral(ctx, r1.ID)
	must(err)
	sd.p1 = r1.ParticipantID
	p1, err := db.GetParticipant(ctx, sd.p1)
	must(err)
	p1.Pronouns, p1.Housing, p1.EnrolledOn = "he/him", "staying with cousin Thaddeus", day("2025-03-06")
	_, err = db.UpdateParticipant(ctx, pm, p1)
	must(err)

	p2, err := db.CreateParticipant(ctx, pm, store.Participant{
		Name: "Persephone Vandermolen", Aliases: []string{"Percy V"}, DOB: day("1991-11-02"), EnrolledOn: day("2025-03-10"),
		CaseManager: "alice", Status: store.StatusEngaging, RaceEthnicity: "White", Housing: "Evergreen shelter bed 12",
	})
	must(err)
	sd.p2 = p2.ID
	_, err = db.CreateROI(ctx, pm, store.ROI{ParticipantID: p2.ID, Covers: []string{"police"}, Signed: day("2025-03-01"), Expires: day("2026-03-01")})
	must(err)
	sd.general = "met at the Juniper clinic steps, doing well"
	sd.clinic = "disclosed relapse on methamphetamine, see plan"
	for _, c := range []store.Contact{
		{ParticipantID: p2.ID, Date: day("2025-03-12"), Kind: store.ContactStreet, Note: sd.general, Author: "alice", Sensitivity: store.General},
		{ParticipantID: p2.ID, Date: day("2025-03-14"), Kind: store.ContactOffice, Note: sd.clinic, Author: "alice", Sensitivity: store.Clinical},
		{ParticipantID: sd.p1, Date: day("2025-03-07"), Kind: store.ContactPhone, Note: "called from the Obsidian motel", Author: "alice", Sensitivity: store.General},
	} {
		_, err := db.CreateContact(ctx, cm, c)
		must(err)
	}
	g, err := db.CreateGoal(ctx, cm, store.Goal{ParticipantID: p2.ID, Words: "get my daughter Clementine back", Domain: store.DomainRelationships, Status: store.GoalActive})
	must(err)
	_, err = db.AppendProgress(ctx, cm, g.ID, store.ProgressEntry{Date: day("2025-03-15"), Step: store.StepForward, Note: "visited family court with Marisol", Author: "alice"})
	must(err)
	// a clinical progress note on an ordinary goal, and a goal in a
	// sensitive domain (with an entry recorded before entries had a
	// sensitivity): sensitive data
	_, err = db.AppendProgress(ctx, cm, g.ID, store.ProgressEntry{Date: day("2025-03-16"), Step: store.StepSetback, Note: "back to using after the Marigold hearing", Author: "alice", Sensitivity: store.Clinical})
	must(err)
	_, err = db.CreateGoal(ctx, cm, store.Goal{ParticipantID: p2.ID, Words: "try methadone again at Tamarind", Domain: store.DomainSubstanceUse, Status: store.GoalActive,
		Progress: []store.ProgressEntry{{Date: day("2025-03-17"), Step: store.StepForward, Note: "dosed three days running", Author: "alice"}}})
	must(err)
	_, err = db.CreateROI(ctx, pm, store.ROI{ParticipantID: p2.ID, Agencies: []string{"Harbor Housing"}, Classes: store.ROIClasses,
		Purpose: "treatment coordination", Signed: day("2025-03-01"), Expires: day("2026-03-01")})
	must(err)
	_, err = db.CreateCase(ctx, pm, store.LegalCase{ParticipantID: p2.ID, Kind: store.CasePreExisting, CaseNumber: "25-CR-90817", Court: "Municipal",
		Charges: "trespass at Hollowbrook Mall", Status: store.CaseOpen, NextCourtDate: day("2025-04-02"),
		DefenderNotes: []store.CaseNote{{Time: day("2025-03-11"), Author: "dana", Role: store.RoleDefender, Text: "client alibi witness Rosalind"}}})
	must(err)
	m, err := db.CreateMeeting(ctx, pm, store.Meeting{Date: day("2025-03-13"), Facilitator: "pat", Status: store.MeetingEnded,
		Items: []store.AgendaItem{{ID: "1", Kind: store.ItemGoalReview, Subject: p2.ID, Title: "Goal review " + p2.ID, Status: store.ItemDiscussed,
			Notes: []store.Note{{Author: "alice", Text: "housing voucher pending", Sensitivity: store.General}}}}})
	must(err)
	sd.meeting = m.ID
	_ = r2
	sd.secrets = []string{
		"Zebulon", "Quartermaine", "Zeb Q", "1958-07-23", "1958", "Quincy", "Referwell", "Metro PD", "Larkspur", "xylophone", "Ophelia",
		"Wilhelmina", "Yarrowby", "Maribel", "Stonecrop", "Quillfeather", "voucher", "Thaddeus",
		"Persephone", "Vandermolen", "Percy", "1991-11-02", "1991", "Evergreen", "Juniper", sd.clinic, "methamphetamine", "Obsidian",
		"Clementine", "Marisol", "25-CR-90817", "Hollowbrook", "Rosalind", "he/him", "alice",
		r1.ID, r2.ID, sd.p1, sd.p2, "loitering",
	}
	return sd
}

func TestDeidentifiedCSVHasNoIdentifiers(t *testing.T) {
	sd := seed(t)
	period := report.Period{From: day("2025-03-01"), To: day("2025-03-20")}
	in, err := report.Load(ctx, sd.s, period, now, store.Protocol{DivertibleOffenses: []string{"possession"}})
	if err != nil {
		t.Fatal(err)
	}
	key := bytes.Repeat([]byte{7}, 32)
	var buf bytes.Buffer
	if err := DeidentifiedCSV(&buf, in, key); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, s := range sd.secrets {
		if strings.Contains(strings.ToLower(out), strings.ToLower(s)) {
			t.Errorf("de-identified CSV contains %q:\n%s", s, out)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+2+2 {
		t.Fatalf("rows: got %d => want header + 2 referrals + 2 participants\n%s", len(rows), out)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	if len(rows[0]) != len(Columns) {
		t.Errorf("header has %d columns => want %d", len(rows[0]), len(Columns))
	}
	get := func(r int, name string) string { return rows[r][col[name]] }
	checks := []struct{ got, want string }{
		{get(1, "record"), "referral"},
		{get(1, "pseudo_id"), Pseudonym(key, "R-0001")},
		{get(1, "linked_pseudo_id"), Pseudonym(key, sd.p1)},
		{get(1, "age_band"), "65+"},
		{get(1, "offense"), "possession"},
		{get(1, "received"), "2025-03-03"},
		{get(2, "offense"), "other"},
		{get(2, "age_band"), "25-34"},
		{get(2, "race_ethnicity"), "Hispanic/Latina/e/o"},
		{get(1, "race_ethnicity"), "Black, African American, or African"},
		{get(3, "record"), "participant"},
		{get(3, "pseudo_id"), Pseudonym(key, sd.p1)},
		{get(3, "linked_pseudo_id"), Pseudonym(key, "R-0001")},
		{get(3, "days_to_intake"), "3"},
		{get(4, "age_band"), "25-34"},
		{get(4, "contacts"), "2"},
		{get(4, "goals_set"), "2"}, // created by the store clock on the export day, inside the period
		{get(4, "progress_forward"), "2"},
		{get(4, "days_since_contact"), "6"},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: got %q => want %q", i, c.got, c.want)
		}
	}
	if !strings.HasPrefix(get(1, "pseudo_id"), "X-") || len(get(1, "pseudo_id")) != 12 {
		t.Errorf("pseudonym %q is not X- and 10 hex digits", get(1, "pseudo_id"))
	}
}

func TestPseudonymStableAndKeyed(t *testing.T) {
	k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	if first, again := Pseudonym(k1, "P-0001"), Pseudonym(k1, "P-0001"); first != again {
		t.Errorf("pseudonym not stable: %q then %q", first, again)
	}
	if Pseudonym(k1, "P-0001") == Pseudonym(k2, "P-0001") || Pseudonym(k1, "P-0001") == Pseudonym(k1, "P-0002") {
		t.Error("pseudonym ignores key or id")
	}
	if Pseudonym(k1, "") != "" {
		t.Error("empty id has a pseudonym")
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k1, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != 32 {
		t.Fatalf("key length %d => want 32", len(k1))
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v => want 0600", fi.Mode().Perm())
	}
	k2, err := LoadOrCreateKey(dir)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Errorf("second load: %v, same key %v => want the same key", err, bytes.Equal(k1, k2))
	}
	if err := os.WriteFile(filepath.Join(dir, KeyFile), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(dir); err == nil {
		t.Error("a short key file was accepted")
	}
}

func TestAgeBand(t *testing.T) {
	for age, want := range map[int]string{-1: "", 17: "under 18", 18: "18-24", 24: "18-24", 25: "25-34", 34: "25-34", 35: "35-44",
		44: "35-44", 45: "45-54", 54: "45-54", 55: "55-64", 64: "55-64", 65: "65+", 90: "65+"} {
		if got := AgeBand(age); got != want {
			t.Errorf("AgeBand(%d) = %q => want %q", age, got, want)
		}
	}
}

func exports(t *testing.T, s store.Store, user string) []store.AuditEvent {
	t.Helper()
	evs, err := s.ListAudit(ctx, store.AuditFilter{User: user, Action: store.AuditExport})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestParticipantMarkdown(t *testing.T) {
	sd := seed(t)
	// police with no ROI covering them: placeholder, no name, audited
	out, err := ParticipantMarkdown(ctx, sd.s, police, sd.p1, now, sensitive)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "> NOTICE OF PROHIBITION ON RE-DISCLOSURE (42 CFR 2.32)") {
		t.Errorf("participant export does not start with the notice:\n%s", out)
	}
	if !strings.Contains(out, store.NotShared) {
		t.Errorf("police without ROI: no %q:\n%s", store.NotShared, out)
	}
	for _, s := range []string{"Zebulon", "Quartermaine", sd.p1, "Obsidian", "1958"} {
		if strings.Contains(out, s) {
			t.Errorf("police without ROI sees %q:\n%s", s, out)
		}
	}
	if evs := exports(t, sd.s, "officer"); len(evs) != 1 || evs[0].Subject != sd.p1 || evs[0].Detail != "participant-markdown:redacted" {
		t.Errorf("audit: got %+v => want one export of %s", evs, sd.p1)
	}

	// police with an ROI: identity and general contacts, never clinical notes, case status only
	out, err = ParticipantMarkdown(ctx, sd.s, police, sd.p2, now, sensitive)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{RedisclosureNotice[:40], "Persephone Vandermolen", "Juniper", "pre existing: open, next court date 2025-04-02",
		"Clementine", "Marisol", "- 1 more goal held by case management\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("police with ROI: missing %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"methamphetamine", "25-CR-90817", "Hollowbrook", "Rosalind", "methadone", "Tamarind", "dosed",
		"substance", "Marigold", "back to using", "Harbor Housing", "treatment coordination"} {
		if strings.Contains(out, bad) {
			t.Errorf("police with ROI sees %q:\n%s", bad, out)
		}
	}

	// pm: everything but clinical notes and defender notes
	out, err = ParticipantMarkdown(ctx, sd.s, pm, sd.p2, now, sensitive)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Persephone Vandermolen (" + sd.p2 + ")", "Clementine", "Marisol", "25-CR-90817", "Juniper"} {
		if !strings.Contains(out, want) {
			t.Errorf("pm: missing %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"methamphetamine", "Rosalind", "1991-11-02", "methadone", "Marigold"} {
		if strings.Contains(out, bad) {
			t.Errorf("pm sees %q:\n%s", bad, out)
		}
	}
	// a provider of the agency an ROI listing sensitive names sees it all
	harbor := store.Actor{User: "hh", Role: store.RoleProvider, Agency: "Harbor Housing"}
	out, err = ParticipantMarkdown(ctx, sd.s, harbor, sd.p2, now, sensitive)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"methamphetamine", "methadone", "Marigold", "dosed three days running", "Harbor Housing: identity, goals, sensitive"} {
		if !strings.Contains(out, want) {
			t.Errorf("provider with an ROI listing sensitive: missing %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "more goal") {
		t.Errorf("provider with an ROI listing sensitive is told goals are held:\n%s", out)
	}
	// a provider of another agency: nothing
	out, err = ParticipantMarkdown(ctx, sd.s, store.Actor{User: "x", Role: store.RoleProvider, Agency: "Other Shelter"}, sd.p2, now, sensitive)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "Persephone") || strings.Contains(out, "Clementine") {
		t.Errorf("provider of another agency sees the record:\n%s", out)
	}
	// the case manager sees the clinical note
	out, err = ParticipantMarkdown(ctx, sd.s, cm, sd.p2, now, sensitive)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"methamphetamine", "methadone", "Marigold"} {
		if !strings.Contains(out, want) {
			t.Errorf("case manager does not see %q:\n%s", want, out)
		}
	}
	// community: status only
	out, err = ParticipantMarkdown(ctx, sd.s, store.Actor{User: "cora", Role: store.RoleCommunity}, sd.p2, now, sensitive)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "Persephone") || !strings.Contains(out, "Status: engaging") {
		t.Errorf("community:\n%s", out)
	}
}

func TestMinutesMarkdown(t *testing.T) {
	sd := seed(t)
	out, err := MinutesMarkdown(ctx, sd.s, pm, sd.meeting, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "> "+RedisclosureNotice[:40]) {
		t.Errorf("minutes do not start with the notice:\n%s", out)
	}
	if !strings.Contains(out, "Persephone Vandermolen") || !strings.Contains(out, "housing voucher pending") {
		t.Errorf("pm minutes lack the label or the note:\n%s", out)
	}
	if evs := exports(t, sd.s, "pat"); len(evs) != 1 || evs[0].Subject != sd.meeting {
		t.Errorf("audit: got %+v => want one export of %s", evs, sd.meeting)
	}
	// police with ROI on p2 see the label; an evaluator is refused
	out, err = MinutesMarkdown(ctx, sd.s, police, sd.meeting, now)
	if err != nil || !strings.Contains(out, "Persephone") {
		t.Errorf("police minutes: %v\n%s", err, out)
	}
	if _, err := MinutesMarkdown(ctx, sd.s, eval, sd.meeting, now); !errors.Is(err, store.ErrDenied) {
		t.Errorf("evaluator minutes: got %v => want ErrDenied", err)
	}
}

// TestParticipantJSON: the JSON summary holds what the Markdown one does,
// filtered the same way: an officer with an ROI covering police never
// gets a sensitive goal, its progress or a clinical progress note.
func TestParticipantJSON(t *testing.T) {
	sd := seed(t)
	b, err := ParticipantJSON(ctx, sd.s, police, sd.p2, now, sensitive)
	if err != nil {
		t.Fatal(err)
	}
	var got ParticipantSummary
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, b)
	}
	if got.ID != sd.p2 || got.Name != "Persephone Vandermolen" || len(got.Goals) != 1 || got.Goals[0].Domain != "relationships" ||
		got.Goals[0].Words != "get my daughter Clementine back" || len(got.Goals[0].Progress) != 1 ||
		got.Goals[0].Progress[0].Note != "visited family court with Marisol" || got.HiddenGoals != 1 ||
		len(got.Contacts) != 1 || len(got.Cases) != 1 || got.Cases[0].CaseNumber != "" || len(got.ROIs) != 1 {
		t.Errorf("police with ROI: got %+v", got)
	}
	for _, bad := range []string{"methamphetamine", "methadone", "Tamarind", "dosed", "substance", "Marigold", "back to using", "Harbor", "Rosalind", "25-CR-90817"} {
		if strings.Contains(string(b), bad) {
			t.Errorf("police JSON holds %q:\n%s", bad, b)
		}
	}
	if evs := exports(t, sd.s, "officer"); len(evs) != 1 || evs[0].Detail != "participant-json" {
		t.Errorf("audit: got %+v => want one participant-json export", evs)
	}
	// no ROI: no name at all, the id only
	b, err = ParticipantJSON(ctx, sd.s, police, sd.p1, now, sensitive)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["name"]; ok || raw["id"] != sd.p1 || raw["access"] != "redacted" || strings.Contains(string(b), "Zebulon") {
		t.Errorf("police without ROI: %s", b)
	}
	for _, k := range []string{"goals", "contacts", "cases", "rois"} {
		if xs, ok := raw[k].([]any); !ok || len(xs) != 0 {
			t.Errorf("police without ROI: %s = %v => want an empty list", k, raw[k])
		}
	}
	// the case manager gets every goal and the clinical entries, marked
	b, err = ParticipantJSON(ctx, sd.s, cm, sd.p2, now, sensitive)
	if err != nil {
		t.Fatal(err)
	}
	got = ParticipantSummary{}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Goals) != 2 || got.HiddenGoals != 0 || len(got.Goals[0].Progress) != 2 || got.Goals[0].Progress[1].Sensitivity != "clinical" ||
		got.Goals[1].Progress[0].Sensitivity != "clinical" || len(got.ROIs) != 2 {
		t.Errorf("case manager: got %+v", got)
	}
}
