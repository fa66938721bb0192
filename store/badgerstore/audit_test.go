package badgerstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

func TestVerifyAuditDetectsTampering(t *testing.T) {
	edit := func(f func(e *store.AuditEvent)) func(t *testing.T, db *DB) {
		return func(t *testing.T, db *DB) {
			e := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{}))[4] // seq 5
			f(&e)
			b, _ := json.Marshal(e)
			if err := db.rawSet([]byte(auditKey(5)), b); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, db *DB)
		seq    uint64
		msg    string
	}{
		{"subject edited", edit(func(e *store.AuditEvent) { e.Subject = "P-0002" }), 5, "changed after it was written"},
		{"user edited", edit(func(e *store.AuditEvent) { e.User = "mallory" }), 5, "changed after it was written"},
		{"time edited", edit(func(e *store.AuditEvent) { e.Time = e.Time.Add(-1) }), 5, "changed after it was written"},
		{"hash recomputed too", edit(func(e *store.AuditEvent) { e.Action = store.AuditView; e.Hash = store.AuditHash(*e) }), 6, "does not chain"},
		{"seq edited", edit(func(e *store.AuditEvent) { e.Seq = 9 }), 5, "says it is event 9"},
		{"unreadable", func(t *testing.T, db *DB) { db.rawSet([]byte(auditKey(5)), []byte("{not json")) }, 5, "unreadable"},
		{"removed", func(t *testing.T, db *DB) {
			db.bdb.Update(func(txn *badger.Txn) error { return txn.Delete([]byte(auditKey(5))) })
		}, 5, "missing"},
		{"last removed", func(t *testing.T, db *DB) {
			db.bdb.Update(func(txn *badger.Txn) error { return txn.Delete([]byte(auditKey(8))) })
		}, 8, "missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := memDB(t)
			for i := 0; i < 8; i++ {
				mustParticipant(t, db, fmt.Sprint("P", i), "casey")
			}
			if seq, err := db.VerifyAudit(ctx); seq != 0 || err != nil {
				t.Fatalf("VerifyAudit(intact) => %d, %v; want 0, nil", seq, err)
			}
			tc.tamper(t, db)
			seq, err := db.VerifyAudit(ctx)
			if seq != tc.seq || err == nil || !strings.Contains(err.Error(), fmt.Sprint(tc.seq)) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("VerifyAudit(%s) => %d, %v; want %d and an error naming it (%q)", tc.name, seq, err, tc.seq, tc.msg)
			}
		})
	}
}

// TestAuditChainAcrossReopen: the chain continues after a reopen.
func TestAuditChainAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 3; i++ {
		db, err := Open(dir, Options{Now: fixedClock})
		if err != nil {
			t.Fatal(err)
		}
		mustParticipant(t, db, "X", "casey")
		db.Close()
	}
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	evs := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{}))
	if len(evs) != 3 || evs[2].Seq != 3 || evs[2].PrevHash != evs[1].Hash {
		t.Errorf("events after reopens => %+v, want 3 chained", evs)
	}
	if seq, err := db.VerifyAudit(ctx); err != nil {
		t.Errorf("VerifyAudit => %d, %v", seq, err)
	}
}
