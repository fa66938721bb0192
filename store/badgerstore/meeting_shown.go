package badgerstore

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/leadtable/owg/store"
)

// A facilitator's move to the next item shows its participant to every
// follower at once. Each follower's screen records its own view
// (store.ViewParticipant), and fifty such events arriving over the tens of
// milliseconds fifty sessions take to redraw cost several synced
// transactions even with group commit. MutateMeetingShown writes them all
// in the move's own transaction instead, before any follower is told of
// the move, and keeps a note of each so that the follower's own Record of
// the same view, just after, is not written twice.

// shownTTL is how long a recorded follower view waits for the follower's
// own Record of it. A follower that never asks (it had the item loaded
// already, or it left) leaves its note to expire: a view of the same
// participant by the same session within this time is then not written
// again, the one recorded at the move standing for it.
const shownTTL = 5 * time.Second

// maxShown bounds the notes kept (the oldest go first).
const maxShown = 4096

type shownKey struct {
	user, addr, subject string
	role                store.Role
	action              store.AuditAction
}

type shownNote struct {
	n     int // recorded views not yet taken
	until time.Time
}

type shownViews struct {
	mu    sync.Mutex
	notes map[shownKey]*shownNote
	now   func() time.Time // the store's clock (time.Now: monotonic)
}

func keyOfShown(e store.AuditEvent) shownKey {
	return shownKey{user: e.User, addr: e.Addr, subject: e.Subject, role: e.Role, action: e.Action}
}

func (s *shownViews) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// put notes events recorded on their viewers' behalf.
func (s *shownViews) put(evs []store.AuditEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	if s.notes == nil {
		s.notes = map[shownKey]*shownNote{}
	}
	for k, n := range s.notes {
		if now.After(n.until) {
			delete(s.notes, k)
		}
	}
	for _, e := range evs {
		k := keyOfShown(e)
		n := s.notes[k]
		if n == nil {
			if len(s.notes) >= maxShown {
				s.dropOldest()
			}
			n = &shownNote{}
			s.notes[k] = n
		}
		n.n++
		n.until = now.Add(shownTTL)
	}
}

func (s *shownViews) dropOldest() {
	var oldest shownKey
	var at time.Time
	for k, n := range s.notes {
		if at.IsZero() || n.until.Before(at) {
			oldest, at = k, n.until
		}
	}
	delete(s.notes, oldest)
}

// take reports whether e, a participant view by one viewer, was recorded
// already by a meeting's move, and uses that note up.
func (s *shownViews) take(e store.AuditEvent) bool {
	if e.Detail != "participant" || (e.Action != store.AuditView && e.Action != store.AuditDenied) {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := keyOfShown(e)
	n := s.notes[k]
	if n == nil {
		return false
	}
	if s.clock().After(n.until) {
		delete(s.notes, k)
		return false
	}
	if n.n--; n.n <= 0 {
		delete(s.notes, k)
	}
	return true
}

// MutateMeetingShown is MutateMeeting that, when the write moves the
// meeting's current item to one about a participant, records in the same
// transaction what showing that participant to each of audience records
// (store.ShownEvents).
func (db *DB) MutateMeetingShown(ctx context.Context, a store.Actor, id string, fn func(*store.Meeting) error, audience []store.Actor) (store.Meeting, error) {
	var out store.Meeting
	err := db.update(ctx, a, func(t *tx) error {
		old, err := getMeeting(t.txn, id)
		if err != nil {
			return err
		}
		m := old.Clone() // a separate copy for fn to change
		if err := fn(&m); err != nil {
			return err
		}
		out, err = t.saveMeeting(&old, m)
		if err != nil {
			return err
		}
		evs, err := t.shownEvents(old, out, audience)
		if err != nil || len(evs) == 0 {
			return err
		}
		for i := range evs {
			evs[i].User = store.CleanLine(evs[i].User)
			evs[i].Addr = store.CleanLine(evs[i].Addr)
			evs[i].Time = t.now
			if err := t.appendAudit(evs[i]); err != nil {
				return err
			}
		}
		t.committed = func() {
			db.shown.put(evs)
			db.group.txns.Add(1)
			db.group.records.Add(uint64(len(evs)))
		}
		return nil
	})
	return out, err
}

// shownEvents returns the events of showing audience the participant of
// the current item of after, when the write moved the meeting to it.
func (t *tx) shownEvents(before, after store.Meeting, audience []store.Actor) ([]store.AuditEvent, error) {
	if len(audience) == 0 || after.Status != store.MeetingOpen || after.Current < 0 || after.Current >= len(after.Items) {
		return nil, nil
	}
	it := after.Items[after.Current]
	if before.Current >= 0 && before.Current < len(before.Items) && before.Items[before.Current].ID == it.ID {
		return nil, nil // not a move
	}
	var pid string
	switch store.ContextKind(it) {
	case store.ItemGoalReview:
		pid = it.Subject
	case store.ItemCase:
		lc, err := getCase(t.txn, it.Subject)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		pid = lc.ParticipantID
	default:
		return nil, nil
	}
	if _, err := getParticipant(t.txn, pid); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil // each screen says it no longer exists
		}
		return nil, err
	}
	rois, err := roisOf(t.txn, pid)
	if err != nil {
		return nil, err
	}
	return store.ShownEvents(audience, pid, rois, t.now), nil
}
