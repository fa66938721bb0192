package badgerstore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadtable/owg/store"
)

var testKey = bytes.Repeat([]byte{7}, 32)

// TestEncryptedDamagedBlockIsRefused: a flipped byte inside a block of an
// encrypted store's table is refused at open exactly as a plain store's
// is (ErrNeedsRepair, naming the table), never opened for writes with a
// warning; a sound encrypted store's sums are remembered (table-sums) as
// a plain store's are; repair takes the table out, keeping a copy.
func TestEncryptedDamagedBlockIsRefused(t *testing.T) {
	dir := storeWithTablesKey(t, 20, testKey)
	ssts, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	for _, p := range ssts {
		if _, ok := readTableSums(dir)[filepath.Base(p)]; !ok {
			t.Errorf("table-sums after close => %v, want an entry for %s", readTableSums(dir), filepath.Base(p))
		}
	}
	flipByte(t, ssts[0], 40)
	db, _, err := openWarnKey(t, dir, testKey)
	if err == nil {
		_, werr := db.CreateParticipant(ctx, store.SystemActor, newParticipant("After", "casey"))
		t.Fatalf("Open(encrypted, block damaged) => opened (damage %q; a write => %v), want it refused", db.Damage(), werr)
	}
	if !errors.Is(err, ErrNeedsRepair) || !strings.Contains(err.Error(), filepath.Base(ssts[0])+": a block fails its checksum") {
		t.Errorf("Open(encrypted, block damaged) => %v, want ErrNeedsRepair naming %s", err, filepath.Base(ssts[0]))
	}
	did, err := Repair(dir, Options{Now: fixedClock, Key: testKey})
	if err != nil || !strings.Contains(strings.Join(did, "\n"), filepath.Base(ssts[0])+" is damaged") {
		t.Fatalf("Repair(encrypted, block damage) => %q, %v", did, err)
	}
	db, _, err = openWarnKey(t, dir, testKey)
	if err != nil || len(db.Damage()) > 0 {
		t.Fatalf("Open after repair => %v, %q", err, db.Damage())
	}
	if kept, _ := filepath.Glob(filepath.Join(dir, "recovered-*", filepath.Base(ssts[0]))); len(kept) != 1 {
		t.Errorf("table kept => %v, want 1 copy", kept)
	}
}

// TestDamagedKeyRegistryIsNotAWrongKey: a byte flipped in the key
// registry's header (its IV or check text) is named as damage to
// KEYREGISTRY that repair can fix, not as a wrong key; repair writes the
// header again and every record is there. A damaged data key entry is
// named, pointing to a backup. A wrong key is still a wrong key.
func TestDamagedKeyRegistryIsNotAWrongKey(t *testing.T) {
	for _, off := range []int{10, 20} {
		dir := storeWithTablesKey(t, 5, testKey)
		flipByte(t, filepath.Join(dir, "KEYREGISTRY"), off)
		_, _, err := openWarnKey(t, dir, testKey)
		if errors.Is(err, ErrWrongKey) || !errors.Is(err, ErrNeedsRepair) || !strings.Contains(err.Error(), "key registry KEYREGISTRY is damaged") {
			t.Fatalf("Open(KEYREGISTRY byte %d flipped) => %v, want ErrNeedsRepair naming KEYREGISTRY, not a wrong key", off, err)
		}
		did, err := Repair(dir, Options{Now: fixedClock, Key: testKey})
		if err != nil || !strings.Contains(strings.Join(did, "\n"), "KEYREGISTRY had a damaged header") {
			t.Fatalf("Repair(KEYREGISTRY header) => %q, %v", did, err)
		}
		if kept, _ := filepath.Glob(filepath.Join(dir, "recovered-*", "KEYREGISTRY")); len(kept) != 1 {
			t.Errorf("old KEYREGISTRY kept => %v, want 1 copy", kept)
		}
		db, _, err := openWarnKey(t, dir, testKey)
		if err != nil || len(db.Damage()) > 0 {
			t.Fatalf("Open after repair => %v, %q", err, db.Damage())
		}
		if n := countParticipants(t, db); n != 5 {
			t.Errorf("participants after the registry's repair => %d, want 5", n)
		}
		db.Close()
	}

	dir := storeWithTablesKey(t, 5, testKey)
	other := bytes.Repeat([]byte{9}, 32)
	if _, _, err := openWarnKey(t, dir, other); !errors.Is(err, ErrWrongKey) {
		t.Errorf("Open(another key) => %v, want ErrWrongKey", err)
	}
	flipByte(t, filepath.Join(dir, "KEYREGISTRY"), 10)
	if _, _, err := openWarnKey(t, dir, other); !errors.Is(err, ErrWrongKey) {
		t.Errorf("Open(another key, header damaged) => %v, want ErrWrongKey", err)
	}
	if did, err := Repair(dir, Options{Now: fixedClock, Key: other}); err == nil {
		t.Errorf("Repair(another key) => %q, want it refused", did)
	}

	dir = storeWithTablesKey(t, 5, testKey)
	flipByte(t, filepath.Join(dir, "KEYREGISTRY"), 40)
	_, _, err := openWarnKey(t, dir, testKey)
	if errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "key registry KEYREGISTRY is damaged") || !strings.Contains(err.Error(), "restore a backup") {
		t.Errorf("Open(a data key entry damaged) => %v, want KEYREGISTRY named and a backup", err)
	}

	// a plain store's check text damaged is not "the store is encrypted"
	dir = storeWithTables(t, 5)
	flipByte(t, filepath.Join(dir, "KEYREGISTRY"), 20)
	_, _, err = openWarn(t, dir)
	if errors.Is(err, ErrKeyRequired) || !errors.Is(err, ErrNeedsRepair) || !strings.Contains(err.Error(), "key registry KEYREGISTRY is damaged") {
		t.Fatalf("Open(plain, KEYREGISTRY check text damaged) => %v, want ErrNeedsRepair naming KEYREGISTRY", err)
	}
	if did, err := Repair(dir, Options{Now: fixedClock}); err != nil {
		t.Fatalf("Repair(plain KEYREGISTRY) => %q, %v", did, err)
	}
	db, _, err := openWarn(t, dir)
	if err != nil {
		t.Fatalf("Open(plain) after repair => %v", err)
	}
	if n := countParticipants(t, db); n != 5 {
		t.Errorf("participants => %d, want 5", n)
	}
}

// TestDamagedKeyRegistryWithoutTables: a store whose writes are all still
// in its memtable log (no table yet: a copy of a store in use) cannot tell
// a damaged registry header from a wrong key, and says both.
func TestDamagedKeyRegistryWithoutTables(t *testing.T) {
	src := t.TempDir()
	db, err := Open(src, Options{Now: fixedClock, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	mustParticipant(t, db, "Sam", "casey")
	dir := t.TempDir()
	copyDir(t, src, dir)
	db.Close()
	if m, _ := filepath.Glob(filepath.Join(dir, "*.sst")); len(m) != 0 {
		t.Skipf("the copy holds tables %v", m)
	}
	os.Remove(filepath.Join(dir, lockFileName))
	flipByte(t, filepath.Join(dir, "KEYREGISTRY"), 10)
	_, _, err = openWarnKey(t, dir, testKey)
	if !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "or the key registry KEYREGISTRY is damaged") {
		t.Errorf("Open(no table, KEYREGISTRY header damaged) => %v, want ErrWrongKey naming KEYREGISTRY too", err)
	}
}
