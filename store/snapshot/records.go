package snapshot

import (
	"context"
	"slices"
	"sync"

	"github.com/leadtable/owg/store"
)

// RecordSource reads one participant's whole record and one referral:
// the reads store.PeekParticipant makes. store.Store is one.
type RecordSource interface {
	GetParticipant(ctx context.Context, id string) (store.Participant, error)
	ListROIs(ctx context.Context, participantID string) ([]store.ROI, error)
	ListGoals(ctx context.Context, participantID string) ([]store.Goal, error)
	ListContacts(ctx context.Context, participantID string) ([]store.Contact, error)
	ListCases(ctx context.Context, participantID string) ([]store.LegalCase, error)
	GetReferral(ctx context.Context, id string) (store.Referral, error)
}

// Record is one participant's rows as the store lists them, unprojected:
// callers project it through the store's rules (store.PeekParticipant)
// and must not modify it.
type Record struct {
	Participant store.Participant
	ROIs        []store.ROI
	Goals       []store.Goal
	Contacts    []store.Contact
	Cases       []store.LegalCase
}

// Records keeps the records of the participants (and the referrals)
// sessions look at, read once for the process however many sessions show
// them (a live meeting's followers), and dropped when a committed change
// names them. A record read while a change to it was being observed is
// returned to its reader but not kept.
type Records struct {
	src RecordSource

	mu       sync.Mutex
	gen      map[string]uint64 // per id: bumped by every change naming it
	all      uint64            // bumped by Invalidate
	recs     map[string]Record
	refs     map[string]store.Referral
	inflight map[callKey]*recordCall
}

// callKey names one read: a read started before a change is never
// shared with a caller that asks after it.
type callKey struct {
	key      string
	gen, all uint64
}

type recordCall struct {
	done chan struct{}
	rec  Record
	ref  store.Referral
	err  error
}

// maxRecords bounds the cache: past it, the oldest entries are not
// tracked and the cache starts again (a meeting shows a few dozen).
const maxRecords = 4096

// NewRecords returns an empty cache over src.
func NewRecords(src RecordSource) *Records {
	return &Records{src: src, gen: map[string]uint64{}, recs: map[string]Record{}, refs: map[string]store.Referral{},
		inflight: map[callKey]*recordCall{}}
}

// observe drops what a committed change makes stale.
func (r *Records) observe(c store.Change) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch c.Kind {
	case "participant", "goal", "contact", "roi", "case":
		id := c.Subject
		if c.Kind == "participant" && id == "" {
			id = c.ID
		}
		if id == "" {
			r.invalidateLocked()
			return
		}
		r.drop(id)
		if c.Kind == "case" {
			// a case moved from another participant: drop theirs too
			for pid, rec := range r.recs {
				if slices.ContainsFunc(rec.Cases, func(lc store.LegalCase) bool { return lc.ID == c.ID }) {
					r.drop(pid)
				}
			}
		}
	case "referral":
		r.drop(c.ID)
	case "meeting", "user", "setting":
	default:
		r.invalidateLocked()
	}
}

func (r *Records) drop(id string) {
	r.gen[id]++
	delete(r.recs, id)
	delete(r.refs, id)
}

func (r *Records) invalidate() {
	r.mu.Lock()
	r.invalidateLocked()
	r.mu.Unlock()
}

func (r *Records) invalidateLocked() {
	r.all++
	r.recs, r.refs, r.gen = map[string]Record{}, map[string]store.Referral{}, map[string]uint64{}
}

// Participant returns participant id's record, read from the source
// unless a current one is kept. Concurrent callers share one read.
func (r *Records) Participant(ctx context.Context, id string) (Record, error) {
	c, err := r.get(ctx, "P:"+id, id, func(ctx context.Context) (recordCall, error) {
		var out recordCall
		var err error
		if out.rec.Participant, err = r.src.GetParticipant(ctx, id); err != nil {
			return out, err
		}
		if out.rec.ROIs, err = r.src.ListROIs(ctx, id); err != nil {
			return out, err
		}
		if out.rec.Goals, err = r.src.ListGoals(ctx, id); err != nil {
			return out, err
		}
		if out.rec.Contacts, err = r.src.ListContacts(ctx, id); err != nil {
			return out, err
		}
		out.rec.Cases, err = r.src.ListCases(ctx, id)
		return out, err
	}, func(c recordCall) { r.recs[id] = c.rec }, func() (recordCall, bool) {
		rec, ok := r.recs[id]
		return recordCall{rec: rec}, ok
	})
	return c.rec, err
}

// Referral returns referral id, read from the source unless a current
// one is kept.
func (r *Records) Referral(ctx context.Context, id string) (store.Referral, error) {
	c, err := r.get(ctx, "R:"+id, id, func(ctx context.Context) (recordCall, error) {
		ref, err := r.src.GetReferral(ctx, id)
		return recordCall{ref: ref}, err
	}, func(c recordCall) { r.refs[id] = c.ref }, func() (recordCall, bool) {
		ref, ok := r.refs[id]
		return recordCall{ref: ref}, ok
	})
	return c.ref, err
}

// get returns the kept value (have), else joins or starts one read of it
// (read), keeping its result (keep) when no change named id meanwhile.
func (r *Records) get(ctx context.Context, key, id string, read func(context.Context) (recordCall, error),
	keep func(recordCall), have func() (recordCall, bool)) (recordCall, error) {
	r.mu.Lock()
	if c, ok := have(); ok {
		r.mu.Unlock()
		return c, nil
	}
	gen, all := r.gen[id], r.all
	ck := callKey{key, gen, all}
	if call, ok := r.inflight[ck]; ok {
		r.mu.Unlock()
		select {
		case <-call.done:
		case <-ctx.Done():
			return recordCall{}, ctx.Err()
		}
		if call.err == nil {
			return *call, nil
		}
		// the shared read failed (perhaps its caller's session ended):
		// read for this caller
		return r.readOnce(ctx, id, gen, all, read, keep)
	}
	call := &recordCall{done: make(chan struct{})}
	r.inflight[ck] = call
	r.mu.Unlock()
	out, err := r.readOnce(ctx, id, gen, all, read, keep)
	call.rec, call.ref, call.err = out.rec, out.ref, err
	r.mu.Lock()
	delete(r.inflight, ck)
	r.mu.Unlock()
	close(call.done)
	return out, err
}

func (r *Records) readOnce(ctx context.Context, id string, gen, all uint64, read func(context.Context) (recordCall, error), keep func(recordCall)) (recordCall, error) {
	out, err := read(ctx)
	if err != nil {
		return recordCall{}, err
	}
	r.mu.Lock()
	if r.gen[id] == gen && r.all == all {
		if len(r.recs)+len(r.refs) >= maxRecords {
			r.recs, r.refs = map[string]Record{}, map[string]store.Referral{}
		}
		keep(out)
	}
	r.mu.Unlock()
	return out, nil
}
