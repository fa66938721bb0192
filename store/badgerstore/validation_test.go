package badgerstore

import (
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

// TestBadInputNamesField: every write refuses bad input with a
// *store.ValidationError naming the field, and writes nothing.
func TestBadInputNamesField(t *testing.T) {
	db := memDB(t)
	p := mustParticipant(t, db, "José", "casey")
	g := must[store.Goal](t, "goal")(db.CreateGoal(ctx, cm, store.Goal{ParticipantID: p.ID, Words: "home", Domain: store.DomainHousing}))
	m := must[store.Meeting](t, "meeting")(db.CreateMeeting(ctx, pm, store.Meeting{Date: day(2025, 5, 1), Facilitator: "pat"}))
	r := must[store.Referral](t, "referral")(db.CreateReferral(ctx, pm, newReferral("Sam", day(2025, 4, 1))))
	u := must[store.User](t, "user")(db.CreateUser(ctx, pm, store.User{Name: "robin", Role: store.RoleCaseManager}))
	goal := must[store.Goal](t, "goal")(db.CreateGoal(ctx, cm, store.Goal{ParticipantID: p.ID, Words: "own place", Domain: store.DomainHousing}))
	before := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{}))

	withP := func(f func(*store.Participant)) store.Participant {
		q := newParticipant("Ana", "casey")
		f(&q)
		return q
	}
	future := testNow.AddDate(0, 0, 5)
	cases := []struct {
		name  string
		write func() error
		field string
	}{
		{"participant name", func() error {
			_, err := db.CreateParticipant(ctx, pm, withP(func(q *store.Participant) { q.Name = " \x1b[2J " }))
			return err
		}, "name"},
		{"participant dob future", func() error {
			_, err := db.CreateParticipant(ctx, pm, withP(func(q *store.Participant) { q.DOB = future }))
			return err
		}, "dob"},
		{"participant status", func() error {
			_, err := db.CreateParticipant(ctx, pm, withP(func(q *store.Participant) { q.Status = "gone" }))
			return err
		}, "status"},
		{"participant exit reason", func() error {
			_, err := db.CreateParticipant(ctx, pm, withP(func(q *store.Participant) { q.Status = store.StatusExited }))
			return err
		}, "exit_reason"},
		{"participant case manager", func() error {
			_, err := db.CreateParticipant(ctx, pm, withP(func(q *store.Participant) { q.CaseManager = "" }))
			return err
		}, "case_manager"},
		{"participant enrolled", func() error {
			_, err := db.CreateParticipant(ctx, pm, withP(func(q *store.Participant) { q.EnrolledOn = time.Time{} }))
			return err
		}, "enrolled_on"},
		{"participant id", func() error {
			_, err := db.CreateParticipant(ctx, pm, withP(func(q *store.Participant) { q.ID = "X-1" }))
			return err
		}, "id"},
		{"participant update", func() error {
			q := p
			q.Status = "lost"
			_, err := db.UpdateParticipant(ctx, pm, q)
			return err
		}, "status"},
		{"goal words", func() error {
			_, err := db.CreateGoal(ctx, cm, store.Goal{ParticipantID: p.ID, Domain: store.DomainOther})
			return err
		}, "words"},
		{"goal domain", func() error {
			_, err := db.CreateGoal(ctx, cm, store.Goal{ParticipantID: p.ID, Words: "x", Domain: "fun"})
			return err
		}, "domain"},
		{"goal participant", func() error {
			_, err := db.CreateGoal(ctx, cm, store.Goal{Words: "x", Domain: store.DomainOther})
			return err
		}, "participant_id"},
		{"goal id", func() error {
			_, err := db.CreateGoal(ctx, cm, store.Goal{ID: "G-1", ParticipantID: p.ID, Words: "x", Domain: store.DomainOther})
			return err
		}, "id"},
		{"progress date", func() error {
			_, err := db.AppendProgress(ctx, cm, g.ID, store.ProgressEntry{Step: store.StepSetback, Author: "casey"})
			return err
		}, "date"},
		{"contact kind", func() error {
			_, err := db.CreateContact(ctx, cm, store.Contact{ParticipantID: p.ID, Date: day(2025, 1, 1), Kind: "telepathy", Author: "casey", Sensitivity: store.General})
			return err
		}, "kind"},
		{"contact sensitivity", func() error {
			_, err := db.CreateContact(ctx, cm, store.Contact{ParticipantID: p.ID, Date: day(2025, 1, 1), Kind: store.ContactPhone, Author: "casey"})
			return err
		}, "sensitivity"},
		{"contact date", func() error {
			_, err := db.CreateContact(ctx, cm, store.Contact{ParticipantID: p.ID, Date: future, Kind: store.ContactPhone, Author: "casey", Sensitivity: store.General})
			return err
		}, "date"},
		{"contact date before birth", func() error {
			_, err := db.CreateContact(ctx, cm, store.Contact{ParticipantID: p.ID, Date: day(1979, 12, 31), Kind: store.ContactPhone, Author: "casey", Sensitivity: store.General})
			return err
		}, "date"},
		{"contact date before 1900", func() error {
			_, err := db.CreateContact(ctx, cm, store.Contact{ParticipantID: p.ID, Date: day(1800, 1, 1), Kind: store.ContactPhone, Author: "casey", Sensitivity: store.General})
			return err
		}, "date"},
		{"contact author", func() error {
			_, err := db.CreateContact(ctx, cm, store.Contact{ParticipantID: p.ID, Date: day(2025, 1, 1), Kind: store.ContactPhone, Sensitivity: store.General})
			return err
		}, "author"},
		{"referral kind", func() error {
			q := newReferral("Sam", day(2025, 4, 1))
			q.Kind = "parole"
			_, err := db.CreateReferral(ctx, pm, q)
			return err
		}, "kind"},
		{"referral received", func() error { _, err := db.CreateReferral(ctx, pm, newReferral("Sam", time.Time{})); return err }, "received"},
		{"referral impairment", func() error {
			q := newReferral("Sam", day(2025, 4, 1))
			q.Indicators.Impairment = 3
			_, err := db.CreateReferral(ctx, pm, q)
			return err
		}, "impairment"},
		{"referral id", func() error {
			q := newReferral("Sam", day(2025, 4, 1))
			q.ID = "R-12"
			_, err := db.CreateReferral(ctx, pm, q)
			return err
		}, "id"},
		{"referral update", func() error {
			q := r
			q.Person.Name = ""
			_, err := db.UpdateReferral(ctx, pm, q)
			return err
		}, "name"},
		{"decision status", func() error {
			_, err := db.DecideReferral(ctx, pm, r.ID, store.ReferralDecision{Version: r.Version, Status: "maybe"})
			return err
		}, "status"},
		{"decision case manager", func() error {
			_, err := db.DecideReferral(ctx, pm, r.ID, store.ReferralDecision{Version: r.Version, Status: store.RefAccepted})
			return err
		}, "case_manager"},
		{"decision link", func() error {
			_, err := db.DecideReferral(ctx, pm, r.ID, store.ReferralDecision{Version: r.Version, Status: store.RefAccepted, LinkParticipant: "P-0404"})
			return err
		}, "link_participant"},
		{"case kind", func() error {
			_, err := db.CreateCase(ctx, pm, store.LegalCase{ParticipantID: p.ID, Kind: "civil", Status: store.CaseOpen})
			return err
		}, "kind"},
		{"case position", func() error {
			_, err := db.CreateCase(ctx, pm, store.LegalCase{ParticipantID: p.ID, Kind: store.CaseWarrant, Status: store.CaseOpen, Position: "shrug"})
			return err
		}, "position"},
		{"case participant", func() error {
			_, err := db.CreateCase(ctx, pm, store.LegalCase{ParticipantID: "P-0404", Kind: store.CaseWarrant, Status: store.CaseOpen})
			return err
		}, "participant_id"},
		{"roi recipients", func() error {
			_, err := db.CreateROI(ctx, pm, store.ROI{ParticipantID: p.ID, Classes: []store.DataKind{store.DataIdentity}, Purpose: "care coordination",
				Signed: day(2025, 1, 1), Expires: day(2026, 1, 1)})
			return err
		}, "recipients"},
		{"roi classes", func() error {
			_, err := db.CreateROI(ctx, pm, store.ROI{ParticipantID: p.ID, Roles: []store.Role{store.RolePolice}, Classes: []store.DataKind{"clinical"},
				Purpose: "care coordination", Signed: day(2025, 1, 1), Expires: day(2026, 1, 1)})
			return err
		}, "classes"},
		{"roi purpose", func() error {
			_, err := db.CreateROI(ctx, pm, store.ROI{ParticipantID: p.ID, Roles: []store.Role{store.RolePolice}, Classes: []store.DataKind{store.DataIdentity},
				Signed: day(2025, 1, 1), Expires: day(2026, 1, 1)})
			return err
		}, "purpose"},
		{"progress sensitivity", func() error {
			_, err := db.AppendProgress(ctx, cm, goal.ID, store.ProgressEntry{Date: day(2025, 5, 1), Step: store.StepForward, Author: "casey", Sensitivity: "secret"})
			return err
		}, "sensitivity"},
		{"roi expires", func() error {
			_, err := db.CreateROI(ctx, pm, store.ROI{ParticipantID: p.ID, Covers: []string{"police"}, Signed: day(2025, 1, 1), Expires: day(2024, 1, 1)})
			return err
		}, "expires"},
		{"meeting facilitator", func() error { _, err := db.CreateMeeting(ctx, pm, store.Meeting{Date: day(2025, 5, 1)}); return err }, "facilitator"},
		{"meeting date", func() error { _, err := db.CreateMeeting(ctx, pm, store.Meeting{Facilitator: "pat"}); return err }, "date"},
		{"meeting action item", func() error {
			q := m
			q.ActionItems = []store.ActionItem{{Owner: "pat"}}
			_, err := db.UpdateMeeting(ctx, pm, q)
			return err
		}, "action_items[0].text"},
		{"action item id", func() error {
			_, err := db.CreateMeeting(ctx, pm, store.Meeting{Date: day(2025, 5, 1), Facilitator: "pat", ActionItems: []store.ActionItem{{ID: "A-1", Text: "x", Owner: "pat"}}})
			return err
		}, "action_items[0].id"},
		{"user name", func() error {
			_, err := db.CreateUser(ctx, pm, store.User{Name: "a b", Role: store.RolePM})
			return err
		}, "name"},
		{"user role", func() error { _, err := db.CreateUser(ctx, pm, store.User{Name: "ab", Role: "admin"}); return err }, "role"},
		{"user cap", func() error {
			_, err := db.CreateUser(ctx, pm, store.User{Name: "ab", Role: store.RoleCaseManager, Cap: -1})
			return err
		}, "cap"},
		{"user key", func() error {
			_, err := db.CreateUser(ctx, pm, store.User{Name: "ab", Role: store.RolePM, Keys: []string{"not a key"}})
			return err
		}, "key"},
		{"user update key", func() error {
			q := u
			q.Keys = []string{"ssh-rsa AAAA"}
			_, err := db.UpdateUser(ctx, pm, q)
			return err
		}, "key"},
		{"setting key", func() error { return db.SetSetting(ctx, " ", "x") }, "key"},
		{"audit action", func() error { return db.Record(ctx, store.AuditEvent{User: "pat", Action: "peek"}) }, "action"},
	}
	for _, tc := range cases {
		wantFields(t, tc.name, tc.write(), tc.field)
	}
	after := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{}))
	if len(after) != len(before) {
		t.Errorf("audit events after refused writes => %d, want %d (nothing written)", len(after), len(before))
	}
	if n := must[[]store.Participant](t, "list")(db.ListParticipants(ctx, store.ParticipantFilter{})); len(n) != 1 {
		t.Errorf("participants after refused writes => %d, want 1", len(n))
	}
}
