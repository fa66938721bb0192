package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// History keys: the dated changes of records, apart from the audit trail.
//
//	h/<8-byte seq>                     history event
//	ix/hp/<P-id>\x00<8-byte seq>       events by participant
//	ix/hr/<record id>\x00<8-byte seq>  events by record
//	meta/history                       "1" once a store's records have their first events
const (
	pfxHistory     = "h/"
	ixHistPart     = "ix/hp/"
	ixHistRecord   = "ix/hr/"
	keyHistoryMark = "meta/history"
	kindHistory    = "H"
)

// history appends events to the store's history in the transaction of the
// change they record: a change and its history commit together or not at
// all. Events with no time take the transaction's.
func (t *tx) history(evs ...store.HistoryEvent) error {
	for _, e := range evs {
		n, err := readCounter(t.txn, kindHistory)
		if err != nil {
			return err
		}
		n++
		if err := t.writeCounter(kindHistory, n); err != nil {
			return err
		}
		e.Seq = n
		if e.Time.IsZero() {
			e.Time = t.now
		}
		e.Time = e.Time.UTC()
		e.Recorded = t.now
		if e.Actor == "" {
			e.Actor = store.CleanLine(t.actor.User)
		}
		if err := t.putJSON(pfxHistory+seqKey(n), e); err != nil {
			return err
		}
		if e.ParticipantID != "" {
			if err := t.set(ixHistPart + e.ParticipantID + sep + seqKey(n)); err != nil {
				return err
			}
		}
		if err := t.set(ixHistRecord + e.Record + sep + seqKey(n)); err != nil {
			return err
		}
	}
	return nil
}

// dropHistory deletes the events of one record of kind.
func (t *tx) dropHistory(kind, record string) error {
	evs, err := historyOf(t.txn, ixHistRecord+record+sep)
	if err != nil {
		return err
	}
	for _, e := range evs {
		if e.Kind != kind {
			continue
		}
		for _, k := range []string{pfxHistory + seqKey(e.Seq), ixHistRecord + e.Record + sep + seqKey(e.Seq)} {
			if err := t.delete(k); err != nil {
				return err
			}
		}
		if e.ParticipantID != "" {
			if err := t.delete(ixHistPart + e.ParticipantID + sep + seqKey(e.Seq)); err != nil {
				return err
			}
		}
	}
	return nil
}

// historyOf reads the events an index prefix lists.
func historyOf(txn *badger.Txn, prefix string) ([]store.HistoryEvent, error) {
	var keys []string
	err := scanKeys(txn, prefix, "", func(k string) error {
		keys = append(keys, k[len(k)-8:])
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]store.HistoryEvent, 0, len(keys))
	for _, sk := range keys {
		var e store.HistoryEvent
		if err := getJSON(txn, pfxHistory+sk, "history event", &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// ListHistory lists the events f selects, by time then seq.
func (db *DB) ListHistory(ctx context.Context, f store.HistoryFilter) ([]store.HistoryEvent, error) {
	var out []store.HistoryEvent
	err := db.view(ctx, func(txn *badger.Txn) error {
		var evs []store.HistoryEvent
		var err error
		switch {
		case f.Record != "":
			evs, err = historyOf(txn, ixHistRecord+f.Record+sep)
		case f.ParticipantID != "":
			evs, err = historyOf(txn, ixHistPart+f.ParticipantID+sep)
		default:
			err = scanJSON(txn, pfxHistory, func(e store.HistoryEvent) error {
				evs = append(evs, e)
				return nil
			})
		}
		if err != nil {
			return err
		}
		for _, e := range evs {
			if (f.Kind == "" || e.Kind == f.Kind) && (f.ParticipantID == "" || e.ParticipantID == f.ParticipantID) {
				out = append(out, e)
			}
		}
		return nil
	})
	store.SortHistory(out)
	return out, err
}

// scoreBatch is how many scores RecordScores compares and writes in one
// transaction: a few thousand changed scores in one went past Badger's
// transaction size (ErrTxnTooBig) and no ranking could be recorded.
const scoreBatch = 250

// RecordScores writes a score event for every referral whose score,
// breakdown or protocol version differs from its last recorded one. Only
// roles that see referrals in full record rankings; for others it writes
// nothing.
//
// The scores are written in order, in batches of their own transactions
// (halved again when one is still too big). Each event is written
// together with its history index keys and sequence number, so a batch
// is there whole or not at all; a crash between batches leaves the first
// ones recorded, and the next ranking, comparing each score with its last
// recorded one, writes the rest. It returns how many events it wrote,
// those of batches committed before an error included.
func (db *DB) RecordScores(ctx context.Context, a store.Actor, scores []store.ScoreRecord) (int, error) {
	if !a.System && store.Visible(a.Role, 0, store.DataReferrals) != store.Shown {
		return 0, nil
	}
	total, size := 0, scoreBatch
	for start := 0; start < len(scores); {
		part := scores[start:min(start+size, len(scores))]
		n, err := db.recordScores(ctx, a, part)
		if errors.Is(err, badger.ErrTxnTooBig) && len(part) > 1 {
			size = len(part) / 2
			continue
		}
		if err != nil {
			return total, err
		}
		total += n
		start += len(part)
	}
	return total, nil
}

// recordScores is one transaction of RecordScores.
func (db *DB) recordScores(ctx context.Context, a store.Actor, scores []store.ScoreRecord) (int, error) {
	n := 0
	err := db.update(ctx, a, func(t *tx) error {
		n = 0
		for _, s := range scores {
			r, err := getReferral(t.txn, s.ReferralID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			evs, err := historyOf(t.txn, ixHistRecord+s.ReferralID+sep)
			if err != nil {
				return err
			}
			store.SortHistory(evs)
			var last *store.ScoreRecord
			for _, e := range evs {
				if e.Field == store.HistScore && e.Score != nil {
					last = e.Score
				}
			}
			if last != nil && sameScore(*last, s) {
				continue
			}
			s := s
			e := store.HistoryEvent{Kind: store.HistReferral, Record: r.ID, ParticipantID: r.ParticipantID, Field: store.HistScore,
				To: fmt.Sprint(s.Score), Score: &s}
			if last != nil {
				e.From = fmt.Sprint(last.Score)
			}
			if err := t.history(e); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func sameScore(a, b store.ScoreRecord) bool {
	return a.ProtocolVersion == b.ProtocolVersion && a.Score == b.Score && slices.Equal(a.Factors, b.Factors)
}

// ReplaceHistory replaces the events of kind about one record with evs:
// for the system actor only (the demo writing a site's past, an HMIS
// import bringing entry and exit dates).
func (db *DB) ReplaceHistory(ctx context.Context, a store.Actor, kind, record string, evs []store.HistoryEvent) error {
	if !a.System {
		return &store.ForbiddenError{Role: a.Role, Action: store.WriteParticipant, Reason: "history is written by the changes it records", Subject: record}
	}
	return db.update(ctx, a, func(t *tx) error {
		if err := t.dropHistory(kind, record); err != nil {
			return err
		}
		for i := range evs {
			if evs[i].Record != record || evs[i].Kind != kind || evs[i].Time.IsZero() {
				return fieldErr("history", "record", fmt.Sprintf("event %d is not a dated %s event of %s", i+1, kind, record))
			}
		}
		return t.history(evs...)
	})
}

// migrateHistory gives every record of a store that kept no history its
// first events, from what the record holds, once; then marks the store.
func (db *DB) migrateHistory(ctx context.Context) error {
	done := false
	err := db.bdb.View(func(txn *badger.Txn) error {
		var err error
		done, err = exists(txn, keyHistoryMark)
		return err
	})
	if err != nil || done {
		return err
	}
	// History without the mark is what an interrupted migration left:
	// it is made again from the start, so no record has its first events twice.
	if err := db.dropUnmarkedHistory(ctx); err != nil {
		return err
	}
	var evs []store.HistoryEvent
	err = db.bdb.View(func(txn *badger.Txn) error {
		if err := scanJSON(txn, pfxParticipant, func(p store.Participant) error {
			evs = append(evs, store.InitialParticipant(p)...)
			return nil
		}); err != nil {
			return err
		}
		if err := scanJSON(txn, pfxReferral, func(r store.Referral) error {
			evs = append(evs, store.InitialReferral(r)...)
			return nil
		}); err != nil {
			return err
		}
		if err := scanJSON(txn, pfxCase, func(c store.LegalCase) error {
			evs = append(evs, store.InitialCase(c)...)
			return nil
		}); err != nil {
			return err
		}
		if err := scanJSON(txn, pfxROI, func(r store.ROI) error {
			evs = append(evs, store.InitialROI(r)...)
			return nil
		}); err != nil {
			return err
		}
		return scanJSON(txn, pfxGoal, func(g store.Goal) error {
			evs = append(evs, store.InitialGoal(g)...)
			return nil
		})
	})
	if err != nil {
		return err
	}
	for i := range evs {
		evs[i].Initial = true
	}
	// in parts small enough for one transaction each; the mark goes last,
	// and a part is written only if the mark is still absent
	const part = 500
	for start := 0; start < len(evs) || start == 0; start += part {
		chunk := evs[min(start, len(evs)):min(start+part, len(evs))]
		last := start+part >= len(evs)
		err := db.update(ctx, store.SystemActor, func(t *tx) error {
			if err := t.history(chunk...); err != nil {
				return err
			}
			if last {
				return t.txn.Set([]byte(keyHistoryMark), []byte("1"))
			}
			return nil
		})
		if err != nil {
			return err
		}
		if last {
			break
		}
	}
	return nil
}

// dropUnmarkedHistory deletes every history key, in parts that fit a
// transaction (only before the mark is set: see migrateHistory).
func (db *DB) dropUnmarkedHistory(ctx context.Context) error {
	for _, pfx := range []string{pfxHistory, ixHistPart, ixHistRecord} {
		for {
			var keys []string
			err := db.bdb.View(func(txn *badger.Txn) error {
				return scanKeys(txn, pfx, "", func(k string) error {
					if len(keys) == 1000 {
						return errStop
					}
					keys = append(keys, k)
					return nil
				})
			})
			if err != nil && !errors.Is(err, errStop) {
				return err
			}
			if len(keys) == 0 {
				break
			}
			err = db.update(ctx, store.SystemActor, func(t *tx) error {
				for _, k := range keys {
					if err := t.delete(k); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return db.update(ctx, store.SystemActor, func(t *tx) error { return t.delete(pfxCounter + kindHistory) })
}
