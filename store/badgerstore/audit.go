package badgerstore

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

var auditActions = []store.AuditAction{store.AuditView, store.AuditCreate, store.AuditUpdate, store.AuditExport, store.AuditLogin, store.AuditDenied, store.AuditDelete}

// Record appends an event (view, export, login, denied...) to the chain,
// filling in Seq, the hashes and, when zero, Time. Subject and Detail
// must be ids and codes, never participant content.
func (db *DB) Record(ctx context.Context, e store.AuditEvent) error {
	e.User = store.CleanLine(e.User)
	e.Subject = store.CleanLine(e.Subject)
	e.Detail = store.CleanLine(e.Detail)
	e.Addr = store.CleanLine(e.Addr)
	var bad []store.FieldError
	if e.User == "" {
		bad = append(bad, store.FieldError{Field: "user", Msg: "is required"})
	}
	if !slices.Contains(auditActions, e.Action) {
		bad = append(bad, store.FieldError{Field: "action", Msg: fmt.Sprintf("%q is not an audit action", e.Action)})
	}
	if len(bad) > 0 {
		return &store.ValidationError{Entity: "audit event", Errs: bad}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.groupRecord(ctx, e) // group commit: groupcommit.go
}

func getAudit(txn *badger.Txn, seq uint64) (store.AuditEvent, error) {
	var e store.AuditEvent
	err := getJSON(txn, auditKey(seq), fmt.Sprintf("audit event %d", seq), &e)
	return e, err
}

// ListAudit lists events oldest first: by time when f.Since is set (from
// the time index), else by seq.
func (db *DB) ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEvent, error) {
	var out []store.AuditEvent
	keep := func(e store.AuditEvent) error {
		if (f.Subject == "" || e.Subject == f.Subject) &&
			(f.User == "" || e.User == f.User) &&
			(f.Action == "" || e.Action == f.Action) &&
			(f.Since.IsZero() || !e.Time.Before(f.Since)) {
			out = append(out, e)
		}
		return nil
	}
	err := db.view(ctx, func(txn *badger.Txn) error {
		if f.Since.IsZero() {
			return scanJSON(txn, pfxAudit, keep)
		}
		var seqs []uint64
		err := scanKeys(txn, ixAuditTime, ixAuditTime+timeKey(f.Since), func(k string) error {
			if len(k) >= 8 { // the seq is binary: take the last 8 bytes
				seqs = append(seqs, binary.BigEndian.Uint64([]byte(k[len(k)-8:])))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, s := range seqs {
			e, err := getAudit(txn, s)
			if err != nil {
				return err
			}
			if err := keep(e); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// VerifyAudit walks the whole chain in seq order. It returns the seq of
// the first broken event (edited, removed, reordered or unreadable) and an
// error naming it, or 0 and nil when the chain is intact.
func (db *DB) VerifyAudit(ctx context.Context) (uint64, error) {
	var broken uint64
	var why error
	err := db.view(ctx, func(txn *badger.Txn) error {
		var head auditHead
		if err := getJSON(txn, keyAuditHead, "audit head", &head); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		var want uint64 = 1
		prevHash := ""
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 256, Prefix: []byte(pfxAudit)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			item := it.Item()
			k := item.Key()[len(pfxAudit):]
			if len(k) != 8 {
				broken, why = want, fmt.Errorf("audit event %d: a foreign key %q sits in the trail", want, item.Key())
				return nil
			}
			keySeq := binary.BigEndian.Uint64(k)
			if keySeq != want {
				broken, why = want, fmt.Errorf("audit event %d is missing (the next one is %d)", want, keySeq)
				return nil
			}
			var e store.AuditEvent
			if err := item.Value(func(b []byte) error { return json.Unmarshal(b, &e) }); err != nil {
				broken, why = want, fmt.Errorf("audit event %d is unreadable: %v", want, err)
				return nil
			}
			switch {
			case e.Seq != keySeq:
				broken, why = want, fmt.Errorf("audit event %d says it is event %d", want, e.Seq)
			case e.PrevHash != prevHash:
				broken, why = want, fmt.Errorf("audit event %d does not chain to event %d (previous hash differs)", want, want-1)
			case store.AuditHash(e) != e.Hash:
				broken, why = want, fmt.Errorf("audit event %d was changed after it was written (hash mismatch)", want)
			}
			if why != nil {
				return nil
			}
			prevHash = e.Hash
			want++
		}
		last := want - 1
		switch {
		case head.Seq > last:
			broken, why = want, fmt.Errorf("audit events %d to %d are missing", want, head.Seq)
		case head.Seq < last || head.Hash != prevHash:
			broken, why = head.Seq+1, fmt.Errorf("the audit trail's head (event %d) does not match its last event %d", head.Seq, last)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return broken, why
}
