package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
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
	// The records are copied out in the transaction and decoded on every
	// CPU while it goes on: JSON decoding is most of a site's read (about
	// 80 ms of CPU at 2,000 participants), the iteration the rest.
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
			rawROIs, err := rawScan(txn, pfxROI)
			if err != nil {
				scanErr = err
				return
			}
			wg.Go(func() { rois, errs[1] = decodeAll[store.ROI](rawROIs) })
			rawCases, err := rawScan(txn, pfxCase)
			if err != nil {
				scanErr = err
				return
			}
			wg.Go(func() { cases, errs[2] = decodeAll[store.LegalCase](rawCases) })
		})
		defer scans.Wait() // before the transaction ends
		rawParts, err := rawScan(txn, pfxParticipant)
		if err != nil {
			return err
		}
		wg.Go(func() { parts, errs[0] = decodeAll[store.Participant](rawParts) })
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
	for _, p := range parts {
		if p.Status.Active() {
			d.Participants = append(d.Participants, p)
		}
	}
	d.ROIs, d.Cases = rois, cases
	sortByID(d.Participants, func(p store.Participant) string { return p.ID })
	sortByID(d.ROIs, func(r store.ROI) string { return r.ID })
	sortByID(d.Cases, func(c store.LegalCase) string { return c.ID })
	return d, err
}

// rawRecord is one record's key and value, copied out of a transaction.
type rawRecord struct{ key, val []byte }

// rawScan copies every record under prefix.
func rawScan(txn *badger.Txn, prefix string) ([]rawRecord, error) {
	// No prefetching: owg's values sit in the tables beside their keys
	// (far below Badger's value threshold), so a prefetch only copied
	// each value once more.
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
	defer it.Close()
	var out []rawRecord
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		v, err := item.ValueCopy(nil)
		if err != nil {
			return nil, fmt.Errorf("damaged record %q: %v", item.Key(), err)
		}
		out = append(out, rawRecord{key: item.KeyCopy(nil), val: v})
	}
	return out, nil
}

// decodeAll decodes recs in order, on as many goroutines as there are
// CPUs; a record that does not decode is named in the error.
func decodeAll[T any](recs []rawRecord) ([]T, error) {
	out := make([]T, len(recs))
	fast := fastDecoderFor[T]()
	workers := min(runtime.GOMAXPROCS(0), max(1, len(recs)/64))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(recs)/workers, (w+1)*len(recs)/workers
		wg.Go(func() {
			lx := lexer{intern: map[string]string{}}
			for i := lo; i < hi; i++ {
				if fast != nil {
					lx.reset(recs[i].val)
					if fast(&lx, &out[i]) {
						continue
					}
					var zero T
					out[i] = zero // what the fast path set is not kept
				}
				if err := decodeJSON(recs[i].val, &out[i]); err != nil {
					errs[w] = fmt.Errorf("damaged record %q: %v", recs[i].key, err)
					return
				}
			}
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
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
	sortByID(p.ROIs, func(r store.ROI) string { return r.ID })
	sortByID(p.Cases, func(c store.LegalCase) string { return c.ID })
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
