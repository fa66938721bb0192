package badgerstore

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

var auditActions = []store.AuditAction{store.AuditView, store.AuditCreate, store.AuditUpdate, store.AuditExport, store.AuditLogin, store.AuditDenied, store.AuditDelete}

// Record appends an event (view, export, login, denied...) to the chain,
// filling in Seq, the hashes and, when zero, Time. Subject and Detail
// must be ids and codes, never participant content.
func (db *DB) Record(ctx context.Context, e store.AuditEvent) error {
	e, err := cleanAuditEvent(e)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if db.shown.take(e) {
		return nil // a meeting's move recorded it already (meeting_shown.go)
	}
	return db.groupRecord(ctx, e) // group commit: groupcommit.go
}

// cleanAuditEvent cleans and validates an event before it is queued.
func cleanAuditEvent(e store.AuditEvent) (store.AuditEvent, error) {
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
		return e, &store.ValidationError{Entity: "audit event", Errs: bad}
	}
	return e, nil
}

// RecordAll appends evs, validated as Record validates each, in order and
// queued together so they are committed in one group-commit batch (one
// transaction and one sync, up to maxGroup events): store.BatchRecorder.
// Nothing is queued when any event is invalid.
func (db *DB) RecordAll(ctx context.Context, evs []store.AuditEvent) error {
	clean := make([]store.AuditEvent, 0, len(evs))
	for _, e := range evs {
		c, err := cleanAuditEvent(e)
		if err != nil {
			return err
		}
		if db.shown.take(c) {
			continue // a meeting's move recorded it already
		}
		clean = append(clean, c)
	}
	if err := ctx.Err(); err != nil || len(clean) == 0 {
		return err
	}
	return db.groupRecordAll(ctx, clean)
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

// auditKeyMeta records that the chain is keyed, with which key (an id
// derived from it, never the key) and from which event on.
type auditKeyMeta struct {
	ID   string `json:"id"`
	From uint64 `json:"from"`
}

// ErrAuditKeyRequired is returned by Open when the store's audit chain is
// keyed and no audit key was given.
var ErrAuditKeyRequired = errors.New("this store's audit trail is keyed: give --audit-key-file or OWG_AUDIT_KEY_FILE (or the encryption key it was derived from)")

// ErrWrongAuditKey is returned by Open when the audit key given is not the
// one the store's chain is keyed with.
var ErrWrongAuditKey = errors.New("the audit key given is not the one this store's audit trail is keyed with")

// DeriveAuditKey derives the audit chain's key from a store's encryption
// key, for a site that keeps one key file (outside the data directory).
func DeriveAuditKey(encryptionKey []byte) []byte {
	m := hmac.New(sha256.New, encryptionKey)
	m.Write([]byte("owg audit chain key v1"))
	return m.Sum(nil)
}

// auditKeyID names a key without revealing it.
func auditKeyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("owg audit key id"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

// setAuditKey checks key against the store's marker: a keyed chain needs
// its key; an unkeyed one given a key is keyed from its next event.
func (db *DB) setAuditKey(key []byte) error {
	var m auditKeyMeta
	err := db.bdb.View(func(txn *badger.Txn) error { return getJSON(txn, keyAuditKey, "audit key marker", &m) })
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("read the audit key marker in %s: %v", db.dir, err)
	}
	keyed := err == nil
	switch {
	case keyed && key == nil:
		return fmt.Errorf("%s: %w", db.dir, ErrAuditKeyRequired)
	case keyed && auditKeyID(key) != m.ID:
		return fmt.Errorf("%s: %w (the trail's key id is %s, the one given %s)", db.dir, ErrWrongAuditKey, m.ID, auditKeyID(key))
	}
	if key != nil {
		db.auditKey, db.auditKeyID = slices.Clone(key), auditKeyID(key)
		db.keyMarked = keyed
	}
	return nil
}

// AuditHead returns the last event's seq and hash (zero when the trail is empty).
func (db *DB) AuditHead(ctx context.Context) (store.AuditAnchor, error) {
	var h auditHead
	err := db.view(ctx, func(txn *badger.Txn) error { return getJSON(txn, keyAuditHead, "audit head", &h) })
	if errors.Is(err, store.ErrNotFound) {
		return store.AuditAnchor{}, nil
	}
	return store.AuditAnchor{Seq: h.Seq, Hash: h.Hash}, err
}

// AuditList records one view event by a for a list screen's load: Subject
// "list:<screen>", Detail the participant ids shown, comma-separated.
func (db *DB) AuditList(ctx context.Context, a store.Actor, screen string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return db.Record(ctx, store.AuditEvent{
		User: a.User, Role: a.Role, Addr: a.Addr, Action: store.AuditView,
		Subject: "list:" + screen, Detail: strings.Join(ids, ","),
	})
}

// VerifyAuditAnchor verifies the chain (VerifyAudit) and that event
// anchor.Seq is still there with hash anchor.Hash: a trail cut before the
// anchor, or rewritten up to it, fails naming the event.
func (db *DB) VerifyAuditAnchor(ctx context.Context, anchor store.AuditAnchor) (uint64, error) {
	if seq, err := db.VerifyAudit(ctx); err != nil {
		return seq, err
	}
	var e store.AuditEvent
	var last uint64
	err := db.view(ctx, func(txn *badger.Txn) error {
		var h auditHead
		if err := getJSON(txn, keyAuditHead, "audit head", &h); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		last = h.Seq
		if anchor.Seq == 0 || anchor.Seq > h.Seq {
			return nil
		}
		var err error
		e, err = getAudit(txn, anchor.Seq)
		return err
	})
	if err != nil {
		return 0, err
	}
	switch {
	case anchor.Seq == 0:
		return 0, nil
	case anchor.Seq > last:
		return last + 1, fmt.Errorf("the audit trail was cut: it ends at event %d, but the anchor names event %d (events %d to %d are missing)",
			last, anchor.Seq, last+1, anchor.Seq)
	case e.Hash != anchor.Hash:
		return anchor.Seq, fmt.Errorf("audit event %d is not the one anchored (its hash differs): the trail up to it was rewritten", anchor.Seq)
	}
	return 0, nil
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
		var km auditKeyMeta
		if err := getJSON(txn, keyAuditKey, "audit key marker", &km); err != nil && !errors.Is(err, store.ErrNotFound) {
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
			case e.Chain == "" && km.From != 0 && want >= km.From:
				broken, why = want, fmt.Errorf("audit event %d is unkeyed, but the trail is keyed from event %d on: it was rewritten without the key", want, km.From)
			case e.Chain == "" && store.AuditHash(e) != e.Hash:
				broken, why = want, fmt.Errorf("audit event %d was changed after it was written (hash mismatch)", want)
			case e.Chain == store.AuditChainHMAC && db.auditKey == nil:
				return fmt.Errorf("audit event %d is keyed: %w", want, ErrAuditKeyRequired)
			case e.Chain == store.AuditChainHMAC && store.AuditMAC(db.auditKey, e) != e.Hash:
				broken, why = want, fmt.Errorf("audit event %d was changed after it was written (keyed hash mismatch)", want)
			case e.Chain != "" && e.Chain != store.AuditChainHMAC:
				broken, why = want, fmt.Errorf("audit event %d has an unknown chain %q", want, e.Chain)
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
