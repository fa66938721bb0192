package badgerstore

import (
	"context"

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
	r.ID = store.CleanLine(r.ID)
	r.ParticipantID = store.CleanLine(r.ParticipantID)
	r.Covers = cleanList(r.Covers)
	return r
}

func (t *tx) saveROI(old *store.ROI, r store.ROI) (store.ROI, error) {
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
		return eachIndexed(txn, ixROIPart+participantID+sep, func(id string) error {
			r, err := getROI(txn, id)
			out = append(out, r)
			return err
		})
	})
	sortByID(out, func(r store.ROI) string { return r.ID })
	return out, err
}
