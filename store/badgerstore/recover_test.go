package badgerstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadtable/owg/store"
)

// storeWithTables makes an on-disk store holding n participants, closed
// (Badger flushes its memtable into a table on close).
func storeWithTables(t *testing.T, n int) string {
	t.Helper()
	return storeWithTablesKey(t, n, nil)
}

// storeWithTablesKey is storeWithTables, encrypted with key (nil: plain).
func storeWithTablesKey(t *testing.T, n int, key []byte) string {
	t.Helper()
	dir := t.TempDir()
	db, err := Open(dir, Options{Now: fixedClock, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		mustParticipant(t, db, fmt.Sprint("P", i), "casey")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.sst")); len(m) == 0 {
		t.Fatal("no table after close")
	}
	return dir
}

func openWarn(t *testing.T, dir string) (*DB, []string, error) {
	t.Helper()
	return openWarnKey(t, dir, nil)
}

// openWarnKey is openWarn with an encryption key (nil: plain).
func openWarnKey(t *testing.T, dir string, key []byte) (*DB, []string, error) {
	t.Helper()
	var notes []string
	db, err := Open(dir, Options{Now: fixedClock, Key: key, Warn: func(s string) { notes = append(notes, s) }})
	if err == nil {
		t.Cleanup(func() { db.Close() })
	}
	return db, notes, err
}

func countParticipants(t *testing.T, db *DB) int {
	t.Helper()
	return len(must[[]store.Participant](t, "list")(db.ListParticipants(ctx, store.ParticipantFilter{})))
}

// TestOpenAfterInterruptedFlush: what a kill -9 during a flush or a
// compaction leaves (an empty or partial table the MANIFEST does not list,
// an empty memtable log) never stops the store opening: it is moved into
// recovered-<time>/, said so, and every record is there.
func TestOpenAfterInterruptedFlush(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		content    []byte
	}{
		{"empty table", "000999.sst", nil},
		{"partial table", "000999.sst", []byte("half a table\x00\x00\x00\x04")},
		{"empty memtable log", "00099.mem", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := storeWithTables(t, 5)
			if err := os.WriteFile(filepath.Join(dir, tc.file), tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			db, notes, err := openWarn(t, dir)
			if err != nil {
				t.Fatalf("Open(%s left by a kill) => %v, want it to open", tc.name, err)
			}
			if len(notes) != 1 || !strings.Contains(notes[0], tc.file) || !strings.Contains(notes[0], "recovered-") {
				t.Errorf("notes => %q, want one naming %s and where it went", notes, tc.file)
			}
			kept, _ := filepath.Glob(filepath.Join(dir, "recovered-*", tc.file))
			if len(kept) != 1 {
				t.Errorf("%s kept in recovered-*/ => %v, want 1 copy", tc.file, kept)
			}
			if n := countParticipants(t, db); n != 5 {
				t.Errorf("participants after recovery => %d, want 5", n)
			}
			if seq, err := db.VerifyAudit(ctx); err != nil {
				t.Errorf("VerifyAudit => %d, %v", seq, err)
			}
		})
	}
}

// TestDamagedListedTableNeedsRepair: a table the MANIFEST lists with a
// damaged trailer is refused by name, pointing to repair; Repair moves it
// (and a copy of the MANIFEST) aside and the store opens; Check then names
// what went missing.
func TestDamagedListedTableNeedsRepair(t *testing.T) {
	dir := storeWithTables(t, 5)
	ssts, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	if err := os.Truncate(ssts[0], 3); err != nil {
		t.Fatal(err)
	}
	_, _, err := openWarn(t, dir)
	if !errors.Is(err, ErrNeedsRepair) || !strings.Contains(err.Error(), filepath.Base(ssts[0])) {
		t.Fatalf("Open(listed table damaged) => %v, want ErrNeedsRepair naming %s", err, filepath.Base(ssts[0]))
	}
	did, err := Repair(dir, Options{Now: fixedClock})
	if err != nil {
		t.Fatalf("Repair => %v (did %q)", err, did)
	}
	if len(did) == 0 || !strings.Contains(strings.Join(did, "\n"), filepath.Base(ssts[0])) {
		t.Errorf("Repair => %q, want a line naming %s", did, filepath.Base(ssts[0]))
	}
	for _, f := range []string{filepath.Base(ssts[0]), "MANIFEST"} {
		if kept, _ := filepath.Glob(filepath.Join(dir, "recovered-*", f)); len(kept) != 1 {
			t.Errorf("%s kept by repair => %v, want 1 copy", f, kept)
		}
	}
	db, _, err := openWarn(t, dir)
	if err != nil {
		t.Fatalf("Open after Repair => %v", err)
	}
	_ = db
}

// TestLostCommittedWritesAreDamage: a store whose files lost writes that
// were committed (as a damaged newest .mem does: Badger replays it up to
// the damage and says nothing) opens with Damage naming the missing
// events, and keeps saying so until repair.
func TestLostCommittedWritesAreDamage(t *testing.T) {
	dir := storeWithTables(t, 3)
	snapshot := t.TempDir()
	copyDir(t, dir, snapshot)
	db, _, err := openWarn(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		mustParticipant(t, db, fmt.Sprint("later", i), "casey")
	}
	db.Close()
	head, _ := os.ReadFile(filepath.Join(dir, headFileName))
	// The store's files go back to the snapshot; the head file stays.
	for _, f := range must[[]os.DirEntry](t, "readdir")(os.ReadDir(dir)) {
		if f.Name() != headFileName {
			os.RemoveAll(filepath.Join(dir, f.Name()))
		}
	}
	copyDir(t, snapshot, dir)
	os.WriteFile(filepath.Join(dir, headFileName), head, 0o600)
	for round := 0; round < 2; round++ {
		db, notes, err := openWarn(t, dir)
		if err != nil {
			t.Fatalf("Open(lost writes) => %v, want it to open and report damage", err)
		}
		d := db.Damage()
		if len(d) != 1 || !strings.Contains(d[0], "ends at event 3, but event 7 was committed") {
			t.Errorf("round %d: Damage => %q, want the missing events 4 to 7 named", round, d)
		}
		if len(notes) == 0 || !strings.Contains(notes[len(notes)-1], "DAMAGE") {
			t.Errorf("round %d: notes => %q, want the damage said", round, notes)
		}
		// read as it is, written to never until repaired
		if _, err := db.GetParticipant(ctx, "P-0001"); err != nil && !store.IsNotFound(err) {
			t.Errorf("round %d: a read of the damaged store => %v", round, err)
		}
		_, werr := db.CreateParticipant(ctx, store.SystemActor, store.Participant{Name: "refused write", CaseManager: "casey", Status: store.StatusEngaging})
		if !errors.Is(werr, ErrDamaged) {
			t.Errorf("round %d: a write to the damaged store => %v, want ErrDamaged", round, werr)
		}
		// who read it is still recorded (once: the trail then ends at 4)
		if round == 1 {
			if err := db.Record(ctx, store.AuditEvent{User: "casey", Role: store.RoleCaseManager, Action: store.AuditView, Subject: "P-0001"}); err != nil {
				t.Errorf("round %d: an audit event on the damaged store => %v, want it recorded", round, err)
			}
		}
		db.Close()
	}
	did, err := Repair(dir, Options{Now: fixedClock})
	if err != nil || !strings.Contains(strings.Join(did, "\n"), "goes on from audit event 4") {
		t.Fatalf("Repair(lost writes) => %q, %v", did, err)
	}
	db, _, err = openWarn(t, dir)
	if err != nil || len(db.Damage()) != 0 {
		t.Fatalf("Open after Repair => %v, damage %q; want none", err, db.Damage())
	}
	if kept, _ := filepath.Glob(filepath.Join(dir, "recovered-*", headFileName)); len(kept) != 1 {
		t.Errorf("%s kept by repair => %v, want 1 copy", headFileName, kept)
	}
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	for _, e := range must[[]os.DirEntry](t, "readdir")(os.ReadDir(src)) {
		if e.IsDir() || e.Name() == "LOCK" || e.Name() == headFileName {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil { // unsynced: a test copy
			t.Fatal(err)
		}
	}
}

// TestFilesArePrivate: a data dir made 0755 by an operator is tightened
// at open (and said so); every file in it ends 0600.
func TestFilesArePrivate(t *testing.T) {
	dir := storeWithTables(t, 2)
	os.Chmod(dir, 0o755)
	for _, f := range must[[]os.DirEntry](t, "readdir")(os.ReadDir(dir)) {
		os.Chmod(filepath.Join(dir, f.Name()), 0o644)
	}
	db, notes, err := openWarn(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "tightened to 0700") {
		t.Errorf("notes => %q, want one saying the directory was tightened", notes)
	}
	mustParticipant(t, db, "more", "casey")
	db.Close()
	fi, _ := os.Stat(dir)
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("data dir mode => %#o, want 0700", fi.Mode().Perm())
	}
	for _, f := range must[[]os.DirEntry](t, "readdir")(os.ReadDir(dir)) {
		fi, _ := f.Info()
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s mode => %#o, want 0600", f.Name(), fi.Mode().Perm())
		}
	}
}

// TestOpenAfterKilledFirstOpen: a store killed while Badger was creating
// it (no MANIFEST yet, only its first files) is still taken as a new store.
func TestOpenAfterKilledFirstOpen(t *testing.T) {
	dir := t.TempDir()
	// Badger writes KEYREGISTRY and MANIFEST through a rewrite file and a
	// rename: a kill leaves the half-made rewrite files.
	for _, f := range []string{"REWRITE-KEYREGISTRY", "MANIFEST-REWRITE", "00001.mem"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o600)
	}
	db, _, err := openWarn(t, dir)
	if err != nil {
		t.Fatalf("Open(killed during its first open) => %v", err)
	}
	mustParticipant(t, db, "First", "casey")
}

// TestDamagedBlockIsNamed: a flipped byte inside a table's block (its
// trailer intact) is refused at open, naming the table and repair (Badger
// would crash reading it while opening).
func TestDamagedBlockIsNamed(t *testing.T) {
	dir := storeWithTables(t, 20)
	ssts, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	b := must[[]byte](t, "read")(os.ReadFile(ssts[0]))
	b[40] ^= 0xff
	os.WriteFile(ssts[0], b, 0o600)
	_, _, err := openWarn(t, dir)
	if !errors.Is(err, ErrNeedsRepair) || !strings.Contains(err.Error(), filepath.Base(ssts[0])+": a block fails its checksum") {
		t.Errorf("Open(block damaged) => %v, want ErrNeedsRepair naming %s", err, filepath.Base(ssts[0]))
	}
}

// TestDamageAfterAVerifiedOpenIsNamed: an open that verified every table
// remembers their sums (table-sums); a byte flipped in one of them later
// changes its sum, so the next open verifies it block by block again and
// refuses it, naming the table.
func TestDamageAfterAVerifiedOpenIsNamed(t *testing.T) {
	dir := storeWithTables(t, 20)
	db, _, err := openWarn(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ssts, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	sums := readTableSums(dir)
	for _, p := range ssts {
		if _, ok := sums[filepath.Base(p)]; !ok {
			t.Errorf("table-sums => %v, want an entry for %s", sums, filepath.Base(p))
		}
	}
	// a sound store opens again on its sums
	db, _, err = openWarn(t, dir)
	if err != nil {
		t.Fatalf("Open(verified before, unchanged) => %v", err)
	}
	db.Close()
	ssts, _ = filepath.Glob(filepath.Join(dir, "*.sst"))
	b := must[[]byte](t, "read")(os.ReadFile(ssts[0]))
	b[40] ^= 0xff
	os.WriteFile(ssts[0], b, 0o600)
	_, _, err = openWarn(t, dir)
	if !errors.Is(err, ErrNeedsRepair) || !strings.Contains(err.Error(), filepath.Base(ssts[0])+": a block fails its checksum") {
		t.Errorf("Open(block damaged after a verified open) => %v, want ErrNeedsRepair naming %s", err, filepath.Base(ssts[0]))
	}
	if _, ok := readTableSums(dir)[filepath.Base(ssts[0])]; ok {
		t.Errorf("table-sums still holds the damaged table %s", filepath.Base(ssts[0]))
	}
}

// TestRepairTakesOutABlockDamagedTable: repair takes a table whose block
// fails its checksum out of the store (a copy kept); the store then opens
// without damage and Check names the records that went with it.
func TestRepairTakesOutABlockDamagedTable(t *testing.T) {
	dir := storeWithTables(t, 20)
	ssts, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	b := must[[]byte](t, "read")(os.ReadFile(ssts[0]))
	b[40] ^= 0xff
	os.WriteFile(ssts[0], b, 0o600)
	did, err := Repair(dir, Options{Now: fixedClock})
	if err != nil || !strings.Contains(strings.Join(did, "\n"), filepath.Base(ssts[0])+" is damaged") {
		t.Fatalf("Repair(block damage) => %q, %v", did, err)
	}
	db, _, err := openWarn(t, dir)
	if err != nil || len(db.Damage()) > 0 {
		t.Fatalf("Open after repair => %v, %q", err, db.Damage())
	}
	if kept, _ := filepath.Glob(filepath.Join(dir, "recovered-*", filepath.Base(ssts[0]))); len(kept) != 1 {
		t.Errorf("table kept => %v, want 1 copy", kept)
	}
}
