package snapshot

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/leadtable/owg/store"
)

// NewReferralReader reads the referrals still new (status new), in one
// transaction. badgerstore.DB is one.
type NewReferralReader interface {
	ReadNewReferrals(ctx context.Context) ([]store.Referral, error)
}

// newRefs is the shared read of the new referrals: read once after each
// change to any referral, then handed to every session (the notices of
// new field referrals), instead of each session decoding them all at
// sign-in and on every referral change.
type newRefs struct {
	changes atomic.Uint64 // referral changes observed (and invalidations)

	refresh sync.Mutex // one read at a time
	mu      sync.Mutex // guards list, read and at
	list    []store.Referral
	read    bool
	at      uint64 // the changes count list reflects
}

// observe notes a committed change of kind.
func (r *newRefs) observe(kind string) {
	switch kind {
	case "participant", "roi", "case", "user", "meeting", "goal", "contact", "setting":
	default: // referrals, and kinds not known here
		r.changes.Add(1)
	}
}

// NewReferrals returns the referrals whose status is new, in the order
// the source gives them (oldest first), re-read only when a referral
// changed since the last call. ok is false when the snapshot's source
// cannot read them: the caller reads the store itself. The slice is
// shared: callers must not modify it or its referrals.
func (s *Snapshot) NewReferrals(ctx context.Context) (list []store.Referral, ok bool, err error) {
	src, ok := s.src.(NewReferralReader)
	if !ok {
		return nil, false, nil
	}
	r := &s.refs
	want := r.changes.Load()
	r.mu.Lock()
	if r.read && r.at == want {
		list = r.list
		r.mu.Unlock()
		return list, true, nil
	}
	r.mu.Unlock()
	r.refresh.Lock()
	defer r.refresh.Unlock()
	want = r.changes.Load()
	r.mu.Lock()
	if r.read && r.at == want {
		list = r.list
		r.mu.Unlock()
		return list, true, nil // read while we waited
	}
	r.mu.Unlock()
	list, err = src.ReadNewReferrals(ctx)
	if err != nil {
		return nil, true, err
	}
	r.mu.Lock()
	r.list, r.read, r.at = list, true, want
	r.mu.Unlock()
	return list, true, nil
}
