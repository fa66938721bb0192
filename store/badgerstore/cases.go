package badgerstore

import (
	"context"
	"sort"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

func cleanCase(c store.LegalCase) store.LegalCase {
	c.ID = store.CleanLine(c.ID)
	c.ParticipantID = store.CleanLine(c.ParticipantID)
	c.CaseNumber = store.CleanLine(c.CaseNumber)
	c.Court = store.CleanLine(c.Court)
	c.Charges = store.CleanLine(c.Charges)
	c.PositionNote = store.Clean(c.PositionNote, true)
	if c.Hearings != nil {
		hs := make([]store.Hearing, len(c.Hearings))
		for i, h := range c.Hearings {
			h.Outcome = store.CleanLine(h.Outcome)
			hs[i] = h
		}
		c.Hearings = hs
	}
	if c.DefenderNotes != nil {
		ns := make([]store.CaseNote, len(c.DefenderNotes))
		for i, n := range c.DefenderNotes {
			n.Author = store.CleanLine(n.Author)
			n.Text = store.Clean(n.Text, true)
			ns[i] = n
		}
		c.DefenderNotes = ns
	}
	return c
}

// caseIndex: by participant; by next court date only while open.
func caseIndex(c store.LegalCase) []string {
	ix := []string{ixCasePart + c.ParticipantID + sep + c.ID}
	if c.Status == store.CaseOpen && !c.NextCourtDate.IsZero() {
		ix = append(ix, ixCaseCourt+timeKey(c.NextCourtDate)+sep+c.ID)
	}
	return ix
}

func getCase(txn *badger.Txn, id string) (store.LegalCase, error) {
	var c store.LegalCase
	err := getJSON(txn, pfxCase+id, "legal case "+id, &c)
	return c, err
}

func (t *tx) saveCase(old *store.LegalCase, c store.LegalCase) (store.LegalCase, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	var oldIdx []string
	action := store.AuditCreate
	if old == nil || old.ParticipantID != c.ParticipantID {
		if err := requireParticipant(t.txn, "legal case", c.ParticipantID); err != nil {
			return c, err
		}
	}
	if old == nil {
		if err := t.assignID(kindCase, pfxCase, "legal case", &c.ID); err != nil {
			return c, err
		}
		c.Created, c.Version = t.now, 1
	} else {
		c.ID, c.Created, c.Version = old.ID, old.Created, old.Version+1
		oldIdx = caseIndex(*old)
		action = store.AuditUpdate
	}
	c.Updated = t.now
	if err := t.putJSON(pfxCase+c.ID, c); err != nil {
		return c, err
	}
	if err := t.reindex(oldIdx, caseIndex(c)); err != nil {
		return c, err
	}
	if err := t.history(store.CaseChanges(old, c, t.now)...); err != nil {
		return c, err
	}
	t.change("case", c.ID, c.ParticipantID)
	return c, t.audit(action, c.ParticipantID, "case:"+c.ID)
}

// CreateCase assigns the next L- id and saves c.
func (db *DB) CreateCase(ctx context.Context, a store.Actor, c store.LegalCase) (store.LegalCase, error) {
	return writeOne(ctx, db, a, func(t *tx) (store.LegalCase, error) {
		q := cleanCase(c)
		if err := t.mayWriteCase(nil, q); err != nil {
			return store.LegalCase{}, err
		}
		return t.saveCase(nil, q)
	})
}

// GetCase reads one legal case.
func (db *DB) GetCase(ctx context.Context, id string) (store.LegalCase, error) {
	return getOne(ctx, db, getCase, id)
}

// UpdateCase saves c if c.Version is the stored version, else ErrStale.
func (db *DB) UpdateCase(ctx context.Context, a store.Actor, c store.LegalCase) (store.LegalCase, error) {
	return updateVersioned(ctx, db, a, "legal case", c.ID, c.Version, getCase, func(x store.LegalCase) int64 { return x.Version },
		func(t *tx, old store.LegalCase) (store.LegalCase, error) {
			q := cleanCase(c)
			if err := t.mayWriteCase(&old, q); err != nil {
				return store.LegalCase{}, err
			}
			return t.saveCase(&old, q)
		})
}

// ListCases lists a participant's cases, id order.
func (db *DB) ListCases(ctx context.Context, participantID string) ([]store.LegalCase, error) {
	var out []store.LegalCase
	err := db.view(ctx, func(txn *badger.Txn) error {
		return eachIndexed(txn, ixCasePart+participantID+sep, func(id string) error {
			c, err := getCase(txn, id)
			out = append(out, c)
			return err
		})
	})
	sortByID(out, func(c *store.LegalCase) string { return c.ID })
	return out, err
}

// CasesByCourtDate lists open cases with a next court date in [from, to],
// by date (then id).
func (db *DB) CasesByCourtDate(ctx context.Context, from, to time.Time) ([]store.LegalCase, error) {
	var out []store.LegalCase
	err := db.view(ctx, func(txn *badger.Txn) error {
		end := timeKey(to)
		var ids []string
		err := scanKeys(txn, ixCaseCourt, ixCaseCourt+timeKey(from), func(k string) error {
			tk := k[len(ixCaseCourt) : len(k)-len(lastField(k))-1]
			if tk > end {
				return errStop
			}
			ids = append(ids, lastField(k))
			return nil
		})
		if err != nil && err != errStop {
			return err
		}
		for _, id := range ids {
			c, err := getCase(txn, id)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].NextCourtDate.Equal(out[j].NextCourtDate) {
			return out[i].NextCourtDate.Before(out[j].NextCourtDate)
		}
		return idLess(out[i].ID, out[j].ID)
	})
	return out, err
}

// AllCases lists every case, id order.
func (db *DB) AllCases(ctx context.Context) ([]store.LegalCase, error) {
	var out []store.LegalCase
	err := db.view(ctx, func(txn *badger.Txn) error {
		return scanJSON(txn, pfxCase, func(c store.LegalCase) error {
			out = append(out, c)
			return nil
		})
	})
	sortByID(out, func(c *store.LegalCase) string { return c.ID })
	return out, err
}
