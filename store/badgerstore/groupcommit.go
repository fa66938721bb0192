package badgerstore

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leadtable/owg/store"
)

// groupWindow is how long the first event of a batch waits for others to
// join it. Events that arrive while a batch is being committed join the
// next batch without waiting.
const groupWindow = 1500 * time.Microsecond

// maxGroup bounds the events of one batch (and so one transaction's size).
const maxGroup = 512

// recordQueue group-commits audit events: events queued within a
// millisecond or two share one transaction and one sync, in the order they
// were queued, and none is reported recorded before that sync.
type recordQueue struct {
	mu      sync.Mutex
	pending []pendingRecord
	leading bool // a goroutine is committing batches

	records, txns atomic.Uint64
}

type pendingRecord struct {
	e    store.AuditEvent
	done chan error
}

// RecordStats counts the audit events recorded through Record, or on
// followers' behalf by a meeting's move (MutateMeetingShown), and the
// transactions that committed them (a move's own transaction counts once).
type RecordStats struct {
	Events, Transactions uint64
}

// RecordStats reports how many such events were committed and in how many
// transactions, since the store was opened.
func (db *DB) RecordStats() RecordStats {
	return RecordStats{Events: db.group.records.Load(), Transactions: db.group.txns.Load()}
}

// groupRecord queues a validated event and waits until the batch holding
// it is committed and synced. The first caller of a batch leads: it waits
// groupWindow, then commits everything queued, and goes on while more
// arrived meanwhile.
func (db *DB) groupRecord(ctx context.Context, e store.AuditEvent) error {
	return db.groupRecordAll(ctx, []store.AuditEvent{e})
}

// groupRecordAll queues evs together (so a batch takes them whole, but
// for maxGroup) and waits until every one is committed and synced.
func (db *DB) groupRecordAll(ctx context.Context, evs []store.AuditEvent) error {
	dones := make([]chan error, len(evs))
	q := &db.group
	q.mu.Lock()
	for i, e := range evs {
		dones[i] = make(chan error, 1)
		q.pending = append(q.pending, pendingRecord{e: e, done: dones[i]})
	}
	lead := !q.leading
	if lead {
		q.leading = true
	}
	q.mu.Unlock()
	if lead {
		go db.leadRecords()
	}
	var first error
	for _, done := range dones {
		select {
		case err := <-done:
			if first == nil {
				first = err
			}
		case <-ctx.Done():
			// the events are still committed with their batch; the caller stops waiting
			return ctx.Err()
		}
	}
	return first
}

// leadRecords commits batches until the queue is empty.
func (db *DB) leadRecords() {
	q := &db.group
	time.Sleep(groupWindow)
	for {
		q.mu.Lock()
		n := min(len(q.pending), maxGroup)
		if n == 0 {
			q.leading = false
			q.mu.Unlock()
			return
		}
		batch := q.pending[:n:n]
		q.pending = append([]pendingRecord(nil), q.pending[n:]...)
		q.mu.Unlock()
		db.commitRecords(batch)
	}
}

// commitRecords appends batch to the chain in one transaction. When the
// batch as a whole fails, each event is tried alone so one cannot sink the
// others.
func (db *DB) commitRecords(batch []pendingRecord) {
	err := db.appendRecords(batch)
	if err != nil && len(batch) > 1 {
		for _, p := range batch {
			p.done <- db.appendRecords([]pendingRecord{p})
		}
		return
	}
	for _, p := range batch {
		p.done <- err
	}
}

func (db *DB) appendRecords(batch []pendingRecord) error {
	first := batch[0].e
	a := store.Actor{User: first.User, Role: first.Role, Addr: first.Addr}
	err := db.updateEvenDamaged(context.Background(), a, func(t *tx) error {
		for _, p := range batch {
			ev := p.e
			if ev.Time.IsZero() {
				ev.Time = t.now
			}
			if err := t.appendAudit(ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		db.group.txns.Add(1)
		db.group.records.Add(uint64(len(batch)))
	}
	return err
}
