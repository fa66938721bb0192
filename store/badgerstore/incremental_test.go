package badgerstore

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// TestIncrementalBackupsAreSnapshots takes backups while users (a record
// and its key index, written in one transaction) are created, then
// restores every prefix of the chain: no restore may hold half a
// transaction, and the whole chain holds every user.
func TestIncrementalBackupsAreSnapshots(t *testing.T) {
	db, _ := diskDB(t)
	const users = 120
	keys := make([]string, users)
	fps := make([]string, users)
	for i := range keys {
		keys[i], fps[i] = authorizedKey(t)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range users {
			u := store.User{Name: fmt.Sprintf("u%03d", i), Role: store.RoleCaseManager, Keys: []string{keys[i]}, Active: true}
			if _, err := db.CreateUser(ctx, pm, u); err != nil {
				t.Errorf("CreateUser: %v", err)
				return
			}
		}
	})
	var streams [][]byte
	var since uint64
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		var b bytes.Buffer
		v, err := db.BackupSince(&b, since)
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, b.Bytes())
		since = v
	}
	if len(streams) < 3 {
		t.Logf("only %d backups while writing", len(streams))
	}
	check := func(n int) int {
		dir := filepath.Join(t.TempDir(), "r")
		rs := make([]io.Reader, n)
		for i := range n {
			rs[i] = bytes.NewReader(streams[i])
		}
		if err := Restore(dir, io.MultiReader(rs...), nil); err != nil {
			t.Fatalf("restore of %d streams: %v", n, err)
		}
		r, err := Open(dir, Options{Now: fixedClock})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		us, err := r.ListUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, u := range us {
			have[u.Name] = true
		}
		for i := range users {
			name := fmt.Sprintf("u%03d", i)
			u, err := r.UserByKey(ctx, fps[i])
			switch {
			case err == nil && u.Name != name:
				t.Errorf("%d streams: key of %s resolves to %s", n, name, u.Name)
			case err == nil && !have[name]:
				t.Errorf("%d streams: %s's key index without its record (a torn transaction)", n, name)
			case err != nil && have[name]:
				t.Errorf("%d streams: %s without its key index (a torn transaction): %v", n, name, err)
			}
		}
		return len(us)
	}
	step := max(1, len(streams)/8)
	for n := 1; n < len(streams); n += step {
		check(n)
	}
	if got := check(len(streams)); got != users {
		t.Errorf("the whole chain restores %d users, want %d", got, users)
	}
}

// TestBackupSinceNeverTearsATransaction writes pairs of keys far apart in
// one transaction each, into a store large enough to span several tables
// (so Badger's stream reads several key ranges), while backups run; every
// restored prefix of the chain must hold both keys of a pair or neither.
func TestBackupSinceNeverTearsATransaction(t *testing.T) {
	db, _ := diskDB(t)
	filler := bytes.Repeat([]byte("x"), 256)
	for b := range 40 {
		wb := db.bdb.NewWriteBatch()
		for i := range 1000 {
			if err := wb.Set(fmt.Appendf(nil, "m/filler/%02d/%04d", b, i), filler); err != nil {
				t.Fatal(err)
			}
		}
		if err := wb.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	const pairs = 400
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range pairs {
			err := db.bdb.Update(func(txn *badger.Txn) error {
				if err := txn.Set(fmt.Appendf(nil, "a/pair/%04d", i), filler); err != nil {
					return err
				}
				return txn.Set(fmt.Appendf(nil, "z/pair/%04d", i), filler)
			})
			if err != nil {
				t.Errorf("pair %d: %v", i, err)
				return
			}
		}
	}()
	var streams [][]byte
	var since uint64
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		var b bytes.Buffer
		v, err := db.BackupSince(&b, since)
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, b.Bytes())
		since = v
	}
	for n := 1; n <= len(streams); n++ {
		r, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
		if err != nil {
			t.Fatal(err)
		}
		rs := make([]io.Reader, n)
		for i := range n {
			rs[i] = bytes.NewReader(streams[i])
		}
		if err := r.Load(io.MultiReader(rs...), 16); err != nil {
			t.Fatal(err)
		}
		torn, whole := 0, 0
		r.View(func(txn *badger.Txn) error {
			for i := range pairs {
				_, ea := txn.Get(fmt.Appendf(nil, "a/pair/%04d", i))
				_, ez := txn.Get(fmt.Appendf(nil, "z/pair/%04d", i))
				if (ea == nil) != (ez == nil) {
					torn++
				} else if ea == nil {
					whole++
				}
			}
			return nil
		})
		r.Close()
		if torn > 0 {
			t.Fatalf("restoring %d of %d backups: %d pairs torn", n, len(streams), torn)
		}
		if n == len(streams) && whole != pairs {
			t.Fatalf("the whole chain holds %d pairs, want %d", whole, pairs)
		}
	}
	t.Logf("%d backups, no pair torn", len(streams))
}

// TestAnchoredStreamRestore: a continuous backup's stream restores with the
// audit head it was taken at as its anchor; an anchor the stream does not
// hold (another store's, or a forged one) is refused and leaves nothing.
func TestAnchoredStreamRestore(t *testing.T) {
	db, _ := diskDB(t)
	key, _ := authorizedKey(t)
	if _, err := db.CreateUser(ctx, pm, store.User{Name: "anchored", Role: store.RoleCaseManager, Keys: []string{key}, Active: true}); err != nil {
		t.Fatal(err)
	}
	var full bytes.Buffer
	_, head, err := db.BackupSinceAnchored(&full, 0)
	if err != nil {
		t.Fatal(err)
	}
	if head.Seq == 0 || head.Hash == "" {
		t.Fatalf("anchor %v => want the audit head", head)
	}
	for _, tc := range []struct {
		name   string
		anchor store.AuditAnchor
		ok     bool
	}{
		{"its own head", head, true},
		{"a forged hash", store.AuditAnchor{Seq: head.Seq, Hash: "00" + head.Hash[2:]}, false},
		{"a head past the stream", store.AuditAnchor{Seq: head.Seq + 5, Hash: head.Hash}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "r")
			info, err := RestoreWith(dir, bytes.NewReader(full.Bytes()), RestoreOptions{Anchor: tc.anchor, Now: fixedClock})
			if tc.ok {
				if err != nil || info.Legacy || info.Head != head {
					t.Fatalf("restore = %+v, %v => want it anchored at %v", info, err, head)
				}
				return
			}
			if err == nil {
				t.Fatalf("restore with anchor %v => want refused", tc.anchor)
			}
			if _, serr := os.Stat(filepath.Join(dir, "MANIFEST")); serr == nil {
				t.Errorf("a refused restore left a store behind in %s", dir)
			}
		})
	}
}
