package badgerstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// This file checks store.MayWrite inside each write transaction: every
// domain write method calls one of these before it writes anything, and a
// refusal aborts the transaction (update then audits it as denied).

// may checks that the transaction's actor may perform action on subject.
func (t *tx) may(action store.WriteAction, subject string, rel store.Relation) error {
	err := store.MayWrite(t.actor, action, rel)
	if fe, ok := store.AsForbidden(err); ok {
		fe.Subject = subject
		return fe
	}
	return err
}

// participantRel is how the actor stands to participant id: their
// caseload, and whether they may see the participant (ROI). found is
// false for a participant that does not exist (validation names it).
func (t *tx) participantRel(id string) (rel store.Relation, found bool, err error) {
	if id == "" {
		return store.Relation{}, false, nil
	}
	p, err := getParticipant(t.txn, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Relation{}, false, nil
	}
	if err != nil {
		return store.Relation{}, false, err
	}
	rel = store.Relation{OwnCaseload: p.CaseManager != "" && p.CaseManager == t.actor.User}
	if t.actor.System {
		return rel, true, nil
	}
	rois, err := roisOf(t.txn, id)
	if err != nil {
		return rel, true, err
	}
	rel.Covered = store.Sees(t.actor, rois, t.now, store.DataIdentity) == store.Shown
	return rel, true, nil
}

// mayParticipant checks a write of action about participant ids (the
// record's participant before and after, when it moves): the actor must
// stand in the needed relation to each.
func (t *tx) mayParticipant(action store.WriteAction, subject string, ids ...string) error {
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		rel, found, err := t.participantRel(id)
		if err != nil {
			return err
		}
		if !found {
			continue // no such participant: the record's validation says so
		}
		if err := t.may(action, subject, rel); err != nil {
			return err
		}
	}
	return nil
}

// extends reports whether list b is list a with entries appended.
func extends[T any](a, b []T) bool {
	return len(b) >= len(a) && (len(a) == 0 || sameJSON(a, b[:len(a)]))
}

// sameList reports whether lists a and b hold the same entries (nil and
// empty alike).
func sameList[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || sameJSON(a, b))
}

// sameJSON reports whether a and b encode alike.
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// mayUpdateParticipant classifies a participant update: flagging for
// review, recording a held review, or a change to the record.
func (t *tx) mayUpdateParticipant(old, p store.Participant) error {
	strip := func(x store.Participant) store.Participant {
		x.Version, x.Created, x.Updated = 0, old.Created, old.Updated
		return x
	}
	a, b := strip(old), strip(p)
	flagOnly := a
	flagOnly.FlaggedBy = b.FlaggedBy
	reviewOnly := flagOnly
	reviewOnly.LastReview = b.LastReview
	full := func() error {
		return t.mayParticipant(store.WriteParticipant, old.ID, old.ID)
	}
	switch {
	case sameJSON(a, b):
		return nil
	case sameJSON(flagOnly, b) && old.FlaggedBy == "" && p.FlaggedBy == t.actor.User:
		if err := t.mayParticipant(store.WriteFlag, old.ID, old.ID); err != nil {
			if full() == nil {
				return nil
			}
			return err
		}
		return nil
	case sameJSON(reviewOnly, b) && p.FlaggedBy == "":
		if err := t.may(store.WriteReview, old.ID, store.Relation{}); err != nil {
			if full() == nil {
				return nil
			}
			return err
		}
		return nil
	}
	if old.CaseManager != p.CaseManager {
		// moving a participant to another caseload: the actor must hold
		// both ends (a supervisor), not only the caseload they leave
		if err := t.may(store.WriteParticipant, old.ID, store.Relation{
			OwnCaseload: old.CaseManager == t.actor.User && p.CaseManager == t.actor.User}); err != nil {
			return err
		}
	}
	return full()
}

// mayWriteCase classifies a legal-case write (old nil: a new case): the
// prosecution's position, notes appended in the author's own role, and
// the case's facts, each checked on its own.
func (t *tx) mayWriteCase(old *store.LegalCase, c store.LegalCase) error {
	base := store.LegalCase{}
	if old != nil {
		base = *old
	}
	subject := c.ID
	if subject == "" {
		subject = c.ParticipantID
	}
	rel, _, err := t.participantRel(c.ParticipantID)
	if err != nil {
		return err
	}
	if base.Position != c.Position || base.PositionNote != c.PositionNote {
		if err := t.may(store.WritePosition, subject, rel); err != nil {
			return err
		}
	}
	if !sameList(base.DefenderNotes, c.DefenderNotes) {
		n := len(base.DefenderNotes)
		if !extends(base.DefenderNotes, c.DefenderNotes) {
			if !t.actor.System {
				return &store.ForbiddenError{Role: t.actor.Role, Action: store.WriteCaseNote, Subject: subject, Reason: "case notes are only ever added, never changed or removed"}
			}
		}
		for _, note := range c.DefenderNotes[min(n, len(c.DefenderNotes)):] {
			if !t.actor.System && (note.Role != t.actor.Role || note.Author != t.actor.User) {
				return &store.ForbiddenError{Role: t.actor.Role, Action: store.WriteCaseNote, Subject: subject, Reason: "a case note is added in its author's own name and role"}
			}
		}
		if err := t.may(store.WriteCaseNote, subject, rel); err != nil {
			return err
		}
	}
	facts := c
	facts.Position, facts.PositionNote, facts.DefenderNotes = base.Position, base.PositionNote, base.DefenderNotes
	facts.Version, facts.Created, facts.Updated = base.Version, base.Created, base.Updated
	if old == nil || !sameJSON(facts, base) {
		ids := []string{c.ParticipantID}
		if old != nil {
			ids = append(ids, old.ParticipantID)
		}
		return t.mayParticipant(store.WriteCase, subject, ids...)
	}
	return nil
}

// mayWriteMeeting classifies a meeting write (old nil: a new meeting):
// notes appended to items and action items added are attendee-level
// writes; anything else (status, agenda, current item, facilitator,
// decisions) runs the meeting. Opening a meeting while another is open is
// refused here, in the same transaction.
func (t *tx) mayWriteMeeting(old *store.Meeting, m store.Meeting) error {
	if m.Status == store.MeetingOpen && (old == nil || old.Status != store.MeetingOpen) {
		if err := t.noOtherOpenMeeting(m.ID); err != nil {
			return err
		}
	}
	if old == nil {
		return t.may(store.WriteRunMeeting, m.ID, store.Relation{})
	}
	rest := m
	var notes, actions bool
	if m.Items != nil {
		rest.Items = slices.Clone(m.Items)
	}
	var oldAt map[string]int // item id -> index in old, made when an item moved
	for i, it := range rest.Items {
		j := i
		if j >= len(old.Items) || old.Items[j].ID != it.ID {
			if oldAt == nil {
				oldAt = make(map[string]int, len(old.Items))
				for k, o := range old.Items {
					if _, dup := oldAt[o.ID]; !dup {
						oldAt[o.ID] = k // the first, as a search from the start finds
					}
				}
			}
			var ok bool
			if j, ok = oldAt[it.ID]; !ok {
				j = -1
			}
		}
		if j < 0 {
			continue // a new item: running the meeting
		}
		on := old.Items[j].Notes
		if sameList(on, it.Notes) {
			continue
		}
		if !extends(on, it.Notes) {
			continue // notes changed or removed: only running the meeting may (rest differs)
		}
		for _, n := range it.Notes[len(on):] {
			if !t.actor.System && n.Author != t.actor.User {
				return &store.ForbiddenError{Role: t.actor.Role, Action: store.WriteMeetingNote, Subject: m.ID, Reason: "a note is added in its author's own name"}
			}
		}
		notes = true
		rest.Items[i].Notes = on
	}
	var closed []store.ActionItem // existing action items closed by this write
	if !sameList(old.ActionItems, m.ActionItems) {
		// closing an existing action item (done, dropped) is its own write:
		// compare each old item with its new state less the closing fields
		if len(m.ActionItems) >= len(old.ActionItems) {
			cur := slices.Clone(m.ActionItems)
			for i, o := range old.ActionItems {
				if cur[i].ID != o.ID || sameJSON(cur[i], o) || !o.IsOpen() || cur[i].IsOpen() {
					continue
				}
				c := cur[i]
				c.Status, c.Done, c.DoneAt, c.ClosedBy, c.Reason = o.Status, o.Done, o.DoneAt, o.ClosedBy, o.Reason
				if sameJSON(c, o) {
					closed = append(closed, o)
					cur[i] = o
				}
			}
			if len(closed) > 0 {
				rest.ActionItems = cur
			}
		}
		if extends(old.ActionItems, rest.ActionItems) {
			actions = len(rest.ActionItems) > len(old.ActionItems)
			rest.ActionItems = old.ActionItems
		}
	}
	rest.Version, rest.Created, rest.Updated = old.Version, old.Created, old.Updated
	if !sameJSON(rest, *old) {
		if err := t.may(store.WriteRunMeeting, m.ID, store.Relation{}); err != nil {
			return err
		}
	}
	if notes {
		if err := t.may(store.WriteMeetingNote, m.ID, store.Relation{}); err != nil {
			return err
		}
	}
	if actions {
		if err := t.may(store.WriteActionItem, m.ID, store.Relation{}); err != nil {
			return err
		}
	}
	for _, a := range closed {
		if err := t.may(store.WriteCloseAction, a.ID, store.Relation{Self: a.Owner != "" && a.Owner == t.actor.User}); err != nil {
			return err
		}
	}
	return nil
}

// noOtherOpenMeeting refuses to open a meeting while another is open.
func (t *tx) noOtherOpenMeeting(id string) error {
	var open string
	err := scanJSON(t.txn, pfxMeeting, func(m store.Meeting) error {
		if m.Status == store.MeetingOpen && m.ID != id {
			open = m.ID
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if open != "" {
		return fmt.Errorf("meeting %s is already open: one meeting at a time (end it, or join it)", open)
	}
	return nil
}

// mayUpdateUser classifies a user update: one's own display preferences,
// or managing the user.
func (t *tx) mayUpdateUser(old, u store.User) error {
	prefs := old
	prefs.Theme, prefs.LowBandwidth = u.Theme, u.LowBandwidth
	prefs.Version = u.Version
	if sameJSON(prefs, u) {
		return t.may(store.WriteUserPrefs, u.Name, store.Relation{Self: old.Name == t.actor.User})
	}
	return t.may(store.WriteUser, u.Name, store.Relation{Self: old.Name == t.actor.User})
}

// mayCreateReferral checks a new referral: referrers add their own, and a
// referral created already decided needs the right to decide.
func (t *tx) mayCreateReferral(r store.Referral) error {
	subject := r.ID
	rel := store.Relation{OwnReferral: r.ReferrerUser != "" && r.ReferrerUser == t.actor.User,
		OwnAgency: r.Agency != "" && r.Agency == t.actor.Agency}
	if err := t.may(store.WriteAddReferral, subject, rel); err != nil {
		return err
	}
	decided := r.Override || r.DecidedBy != "" || r.ParticipantID != "" || r.AckBy != "" || r.DecisionNote != "" ||
		(r.Status != store.RefNew && r.Status != store.RefScreenedOut && r.Status != "")
	if decided {
		return t.may(store.WriteDecideReferral, subject, rel)
	}
	return nil
}

// recordDenied appends a "denied" audit event for a refused write, in a
// transaction of its own (the refused one was discarded). The event
// carries the subject id and the action code, nothing else.
func (db *DB) recordDenied(a store.Actor, fe *store.ForbiddenError) error {
	for attempt := 0; attempt < maxRetries; attempt++ {
		t := &tx{txn: db.bdb.NewTransaction(true), actor: a, now: db.now().UTC()}
		err := t.audit(store.AuditDenied, fe.Subject, "write:"+string(fe.Action))
		if err == nil {
			err = t.txn.Commit()
		}
		t.txn.Discard()
		if !errors.Is(err, badger.ErrConflict) {
			return err
		}
	}
	return store.ErrConflict
}
