package badgerstore

import (
	"context"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

func cleanProgress(e store.ProgressEntry) store.ProgressEntry {
	e.Note = store.Clean(e.Note, true)
	e.Author = store.CleanLine(e.Author)
	e.Sensitivity = store.Sensitivity(strings.ToLower(store.CleanLine(string(e.Sensitivity))))
	return e
}

func cleanGoal(g store.Goal) store.Goal {
	g.ID = store.CleanLine(g.ID)
	g.ParticipantID = store.CleanLine(g.ParticipantID)
	g.Words = store.Clean(g.Words, true)
	if g.Progress != nil {
		ps := make([]store.ProgressEntry, len(g.Progress))
		for i, e := range g.Progress {
			ps[i] = cleanProgress(e)
		}
		g.Progress = ps
	}
	return g
}

func goalIndex(g store.Goal) []string {
	return []string{ixGoalPart + g.ParticipantID + sep + g.ID}
}

func getGoal(txn *badger.Txn, id string) (store.Goal, error) {
	var g store.Goal
	err := getJSON(txn, pfxGoal+id, "goal "+id, &g)
	return g, err
}

func (t *tx) saveGoal(old *store.Goal, g store.Goal) (store.Goal, error) {
	if err := g.Validate(); err != nil {
		return g, err
	}
	var oldIdx []string
	action := store.AuditCreate
	if old == nil {
		if err := requireParticipant(t.txn, "goal", g.ParticipantID); err != nil {
			return g, err
		}
		if err := t.assignID(kindGoal, pfxGoal, "goal", &g.ID); err != nil {
			return g, err
		}
		g.Created, g.Version = t.now, 1
	} else {
		if g.ParticipantID != old.ParticipantID {
			if err := requireParticipant(t.txn, "goal", g.ParticipantID); err != nil {
				return g, err
			}
		}
		g.ID, g.Created, g.Version = old.ID, old.Created, old.Version+1
		oldIdx = goalIndex(*old)
		action = store.AuditUpdate
	}
	g.Updated = t.now
	if err := t.putJSON(pfxGoal+g.ID, g); err != nil {
		return g, err
	}
	if err := t.reindex(oldIdx, goalIndex(g)); err != nil {
		return g, err
	}
	if err := t.history(store.GoalChanges(old, g, t.now)...); err != nil {
		return g, err
	}
	t.change("goal", g.ID, g.ParticipantID)
	return g, t.audit(action, g.ParticipantID, "goal:"+g.ID)
}

// CreateGoal assigns the next G- id and saves g (status active when empty).
func (db *DB) CreateGoal(ctx context.Context, a store.Actor, g store.Goal) (store.Goal, error) {
	return writeOne(ctx, db, a, func(t *tx) (store.Goal, error) {
		q := cleanGoal(g)
		if q.Status == "" {
			q.Status = store.GoalActive
		}
		if err := t.mayParticipant(store.WriteGoal, q.ParticipantID, q.ParticipantID); err != nil {
			return store.Goal{}, err
		}
		return t.saveGoal(nil, q)
	})
}

// GetGoal reads one goal.
func (db *DB) GetGoal(ctx context.Context, id string) (store.Goal, error) {
	return getOne(ctx, db, getGoal, id)
}

// UpdateGoal saves g if g.Version is the stored version, else ErrStale.
func (db *DB) UpdateGoal(ctx context.Context, a store.Actor, g store.Goal) (store.Goal, error) {
	return updateVersioned(ctx, db, a, "goal", g.ID, g.Version, getGoal, func(x store.Goal) int64 { return x.Version },
		func(t *tx, old store.Goal) (store.Goal, error) {
			q := cleanGoal(g)
			if err := t.mayParticipant(store.WriteGoal, old.ID, old.ParticipantID, q.ParticipantID); err != nil {
				return store.Goal{}, err
			}
			return t.saveGoal(&old, q)
		})
}

// AppendProgress appends one entry to the stored goal in one transaction,
// so concurrent appends never overwrite each other.
func (db *DB) AppendProgress(ctx context.Context, a store.Actor, goalID string, e store.ProgressEntry) (store.Goal, error) {
	var out store.Goal
	err := db.update(ctx, a, func(t *tx) error {
		old, err := getGoal(t.txn, goalID)
		if err != nil {
			return err
		}
		if err := t.mayParticipant(store.WriteGoal, old.ID, old.ParticipantID); err != nil {
			return err
		}
		ce := cleanProgress(e)
		if err := ce.Validate(); err != nil {
			return err
		}
		g := old
		g.Progress = append(append([]store.ProgressEntry(nil), old.Progress...), ce)
		out, err = t.saveGoal(&old, g)
		return err
	})
	return out, err
}

// ListGoals lists a participant's goals, id order.
func (db *DB) ListGoals(ctx context.Context, participantID string) ([]store.Goal, error) {
	var out []store.Goal
	err := db.view(ctx, func(txn *badger.Txn) error {
		return eachIndexed(txn, ixGoalPart+participantID+sep, func(id string) error {
			g, err := getGoal(txn, id)
			out = append(out, g)
			return err
		})
	})
	sortByID(out, func(g *store.Goal) string { return g.ID })
	return out, err
}

// eachIndexed calls fn with the id ending each index key under prefix.
func eachIndexed(txn *badger.Txn, prefix string, fn func(id string) error) error {
	var ids []string
	err := scanKeys(txn, prefix, "", func(k string) error {
		ids = append(ids, lastField(k))
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := fn(id); err != nil {
			return err
		}
	}
	return nil
}
