package badgerstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// maxRetries bounds the retries of a transaction on badger.ErrConflict.
const maxRetries = 20

// tx is one domain action's read-write transaction: it carries the actor,
// the commit time, the audit events appended so far and the changes to
// announce after the commit.
type tx struct {
	txn   *badger.Txn
	actor store.Actor
	now   time.Time
	// today is the calendar day of now in the clock's own (the site's) zone.
	today   time.Time
	changes []store.Change

	headLoaded bool
	head       auditHead
	headMoved  bool

	// auditKey keys new events (nil: unkeyed chain); keyID names it.
	auditKey []byte
	keyID    string
	keyDone  bool

	// committed, when set, runs once the transaction has committed, before
	// its changes are announced.
	committed func()
}

type auditHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// update runs fn in one read-write transaction, serialized with every other
// writer of this process and retried on conflict, then announces its
// changes. fn may run more than once: it must only read its arguments.
func (db *DB) update(ctx context.Context, a store.Actor, fn func(t *tx) error) error {
	if db.refuseWrites {
		return ErrDamaged
	}
	return db.updateEvenDamaged(ctx, a, fn)
}

// updateEvenDamaged is update on a store that opened with damage too: for
// the audit trail alone, which goes on recording who read what while the
// store is read as it is.
func (db *DB) updateEvenDamaged(ctx context.Context, a store.Actor, fn func(t *tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var changes []store.Change
	err := func() error {
		release, err := db.acquire()
		if err != nil {
			return err
		}
		defer release()
		db.wmu.Lock()
		defer db.wmu.Unlock()
		backoff := time.Millisecond
		for attempt := 0; attempt < maxRetries; attempt++ {
			if attempt > 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				time.Sleep(backoff)
				backoff = min(2*backoff, 20*time.Millisecond)
			}
			clock := db.now()
			t := &tx{txn: db.bdb.NewTransaction(true), actor: a, now: clock.UTC(), today: store.Today(clock), auditKey: db.auditKey, keyID: db.auditKeyID, keyDone: db.keyMarked}
			err := fn(t)
			if err == nil {
				err = t.txn.Commit()
			}
			t.txn.Discard()
			switch {
			case err == nil:
				changes = t.changes
				if t.headMoved {
					db.writeHead(t.head)
				}
				db.keyMarked = db.keyMarked || (t.keyDone && t.auditKey != nil)
				if t.committed != nil {
					t.committed()
				}
				return nil
			case errors.Is(err, badger.ErrConflict):
				continue
			case errors.Is(err, badger.ErrTxnTooBig):
				return fmt.Errorf("too much for one transaction (split it into smaller parts): %w", err)
			default:
				if fe, ok := store.AsForbidden(err); ok {
					// a refused write saves nothing and is audited as denied
					if aerr := db.recordDenied(a, fe); aerr != nil {
						return errors.Join(err, fmt.Errorf("and auditing the refusal failed: %w", aerr))
					}
				}
				return err
			}
		}
		return store.ErrConflict
	}()
	if err != nil {
		return err
	}
	db.notify(changes)
	return nil
}

// view runs fn in a read-only transaction.
func (db *DB) view(ctx context.Context, fn func(txn *badger.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	release, err := db.acquire()
	if err != nil {
		return err
	}
	defer release()
	return db.bdb.View(fn)
}

// getJSON reads key into v; a missing key is ErrNotFound naming what.
func getJSON(txn *badger.Txn, key, what string, v any) error {
	item, err := txn.Get([]byte(key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return err
	}
	return item.Value(func(b []byte) error {
		if err := decodeJSON(b, v); err != nil {
			return fmt.Errorf("%s: damaged record: %v", what, err)
		}
		return nil
	})
}

func exists(txn *badger.Txn, key string) (bool, error) {
	_, err := txn.Get([]byte(key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (t *tx) putJSON(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return t.txn.Set([]byte(key), b)
}

func (t *tx) set(key string) error    { return t.txn.Set([]byte(key), nil) }
func (t *tx) delete(key string) error { return t.txn.Delete([]byte(key)) }

// reindex replaces the index keys old by new.
func (t *tx) reindex(old, new []string) error {
	keep := make(map[string]bool, len(new))
	for _, k := range new {
		keep[k] = true
	}
	for _, k := range old {
		if !keep[k] {
			if err := t.delete(k); err != nil {
				return err
			}
		}
	}
	for _, k := range new {
		if err := t.set(k); err != nil {
			return err
		}
	}
	return nil
}

func readCounter(txn *badger.Txn, kind string) (uint64, error) {
	item, err := txn.Get([]byte(pfxCounter + kind))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var n uint64
	err = item.Value(func(b []byte) error {
		if len(b) != 8 {
			return fmt.Errorf("damaged id counter %s", kind)
		}
		n = binary.BigEndian.Uint64(b)
		return nil
	})
	return n, err
}

func (t *tx) writeCounter(kind string, n uint64) error {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return t.txn.Set([]byte(pfxCounter+kind), b[:])
}

// nextID hands out the next id of kind, skipping any taken by an import.
func (t *tx) nextID(kind, pfx string) (string, error) {
	n, err := readCounter(t.txn, kind)
	if err != nil {
		return "", err
	}
	for {
		n++
		id := formatID(kind, n)
		if pfx == "" { // ids with no record of their own (action items)
			return id, t.writeCounter(kind, n)
		}
		taken, err := exists(t.txn, pfx+id)
		if err != nil {
			return "", err
		}
		if !taken {
			return id, t.writeCounter(kind, n)
		}
	}
}

// claimID checks a caller-given id of kind: well formed and free; it
// moves the counter past it so it is never handed out again.
func (t *tx) claimID(kind, pfx, entity, id string) error {
	n, ok := parseID(kind, id)
	if !ok {
		return &store.ValidationError{Entity: entity, Errs: []store.FieldError{{Field: "id", Msg: fmt.Sprintf("%q is not a %s id (want %s)", id, entity, formatID(kind, 1))}}}
	}
	taken, err := exists(t.txn, pfx+id)
	if err != nil {
		return err
	}
	if taken {
		return fmt.Errorf("%s %s: %w", entity, id, store.ErrExists)
	}
	cur, err := readCounter(t.txn, kind)
	if err != nil {
		return err
	}
	if n > cur {
		return t.writeCounter(kind, n)
	}
	return nil
}

// assignID gives *id the next id when empty, else claims it.
func (t *tx) assignID(kind, pfx, entity string, id *string) error {
	if *id == "" {
		n, err := t.nextID(kind, pfx)
		*id = n
		return err
	}
	return t.claimID(kind, pfx, entity, *id)
}

// audit appends an event by the transaction's actor to the chain.
func (t *tx) audit(action store.AuditAction, subject, detail string) error {
	return t.appendAudit(store.AuditEvent{
		Time: t.now, User: t.actor.User, Role: t.actor.Role, Addr: t.actor.Addr,
		Action: action, Subject: subject, Detail: detail,
	})
}

// appendAudit fills in Seq and the hashes of e and writes it and its index.
func (t *tx) appendAudit(e store.AuditEvent) error {
	if !t.headLoaded {
		err := getJSON(t.txn, keyAuditHead, "audit head", &t.head)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		t.headLoaded = true
	}
	e.Seq = t.head.Seq + 1
	e.Time = e.Time.UTC()
	e.PrevHash = t.head.Hash
	e.Chain = ""
	if t.auditKey != nil {
		if !t.keyDone {
			// The first keyed event of a chain records where keying began.
			var m auditKeyMeta
			err := getJSON(t.txn, keyAuditKey, "audit key marker", &m)
			if errors.Is(err, store.ErrNotFound) {
				err = t.putJSON(keyAuditKey, auditKeyMeta{ID: t.keyID, From: e.Seq})
			}
			if err != nil {
				return err
			}
			t.keyDone = true
		}
		e.Chain = store.AuditChainHMAC
		e.Hash = store.AuditMAC(t.auditKey, e)
	} else {
		e.Hash = store.AuditHash(e)
	}
	if err := t.putJSON(auditKey(e.Seq), e); err != nil {
		return err
	}
	if err := t.set(ixAuditTime + timeKey(e.Time) + sep + seqKey(e.Seq)); err != nil {
		return err
	}
	t.head = auditHead{Seq: e.Seq, Hash: e.Hash}
	t.headMoved = true
	return t.putJSON(keyAuditHead, t.head)
}

// change records a committed write to announce.
func (t *tx) change(kind, id, subject string) {
	t.changes = append(t.changes, store.Change{Kind: kind, ID: id, Subject: subject, Actor: t.actor.User})
}

// Subscribe calls fn after every committed domain write, synchronously on
// the writer's goroutine once its transaction is committed (never while
// the store is locked, so fn may read the store). fn must be cheap and must
// not block: hand the change to a channel or mailbox and return. It may be
// called from several goroutines at once. The returned function
// unsubscribes; it is safe to call more than once and concurrently.
func (db *DB) Subscribe(fn func(store.Change)) (unsubscribe func()) {
	db.subMu.Lock()
	id := db.nextSub
	db.nextSub++
	db.subs[id] = fn
	db.subMu.Unlock()
	return func() {
		db.subMu.Lock()
		delete(db.subs, id)
		db.subMu.Unlock()
	}
}

func (db *DB) notify(changes []store.Change) {
	if len(changes) == 0 {
		return
	}
	db.subMu.Lock()
	fns := make([]func(store.Change), 0, len(db.subs))
	for _, fn := range db.subs {
		fns = append(fns, fn)
	}
	db.subMu.Unlock()
	for _, c := range changes {
		for _, fn := range fns {
			fn(c)
		}
	}
}

// scanKeys calls fn with every key under prefix, starting at seek
// (prefix when empty), without reading values.
func scanKeys(txn *badger.Txn, prefix, seek string, fn func(key string) error) error {
	it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: false, Prefix: []byte(prefix)})
	defer it.Close()
	if seek == "" {
		seek = prefix
	}
	for it.Seek([]byte(seek)); it.ValidForPrefix([]byte(prefix)); it.Next() {
		if err := fn(string(it.Item().Key())); err != nil {
			return err
		}
	}
	return nil
}

// scanJSON decodes every value under prefix into a new T.
func scanJSON[T any](txn *badger.Txn, prefix string, fn func(T) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)}) // no prefetch: see rawScan
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var v T
		item := it.Item()
		err := item.Value(func(b []byte) error { return decodeJSON(b, &v) })
		if err != nil {
			return fmt.Errorf("damaged record %q: %v", item.Key(), err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

// hasAny reports whether any key starts with prefix.
func hasAny(txn *badger.Txn, prefix string) bool {
	it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: false, Prefix: []byte(prefix)})
	defer it.Close()
	it.Rewind()
	return it.Valid()
}

// rawSet overwrites one raw key, bypassing every check (tests only: the
// tamper test edits an audit event with it).
func (db *DB) rawSet(key, val []byte) error {
	return db.bdb.Update(func(txn *badger.Txn) error { return txn.Set(key, val) })
}

// getOne reads one record by id with get in a read-only transaction.
func getOne[T any](ctx context.Context, db *DB, get func(*badger.Txn, string) (T, error), id string) (T, error) {
	var out T
	err := db.view(ctx, func(txn *badger.Txn) (err error) {
		out, err = get(txn, id)
		return err
	})
	return out, err
}

// writeOne runs fn in one read-write transaction (see update: it may run
// more than once) and returns what its last run returned.
func writeOne[T any](ctx context.Context, db *DB, a store.Actor, fn func(t *tx) (T, error)) (T, error) {
	var out T
	err := db.update(ctx, a, func(t *tx) (err error) {
		out, err = fn(t)
		return err
	})
	return out, err
}

// updateVersioned is the version-checked update of one record, in one
// read-write transaction: it reads the stored record id with get and, when
// its version (read by version) is want, saves what save makes of it; else
// it is ErrStale naming entity, and nothing is saved.
func updateVersioned[T any](ctx context.Context, db *DB, a store.Actor, entity, id string, want int64,
	get func(*badger.Txn, string) (T, error), version func(T) int64, save func(t *tx, old T) (T, error)) (T, error) {
	var out T
	err := db.update(ctx, a, func(t *tx) error {
		old, err := get(t.txn, id)
		if err != nil {
			return err
		}
		if version(old) != want {
			return staleErr(entity, id)
		}
		out, err = save(t, old)
		return err
	})
	return out, err
}

// staleErr says a record changed since the caller read it.
func staleErr(entity, id string) error { return fmt.Errorf("%s %s: %w", entity, id, store.ErrStale) }

// fieldErr is a one-field validation error.
func fieldErr(entity, field, msg string) error {
	return &store.ValidationError{Entity: entity, Errs: []store.FieldError{{Field: field, Msg: msg}}}
}

// requireParticipant checks that a record's participant exists.
func requireParticipant(txn *badger.Txn, entity, id string) error {
	if id == "" {
		return nil // Validate names the missing field
	}
	ok, err := exists(txn, pfxParticipant+id)
	if err != nil {
		return err
	}
	if !ok {
		return fieldErr(entity, "participant_id", fmt.Sprintf("no participant %s", id))
	}
	return nil
}

// errStop ends a scan early.
var errStop = errors.New("stop scan")

// pickByGet is the most keys pickRaw reads with a Get each: an iterator
// costs more to set up (one per table of every level) than a few Gets on
// warm blocks, which is what a session's list of a few ids is.
const pickByGet = 16

// pickRaw copies the records at keys (all under prefix), in the order of
// keys, with one iterator walking them in key order: it steps to a key a
// few records on and seeks only past a gap. A Get per key searched every
// level and decoded a block again for each (Badger's block cache fills
// asynchronously), 30 µs a record at a cold start. A key with no record
// is an error naming it ("what id"), wrapping store.ErrNotFound.
func pickRaw(txn *badger.Txn, prefix, what string, keys []string) ([]rawRecord, error) {
	out := make([]rawRecord, len(keys))
	if len(keys) <= pickByGet {
		for i, k := range keys {
			item, err := txn.Get([]byte(k))
			if errors.Is(err, badger.ErrKeyNotFound) {
				return nil, fmt.Errorf("%s %s: %w", what, strings.TrimPrefix(k, prefix), store.ErrNotFound)
			}
			if err != nil {
				return nil, err
			}
			v, err := item.ValueCopy(nil)
			if err != nil {
				return nil, fmt.Errorf("damaged record %q: %v", item.Key(), err)
			}
			out[i] = rawRecord{key: item.KeyCopy(nil), val: v}
		}
		return out, nil
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return keys[order[a]] < keys[order[b]] })
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)}) // no prefetch: see rawScan
	defer it.Close()
	const maxSteps = 32 // records stepped over before a seek is cheaper
	started := false
	for _, i := range order {
		want := []byte(keys[i])
		if !started {
			it.Seek(want)
			started = true
		}
		for steps := 0; it.Valid() && bytes.Compare(it.Item().Key(), want) < 0; steps++ {
			if steps == maxSteps {
				it.Seek(want)
				break
			}
			it.Next()
		}
		if !it.Valid() || !bytes.Equal(it.Item().Key(), want) {
			return nil, fmt.Errorf("%s %s: %w", what, strings.TrimPrefix(keys[i], prefix), store.ErrNotFound)
		}
		item := it.Item()
		v, err := item.ValueCopy(nil)
		if err != nil {
			return nil, fmt.Errorf("damaged record %q: %v", item.Key(), err)
		}
		out[i] = rawRecord{key: item.KeyCopy(nil), val: v}
	}
	return out, nil
}
