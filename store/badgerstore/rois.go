package badgerstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

func roiIndex(r store.ROI) []string { return []string{ixROIPart + r.ParticipantID + sep + r.ID} }

func getROI(txn *badger.Txn, id string) (store.ROI, error) {
	var r store.ROI
	err := getJSON(txn, pfxROI+id, "ROI "+id, &r)
	return r, err
}

func cleanROI(r store.ROI) store.ROI {
	r = store.MigrateROI(r)
	r.ID = store.CleanLine(r.ID)
	r.ParticipantID = store.CleanLine(r.ParticipantID)
	r.Covers = cleanList(r.Covers)
	r.Agencies = cleanList(r.Agencies)
	r.Purpose = store.CleanLine(r.Purpose)
	r.RecordedBy = store.CleanLine(r.RecordedBy)
	roles := r.Roles[:0:0]
	for _, role := range r.Roles {
		role = store.Role(strings.ToLower(store.CleanLine(string(role))))
		if !slices.Contains(roles, role) {
			roles = append(roles, role)
		}
	}
	r.Roles = roles
	classes := r.Classes[:0:0]
	for _, c := range r.Classes {
		c = store.DataKind(strings.ToLower(store.CleanLine(string(c))))
		if !slices.Contains(classes, c) {
			classes = append(classes, c)
		}
	}
	r.Classes = classes
	return r
}

// coversKey is the JSON key of an unscoped ROI's recipient list.
var coversKey = []byte(`"covers":`)

// migrateROIs rewrites every ROI still in the unscoped form (one Covers
// list of roles and agencies) as store.MigrateROI reads it: those
// recipients, releasing identity, goals, general contacts and legal cases,
// never sensitive data. One audited transaction; a store with nothing to
// migrate gets only the mark (keyROIScoped) that spares later opens the
// scan. Every ROI written since this migration existed is scoped
// (cleanROI), so a store holding the mark holds no unscoped ROI; a store
// or backup from an owg before the mark has none and is scanned.
func (db *DB) migrateROIs(ctx context.Context) error {
	done := false
	if err := db.bdb.View(func(txn *badger.Txn) (err error) {
		done, err = exists(txn, keyROIScoped)
		return err
	}); err != nil || done {
		return err
	}
	var old []store.ROI
	err := db.view(ctx, func(txn *badger.Txn) error {
		// Only a record holding the key "covers" can be in the old form:
		// the rest are not decoded (this runs at every open; decoding
		// every ROI was 40 ms of a local start at 2,000 participants).
		// Inside a JSON string a quote is escaped, so `"covers":` occurs
		// in a record only as a key.
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(pfxROI)}) // no prefetch: see rawScan
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			err := item.Value(func(b []byte) error {
				if !bytes.Contains(b, coversKey) {
					return nil
				}
				var r store.ROI
				if err := decodeJSON(b, &r); err != nil {
					return fmt.Errorf("damaged record %q: %v", item.Key(), err)
				}
				if len(r.Covers) > 0 {
					old = append(old, r)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(old) == 0 {
		return db.rawSet([]byte(keyROIScoped), []byte("1"))
	}
	return db.update(ctx, store.SystemActor, func(t *tx) error {
		for _, r := range old {
			cur, err := getROI(t.txn, r.ID)
			if err != nil {
				return err
			}
			if len(cur.Covers) == 0 {
				continue
			}
			m := store.MigrateROI(cur)
			m.Covers = nil
			m.Version = cur.Version + 1
			if err := t.putJSON(pfxROI+m.ID, m); err != nil {
				return err
			}
			t.change("roi", m.ID, m.ParticipantID)
			if err := t.audit(store.AuditUpdate, m.ParticipantID, "roi:"+m.ID+":scoped-migration"); err != nil {
				return err
			}
		}
		return t.txn.Set([]byte(keyROIScoped), []byte("1"))
	})
}

// keyROIScoped marks a store whose ROIs were all scoped (migrateROIs).
const keyROIScoped = "meta/roiscoped"

func (t *tx) saveROI(old *store.ROI, r store.ROI) (store.ROI, error) {
	if old == nil && r.RecordedBy == "" {
		r.RecordedBy = store.CleanLine(t.actor.User)
	}
	if old != nil {
		r.RecordedBy = old.RecordedBy // who recorded the consent never changes
	}
	if err := r.Validate(); err != nil {
		return r, err
	}
	var oldIdx []string
	action := store.AuditCreate
	if old == nil || old.ParticipantID != r.ParticipantID {
		if err := requireParticipant(t.txn, "ROI", r.ParticipantID); err != nil {
			return r, err
		}
	}
	if old == nil {
		if err := t.assignID(kindROI, pfxROI, "ROI", &r.ID); err != nil {
			return r, err
		}
		r.Created, r.Version = t.now, 1
	} else {
		r.ID, r.Created, r.Version = old.ID, old.Created, old.Version+1
		oldIdx = roiIndex(*old)
		action = store.AuditUpdate
	}
	if err := t.putJSON(pfxROI+r.ID, r); err != nil {
		return r, err
	}
	if err := t.reindex(oldIdx, roiIndex(r)); err != nil {
		return r, err
	}
	if err := t.history(store.ROIChanges(old, r, t.now)...); err != nil {
		return r, err
	}
	t.change("roi", r.ID, r.ParticipantID)
	return r, t.audit(action, r.ParticipantID, "roi:"+r.ID)
}

// CreateROI assigns the next I- id and saves r.
func (db *DB) CreateROI(ctx context.Context, a store.Actor, r store.ROI) (store.ROI, error) {
	return writeOne(ctx, db, a, func(t *tx) (store.ROI, error) {
		q := cleanROI(r)
		if err := t.mayParticipant(store.WriteROI, q.ParticipantID, q.ParticipantID); err != nil {
			return store.ROI{}, err
		}
		return t.saveROI(nil, q)
	})
}

// UpdateROI saves r (e.g. revoked) if r.Version is the stored version, else ErrStale.
func (db *DB) UpdateROI(ctx context.Context, a store.Actor, r store.ROI) (store.ROI, error) {
	return updateVersioned(ctx, db, a, "ROI", r.ID, r.Version, getROI, func(x store.ROI) int64 { return x.Version },
		func(t *tx, old store.ROI) (store.ROI, error) {
			q := cleanROI(r)
			if err := t.mayParticipant(store.WriteROI, old.ID, old.ParticipantID, q.ParticipantID); err != nil {
				return store.ROI{}, err
			}
			return t.saveROI(&old, q)
		})
}

// ListROIs lists a participant's ROIs, id order.
func (db *DB) ListROIs(ctx context.Context, participantID string) ([]store.ROI, error) {
	var out []store.ROI
	err := db.view(ctx, func(txn *badger.Txn) error {
		var err error
		out, err = roisOf(txn, participantID)
		return err
	})
	sortByID(out, func(r *store.ROI) string { return r.ID })
	return out, err
}

// roisOf reads a participant's ROIs in txn, in index order.
func roisOf(txn *badger.Txn, participantID string) ([]store.ROI, error) {
	var out []store.ROI
	err := eachIndexed(txn, ixROIPart+participantID+sep, func(id string) error {
		r, err := getROI(txn, id)
		out = append(out, r)
		return err
	})
	return out, err
}
