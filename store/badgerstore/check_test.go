package badgerstore

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/demo"
)

var flips = flag.Int("flips", 0, "byte flips per store file in TestByteFlipsAreDetected (default 2 on a small store; with -flips N the demo site, e.g. -flips 300)")

// demoDir fills an on-disk store with the demo site and returns its dir, open.
func demoStore(t *testing.T) (*DB, string) {
	t.Helper()
	db, dir := diskDB(t)
	if _, err := demo.Fill(ctx, db, testNow, 7); err != nil {
		t.Fatalf("demo.Fill => %v", err)
	}
	return db, dir
}

// TestCheckDemoStoreIsClean: Check finds nothing wrong with a store owg
// wrote itself (no false alarms), and times VerifyChecksum.
func TestCheckDemoStoreIsClean(t *testing.T) {
	db := memDB(t)
	if _, err := demo.Fill(ctx, db, testNow, 7); err != nil {
		t.Fatalf("demo.Fill => %v", err)
	}
	rep := must[CheckReport](t, "check")(db.Check(ctx))
	if !rep.OK() {
		t.Fatalf("Check(demo store) => problems %q, want none", rep.Problems)
	}
	if rep.ByKind["participant"] == 0 || rep.ByKind["referral"] == 0 || rep.Indexes == 0 || rep.Events == 0 {
		t.Errorf("Check(demo) read %+v, want every kind", rep)
	}
}

// TestCheckNamesDamage: damage that leaves the store readable is named by
// Check: an index key lost, a stray index key, a record written with no
// audit event, an unreadable record.
func TestCheckNamesDamage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(db *DB, p store.Participant)
		want   string
	}{
		{"index key lost", func(db *DB, p store.Participant) {
			db.bdb.Update(func(txn *badger.Txn) error { return txn.Delete([]byte(participantIndex(p)[1])) })
		}, "is missing its index key"},
		{"stray index key", func(db *DB, p store.Participant) {
			db.rawSet([]byte(ixPartStatus+"engaging"+sep+"P-0999"), nil)
		}, "points to no record"},
		{"record without its event", func(db *DB, p store.Participant) {
			q := p
			q.ID = "P-0777"
			b, _ := jsonBytes(q)
			db.rawSet([]byte(pfxParticipant+q.ID), b)
			for _, k := range participantIndex(q) {
				db.rawSet([]byte(k), nil)
			}
		}, "P-0777 has no audit event"},
		{"unreadable record", func(db *DB, p store.Participant) {
			db.rawSet([]byte(pfxParticipant+p.ID), []byte("{half a rec"))
		}, "unreadable"},
		{"goal updated without an event", func(db *DB, p store.Participant) {
			g, _ := db.CreateGoal(ctx, cm, store.Goal{ParticipantID: p.ID, Words: "a job", Domain: store.DomainIncome})
			g.Version = 5
			b, _ := jsonBytes(g)
			db.rawSet([]byte(pfxGoal+g.ID), b)
		}, "at version 5 but the audit trail records 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := memDB(t)
			p := mustParticipant(t, db, "Ana", "casey")
			mustParticipant(t, db, "Bo", "casey")
			if rep := must[CheckReport](t, "check")(db.Check(ctx)); !rep.OK() {
				t.Fatalf("Check(intact) => %q", rep.Problems)
			}
			tc.damage(db, p)
			rep := must[CheckReport](t, "check")(db.Check(ctx))
			if rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), tc.want) {
				t.Errorf("Check(%s) => %q, want a problem saying %q", tc.name, rep.Problems, tc.want)
			}
		})
	}
}

// TestVerifyChecksumCost times Badger's VerifyChecksum at open on the demo
// store and on a store of 2,000 participants (10 contacts each). Figures
// only (no timing assertion): go test -run VerifyChecksumCost -v -long.
func TestVerifyChecksumCost(t *testing.T) {
	if !*long {
		t.Skip("a measurement: run with -long -v")
	}
	demoDB, dir := demoStore(t)
	demoDB.Close()
	big := t.TempDir()
	if err := bulkLoad(big, 2000, 10); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, dir string }{{"demo", dir}, {"2000 participants", big}} {
		openStart := time.Now()
		db, err := Open(c.dir, Options{Now: fixedClock})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: Open (every table verified block by block first) %v", c.name, time.Since(openStart))
		start := time.Now()
		err = db.bdb.VerifyChecksum()
		took := time.Since(start)
		start = time.Now()
		rep, cerr := db.Check(ctx)
		tookCheck := time.Since(start)
		db.Close()
		if err != nil || cerr != nil {
			t.Fatalf("%s: VerifyChecksum => %v, Check => %v", c.name, err, cerr)
		}
		t.Logf("%s: VerifyChecksum %v, whole Check %v (%d records, %d index keys, %d events, %d problems)",
			c.name, took, tookCheck, rep.Records, rep.Indexes, rep.Events, len(rep.Problems))
	}
}

// TestByteFlipsAreDetected flips one byte at a time, at many offsets, in
// the files of a store caught as a kill -9 leaves it (tables, value log,
// memtable log, MANIFEST), and shows each flip is detected by Open, by
// Open's damage report or by Check, or changed no stored byte at all: no
// flip loses or alters records silently.
func TestByteFlipsAreDetected(t *testing.T) {
	perFile := 2
	// Tiny tables: many tables, and values over 1 KiB in the value log,
	// so that flips land in every kind of file.
	tinyTables = true
	defer func() { tinyTables = false }()
	var dir string
	if *flips > 0 { // the long run: the demo site, many offsets
		perFile = *flips
		var db *DB
		db, dir = demoStore(t)
		db.Close() // flushes the demo into tables
	} else {
		dir = t.TempDir()
		if err := bulkLoad(dir, 200, 3); err != nil {
			t.Fatal(err)
		}
	}
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	note := strings.Repeat("Met at the day center; talked about the housing list. ", 30) // to the value log
	for i := 0; i < 30; i++ {                                                            // newest writes sit in the memtable log
		p := mustParticipant(t, db, fmt.Sprint("Late ", i), "casey")
		must[store.Contact](t, "contact")(db.CreateContact(ctx, cm, store.Contact{ParticipantID: p.ID, Date: day(2025, 3, 1),
			Kind: store.ContactPhone, Author: "casey", Sensitivity: store.General, Note: note}))
	}
	// What a kill -9 leaves: the store open, logs unflushed. A copy of a
	// live store is not atomic (a compaction may delete a table while it
	// is copied): copy again until the copy opens sound.
	var snap string
	for try := 0; ; try++ {
		snap = t.TempDir()
		head, _ := os.ReadFile(filepath.Join(dir, headFileName))
		if liveCopy(dir, snap) == nil {
			os.WriteFile(filepath.Join(snap, headFileName), head, 0o600)
			if soundCopy(t, snap) {
				break
			}
		}
		if try == 20 {
			t.Fatal("no sound copy of the live store after 20 tries")
		}
		time.Sleep(50 * time.Millisecond)
	}
	db.Close()

	pristine := dumpDir(t, snap)
	var files []string
	for _, e := range must[[]os.DirEntry](t, "readdir")(os.ReadDir(snap)) {
		n := e.Name()
		if strings.HasSuffix(n, ".sst") || strings.HasSuffix(n, ".vlog") || strings.HasSuffix(n, ".mem") || n == "MANIFEST" {
			files = append(files, n)
		}
	}
	sort.Strings(files)
	counts := map[string]int{}
	for _, f := range files {
		b := must[[]byte](t, "read")(os.ReadFile(filepath.Join(snap, f)))
		extent := len(bytes.TrimRight(b, "\x00")) // the bytes written; the rest is preallocated zeros
		if extent == 0 {
			continue
		}
		for i := 0; i < perFile; i++ {
			off := i * extent / perFile
			if i == perFile-1 {
				off = extent - 1
			}
			how := flipOne(t, snap, pristine, f, off)
			counts[how]++
			if how == "no effect" {
				t.Logf("flip at %s+%d (of %d written bytes): no stored key or value changed", f, off, extent)
			}
			if how == "silent" {
				t.Errorf("flip at %s+%d: records changed and nothing detected it", f, off)
			}
		}
	}
	t.Logf("byte flips in %d files (%s): %v", len(files), strings.Join(files, " "), counts)
}

// flipOne flips the byte at off of file in a copy of snap and says how it
// was caught: "open" (refused), "damage" (opened, damage reported),
// "check" (owg check), "no effect" (every stored key and value as before)
// or "silent".
func flipOne(t *testing.T, snap string, pristine map[string]string, file string, off int) string {
	t.Helper()
	dir := t.TempDir()
	copyDir(t, snap, dir)
	os.WriteFile(filepath.Join(dir, headFileName), must[[]byte](t, "head")(os.ReadFile(filepath.Join(snap, headFileName))), 0o600)
	p := filepath.Join(dir, file)
	b := must[[]byte](t, "read")(os.ReadFile(p))
	b[off] ^= 0xff
	os.WriteFile(p, b, 0o600)
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		return "open"
	}
	defer db.Close()
	if len(db.Damage()) > 0 {
		return "damage"
	}
	rep, err := db.Check(ctx)
	if err != nil || !rep.OK() {
		return "check"
	}
	now := dumpDB(t, db)
	if len(now) == len(pristine) {
		same := true
		for k, v := range pristine {
			if now[k] != v {
				same = false
				break
			}
		}
		if same {
			return "no effect"
		}
	}
	return "silent"
}

// dumpDir opens a copy of dir and returns every key and value.
func dumpDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	tmp := t.TempDir()
	copyDir(t, dir, tmp)
	db, err := Open(tmp, Options{Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return dumpDB(t, db)
}

func dumpDB(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, _ := it.Item().ValueCopy(nil)
			out[string(it.Item().Key())] = string(v)
		}
		return nil
	})
	return out
}

func jsonBytes(v any) ([]byte, error) { return json.Marshal(v) }

// liveCopy copies the files of a live store, skipping the ones it deletes meanwhile.
func liveCopy(src, dst string) error {
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if e.IsDir() || e.Name() == "LOCK" || e.Name() == headFileName {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// soundCopy reports whether a copy of dir opens without damage and checks clean.
func soundCopy(t *testing.T, dir string) bool {
	tmp := t.TempDir()
	copyDir(t, dir, tmp)
	os.WriteFile(filepath.Join(tmp, headFileName), must[[]byte](t, "head")(os.ReadFile(filepath.Join(dir, headFileName))), 0o600)
	db, err := Open(tmp, Options{Now: fixedClock})
	if err != nil {
		return false
	}
	defer db.Close()
	rep, err := db.Check(ctx)
	return err == nil && rep.OK() && len(db.Damage()) == 0
}
