package badgerstore

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

func TestParticipants(t *testing.T) {
	db := memDB(t)
	a := mustParticipant(t, db, "José Núñez", "casey")
	b := mustParticipant(t, db, "Nguyễn Thị Lan", "casey")
	cIn := newParticipant("\x1b[31mSam\x1b[0m Ortiz\x07", "robin")
	cIn.Status = store.StatusNotYetEngaged
	c := must[store.Participant](t, "create c")(db.CreateParticipant(ctx, pm, cIn))
	if got := ids([]store.Participant{a, b, c}, func(p store.Participant) string { return p.ID }); got != "P-0001,P-0002,P-0003" {
		t.Errorf("ids => %s, want P-0001,P-0002,P-0003", got)
	}
	if c.Name != "Sam Ortiz" {
		t.Errorf("cleaned name => %q, want %q", c.Name, "Sam Ortiz")
	}
	if a.Version != 1 || a.Created.IsZero() || !a.Updated.Equal(a.Created) {
		t.Errorf("created => version %d created %v updated %v, want 1 and equal times", a.Version, a.Created, a.Updated)
	}

	got := must[store.Participant](t, "get")(db.GetParticipant(ctx, "P-0002"))
	if got.Name != "Nguyễn Thị Lan" || got.CaseManager != "casey" {
		t.Errorf("GetParticipant(P-0002) => %+v, want Nguyễn Thị Lan of casey", got)
	}
	_, err := db.GetParticipant(ctx, "P-9999")
	wantIs(t, "GetParticipant(P-9999)", err, store.ErrNotFound)

	// update: version check, bump, index moves
	upd := b
	upd.Status = store.StatusExited
	upd.ExitReason = "moved away"
	b2, err := db.UpdateParticipant(ctx, cm, upd)
	if err != nil {
		t.Fatalf("UpdateParticipant => %v", err)
	}
	if b2.Version != 2 || !b2.Updated.After(b.Updated) && !b2.Updated.Equal(b.Updated) {
		t.Errorf("updated => version %d, want 2", b2.Version)
	}
	_, err = db.UpdateParticipant(ctx, cm, upd) // version 1 again
	wantIs(t, "UpdateParticipant(stale)", err, store.ErrStale)
	_, err = db.UpdateParticipant(ctx, cm, store.Participant{ID: "P-0404", Version: 1})
	wantIs(t, "UpdateParticipant(P-0404)", err, store.ErrNotFound)

	// own id bumps the counter; a taken one is ErrExists
	own := newParticipant("Ana Díaz", "robin")
	own.ID = "P-0042"
	must[store.Participant](t, "create P-0042")(db.CreateParticipant(ctx, pm, own))
	_, err = db.CreateParticipant(ctx, pm, own)
	wantIs(t, "CreateParticipant(P-0042 again)", err, store.ErrExists)
	next := mustParticipant(t, db, "Lee Park", "robin")
	if next.ID != "P-0043" {
		t.Errorf("id after P-0042 => %s, want P-0043", next.ID)
	}

	for _, tc := range []struct {
		name string
		f    store.ParticipantFilter
		want string
	}{
		{"all", store.ParticipantFilter{}, "P-0001,P-0002,P-0003,P-0042,P-0043"},
		{"case manager", store.ParticipantFilter{CaseManager: "casey"}, "P-0001,P-0002"},
		{"case manager active", store.ParticipantFilter{CaseManager: "casey", ActiveOnly: true}, "P-0001"},
		{"case manager and status", store.ParticipantFilter{CaseManager: "robin", Status: store.StatusEngaging}, "P-0042,P-0043"},
		{"status", store.ParticipantFilter{Status: store.StatusNotYetEngaged}, "P-0003"},
		{"status exited", store.ParticipantFilter{Status: store.StatusExited}, "P-0002"},
		{"active only", store.ParticipantFilter{ActiveOnly: true}, "P-0001,P-0003,P-0042,P-0043"},
		{"nobody", store.ParticipantFilter{CaseManager: "nobody"}, ""},
	} {
		ps, err := db.ListParticipants(ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: ListParticipants => %v", tc.name, err)
		}
		if got := ids(ps, func(p store.Participant) string { return p.ID }); got != tc.want {
			t.Errorf("%s: ListParticipants(%+v) => %s, want %s", tc.name, tc.f, got, tc.want)
		}
	}
}

func TestIDsGrowPastFourDigits(t *testing.T) {
	db := memDB(t)
	own := newParticipant("A", "casey")
	own.ID = "P-9999"
	must[store.Participant](t, "create P-9999")(db.CreateParticipant(ctx, pm, own))
	p := mustParticipant(t, db, "B", "casey")
	if p.ID != "P-10000" {
		t.Errorf("id after P-9999 => %s, want P-10000", p.ID)
	}
	ps := must[[]store.Participant](t, "list")(db.ListParticipants(ctx, store.ParticipantFilter{}))
	if got := ids(ps, func(p store.Participant) string { return p.ID }); got != "P-9999,P-10000" {
		t.Errorf("id order => %s, want P-9999,P-10000", got)
	}
}

func TestGoals(t *testing.T) {
	db := memDB(t)
	p := mustParticipant(t, db, "José Núñez", "casey")
	q := mustParticipant(t, db, "Lan", "casey")
	g := must[store.Goal](t, "create goal")(db.CreateGoal(ctx, cm, store.Goal{ParticipantID: p.ID, Words: "get my ID back\nthen a job", Domain: store.DomainIncome}))
	if g.ID != "G-0001" || g.Status != store.GoalActive || g.Version != 1 {
		t.Errorf("CreateGoal => %s %s v%d, want G-0001 active v1", g.ID, g.Status, g.Version)
	}
	if g.Words != "get my ID back\nthen a job" {
		t.Errorf("words => %q, want newlines kept", g.Words)
	}
	must[store.Goal](t, "create goal 2")(db.CreateGoal(ctx, cm, store.Goal{ParticipantID: q.ID, Words: "housing", Domain: store.DomainHousing}))
	must[store.Goal](t, "create goal 3")(db.CreateGoal(ctx, cm, store.Goal{ParticipantID: p.ID, Words: "see my kids", Domain: store.DomainRelationships}))

	_, err := db.CreateGoal(ctx, cm, store.Goal{ParticipantID: "P-0404", Words: "x", Domain: store.DomainOther})
	wantFields(t, "CreateGoal(no participant)", err, "participant_id")
	_, err = db.GetGoal(ctx, "G-0404")
	wantIs(t, "GetGoal(G-0404)", err, store.ErrNotFound)

	g2 := must[store.Goal](t, "append")(db.AppendProgress(ctx, cm, g.ID, store.ProgressEntry{Date: day(2025, 2, 1), Step: store.StepForward, Note: "got birth cert", Author: "casey"}))
	if len(g2.Progress) != 1 || g2.Version != 2 {
		t.Errorf("AppendProgress => %d entries v%d, want 1 entry v2", len(g2.Progress), g2.Version)
	}
	_, err = db.AppendProgress(ctx, cm, g.ID, store.ProgressEntry{Date: day(2025, 2, 1), Step: "great"})
	wantFields(t, "AppendProgress(bad)", err, "step", "author")

	stale := g // version 1
	stale.Status = store.GoalAchieved
	_, err = db.UpdateGoal(ctx, cm, stale)
	wantIs(t, "UpdateGoal(stale)", err, store.ErrStale)
	g2.Status = store.GoalAchieved
	g3 := must[store.Goal](t, "update")(db.UpdateGoal(ctx, cm, g2))
	if g3.Version != 3 || g3.Status != store.GoalAchieved || len(g3.Progress) != 1 {
		t.Errorf("UpdateGoal => v%d %s %d entries, want v3 achieved 1 entry", g3.Version, g3.Status, len(g3.Progress))
	}

	for _, tc := range []struct{ pid, want string }{{p.ID, "G-0001,G-0003"}, {q.ID, "G-0002"}, {"P-0404", ""}} {
		gs := must[[]store.Goal](t, "list")(db.ListGoals(ctx, tc.pid))
		if got := ids(gs, func(g store.Goal) string { return g.ID }); got != tc.want {
			t.Errorf("ListGoals(%s) => %s, want %s", tc.pid, got, tc.want)
		}
	}
}

func TestContacts(t *testing.T) {
	db := memDB(t)
	p := mustParticipant(t, db, "José Núñez", "casey")
	q := mustParticipant(t, db, "Lan", "casey")
	mk := func(pid string, d time.Time, s store.Sensitivity) store.Contact {
		c, err := db.CreateContact(ctx, cm, store.Contact{ParticipantID: pid, Date: d, Kind: store.ContactStreet, Note: "ok\x1b]0;pwned\x07 fine", Author: "casey", Sensitivity: s})
		if err != nil {
			t.Fatalf("CreateContact => %v", err)
		}
		return c
	}
	c1 := mk(p.ID, day(2025, 3, 2), store.General)
	mk(p.ID, day(2025, 3, 9), store.Clinical)
	mk(p.ID, day(2025, 3, 5), store.General)
	mk(q.ID, day(2025, 3, 1), store.General)
	if c1.ID != "C-0001" || c1.Note != "ok fine" {
		t.Errorf("CreateContact => %s %q, want C-0001 %q", c1.ID, c1.Note, "ok fine")
	}
	got := must[store.Contact](t, "get")(db.GetContact(ctx, "C-0002"))
	if got.Sensitivity != store.Clinical {
		t.Errorf("GetContact(C-0002) => %s, want clinical", got.Sensitivity)
	}
	_, err := db.GetContact(ctx, "C-0404")
	wantIs(t, "GetContact(C-0404)", err, store.ErrNotFound)
	_, err = db.CreateContact(ctx, cm, store.Contact{ParticipantID: "P-0404", Date: day(2025, 3, 1), Kind: store.ContactPhone, Author: "casey", Sensitivity: store.General})
	wantFields(t, "CreateContact(no participant)", err, "participant_id")

	pp := must[store.Participant](t, "get p")(db.GetParticipant(ctx, p.ID))
	if !pp.LastContact.Equal(day(2025, 3, 9)) || !pp.FirstContact.Equal(day(2025, 3, 2)) {
		t.Errorf("participant contacts => first %v last %v, want 2025-03-02 and 2025-03-09", pp.FirstContact, pp.LastContact)
	}
	if pp.Version != 3 { // the 2025-03-05 contact changed neither date
		t.Errorf("participant version => %d, want 3", pp.Version)
	}
	for _, tc := range []struct{ pid, want string }{{p.ID, "C-0002,C-0003,C-0001"}, {q.ID, "C-0004"}, {"P-0404", ""}} {
		cs := must[[]store.Contact](t, "list")(db.ListContacts(ctx, tc.pid))
		if got := ids(cs, func(c store.Contact) string { return c.ID }); got != tc.want {
			t.Errorf("ListContacts(%s) => %s, want %s (newest first)", tc.pid, got, tc.want)
		}
	}
}

func TestReferrals(t *testing.T) {
	db := memDB(t)
	police := store.Actor{User: "ofc_lee", Role: store.RolePolice}
	r1in := newReferral("Sam Ortiz", day(2025, 4, 1))
	r1in.ReferrerUser = "ofc_lee"
	r1 := must[store.Referral](t, "create")(db.CreateReferral(ctx, police, r1in))
	if r1.ID != "R-0001" || r1.Status != store.RefNew || r1.Version != 1 {
		t.Errorf("CreateReferral => %s %s v%d, want R-0001 new v1", r1.ID, r1.Status, r1.Version)
	}
	imp := newReferral("Ana Díaz", day(2025, 4, 3))
	imp.ID = "R-0040"
	imported := must[[]store.Referral](t, "import")(db.ImportReferrals(ctx, pm, []store.Referral{imp, newReferral("Kim", day(2025, 4, 2))}))
	if got := ids(imported, func(r store.Referral) string { return r.ID }); got != "R-0040,R-0041" {
		t.Errorf("ImportReferrals ids => %s, want R-0040,R-0041", got)
	}
	r4 := must[store.Referral](t, "create after import")(db.CreateReferral(ctx, pm, newReferral("Lee", day(2025, 4, 4))))
	if r4.ID != "R-0042" {
		t.Errorf("id after import => %s, want R-0042", r4.ID)
	}
	_, err := db.CreateReferral(ctx, pm, imp)
	wantIs(t, "CreateReferral(R-0040 again)", err, store.ErrExists)

	// all or nothing, every bad row named
	bad := newReferral("", day(2025, 4, 5))
	bad2 := newReferral("X", day(2025, 4, 5))
	bad2.Kind = "parole"
	_, err = db.ImportReferrals(ctx, pm, []store.Referral{newReferral("Good", day(2025, 4, 5)), bad, bad2})
	if err == nil || !strings.Contains(err.Error(), "row 2") || !strings.Contains(err.Error(), "row 3") {
		t.Errorf("ImportReferrals(bad rows) => %v, want rows 2 and 3 named", err)
	}
	wantFields(t, "ImportReferrals(bad rows)", err, "name")
	all := must[[]store.Referral](t, "list")(db.ListReferrals(ctx, store.ReferralFilter{}))
	if len(all) != 4 {
		t.Errorf("referrals after a failed import => %d, want 4", len(all))
	}

	_, err = db.GetReferral(ctx, "R-0404")
	wantIs(t, "GetReferral(R-0404)", err, store.ErrNotFound)
	stale := r1
	stale.Notes = "x"
	r1b := must[store.Referral](t, "update")(db.UpdateReferral(ctx, pm, stale))
	_, err = db.UpdateReferral(ctx, pm, stale)
	wantIs(t, "UpdateReferral(stale)", err, store.ErrStale)

	// decisions
	dec := must[store.Referral](t, "decide waitlist")(db.DecideReferral(ctx, pm, "R-0041", store.ReferralDecision{Version: 1, Status: store.RefWaitlisted, WaitlistPos: 1, MeetingID: "M-0001"}))
	if dec.Status != store.RefWaitlisted || dec.WaitlistPos != 1 || dec.DecidedBy != "pat" || dec.DecidedAt.IsZero() || dec.MeetingID != "M-0001" {
		t.Errorf("DecideReferral(waitlisted) => %+v", dec)
	}
	acc := must[store.Referral](t, "decide accept")(db.DecideReferral(ctx, pm, r1.ID, store.ReferralDecision{Version: r1b.Version, Status: store.RefAccepted, CaseManager: "casey", HardCap: 2}))
	if acc.ParticipantID != "P-0001" || acc.Status != store.RefAccepted || acc.Version != r1b.Version+1 {
		t.Errorf("DecideReferral(accepted) => participant %q %s v%d, want P-0001 accepted v%d", acc.ParticipantID, acc.Status, acc.Version, r1b.Version+1)
	}
	p := must[store.Participant](t, "get new participant")(db.GetParticipant(ctx, "P-0001"))
	if p.Name != "Sam Ortiz" || p.Status != store.StatusNotYetEngaged || p.CaseManager != "casey" || p.ReferralID != r1.ID || !p.EnrolledOn.Equal(store.Today(testNow)) {
		t.Errorf("accepted participant => %+v", p)
	}
	_, err = db.DecideReferral(ctx, pm, r1.ID, store.ReferralDecision{Version: acc.Version, Status: store.RefAccepted, CaseManager: "casey"})
	if err == nil || !strings.Contains(err.Error(), "already accepted") {
		t.Errorf("DecideReferral(accept twice) => %v, want already accepted", err)
	}
	mustParticipant(t, db, "Other", "casey") // casey now has 2 active
	_, err = db.DecideReferral(ctx, pm, "R-0040", store.ReferralDecision{Version: 1, Status: store.RefAccepted, CaseManager: "casey", HardCap: 2})
	if err == nil || !strings.Contains(err.Error(), "caseload is full") {
		t.Errorf("DecideReferral(over hard cap) => %v, want caseload is full", err)
	}
	linked := must[store.Referral](t, "link")(db.DecideReferral(ctx, pm, "R-0040", store.ReferralDecision{Version: 1, Status: store.RefAccepted, LinkParticipant: "P-0002", HardCap: 2}))
	if linked.ParticipantID != "P-0002" {
		t.Errorf("DecideReferral(link) => participant %q, want P-0002", linked.ParticipantID)
	}
	_, err = db.DecideReferral(ctx, pm, "R-0042", store.ReferralDecision{Version: 1, Status: store.RefDeclined, Override: true})
	wantFields(t, "DecideReferral(override without reason)", err, "reason")
	ov := must[store.Referral](t, "override")(db.DecideReferral(ctx, pm, "R-0042", store.ReferralDecision{Version: 1, Status: store.RefDeclined, Override: true, Code: "outside_area", Note: "moved out of area"}))
	if !ov.Override || ov.Reason != "outside_area" || ov.DecisionNote != "moved out of area" {
		t.Errorf("DecideReferral(override) => %+v", ov)
	}
	evs := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{Subject: "R-0042", Action: store.AuditUpdate}))
	if len(evs) != 1 || evs[0].Detail != "override" {
		t.Errorf("override audit => %+v, want one event with detail override", evs)
	}

	// acknowledgement: once
	ack := must[store.Referral](t, "ack")(db.AcknowledgeReferral(ctx, cm, "R-0041"))
	if ack.AckBy != "casey" || ack.AckAt.IsZero() {
		t.Errorf("AcknowledgeReferral => %q %v, want casey and a time", ack.AckBy, ack.AckAt)
	}
	again, err := db.AcknowledgeReferral(ctx, store.Actor{User: "robin", Role: store.RoleCaseManager}, "R-0041")
	if err == nil || !strings.Contains(err.Error(), "casey") || again.AckBy != "casey" || again.Version != ack.Version {
		t.Errorf("AcknowledgeReferral(again) => %q v%d, %v; want casey unchanged and an error naming casey", again.AckBy, again.Version, err)
	}

	for _, tc := range []struct {
		name string
		f    store.ReferralFilter
		want string
	}{
		{"all, oldest first", store.ReferralFilter{}, "R-0001,R-0041,R-0040,R-0042"},
		{"accepted", store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefAccepted}}, "R-0001,R-0040"},
		{"accepted or waitlisted", store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefWaitlisted, store.RefAccepted}}, "R-0001,R-0041,R-0040"},
		{"new", store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefNew}}, ""},
		{"since", store.ReferralFilter{Since: day(2025, 4, 3)}, "R-0040,R-0042"},
		{"status and since", store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefAccepted}, Since: day(2025, 4, 2)}, "R-0040"},
		{"referrer user", store.ReferralFilter{ReferrerUser: "ofc_lee"}, "R-0001"},
	} {
		rs := must[[]store.Referral](t, "list")(db.ListReferrals(ctx, tc.f))
		if got := ids(rs, func(r store.Referral) string { return r.ID }); got != tc.want {
			t.Errorf("%s: ListReferrals => %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestLegalCases(t *testing.T) {
	db := memDB(t)
	p := mustParticipant(t, db, "José", "casey")
	q := mustParticipant(t, db, "Lan", "casey")
	mk := func(pid string, kind store.CaseKind, court time.Time) store.LegalCase {
		c := store.LegalCase{ParticipantID: pid, Kind: kind, Status: store.CaseOpen, NextCourtDate: court, CaseNumber: "25-CR-1"}
		if kind == store.CaseDivertedArrest {
			c.IntakeDeadline = day(2025, 5, 30)
		}
		return must[store.LegalCase](t, "create case")(db.CreateCase(ctx, pm, c))
	}
	l1 := mk(p.ID, store.CasePreExisting, day(2025, 5, 10))
	mk(q.ID, store.CaseWarrant, time.Time{})
	mk(p.ID, store.CaseDivertedArrest, day(2025, 5, 3))
	mk(q.ID, store.CasePostEnrollment, day(2025, 6, 1))
	if l1.ID != "L-0001" || l1.Version != 1 {
		t.Errorf("CreateCase => %s v%d, want L-0001 v1", l1.ID, l1.Version)
	}
	_, err := db.GetCase(ctx, "L-0404")
	wantIs(t, "GetCase(L-0404)", err, store.ErrNotFound)
	_, err = db.CreateCase(ctx, pm, store.LegalCase{ParticipantID: p.ID, Kind: store.CaseDivertedArrest, Status: store.CaseOpen})
	wantFields(t, "CreateCase(no deadline)", err, "intake_deadline")

	stale := l1
	stale.Position = store.PositionHoldFiling
	l1b := must[store.LegalCase](t, "update")(db.UpdateCase(ctx, pm, stale))
	_, err = db.UpdateCase(ctx, pm, stale)
	wantIs(t, "UpdateCase(stale)", err, store.ErrStale)
	l1b.Status = store.CaseResolved // leaves the court-date index
	must[store.LegalCase](t, "resolve")(db.UpdateCase(ctx, pm, l1b))

	for _, tc := range []struct {
		name     string
		from, to time.Time
		want     string
	}{
		{"all of May", day(2025, 5, 1), day(2025, 5, 31), "L-0003"},
		{"wide", day(2025, 1, 1), day(2025, 12, 31), "L-0003,L-0004"},
		{"bounds inclusive", day(2025, 6, 1), day(2025, 6, 1), "L-0004"},
		{"none", day(2024, 1, 1), day(2024, 12, 31), ""},
	} {
		cs := must[[]store.LegalCase](t, "by court")(db.CasesByCourtDate(ctx, tc.from, tc.to))
		if got := ids(cs, func(c store.LegalCase) string { return c.ID }); got != tc.want {
			t.Errorf("%s: CasesByCourtDate => %s, want %s", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct{ pid, want string }{{p.ID, "L-0001,L-0003"}, {q.ID, "L-0002,L-0004"}, {"P-0404", ""}} {
		cs := must[[]store.LegalCase](t, "list")(db.ListCases(ctx, tc.pid))
		if got := ids(cs, func(c store.LegalCase) string { return c.ID }); got != tc.want {
			t.Errorf("ListCases(%s) => %s, want %s", tc.pid, got, tc.want)
		}
	}
	all := must[[]store.LegalCase](t, "all")(db.AllCases(ctx))
	if got := ids(all, func(c store.LegalCase) string { return c.ID }); got != "L-0001,L-0002,L-0003,L-0004" {
		t.Errorf("AllCases => %s", got)
	}
}

func TestROIs(t *testing.T) {
	db := memDB(t)
	p := mustParticipant(t, db, "José", "casey")
	r := must[store.ROI](t, "create")(db.CreateROI(ctx, pm, store.ROI{ParticipantID: p.ID, Covers: []string{"police", "Downtown Housing"}, Signed: day(2025, 1, 1), Expires: day(2026, 1, 1)}))
	if r.ID != "I-0001" || r.Version != 1 {
		t.Errorf("CreateROI => %s v%d, want I-0001 v1", r.ID, r.Version)
	}
	must[store.ROI](t, "create 2")(db.CreateROI(ctx, pm, store.ROI{ParticipantID: p.ID, Covers: []string{"prosecutor"}, Signed: day(2025, 1, 1), Expires: day(2026, 1, 1)}))
	stale := r
	stale.Revoked = day(2025, 3, 1)
	must[store.ROI](t, "revoke")(db.UpdateROI(ctx, pm, stale))
	_, err := db.UpdateROI(ctx, pm, stale)
	wantIs(t, "UpdateROI(stale)", err, store.ErrStale)
	_, err = db.UpdateROI(ctx, pm, store.ROI{ID: "I-0404"})
	wantIs(t, "UpdateROI(I-0404)", err, store.ErrNotFound)
	rs := must[[]store.ROI](t, "list")(db.ListROIs(ctx, p.ID))
	if got := ids(rs, func(r store.ROI) string { return r.ID }); got != "I-0001,I-0002" || rs[0].Revoked.IsZero() {
		t.Errorf("ListROIs => %s (revoked %v), want I-0001,I-0002 with I-0001 revoked", got, rs[0].Revoked)
	}
	if rs := must[[]store.ROI](t, "list none")(db.ListROIs(ctx, "P-0404")); len(rs) != 0 {
		t.Errorf("ListROIs(P-0404) => %d, want 0", len(rs))
	}
}

func TestMeetings(t *testing.T) {
	db := memDB(t)
	m1 := must[store.Meeting](t, "create")(db.CreateMeeting(ctx, pm, store.Meeting{
		Date: day(2025, 5, 7), Facilitator: "pat",
		ActionItems: []store.ActionItem{{Text: "call housing", Owner: "casey"}, {Text: "find Sam", Owner: "robin"}},
	}))
	if m1.ID != "M-0001" || m1.Status != store.MeetingPlanned || m1.ActionItems[0].ID != "A-0001" || m1.ActionItems[1].ID != "A-0002" {
		t.Errorf("CreateMeeting => %s %s %+v, want M-0001 planned A-0001,A-0002", m1.ID, m1.Status, m1.ActionItems)
	}
	m0 := must[store.Meeting](t, "create earlier")(db.CreateMeeting(ctx, pm, store.Meeting{Date: day(2025, 4, 30), Facilitator: "pat", Status: store.MeetingEnded}))
	_, err := db.GetMeeting(ctx, "M-0404")
	wantIs(t, "GetMeeting(M-0404)", err, store.ErrNotFound)

	stale := m1
	stale.Status = store.MeetingOpen
	m1b := must[store.Meeting](t, "update")(db.UpdateMeeting(ctx, pm, stale))
	_, err = db.UpdateMeeting(ctx, pm, stale)
	wantIs(t, "UpdateMeeting(stale)", err, store.ErrStale)

	m1c := must[store.Meeting](t, "mutate")(db.MutateMeeting(ctx, pm, m1.ID, func(m *store.Meeting) error {
		m.ActionItems = append(m.ActionItems, store.ActionItem{Text: "book room", Owner: "pat"})
		m.Items = append(m.Items, store.AgendaItem{ID: "1", Kind: store.ItemOther, Title: "budget", Status: store.ItemPending})
		return nil
	}))
	if m1c.Version != m1b.Version+1 || len(m1c.ActionItems) != 3 || m1c.ActionItems[2].ID != "A-0003" || len(m1c.Items) != 1 {
		t.Errorf("MutateMeeting => v%d %+v, want v%d with A-0003 added", m1c.Version, m1c.ActionItems, m1b.Version+1)
	}
	_, err = db.MutateMeeting(ctx, pm, m1.ID, func(m *store.Meeting) error {
		m.ActionItems = append(m.ActionItems, store.ActionItem{Text: "no owner"})
		return nil
	})
	wantFields(t, "MutateMeeting(bad action item)", err, "action_items[3].owner")
	boom := errors.New("boom")
	_, err = db.MutateMeeting(ctx, pm, m1.ID, func(m *store.Meeting) error { return boom })
	wantIs(t, "MutateMeeting(fn error)", err, boom)
	_, err = db.MutateMeeting(ctx, pm, "M-0404", func(m *store.Meeting) error { return nil })
	wantIs(t, "MutateMeeting(M-0404)", err, store.ErrNotFound)

	// UpdateMeeting also numbers new action items
	m1c.ActionItems = append(m1c.ActionItems, store.ActionItem{Text: "follow up", Owner: "casey"})
	m1d := must[store.Meeting](t, "update with item")(db.UpdateMeeting(ctx, pm, m1c))
	if m1d.ActionItems[3].ID != "A-0004" {
		t.Errorf("UpdateMeeting new action item => %q, want A-0004", m1d.ActionItems[3].ID)
	}
	ms := must[[]store.Meeting](t, "list")(db.ListMeetings(ctx))
	if got := ids(ms, func(m store.Meeting) string { return m.ID }); got != m0.ID+","+m1.ID {
		t.Errorf("ListMeetings => %s, want by date M-0002,M-0001", got)
	}
}

func TestUsers(t *testing.T) {
	db := memDB(t)
	k1, fp1 := authorizedKey(t)
	k2, fp2 := authorizedKey(t)
	k3, fp3 := authorizedKey(t)
	u := must[store.User](t, "create")(db.CreateUser(ctx, pm, store.User{Name: "casey", Role: store.RoleCaseManager, Keys: []string{k1, k2}, Cap: 20, Active: true}))
	if u.Version != 1 {
		t.Errorf("CreateUser => v%d, want v1", u.Version)
	}
	must[store.User](t, "create 2")(db.CreateUser(ctx, pm, store.User{Name: "ofc_lee", Role: store.RolePolice, Active: true}))
	_, err := db.CreateUser(ctx, pm, store.User{Name: "casey", Role: store.RolePM})
	wantIs(t, "CreateUser(casey again)", err, store.ErrExists)
	_, err = db.CreateUser(ctx, pm, store.User{Name: "robin", Role: store.RolePM, Keys: []string{k1}})
	wantFields(t, "CreateUser(key of casey)", err, "key")
	_, err = db.CreateUser(ctx, pm, store.User{Name: "robin", Role: store.RolePM, Keys: []string{"ssh-ed25519 AAAAnotakey"}})
	wantFields(t, "CreateUser(bad key)", err, "key")

	for _, tc := range []struct{ fp, want string }{{fp1, "casey"}, {fp2, "casey"}} {
		got, err := db.UserByKey(ctx, tc.fp)
		if err != nil || got.Name != tc.want {
			t.Errorf("UserByKey(%s) => %q, %v; want %s", tc.fp, got.Name, err, tc.want)
		}
	}
	_, err = db.UserByKey(ctx, fp3)
	wantIs(t, "UserByKey(unknown)", err, store.ErrNotFound)

	stale := u
	stale.Keys = []string{k2, k3}
	must[store.User](t, "update")(db.UpdateUser(ctx, pm, stale))
	_, err = db.UpdateUser(ctx, pm, stale)
	wantIs(t, "UpdateUser(stale)", err, store.ErrStale)
	_, err = db.UserByKey(ctx, fp1)
	wantIs(t, "UserByKey(removed key)", err, store.ErrNotFound)
	if got, err := db.UserByKey(ctx, fp3); err != nil || got.Name != "casey" {
		t.Errorf("UserByKey(new key) => %q, %v; want casey", got.Name, err)
	}
	users := must[[]store.User](t, "list")(db.ListUsers(ctx))
	if got := ids(users, func(u store.User) string { return u.Name }); got != "casey,ofc_lee" {
		t.Errorf("ListUsers => %s", got)
	}
	if err := db.DeleteUser(ctx, pm, "casey"); err != nil {
		t.Fatalf("DeleteUser => %v", err)
	}
	_, err = db.GetUser(ctx, "casey")
	wantIs(t, "GetUser(deleted)", err, store.ErrNotFound)
	_, err = db.UserByKey(ctx, fp2)
	wantIs(t, "UserByKey(deleted user)", err, store.ErrNotFound)
	wantIs(t, "DeleteUser(nobody)", db.DeleteUser(ctx, pm, "nobody"), store.ErrNotFound)
	// the key is free again
	must[store.User](t, "reuse key")(db.CreateUser(ctx, pm, store.User{Name: "robin", Role: store.RoleSupervisor, Keys: []string{k2}}))
}

func TestSettingsAndEmpty(t *testing.T) {
	db := memDB(t)
	_, err := db.GetSetting(ctx, "theme")
	wantIs(t, "GetSetting(unset)", err, store.ErrNotFound)
	if err := db.SetSetting(ctx, "theme", "harbor"); err != nil {
		t.Fatal(err)
	}
	if v, err := db.GetSetting(ctx, "theme"); v != "harbor" || err != nil {
		t.Errorf("GetSetting(theme) => %q, %v; want harbor", v, err)
	}
	if e, _ := db.Empty(ctx); !e {
		t.Errorf("Empty() with settings only => false, want true")
	}
	must[store.User](t, "user")(db.CreateUser(ctx, pm, store.User{Name: "pat", Role: store.RolePM}))
	if e, _ := db.Empty(ctx); e {
		t.Errorf("Empty() with a user => true, want false")
	}
}

func TestAuditEvents(t *testing.T) {
	db := memDB(t)
	p := mustParticipant(t, db, "José Núñez", "casey")
	must[store.Contact](t, "contact")(db.CreateContact(ctx, cm, store.Contact{ParticipantID: p.ID, Date: day(2025, 3, 1), Kind: store.ContactPhone, Note: "secret clinical words", Author: "casey", Sensitivity: store.Clinical}))
	if err := db.Record(ctx, store.AuditEvent{User: "ofc_lee", Role: store.RolePolice, Action: store.AuditDenied, Subject: p.ID, Detail: "contacts"}); err != nil {
		t.Fatal(err)
	}
	wantFields(t, "Record(bad)", db.Record(ctx, store.AuditEvent{Action: "peek"}), "user", "action")
	evs := must[[]store.AuditEvent](t, "list")(db.ListAudit(ctx, store.AuditFilter{}))
	want := []struct {
		action          store.AuditAction
		user, sub, detl string
	}{
		{store.AuditCreate, "pat", "P-0001", "participant"},
		{store.AuditCreate, "casey", "P-0001", "contact:C-0001"},
		{store.AuditDenied, "ofc_lee", "P-0001", "contacts"},
	}
	if len(evs) != len(want) {
		t.Fatalf("audit events => %d, want %d: %+v", len(evs), len(want), evs)
	}
	for i, w := range want {
		e := evs[i]
		if e.Seq != uint64(i+1) || e.Action != w.action || e.User != w.user || e.Subject != w.sub || e.Detail != w.detl {
			t.Errorf("event %d => %d %s %s %s %s, want %d %s %s %s %s", i, e.Seq, e.Action, e.User, e.Subject, e.Detail, i+1, w.action, w.user, w.sub, w.detl)
		}
		if strings.Contains(e.Detail+e.Subject, "José") || strings.Contains(e.Detail, "secret") {
			t.Errorf("event %d carries participant content: %+v", i, e)
		}
	}
	for _, tc := range []struct {
		name string
		f    store.AuditFilter
		want int
	}{
		{"user", store.AuditFilter{User: "casey"}, 1},
		{"action", store.AuditFilter{Action: store.AuditDenied}, 1},
		{"subject", store.AuditFilter{Subject: "P-0001"}, 3},
		{"since past", store.AuditFilter{Since: testNow.Add(-time.Hour)}, 3},
		{"since future", store.AuditFilter{Since: testNow.Add(time.Hour)}, 0},
	} {
		got := must[[]store.AuditEvent](t, "list")(db.ListAudit(ctx, tc.f))
		if len(got) != tc.want {
			t.Errorf("%s: ListAudit => %d events, want %d", tc.name, len(got), tc.want)
		}
	}
	if seq, err := db.VerifyAudit(ctx); seq != 0 || err != nil {
		t.Errorf("VerifyAudit => %d, %v; want 0, nil", seq, err)
	}
}

func TestSubscribe(t *testing.T) {
	db := memDB(t)
	var mu sync.Mutex
	var got []store.Change
	unsub := db.Subscribe(func(c store.Change) {
		mu.Lock()
		got = append(got, c)
		mu.Unlock()
	})
	p := mustParticipant(t, db, "José", "casey")
	must[store.Contact](t, "contact")(db.CreateContact(ctx, cm, store.Contact{ParticipantID: p.ID, Date: day(2025, 3, 1), Kind: store.ContactPhone, Author: "casey", Sensitivity: store.General}))
	_, _ = db.GetParticipant(ctx, "P-0404")                                     // a read: no change
	_, _ = db.CreateGoal(ctx, cm, store.Goal{ParticipantID: p.ID, Domain: "x"}) // a failed write: no change
	unsub()
	unsub()
	mustParticipant(t, db, "Lan", "casey")
	mu.Lock()
	defer mu.Unlock()
	want := []store.Change{
		{Kind: "participant", ID: "P-0001", Subject: "P-0001", Actor: "pat"},
		{Kind: "contact", ID: "C-0001", Subject: "P-0001", Actor: "casey"},
		{Kind: "participant", ID: "P-0001", Subject: "P-0001", Actor: "casey"},
	}
	if len(got) != len(want) {
		t.Fatalf("changes => %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d => %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestSubscribeConcurrent(t *testing.T) {
	db := memDB(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				unsub := db.Subscribe(func(store.Change) {})
				unsub()
			}
		}()
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				mustParticipant(t, db, "X", "casey")
			}
		}()
	}
	wg.Wait()
}
