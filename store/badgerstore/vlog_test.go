package badgerstore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newestValueLog returns the path of the newest value log in dir.
func newestValueLog(t *testing.T, dir string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*.vlog"))
	if len(m) == 0 {
		t.Fatal("no value log")
	}
	return m[len(m)-1] // zero-padded names sort by id
}

// flipByte flips every bit of the byte at off in path.
func flipByte(t *testing.T, path string, off int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[off] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedEmptyValueLogHeader: one flipped byte in the key id of the
// header of a closed store's newest value log (header only: owg's values
// sit in the tables) is named at Open as damage for repair, not Badger's
// raw error; Repair moves the log aside, keeping it, and the store opens
// with every record, sound. A plain and an encrypted store.
func TestDamagedEmptyValueLogHeader(t *testing.T) {
	for _, key := range [][]byte{nil, bytes.Repeat([]byte{7}, 32)} {
		name := "plain"
		if key != nil {
			name = "encrypted"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			o := Options{Now: fixedClock, Key: key}
			db, err := Open(dir, o)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []string{"Ana", "Bo", "Cy"} {
				mustParticipant(t, db, n, "casey")
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			vlog := newestValueLog(t, dir)
			if fi, err := os.Stat(vlog); err != nil || fi.Size() != vlogHeaderSize {
				t.Fatalf("newest value log %s => %v, %v; want its header alone", vlog, fi.Size(), err)
			}
			flipByte(t, vlog, 7)
			_, err = Open(dir, o)
			if !errors.Is(err, ErrNeedsRepair) || !strings.Contains(err.Error(), "value log "+filepath.Base(vlog)+" has a damaged header") {
				t.Fatalf("Open(value log header damaged) => %v, want ErrNeedsRepair naming %s", err, filepath.Base(vlog))
			}
			if strings.Contains(err.Error(), "datakey") {
				t.Errorf("Open => %q, want owg's words, not Badger's", err)
			}
			did, err := Repair(dir, o)
			if err != nil || !strings.Contains(strings.Join(did, "\n"), filepath.Base(vlog)+" has a damaged header and held no entries: moved to") {
				t.Fatalf("Repair => %q, %v; want the value log moved aside", did, err)
			}
			if kept, _ := filepath.Glob(filepath.Join(dir, "recovered-*", filepath.Base(vlog))); len(kept) != 1 {
				t.Errorf("value log kept by repair => %v, want 1 copy", kept)
			}
			db, err = Open(dir, o)
			if err != nil {
				t.Fatalf("Open after Repair => %v", err)
			}
			defer db.Close()
			if n := countParticipants(t, db); n != 3 {
				t.Errorf("participants after repair => %d, want 3", n)
			}
			if rep := must[CheckReport](t, "check")(db.Check(ctx)); !rep.OK() {
				t.Errorf("Check after repair => %q", rep.Problems)
			}
			mustParticipant(t, db, "Di", "casey")
		})
	}
}

// TestDamagedValueLogWithEntriesIsKept: a value log holding entries whose
// header is damaged is named at Open and refused by Repair, pointing to a
// backup: it is never moved or discarded.
func TestDamagedValueLogWithEntriesIsKept(t *testing.T) {
	dir := storeWithTables(t, 3)
	vlog := newestValueLog(t, dir)
	f, err := os.OpenFile(vlog, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("an entry's bytes")) // what an entry leaves after the header
	f.Close()
	flipByte(t, vlog, 7)
	before, _ := os.ReadFile(vlog)
	_, _, err = openWarn(t, dir)
	if err == nil || errors.Is(err, ErrNeedsRepair) || !strings.Contains(err.Error(), filepath.Base(vlog)+" has a damaged header and holds entries") ||
		!strings.Contains(err.Error(), "restore a backup") {
		t.Fatalf("Open(damaged value log with entries) => %v, want it named, pointing to a backup and not to repair", err)
	}
	did, err := Repair(dir, Options{Now: fixedClock})
	if err == nil || !strings.Contains(err.Error(), filepath.Base(vlog)) {
		t.Errorf("Repair(damaged value log with entries) => %q, %v; want it refused by name", did, err)
	}
	after, rerr := os.ReadFile(vlog)
	if rerr != nil || !bytes.Equal(before, after) {
		t.Errorf("the value log after Repair => %v (changed %v), want it where it was, unchanged", rerr, !bytes.Equal(before, after))
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "recovered-*", "*.vlog")); len(m) > 0 {
		t.Errorf("value logs moved aside => %q, want none", m)
	}
}
