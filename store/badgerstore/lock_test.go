package badgerstore

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leadtable/owg/store"
)

const lockChildEnv = "OWG_LOCK_CHILD_DIR"

// liveDebris puts into dir what a store another process has open holds
// now and then, and what a crash would also leave: a table its flush is
// writing that the MANIFEST does not list yet, and a memtable log being
// created (under its 20-byte header). Crash recovery moves such files
// aside; in a store held open they are the holder's live files.
func liveDebris(t *testing.T, dir string) []string {
	t.Helper()
	files := []string{"000999.sst", "00099.mem"}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("live"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// dirListing names every file under dir with its size.
func dirListing(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if !fi.IsDir() && rel != headFileName { // the head file is rewritten by the holder's commits
			out = append(out, fmt.Sprintf("%s %d", rel, fi.Size()))
		} else if fi.IsDir() {
			out = append(out, rel+"/")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// wantUntouched fails unless a second Open and Repair of dir, held by
// another store, are refused as in use and leave every file where it was.
func wantUntouched(t *testing.T, dir string, live []string) {
	t.Helper()
	before := dirListing(t, dir)
	db2, err := Open(dir, Options{Now: fixedClock})
	if err == nil {
		db2.Close()
	}
	wantIs(t, "second Open of a held store", err, store.ErrLocked)
	did, err := Repair(dir, Options{Now: fixedClock})
	wantIs(t, "Repair of a held store", err, store.ErrLocked)
	if len(did) > 0 {
		t.Errorf("Repair of a held store => did %q, want nothing done", did)
	}
	if after := dirListing(t, dir); !slices.Equal(before, after) {
		t.Errorf("files of the held store changed:\nbefore %q\nafter  %q", before, after)
	}
	for _, f := range live {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the holder's %s: %v, want it left where it is", f, err)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "recovered-*")); len(m) > 0 {
		t.Errorf("recovered folders made in a held store: %q", m)
	}
}

// TestSecondOpenMovesNothing: a store open in this process is refused to
// a second Open and to Repair with the in-use error, before either looks
// at a file: the holder's newest files stay where they are and it goes on
// writing.
func TestSecondOpenMovesNothing(t *testing.T) {
	db, dir := diskDB(t)
	mustParticipant(t, db, "Before", "casey")
	live := liveDebris(t, dir)
	wantUntouched(t, dir, live)
	mustParticipant(t, db, "After", "casey")
	if n := countParticipants(t, db); n != 2 {
		t.Errorf("participants in the held store => %d, want 2", n)
	}
	for _, f := range live {
		os.Remove(filepath.Join(dir, f))
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, notes, err := openWarn(t, dir)
	if err != nil {
		t.Fatalf("Open after the holder closed => %v, %q", err, notes)
	}
	if n := countParticipants(t, db); n != 2 {
		t.Errorf("participants after reopening => %d, want 2", n)
	}
}

// TestLockChild is the child of TestOpenHeldByAnotherProcess: it holds
// the store in $OWG_LOCK_CHILD_DIR open, says READY, writes one
// participant per line it reads, and closes at end of input.
func TestLockChild(t *testing.T) {
	dir := os.Getenv(lockChildEnv)
	if dir == "" {
		t.Skip("the child of TestOpenHeldByAnotherProcess")
	}
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	fmt.Println("READY")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if _, err := db.CreateParticipant(ctx, pm, newParticipant(in.Text(), "casey")); err != nil {
			fmt.Println("ERR", err)
			os.Exit(2)
		}
		fmt.Println("OK")
	}
	if err := db.Close(); err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	fmt.Println("CLOSED")
}

// TestOpenHeldByAnotherProcess: another process's store is refused as in
// use, by Open and by Repair, and none of its files are moved, whatever
// they look like; everything it acknowledged is in the store after it closes.
func TestOpenHeldByAnotherProcess(t *testing.T) {
	if os.Getenv(lockChildEnv) != "" {
		t.Skip("in the child")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockChild$")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	out := bufio.NewScanner(stdout)
	expect := func(want string) {
		t.Helper()
		if !out.Scan() || out.Text() != want {
			t.Fatalf("child said %q (%v), want %s", out.Text(), out.Err(), want)
		}
	}
	expect("READY")
	fmt.Fprintln(stdin, "Held One")
	expect("OK")
	live := liveDebris(t, dir)
	wantUntouched(t, dir, live)
	fmt.Fprintln(stdin, "Held Two")
	expect("OK")
	stdin.Close()
	expect("CLOSED")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child => %v", err)
	}
	for _, f := range live {
		os.Remove(filepath.Join(dir, f))
	}
	db, notes, err := openWarn(t, dir)
	if err != nil {
		t.Fatalf("Open after the child closed => %v, %q", err, notes)
	}
	if n := countParticipants(t, db); n != 2 {
		t.Errorf("participants the child acknowledged => %d, want 2", n)
	}
	if len(notes) > 0 && strings.Contains(strings.Join(notes, " "), "recovered-") {
		t.Errorf("notes => %q, want nothing moved", notes)
	}
}
