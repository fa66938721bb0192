package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
)

var long = flag.Bool("long", false, "import 100,000 rows in TestImportManyRows (default 3,000)")

// csvRows writes a referral CSV of n rows (every bad-th row with an
// unknown kind when bad > 0) and returns its path.
func csvRows(t *testing.T, n, bad int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,received,kind,name,dob,offense\n")
	for i := 1; i <= n; i++ {
		kind := "social_contact"
		if bad > 0 && i%bad == 0 {
			kind = "parole"
		}
		fmt.Fprintf(&b, "R-%06d,2026-01-%02d,%s,Person %d,1990-02-03,trespass\n", i, 1+i%28, kind, i)
	}
	p := filepath.Join(t.TempDir(), "referrals.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportManyRows: a large import arrives whole, as one audit event;
// the time is reported (100,000 rows with -long).
func TestImportManyRows(t *testing.T) {
	n := 3000
	if *long {
		n = 100000
	}
	dir := t.TempDir()
	path := csvRows(t, n, 0)
	start := time.Now()
	r := owg(t, nil, "--data", dir, "referral", "import", path)
	took := time.Since(start)
	want(t, r, 0, fmt.Sprintf("imported %d referrals", n))
	t.Logf("imported %d rows in %v", n, took.Round(time.Millisecond))
	r = owg(t, nil, "--data", dir, "audit", "--json")
	if got := strings.Count(r.stdout, `"action": "create"`); got != 1 {
		t.Errorf("create events after one import => %d, want 1\n%.400s", got, r.stdout)
	}
	want(t, owg(t, nil, "--data", dir, "check"), 0, "store sound", fmt.Sprintf("%d referrals", n))
}

// TestImportNamesEveryBadRow: more bad rows than a screenful go, every one
// of them, to a report file next to the input; nothing is imported.
func TestImportNamesEveryBadRow(t *testing.T) {
	dir := t.TempDir()
	path := csvRows(t, 3000, 10) // 300 bad rows
	r := owg(t, nil, "--data", dir, "referral", "import", path)
	want(t, r, 1, "300 error(s); nothing imported", path+".errors.txt")
	b, err := os.ReadFile(path + ".errors.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(b), "\n"); got != 300 {
		t.Errorf("report file => %d lines, want 300", got)
	}
	if !strings.Contains(string(b), "line 3001") {
		t.Errorf("report file lacks the last bad row (line 3001):\n%.300s", b)
	}
	if fi, _ := os.Stat(path + ".errors.txt"); fi.Mode().Perm() != 0o600 {
		t.Errorf("report file mode => %#o, want 0600", fi.Mode().Perm())
	}
	if got := strings.Count(r.stderr, "\n"); got > 60 {
		t.Errorf("stderr => %d lines, want a screenful", got)
	}
}

var anchorRe = regexp.MustCompile(`audit anchor ([0-9]+:[0-9a-f]{64})`)

// TestBackupAnchorCheckRepairCLI: a backup names its anchor; audit
// --verify --anchor holds on the store and on its restore; check says the
// store is sound; a damaged store makes check exit 1, serve refuse, and
// repair gets past it keeping a copy.
func TestBackupAnchorCheckRepairCLI(t *testing.T) {
	dir := t.TempDir()
	want(t, owg(t, nil, "--data", dir, "demo"), 0)
	bak := filepath.Join(t.TempDir(), "site.owgbak")
	r := owg(t, nil, "--data", dir, "backup", bak)
	want(t, r, 0, "backup written", "not encrypted")
	m := anchorRe.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("backup printed no anchor:\n%s", r)
	}
	want(t, owg(t, nil, "--data", dir, "audit", "--verify", "--anchor", m[1]), 0, "audit trail intact", "holds the anchored event "+m[1])
	want(t, owg(t, nil, "--data", dir, "check"), 0, "store sound")

	// A backup sealed with a key of its own needs it to restore.
	key := filepath.Join(t.TempDir(), "backup.key")
	os.WriteFile(key, []byte(strings.Repeat("ab", 32)), 0o600)
	sealed := filepath.Join(t.TempDir(), "sealed.owgbak")
	want(t, owg(t, nil, "--data", dir, "backup", "--backup-key-file", key, sealed), 0, "encrypted")
	if b, _ := os.ReadFile(sealed); strings.Contains(string(b), "Participant") || len(b) < 1000 {
		t.Errorf("sealed backup holds plain text or is too small (%d bytes)", len(b))
	}
	dst := filepath.Join(t.TempDir(), "restored")
	want(t, owg(t, nil, "--data", dst, "restore", sealed), 1, "encrypted: give the key")
	want(t, owg(t, nil, "--data", dst, "restore", "--backup-key-file", key, sealed), 0, "restored")
	want(t, owg(t, nil, "--data", dst, "audit", "--verify", "--anchor", m[1]), 0, "holds the anchored event")
	// A cut backup is refused and writes nothing.
	b, _ := os.ReadFile(bak)
	cut := filepath.Join(t.TempDir(), "cut.owgbak")
	os.WriteFile(cut, b[:len(b)/2], 0o600)
	dst2 := filepath.Join(t.TempDir(), "r2")
	want(t, owg(t, nil, "--data", dst2, "restore", cut), 1, "cut short")
	if _, err := os.Stat(dst2); err == nil {
		t.Errorf("a refused restore left %s behind", dst2)
	}

	// Damage: an index key lost (owg's own bug or a disk), then the
	// committed writes past a snapshot lost.
	db, err := badgerstore.Open(dst, badgerstore.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateParticipant(context.Background(), store.SystemActor, store.Participant{Name: "x", DOB: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC),
		EnrolledOn: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), CaseManager: "x", Status: store.StatusEngaging}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	head, _ := os.ReadFile(filepath.Join(dst, "audit-head"))
	os.WriteFile(filepath.Join(dst, "audit-head"), []byte(strings.Replace(string(head), strings.SplitN(string(head), ":", 2)[0], "999999", 1)), 0o600)
	r = owg(t, nil, "--data", dst, "check")
	want(t, r, 1, "DAMAGE: committed writes are missing", "owg repair")
	want(t, owg(t, nil, "--data", dst, "serve", "--listen", "127.0.0.1:0"), 1, "not serving a damaged store")
	r = owg(t, nil, "--data", dst, "repair")
	want(t, r, 0, "accepted: committed writes are missing", "recovered-")
	want(t, owg(t, nil, "--data", dst, "check"), 0, "store sound")
}

// TestAuditKeyFile: with --audit-key-file the chain is keyed; the store
// then needs that key, and an encrypted store's chain is keyed by a key
// derived from its encryption key.
func TestAuditKeyFile(t *testing.T) {
	dir := t.TempDir()
	keys := t.TempDir()
	akey := filepath.Join(keys, "audit.key")
	os.WriteFile(akey, []byte(strings.Repeat("cd", 32)), 0o600)
	want(t, owg(t, nil, "--data", dir, "--audit-key-file", akey, "backup", filepath.Join(t.TempDir(), "b")), 0) // a backup is one audited write
	want(t, owg(t, nil, "--data", dir, "--audit-key-file", akey, "audit", "--verify"), 0, "audit trail intact")
	want(t, owg(t, nil, "--data", dir, "audit", "--verify"), 1, "audit trail is keyed", "--audit-key-file")
	other := filepath.Join(keys, "other.key")
	os.WriteFile(other, []byte(strings.Repeat("ef", 32)), 0o600)
	want(t, owg(t, nil, "--data", dir, "--audit-key-file", other, "audit", "--verify"), 1, "not the one")

	enc := t.TempDir()
	ekey := filepath.Join(keys, "store.key")
	os.WriteFile(ekey, []byte(strings.Repeat("01", 32)), 0o600)
	want(t, owg(t, nil, "--data", enc, "--key-file", ekey, "backup", filepath.Join(t.TempDir(), "b")), 0) // a backup is one audited write
	r := owg(t, nil, "--data", enc, "--key-file", ekey, "audit", "--json")
	if !strings.Contains(r.stdout, `"chain": "hmac-sha256"`) {
		t.Errorf("encrypted store's events are not keyed:\n%.300s", r.stdout)
	}
}

// TestStdinImportListsEveryBadRowOnStderr: an import from standard input
// has no file to put a report beside: every bad row goes to stderr (the
// process the user ran writes it), and no "-.errors.txt" appears in the
// working directory, nor, forwarded, in the server's.
func TestStdinImportListsEveryBadRowOnStderr(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(csvRows(t, 600, 10)) // 60 bad rows
	if err != nil {
		t.Fatal(err)
	}
	cwd, _ := os.Getwd()
	stray := filepath.Join(cwd, "-.errors.txt")
	r := owg(t, bytes.NewReader(data), "--data", dir, "referral", "import", "-")
	if _, err := os.Stat(stray); err == nil {
		os.Remove(stray)
		t.Fatalf("a report file was written into the working directory:\n%s", r)
	}
	want(t, r, 1, "-: 60 error(s); nothing imported", "every bad row is listed above")
	if got := strings.Count(r.stderr, "\nline ") + 1; got != 60 || !strings.Contains(r.stderr, "line 601") {
		t.Errorf("stderr => %d bad rows, want all 60 up to line 601:\n%s", got, r.stderr)
	}

	// As the server runs it for a client in another directory: a stdin
	// import writes no file at all, a file's report goes beside the file
	// (the client's directory), never into the server's working directory.
	errs := make([]store.RowError, 60)
	for i := range errs {
		errs[i] = store.RowError{Line: i + 2, Column: "kind", Msg: "bad"}
	}
	client := t.TempDir()
	var out, errb bytes.Buffer
	app := newApp(strings.NewReader(""), &out, &errb)
	app.host = &hostedRun{dataDir: dir, workDir: client}
	err = reportRowErrors(app, "-", errs)
	if _, serr := os.Stat(stray); serr == nil {
		os.Remove(stray)
		t.Fatalf("the server wrote a report into its own directory: %v", err)
	}
	if ents, _ := os.ReadDir(client); len(ents) != 0 || strings.Count(errb.String(), "line ") != 60 {
		t.Fatalf("stdin, hosted: %d files in the client's directory, stderr:\n%s", len(ents), errb.String())
	}
	errb.Reset()
	err = reportRowErrors(app, "in.csv", errs)
	if _, serr := os.Stat(filepath.Join(cwd, "in.csv.errors.txt")); serr == nil {
		os.Remove(filepath.Join(cwd, "in.csv.errors.txt"))
		t.Fatalf("the server wrote a report into its own directory: %v", err)
	}
	if b, rerr := os.ReadFile(filepath.Join(client, "in.csv.errors.txt")); rerr != nil || strings.Count(string(b), "\n") != 60 {
		t.Fatalf("the report beside the client's file: %v (%d lines); %v", rerr, strings.Count(string(b), "\n"), err)
	}
	if !strings.Contains(err.Error(), "every bad row is listed in in.csv.errors.txt") {
		t.Errorf("hosted file import => %v", err)
	}
}

// TestEncryptedDamagedTableRefusesWrites: a byte flipped in a block of an
// encrypted store's table is refused at open, naming the table and `owg
// repair`, as a plain store's is: a write never reaches the damaged store.
func TestEncryptedDamagedTableRefusesWrites(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	keyFile := filepath.Join(t.TempDir(), "store.key")
	key := bytes.Repeat([]byte{5}, 32)
	if err := os.WriteFile(keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := badgerstore.Open(dir, badgerstore.Options{Key: key, AuditKey: badgerstore.DeriveAuditKey(key), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for i := range 20 {
		p, err := db.CreateParticipant(context.Background(), store.SystemActor, store.Participant{Name: fmt.Sprint("P", i), DOB: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC),
			EnrolledOn: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), CaseManager: "x", Status: store.StatusEngaging})
		if err != nil {
			t.Fatal(err)
		}
		id = p.ID
	}
	db.Close()
	ssts, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	if len(ssts) == 0 {
		t.Fatal("no table")
	}
	b, _ := os.ReadFile(ssts[0])
	b[40] ^= 0xff
	os.WriteFile(ssts[0], b, 0o600)
	name := filepath.Base(ssts[0])
	r := owg(t, nil, "--data", dir, "--key-file", keyFile, "contact", "add", id, "--kind", "phone", "--note", "x")
	want(t, r, 1, name+": a block fails its checksum", "owg repair")
	want(t, owg(t, nil, "--data", dir, "--key-file", keyFile, "check"), 1, name+": a block fails its checksum")
	want(t, owg(t, nil, "--data", dir, "--key-file", keyFile, "repair"), 0, name+" is damaged")
}
