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

// TestImportLimit: an import too big for one transaction fails cleanly,
// writing nothing and saying to split the file; 800 rows fit.
func TestImportLimit(t *testing.T) {
	db := memDB(t)
	rs := make([]store.Referral, 5000)
	for i := range rs {
		rs[i] = newReferral(fmt.Sprintf("Person %d", i), day(2025, 4, 1))
		rs[i].Notes = "Seen near the library most mornings; asked about shelter beds and a phone."
	}
	_, err := db.ImportReferrals(ctx, pm, rs)
	if err == nil {
		t.Logf("an import of %d referrals fits in one transaction", len(rs))
		return
	}
	if !errors.Is(err, badger.ErrTxnTooBig) {
		t.Fatalf("ImportReferrals(5000) => %v, want too big or nil", err)
	}
	if got := must[[]store.Referral](t, "list")(db.ListReferrals(ctx, store.ReferralFilter{})); len(got) != 0 {
		t.Errorf("after a failed import => %d referrals, want 0", len(got))
	}
	if !strings.Contains(err.Error(), "split it") {
		t.Errorf("ImportReferrals(5000) => %q, want advice to split the file", err)
	}
	if _, err := db.ImportReferrals(ctx, pm, rs[:800]); err != nil {
		t.Errorf("ImportReferrals(800) => %v, want nil", err)
	}
}
