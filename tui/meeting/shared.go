package meeting

import (
	"context"
	"slices"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/snapshot"
	"github.com/leadtable/owg/tui/common"
)

// sharedStore is the session's store with the reads an item's context
// makes (store.PeekParticipant, PeekRoom, a referral) served from the
// process's shared records, so fifty followers shown the same participant
// cause one read, not fifty. The rules are untouched: each session still
// projects the record through store.PeekParticipant (or PeekRoom) for its
// own viewer, and ViewParticipant still writes that viewer's audit event
// to the real store.
type sharedStore struct {
	store.Store
	recs *snapshot.Records
}

// storeFor is the store an item's context reads: the shared records when
// the session has a snapshot that keeps them, else the store itself.
func storeFor(c *common.Ctx) store.Store {
	if c.Snapshot != nil {
		if recs := c.Snapshot.Records(); recs != nil {
			return sharedStore{Store: c.Store, recs: recs}
		}
	}
	return c.Store
}

func (s sharedStore) GetParticipant(ctx context.Context, id string) (store.Participant, error) {
	r, err := s.recs.Participant(ctx, id)
	return r.Participant, err
}

func (s sharedStore) ListROIs(ctx context.Context, id string) ([]store.ROI, error) {
	r, err := s.recs.Participant(ctx, id)
	return r.ROIs, err
}

func (s sharedStore) ListGoals(ctx context.Context, id string) ([]store.Goal, error) {
	r, err := s.recs.Participant(ctx, id)
	return r.Goals, err
}

func (s sharedStore) ListContacts(ctx context.Context, id string) ([]store.Contact, error) {
	r, err := s.recs.Participant(ctx, id)
	return r.Contacts, err
}

func (s sharedStore) ListCases(ctx context.Context, id string) ([]store.LegalCase, error) {
	r, err := s.recs.Participant(ctx, id)
	return r.Cases, err
}

func (s sharedStore) GetReferral(ctx context.Context, id string) (store.Referral, error) {
	return s.recs.Referral(ctx, id)
}

// meetingOf reads meeting id from the session's shared snapshot (kept
// current from committed changes: one read of the meeting per change for
// the process), else from the store.
//
// The snapshot's meeting is shared by every session, read-only: a large
// site's agenda has hundreds of items, and fifty followers each copying
// it on every move made the garbage that set the slowest moves' pace. A
// session changes its meeting in place only through setItemStatus, which
// copies the items first; every other change goes through a write.
func meetingOf(c *common.Ctx, id string) (store.Meeting, error) {
	if c.Snapshot != nil {
		if site, err := c.Snapshot.Site(c.Context()); err == nil {
			for _, mt := range site.Meetings {
				if mt.ID == id {
					return mt, nil
				}
			}
		}
	}
	return c.Store.GetMeeting(c.Context(), id)
}

// caseOf reads legal case id through the shared records when the session
// has them (the case's participant's record holds it), else the store.
func caseOf(c *common.Ctx, id string) (store.LegalCase, error) {
	if c.Snapshot != nil {
		if site, err := c.Snapshot.Site(c.Context()); err == nil {
			for _, lc := range site.Cases {
				if lc.ID == id {
					return lc, nil
				}
			}
		}
	}
	return c.Store.GetCase(c.Context(), id)
}

// cloneMeeting copies a shared meeting deep enough that the pane may
// change its items, notes, decisions and action items in place (it marks
// an item skipped before the write lands) without touching the snapshot
// every session reads.

// setItemStatus shows item i with status s before the write that records
// it returns, on the session's own copy of the items (m.mt may be the
// snapshot's shared meeting: meetingOf).
func (m *Model) setItemStatus(i int, s store.ItemStatus) {
	if i < 0 || i >= len(m.mt.Items) {
		return
	}
	m.mt.Items = slices.Clone(m.mt.Items)
	m.mt.Items[i].Status = s
}
