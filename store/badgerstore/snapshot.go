package badgerstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/snapshot"
)

var (
	_ snapshot.Reader            = (*DB)(nil)
	_ snapshot.NewReferralReader = (*DB)(nil)
)

// ReadNewReferrals reads the referrals whose status is new, oldest first
// (as ListReferrals with that status), copying them out in one read
// transaction and decoding them on every CPU.
func (db *DB) ReadNewReferrals(ctx context.Context) ([]store.Referral, error) {
	var raw []rawRecord
	err := db.view(ctx, func(txn *badger.Txn) error {
		var ids []string
		if err := scanKeys(txn, ixRefStatus+string(store.RefNew)+sep, "", func(k string) error {
			ids = append(ids, lastField(k))
			return nil
		}); err != nil {
			return err
		}
		keys := make([]string, len(ids))
		for i, id := range ids {
			keys[i] = pfxReferral + id
		}
		var err error
		raw, err = pickRaw(txn, pfxReferral, "referral", keys)
		return err
	})
	if err != nil {
		return nil, err
	}
	out, err := decodeAll[store.Referral](raw)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Received.Equal(out[j].Received) {
			return out[i].Received.Before(out[j].Received)
		}
		return idLess(out[i].ID, out[j].ID)
	})
	return out, nil
}

// ReadSite reads what a site snapshot holds in one read transaction, one
// prefix scan per entity: active participants, every ROI and legal case,
// users and meetings.
func (db *DB) ReadSite(ctx context.Context) (snapshot.Data, error) {
	var d snapshot.Data
	// The records are copied out in the transaction and decoded a chunk
	// at a time on other goroutines as they are (scanDecode): decoding
	// and copying are each about half of a site's read.
	var (
		parts []store.Participant
		rois  []store.ROI
		cases []store.LegalCase
		wg    sync.WaitGroup
		errs  [3]error
	)
	err := db.view(ctx, func(txn *badger.Txn) error {
		// ROIs and cases are copied out on a second goroutine (a read
		// transaction's iterators are independent) while this one copies
		// participants, users and meetings: the copying is a third of
		// the read.
		var (
			scans   sync.WaitGroup
			scanErr error
		)
		scans.Go(func() {
			r, err := scanDecode[store.ROI](txn, pfxROI)
			if err != nil {
				scanErr = err
				return
			}
			wg.Go(func() { rois, errs[1] = r.wait() })
			c, err := scanDecode[store.LegalCase](txn, pfxCase)
			if err != nil {
				scanErr = err
				return
			}
			wg.Go(func() { cases, errs[2] = c.wait() })
		})
		defer scans.Wait() // before the transaction ends
		p, err := scanDecode[store.Participant](txn, pfxParticipant)
		if err != nil {
			return err
		}
		wg.Go(func() { parts, errs[0] = p.wait() })
		if err := scanJSON(txn, pfxUser, func(u store.User) error {
			d.Users = append(d.Users, u)
			return nil
		}); err != nil {
			return err
		}
		d.Meetings, err = meetingsIn(txn)
		scans.Wait()
		db.trace("site read: copied")
		return errors.Join(err, scanErr)
	})
	wg.Wait()
	db.trace("site read: decoded")
	if err == nil {
		err = errors.Join(errs[:]...)
	}
	// the active ones, in place (appending 2,000 records one by one to a
	// new list was 3-4 ms of a start)
	d.Participants = slices.DeleteFunc(parts, func(p store.Participant) bool { return !p.Status.Active() })
	d.ROIs, d.Cases = rois, cases
	sortByID(d.Participants, func(p *store.Participant) string { return p.ID })
	sortByID(d.ROIs, func(r *store.ROI) string { return r.ID })
	sortByID(d.Cases, func(c *store.LegalCase) string { return c.ID })
	return d, err
}

// rawRecord is one record's key and value, copied out of a transaction.
type rawRecord struct{ key, val []byte }

// decodeAll decodes recs in order, on as many goroutines as there are
// CPUs; a record that does not decode is named in the error.
func decodeAll[T any](recs []rawRecord) ([]T, error) {
	out := make([]T, len(recs))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(recs)/64))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(recs)/workers, (w+1)*len(recs)/workers
		wg.Go(func() { errs[w] = decodeInto(recs[lo:hi], out[lo:hi]) })
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// decodeInto decodes recs into out (as long), by the fast path where it
// can; it stops at the first record that does not decode, naming it.
func decodeInto[T any](recs []rawRecord, out []T) error {
	fast := fastDecoderFor[T]()
	lx := lexer{intern: map[string]string{}}
	for i := range recs {
		if fast != nil {
			lx.reset(recs[i].val)
			if fast(&lx, &out[i]) {
				continue
			}
			var zero T
			out[i] = zero // what the fast path set is not kept
		}
		if err := decodeJSON(recs[i].val, &out[i]); err != nil {
			return fmt.Errorf("damaged record %q: %v", recs[i].key, err)
		}
	}
	return nil
}

// scanning is the records under a prefix, decoded a chunk at a time on
// goroutines of their own while the scan that copies them out goes on
// (a site's first read then decodes as it copies, on the other core).
type scanning[T any] struct {
	wg     sync.WaitGroup
	chunks []*scanChunk[T]
}

type scanChunk[T any] struct {
	out []T
	err error
}

// scanChunkRecords and scanSlab bound a chunk: its records' keys and
// values are copied into one slab.
const (
	scanChunkRecords = 128
	scanSlab         = 64 << 10
)

// scanDecode copies out every record under prefix and has each chunk of
// them decoded as soon as it is copied; wait returns them in key order.
func scanDecode[T any](txn *badger.Txn, prefix string) (*scanning[T], error) {
	s := &scanning[T]{}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
	defer it.Close()
	var (
		recs []rawRecord
		slab []byte
	)
	flush := func() {
		if len(recs) == 0 {
			return
		}
		c := &scanChunk[T]{out: make([]T, len(recs))}
		s.chunks = append(s.chunks, c)
		rs := recs
		s.wg.Go(func() { c.err = decodeInto(rs, c.out) })
		recs, slab = nil, nil
	}
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		k, size := item.Key(), int(item.ValueSize())
		if len(recs) == scanChunkRecords || (slab != nil && len(slab)+len(k)+size > cap(slab)) {
			flush()
		}
		if slab == nil {
			// a slab never grows: the records copied into it stay put
			slab = make([]byte, 0, max(scanSlab, len(k)+size))
		}
		key := append(slab[len(slab):len(slab)], k...)
		slab = slab[:len(slab)+len(key)]
		err := item.Value(func(v []byte) error {
			var val []byte
			if len(slab)+len(v) <= cap(slab) {
				val = append(slab[len(slab):len(slab)], v...)
				slab = slab[:len(slab)+len(v)]
			} else {
				val = bytes.Clone(v) // bigger than its size said: on its own
			}
			recs = append(recs, rawRecord{key: key, val: val})
			return nil
		})
		if err != nil {
			s.wg.Wait()
			return nil, fmt.Errorf("damaged record %q: %v", k, err)
		}
	}
	flush()
	return s, nil
}

// wait returns the records decoded, in key order, and the first error.
func (s *scanning[T]) wait() ([]T, error) {
	s.wg.Wait()
	n := 0
	for _, c := range s.chunks {
		if c.err != nil {
			return nil, c.err
		}
		n += len(c.out)
	}
	out := make([]T, 0, n)
	for _, c := range s.chunks {
		out = append(out, c.out...)
	}
	return out, nil
}

// ReadPart reads one participant with their ROIs and legal cases in one
// read transaction.
func (db *DB) ReadPart(ctx context.Context, id string) (snapshot.Part, error) {
	var p snapshot.Part
	err := db.view(ctx, func(txn *badger.Txn) error {
		var err error
		p.Participant, err = getParticipant(txn, id)
		if err != nil {
			if store.IsNotFound(err) {
				return nil
			}
			return err
		}
		p.Found = true
		if p.ROIs, err = roisOf(txn, id); err != nil {
			return err
		}
		return eachIndexed(txn, ixCasePart+id+sep, func(cid string) error {
			c, err := getCase(txn, cid)
			p.Cases = append(p.Cases, c)
			return err
		})
	})
	sortByID(p.ROIs, func(r *store.ROI) string { return r.ID })
	sortByID(p.Cases, func(c *store.LegalCase) string { return c.ID })
	return p, err
}

// meetingsIn lists meetings in date order, as ListMeetings does.
func meetingsIn(txn *badger.Txn) ([]store.Meeting, error) {
	var out []store.Meeting
	err := eachIndexed(txn, ixMeetingDate, func(id string) error {
		m, err := getMeeting(txn, id)
		out = append(out, m)
		return err
	})
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.Before(out[j].Date)
		}
		return idLess(out[i].ID, out[j].ID)
	})
	return out, err
}
