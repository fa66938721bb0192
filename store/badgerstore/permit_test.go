package badgerstore

import (
	"errors"
	"strings"
	"testing"

	"github.com/leadtable/owg/store"
)

// refused checks that err is the store's refusal, that nothing was
// written (the audit chain holds only the denied event added) and that
// the refusal is audited as denied with the action code.
func refused(t *testing.T, db *DB, what string, err error, action store.WriteAction, before int) {
	t.Helper()
	fe, ok := store.AsForbidden(err)
	if !ok || !errors.Is(err, store.ErrForbidden) || !errors.Is(err, store.ErrDenied) {
		t.Fatalf("%s => %v, want a *store.ForbiddenError", what, err)
	}
	if fe.Action != action || fe.Reason == "" {
		t.Errorf("%s => action %s reason %q, want %s with a reason", what, fe.Action, fe.Reason, action)
	}
	evs, lerr := db.ListAudit(ctx, store.AuditFilter{})
	if lerr != nil {
		t.Fatal(lerr)
	}
	if len(evs) != before+1 {
		t.Fatalf("%s: %d audit events after, %d before => want exactly one denied event added (nothing written)", what, len(evs), before)
	}
	last := evs[len(evs)-1]
	if last.Action != store.AuditDenied || last.Detail != "write:"+string(action) || last.User == "" {
		t.Errorf("%s: last audit event %+v, want denied write:%s", what, last, action)
	}
	if seq, err := db.VerifyAudit(ctx); err != nil {
		t.Errorf("audit chain broken at %d: %v", seq, err)
	}
}

func auditLen(t *testing.T, db *DB) int {
	t.Helper()
	evs, err := db.ListAudit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

// TestPoliceWritesRefused is the door of issue 12 section 4: the store,
// not the screen, refuses a police officer's participant and contact
// writes; nothing is saved and the refusal is audited.
func TestPoliceWritesRefused(t *testing.T) {
	db := memDB(t)
	p := mustParticipant(t, db, "Jordan Example", "casey")
	police := store.Actor{User: "reyes", Role: store.RolePolice, Agency: "Metro PD"}

	n := auditLen(t, db)
	up := p
	up.Housing = "jail"
	up.Status = store.StatusExited
	up.ExitReason = "arrested"
	_, err := db.UpdateParticipant(ctx, police, up)
	refused(t, db, "police UpdateParticipant", err, store.WriteParticipant, n)
	got, _ := db.GetParticipant(ctx, p.ID)
	if got.Version != p.Version || got.Housing != p.Housing || got.Status != p.Status {
		t.Errorf("refused update saved: %+v", got)
	}

	n = auditLen(t, db)
	_, err = db.CreateContact(ctx, police, store.Contact{ParticipantID: p.ID, Date: day(2025, 6, 1), Kind: store.ContactWithOfficer,
		Note: "saw him at the camp", Author: "reyes", Sensitivity: store.General})
	refused(t, db, "police CreateContact", err, store.WriteContact, n)
	if cs, _ := db.ListContacts(ctx, p.ID); len(cs) != 0 {
		t.Errorf("refused contact saved: %+v", cs)
	}
	if got, _ := db.GetParticipant(ctx, p.ID); !got.LastContact.IsZero() {
		t.Errorf("refused contact moved the last contact: %v", got.LastContact)
	}

	// police add their own referrals one at a time, and nothing else
	mine := newReferral("Casey New", testNow)
	mine.ReferrerUser = "reyes"
	if _, err := db.CreateReferral(ctx, police, mine); err != nil {
		t.Errorf("police CreateReferral(own) => %v, want nil", err)
	}
	n = auditLen(t, db)
	theirs := newReferral("Someone Else", testNow)
	theirs.ReferrerUser = "obrien"
	_, err = db.CreateReferral(ctx, police, theirs)
	refused(t, db, "police CreateReferral(in another's name)", err, store.WriteAddReferral, n)
	n = auditLen(t, db)
	decided := newReferral("Already Taken", testNow)
	decided.ReferrerUser, decided.Status, decided.ParticipantID = "reyes", store.RefAccepted, p.ID
	_, err = db.CreateReferral(ctx, police, decided)
	refused(t, db, "police CreateReferral(already accepted)", err, store.WriteDecideReferral, n)
	n = auditLen(t, db)
	_, err = db.ImportReferrals(ctx, police, []store.Referral{mine})
	refused(t, db, "police ImportReferrals", err, store.WriteImportReferrals, n)
	n = auditLen(t, db)
	_, err = db.DecideReferral(ctx, police, "R-0001", store.ReferralDecision{Version: 1, Status: store.RefAccepted, CaseManager: "casey"})
	refused(t, db, "police DecideReferral", err, store.WriteDecideReferral, n)
}

func TestCaseManagerWritesOwnCaseloadOnly(t *testing.T) {
	db := memDB(t)
	mine := mustParticipant(t, db, "Mine Person", "casey")
	theirs := mustParticipant(t, db, "Their Person", "robin")
	sup := store.Actor{User: "keisha", Role: store.RoleSupervisor}
	contact := func(pid string) store.Contact {
		return store.Contact{ParticipantID: pid, Date: day(2025, 6, 1), Kind: store.ContactPhone, Author: "casey", Sensitivity: store.General}
	}
	if _, err := db.CreateContact(ctx, cm, contact(mine.ID)); err != nil {
		t.Errorf("cm contact on own caseload => %v", err)
	}
	n := auditLen(t, db)
	_, err := db.CreateContact(ctx, cm, contact(theirs.ID))
	refused(t, db, "cm contact on another caseload", err, store.WriteContact, n)
	n = auditLen(t, db)
	_, err = db.CreateGoal(ctx, cm, store.Goal{ParticipantID: theirs.ID, Words: "a place", Domain: store.DomainHousing})
	refused(t, db, "cm goal on another caseload", err, store.WriteGoal, n)
	n = auditLen(t, db)
	_, err = db.CreateROI(ctx, cm, store.ROI{ParticipantID: theirs.ID, Covers: []string{"police"}, Signed: day(2025, 6, 1), Expires: day(2026, 6, 1)})
	refused(t, db, "cm ROI on another caseload", err, store.WriteROI, n)
	// moving one's own participant to another caseload is for a supervisor
	n = auditLen(t, db)
	moved, _ := db.GetParticipant(ctx, mine.ID)
	moved.CaseManager = "robin"
	_, err = db.UpdateParticipant(ctx, cm, moved)
	refused(t, db, "cm moving a participant away", err, store.WriteParticipant, n)
	if _, err := db.UpdateParticipant(ctx, sup, moved); err != nil {
		t.Errorf("supervisor reassigning => %v, want nil", err)
	}
	// supervisors write every caseload
	if _, err := db.CreateContact(ctx, sup, contact(theirs.ID)); err != nil {
		t.Errorf("supervisor contact => %v, want nil", err)
	}
	// the pm records no participant data
	n = auditLen(t, db)
	_, err = db.CreateContact(ctx, store.Actor{User: "dana", Role: store.RolePM}, contact(theirs.ID))
	refused(t, db, "pm contact", err, store.WriteContact, n)
}

func TestCaseWritesByRole(t *testing.T) {
	db := memDB(t)
	p := mustParticipant(t, db, "Case Person", "casey")
	lc := must[store.LegalCase](t, "case")(db.CreateCase(ctx, cm, store.LegalCase{ParticipantID: p.ID, Kind: store.CasePreExisting, CaseNumber: "26-1", Status: store.CaseOpen}))
	pros := store.Actor{User: "ellen", Role: store.RoleProsecutor}
	def := store.Actor{User: "raj", Role: store.RoleDefender}

	pos := lc
	pos.Position, pos.PositionNote = store.PositionDismiss, "engaged"
	n := auditLen(t, db)
	_, err := db.UpdateCase(ctx, cm, pos)
	refused(t, db, "cm position", err, store.WritePosition, n)
	lc = must[store.LegalCase](t, "position")(db.UpdateCase(ctx, pros, pos))

	note := lc
	note.DefenderNotes = append(note.DefenderNotes, store.CaseNote{Time: testNow, Author: "raj", Role: store.RoleDefender, Text: "client consents"})
	n = auditLen(t, db)
	_, err = db.UpdateCase(ctx, pros, note)
	refused(t, db, "prosecutor writing a defender's note", err, store.WriteCaseNote, n)
	lc = must[store.LegalCase](t, "defender note")(db.UpdateCase(ctx, def, note))

	facts := lc
	facts.Status = store.CaseClosed
	n = auditLen(t, db)
	_, err = db.UpdateCase(ctx, def, facts)
	refused(t, db, "defender closing the case", err, store.WriteCase, n)
	if _, err := db.UpdateCase(ctx, cm, facts); err != nil {
		t.Errorf("cm closing a case on own caseload => %v, want nil", err)
	}
}

func TestMeetingWritesByRole(t *testing.T) {
	db := memDB(t)
	pmA := store.Actor{User: "dana", Role: store.RolePM}
	community := store.Actor{User: "pastor", Role: store.RoleCommunity}
	provider := store.Actor{User: "harbor", Role: store.RoleProvider}
	police := store.Actor{User: "reyes", Role: store.RolePolice}
	items := []store.AgendaItem{{ID: "1", Kind: store.ItemOther, Title: "Other business", Status: store.ItemPending}}

	n := auditLen(t, db)
	_, err := db.CreateMeeting(ctx, community, store.Meeting{Date: day(2025, 6, 2), Facilitator: "pastor", Status: store.MeetingOpen, Items: items})
	refused(t, db, "community opening a meeting", err, store.WriteRunMeeting, n)
	mt := must[store.Meeting](t, "open")(db.CreateMeeting(ctx, pmA, store.Meeting{Date: day(2025, 6, 2), Facilitator: "dana", Status: store.MeetingOpen, Items: items}))
	// one open meeting at a time, checked in the transaction that opens one
	_, err = db.CreateMeeting(ctx, pmA, store.Meeting{Date: day(2025, 6, 2), Facilitator: "dana", Status: store.MeetingOpen})
	if err == nil || !strings.Contains(err.Error(), mt.ID+" is already open") {
		t.Errorf("second open meeting => %v, want refused naming %s", err, mt.ID)
	}

	addNote := func(author string) func(*store.Meeting) error {
		return func(m *store.Meeting) error {
			m.Items[0].Notes = append(m.Items[0].Notes, store.Note{Time: testNow, Author: author, Text: "n", Sensitivity: store.General})
			return nil
		}
	}
	n = auditLen(t, db)
	_, err = db.MutateMeeting(ctx, community, mt.ID, addNote("pastor"))
	refused(t, db, "community note", err, store.WriteMeetingNote, n)
	n = auditLen(t, db)
	_, err = db.MutateMeeting(ctx, police, mt.ID, addNote("reyes"))
	refused(t, db, "police note", err, store.WriteMeetingNote, n)
	must[store.Meeting](t, "provider note")(db.MutateMeeting(ctx, provider, mt.ID, addNote("harbor")))
	n = auditLen(t, db)
	_, err = db.MutateMeeting(ctx, provider, mt.ID, addNote("dana"))
	refused(t, db, "a note in someone else's name", err, store.WriteMeetingNote, n)

	addAction := func(m *store.Meeting) error {
		m.ActionItems = append(m.ActionItems, store.ActionItem{ItemID: "1", Text: "call the shelter", Owner: "harbor"})
		return nil
	}
	must[store.Meeting](t, "provider action item")(db.MutateMeeting(ctx, provider, mt.ID, addAction))
	n = auditLen(t, db)
	_, err = db.MutateMeeting(ctx, police, mt.ID, addAction)
	refused(t, db, "police action item", err, store.WriteActionItem, n)

	n = auditLen(t, db)
	_, err = db.MutateMeeting(ctx, provider, mt.ID, func(m *store.Meeting) error {
		m.Status, m.EndedAt = store.MeetingEnded, testNow
		return nil
	})
	refused(t, db, "provider ending the meeting", err, store.WriteRunMeeting, n)
	if got, _ := db.GetMeeting(ctx, mt.ID); got.Status != store.MeetingOpen {
		t.Errorf("refused end saved: %s", got.Status)
	}
}

func TestUserWritesByRole(t *testing.T) {
	db := memDB(t)
	casey := must[store.User](t, "user")(db.CreateUser(ctx, pm, store.User{Name: "casey", Role: store.RoleCaseManager, Active: true}))
	n := auditLen(t, db)
	_, err := db.CreateUser(ctx, cm, store.User{Name: "eve", Role: store.RolePM, Active: true})
	refused(t, db, "cm creating a pm", err, store.WriteUser, n)
	prefs := casey
	prefs.Theme = "high-contrast"
	casey = must[store.User](t, "own prefs")(db.UpdateUser(ctx, cm, prefs))
	promote := casey
	promote.Role = store.RoleSupervisor
	n = auditLen(t, db)
	_, err = db.UpdateUser(ctx, cm, promote)
	refused(t, db, "cm promoting themselves", err, store.WriteUser, n)
	n = auditLen(t, db)
	err = db.DeleteUser(ctx, store.Actor{User: "reyes", Role: store.RolePolice}, "casey")
	refused(t, db, "police deleting a user", err, store.WriteUser, n)
}
