package badgerstore

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// pickRaw returns each asked record in the order asked, whether the next
// one is a step or a seek away, and names a missing one.
func TestPickRaw(t *testing.T) {
	db := memDB(t)
	for i := range 800 {
		if err := db.rawSet([]byte(fmt.Sprintf("r/R-%04d", i)), []byte(fmt.Sprintf("v%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	key := func(i int) string { return fmt.Sprintf("r/R-%04d", i) }
	for _, tc := range []struct {
		name    string
		ids     []int
		missing bool
	}{
		{"none", nil, false},
		{"one", []int{7}, false},
		{"neighbours", []int{1, 2, 3, 4}, false},
		{"out of order", []int{150, 3, 99, 4, 0, 199}, false},
		{"gaps wider than the steps", []int{0, 60, 120, 190}, false},
		{"asked twice", []int{5, 5, 6}, false},
		{"missing", []int{3, 150}, true},
		{"many, stepped and sought", spread(0, 199, 3), false},
		{"many, one missing", spread(1, 150, 5), true},
		{"many, gaps wider than the steps", spread(0, 799, 45), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys := make([]string, len(tc.ids))
			for i, id := range tc.ids {
				keys[i] = key(id)
			}
			if tc.missing {
				keys = append(keys, "r/R-9999")
			}
			var got []rawRecord
			err := db.bdb.View(func(txn *badger.Txn) (err error) {
				got, err = pickRaw(txn, pfxReferral, "referral", keys)
				return err
			})
			if tc.missing {
				if !errors.Is(err, store.ErrNotFound) || err.Error() != "referral R-9999: not found" {
					t.Fatalf("err = %v => want referral R-9999 not found", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.ids) {
				t.Fatalf("got %d records => want %d", len(got), len(tc.ids))
			}
			for i, id := range tc.ids {
				if string(got[i].key) != key(id) || string(got[i].val) != fmt.Sprintf("v%d", id) {
					t.Errorf("record %d = %s=%s => want %s=v%d", i, got[i].key, got[i].val, key(id), id)
				}
			}
		})
	}
}

// Close verifies the tables the session wrote and records their sums, so
// the next open verifies none of them block by block again.
func TestCloseRecordsTheSessionsTables(t *testing.T) {
	db, dir := diskDB(t)
	for i := range 40 {
		mustParticipant(t, db, fmt.Sprintf("Person %d", i), "casey")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.sst"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("tables after close: %v, %v => want some", paths, err)
	}
	known := readTableSums(dir)
	for _, p := range paths {
		sum, err := sumFile(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if known[filepath.Base(p)] != sum {
			t.Errorf("table %s: recorded %+v => want %+v", filepath.Base(p), known[filepath.Base(p)], sum)
		}
	}
}

// spread is every step-th number from lo up to hi, backwards (unsorted
// for pickRaw), enough of them to be read with an iterator.
func spread(lo, hi, step int) []int {
	var out []int
	for i := hi; i >= lo; i -= step {
		out = append(out, i)
	}
	if len(out) <= pickByGet {
		panic("spread: too few to be read with an iterator")
	}
	return out
}
