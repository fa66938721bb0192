package badgerstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// orphanedHistoryFile is the copy Repair keeps of the history events it
// takes out of the store, one stored value a line.
const orphanedHistoryFile = "orphaned-history.jsonl"

// repairOrphanedHistory takes the history events whose subject record
// does not exist (what a rolled-back import left before its rollback took
// the history too, or the history of a record a damaged table lost) out
// of the store, keeping a copy of each in recovered-<time>/, and audits
// it. It returns one line saying what it did, or none.
func (db *DB) repairOrphanedHistory(ctx context.Context, now time.Time) ([]string, error) {
	var evs []store.HistoryEvent
	var raws [][]byte
	records := map[string]bool{}
	err := db.view(ctx, func(txn *badger.Txn) error {
		return eachOrphanedEvent(txn, func(e store.HistoryEvent, raw []byte) error {
			evs = append(evs, e)
			raws = append(raws, raw)
			records[e.Kind+sep+e.Record] = true
			return nil
		})
	})
	if err != nil || len(evs) == 0 {
		return nil, err
	}
	into, err := recoveredDir(db.dir, now)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(into, orphanedHistoryFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("repair: keep a copy of the orphaned history: %w", err)
	}
	for _, r := range raws {
		if _, err = f.Write(append(r, '\n')); err != nil {
			break
		}
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("repair: keep a copy of the orphaned history: %w", err)
	}
	// in parts that fit a transaction; the copy is whole before the first
	const part = 500
	for start := 0; start < len(evs); start += part {
		chunk := evs[start:min(start+part, len(evs))]
		last := start+part >= len(evs)
		err := db.update(ctx, store.SystemActor, func(t *tx) error {
			for _, e := range chunk {
				keys := []string{pfxHistory + seqKey(e.Seq), ixHistRecord + e.Record + sep + seqKey(e.Seq)}
				if e.ParticipantID != "" {
					keys = append(keys, ixHistPart+e.ParticipantID+sep+seqKey(e.Seq))
				}
				for _, k := range keys {
					if err := t.delete(k); err != nil {
						return err
					}
				}
			}
			if last {
				return t.audit(store.AuditDelete, "history", fmt.Sprintf("repair:orphaned-history:%d", len(evs)))
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("repair: take out the orphaned history: %w", err)
		}
	}
	return []string{fmt.Sprintf("%d history events of %d records that do not exist (left by a rolled-back import, or of a lost record) taken out of the store: a copy is in %s",
		len(evs), len(records), path)}, nil
}
