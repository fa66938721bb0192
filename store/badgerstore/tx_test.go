package badgerstore

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// TestConflictRetried: a transaction whose read is overwritten before it
// commits is retried; one that always conflicts ends in store.ErrConflict.
func TestConflictRetried(t *testing.T) {
	db := memDB(t)
	key := []byte("s/counter")
	interfere := func() {
		if err := db.bdb.Update(func(txn *badger.Txn) error { return txn.Set(key, []byte("x")) }); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name      string
		conflicts int
		want      error
		attempts  int
	}{
		{"no conflict", 0, nil, 1},
		{"three conflicts", 3, nil, 4},
		{"always", 1000, store.ErrConflict, maxRetries},
	} {
		attempts := 0
		err := db.update(ctx, pm, func(tx *tx) error {
			attempts++
			if _, err := tx.txn.Get(key); err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
			if attempts <= tc.conflicts {
				interfere()
			}
			tx.change("setting", "counter", "")
			return tx.txn.Set(key, []byte(fmt.Sprint(attempts)))
		})
		if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) || attempts != tc.attempts {
			t.Errorf("%s: update => %v after %d attempts, want %v after %d", tc.name, err, attempts, tc.want, tc.attempts)
		}
	}
}

// TestLargeImport: an import far bigger than one transaction holds is
// written in chunks and arrives whole.
func TestLargeImport(t *testing.T) {
	db := memDB(t)
	rs := make([]store.Referral, 5000)
	for i := range rs {
		rs[i] = newReferral(fmt.Sprintf("Person %d", i), day(2025, 4, 1))
		rs[i].Notes = "Seen near the library most mornings; asked about shelter beds and a phone."
	}
	got, err := db.ImportReferrals(ctx, pm, rs)
	if err != nil || len(got) != len(rs) {
		t.Fatalf("ImportReferrals(5000) => %d, %v, want 5000, nil", len(got), err)
	}
	if n := must[[]store.Referral](t, "list")(db.ListReferrals(ctx, store.ReferralFilter{})); len(n) != len(rs) {
		t.Errorf("after the import => %d referrals, want %d", len(n), len(rs))
	}
	if _, err := db.GetSetting(ctx, "x"); err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	if seq, err := db.VerifyAudit(ctx); err != nil {
		t.Errorf("audit after a chunked import => broken at %d: %v", seq, err)
	}
	evs := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{}))
	if len(evs) != 1 || !strings.HasPrefix(evs[0].Detail, "import:1:5000:") {
		t.Errorf("audit events of one import => %d (first %+v), want 1 import:1:5000:<hash>", len(evs), evs[0])
	}
	rep := must[CheckReport](t, "check")(db.Check(ctx))
	if !rep.OK() || rep.ByKind["referral"] != 5000 {
		t.Errorf("Check after an import => %d referrals, problems %q; want 5000 and none", rep.ByKind["referral"], rep.Problems)
	}
}

// TestImportFailureRollsBack: a failure after some chunks committed undoes
// them (one audit event for the rollback), so an import is all or nothing; a process
// killed half-way is undone at the next Open.
func TestImportFailureRollsBack(t *testing.T) {
	rs := make([]store.Referral, 2*importChunk+10)
	for i := range rs {
		rs[i] = newReferral(fmt.Sprintf("Person %d", i), day(2025, 4, 1))
	}
	for _, crash := range []bool{false, true} {
		db := failedImport(t, rs, crash, nil)
		if n := must[[]store.Referral](t, "list")(db.ListReferrals(ctx, store.ReferralFilter{})); len(n) != 0 {
			t.Errorf("crash=%v: after a failed import => %d referrals, want 0", crash, len(n))
		}
		if seq, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("crash=%v: audit broken at %d: %v", crash, seq, err)
		}
		dels, _ := db.ListAudit(ctx, store.AuditFilter{Action: store.AuditDelete})
		if len(dels) != 1 || dels[0].Subject != "import:1" || dels[0].Detail != "import-rollback:1" {
			t.Errorf("crash=%v: deletions audited => %+v, want one import-rollback:1", crash, dels)
		}
		if all := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{})); len(all) != 1 {
			t.Errorf("crash=%v: %d audit events after a failed import, want 1 (the rollback)", crash, len(all))
		}
		// ids are never reused: the next referral gets a new number
		r, err := db.CreateReferral(ctx, pm, newReferral("After", day(2025, 4, 2)))
		if err != nil || r.ID == "R-0001" {
			t.Errorf("crash=%v: next referral => %s, %v; want a fresh id", crash, r.ID, err)
		}
		db.Close()
	}
}

// failedImport imports rs into a new store on disk, failing at its third
// chunk; with crash the failure is left as a killed process leaves it
// (beforeReopen sees the store so) and the store is opened again, which
// undoes it. It returns the store after the import was undone.
func failedImport(t *testing.T, rs []store.Referral, crash bool, beforeReopen func(*DB)) *DB {
	t.Helper()
	boom := errors.New("disk on fire")
	dir := t.TempDir()
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	db.hooks.importFail = func(chunk int) error {
		if chunk == 2 {
			return boom
		}
		return nil
	}
	db.hooks.crashImport = crash
	if _, err := db.ImportReferrals(ctx, pm, rs); !errors.Is(err, boom) {
		t.Fatalf("crash=%v: ImportReferrals => %v, want %v", crash, err, boom)
	}
	if crash {
		if n, _ := db.ListReferrals(ctx, store.ReferralFilter{}); len(n) != 2*importChunk {
			t.Fatalf("crash: before reopening %d referrals are stored, want the %d of two chunks", len(n), 2*importChunk)
		}
		if beforeReopen != nil {
			beforeReopen(db)
		}
		db.Close()
		if db, err = Open(dir, Options{Now: fixedClock}); err != nil {
			t.Fatalf("reopen after a crashed import: %v", err)
		}
	}
	return db
}
