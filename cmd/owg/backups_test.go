package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/backupset"
)

// waitBackups waits until dir holds at least n backup files with checksums.
func waitBackups(t *testing.T, dir string, n int) []backupset.Entry {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		list, _ := backupset.List(dir)
		ok := 0
		for _, e := range list {
			if _, err := os.Stat(e.Path(dir) + backupset.SumExt); err == nil {
				ok++
			}
		}
		if ok >= n {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d backups in %s after 15s, want %d", ok, dir, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// completeSeq is the highest sequence number of a backup in dir that has
// its checksum (0: none).
func completeSeq(dir string) int {
	list, _ := backupset.List(dir)
	n := 0
	for _, e := range list {
		if _, err := os.Stat(e.Path(dir) + backupset.SumExt); err == nil && e.Seq > n {
			n = e.Seq
		}
	}
	return n
}

// waitBackupAfterNow waits for a backup of dir that surely began after
// this call (the runner takes one at a time: the second one completed
// after now), and returns it. poke writes something meanwhile, so that
// backup is not discarded for holding nothing new.
func waitBackupAfterNow(t *testing.T, dir string, poke func()) backupset.Entry {
	t.Helper()
	n := completeSeq(dir)
	deadline := time.Now().Add(30 * time.Second)
	for completeSeq(dir) < n+2 {
		if time.Now().After(deadline) {
			t.Fatalf("no backup in %s after %d within 30s", dir, n+1)
		}
		poke()
		time.Sleep(100 * time.Millisecond)
	}
	list, _ := backupset.List(dir)
	for _, e := range list {
		if e.Seq == n+2 {
			return e
		}
	}
	t.Fatalf("backup %d of %s not listed", n+2, dir)
	return backupset.Entry{}
}

func TestContinuousBackupsRestore(t *testing.T) {
	dir := demoDir(t)
	bdir := filepath.Join(t.TempDir(), "backups")
	keyFile := filepath.Join(t.TempDir(), "backup.key")
	os.WriteFile(keyFile, []byte(strings.Repeat("k", 32)), 0o600)
	s := startServe(t, dir, "--backup-dir", bdir, "--backup-every", "100ms", "--backup-key-file", keyFile)
	list := waitBackups(t, bdir, 1)
	if list[0].Kind != backupset.KindFull || !list[0].Header.Encrypted {
		t.Fatalf("first backup %+v, want an encrypted full", list[0])
	}
	want(t, owg(t, nil, "--data", dir, "who"), 0, "last backup: ", bdir)
	// A write after the full backup reaches the backups as an increment.
	csv := "id,received,kind,name,dob,offense,impairment,warrant\nR-0950,2026-03-01,arrest_diversion,Cy Three,1982-01-01,trespass,1,no\n"
	want(t, owg(t, strings.NewReader(csv), "--data", dir, "referral", "import", "-"), 0, "imported 1")
	// a backup begun after the import returned holds it (one begun before
	// may hold only what the server wrote meanwhile: the who's audit)
	pokes := 0
	poke := func() { // a write of its own, so no backup is discarded as empty
		pokes++
		row := strings.Replace(csv, "R-0950", fmt.Sprintf("R-%04d", 960+pokes), 1)
		want(t, owg(t, strings.NewReader(row), "--data", dir, "referral", "import", "-"), 0, "imported 1")
	}
	if e := waitBackupAfterNow(t, bdir, poke); e.Kind != backupset.KindIncr {
		t.Fatalf("the backup after the import %+v, want an increment", e)
	}
	// A second write, whose increment the "killed" server never finished:
	// its file is cut short and has no checksum, and a temporary file lies
	// beside it.
	csv2 := strings.Replace(csv, "R-0950", "R-0951", 1)
	want(t, owg(t, strings.NewReader(csv2), "--data", dir, "referral", "import", "-"), 0, "imported 1")
	last0 := completeSeq(bdir)
	for deadline := time.Now().Add(30 * time.Second); completeSeq(bdir) <= last0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no backup after the second import within 30s")
		}
	}
	s.stop()
	list, _ = backupset.List(bdir)
	// Nothing of this backup set holds a participant's name in the clear.
	for _, e := range list {
		b, _ := os.ReadFile(e.Path(bdir))
		if strings.Contains(string(b), "Cy Three") {
			t.Fatalf("%s holds plaintext", e.Name)
		}
	}
	last := list[len(list)-1]
	b, _ := os.ReadFile(last.Path(bdir))
	os.WriteFile(last.Path(bdir), b[:len(b)/2], 0o600)
	os.Remove(last.Path(bdir) + backupset.SumExt)
	os.WriteFile(filepath.Join(bdir, ".tmp-owg-killed"), b[:10], 0o600)

	// Restore without the key: refused plainly.
	r := owg(t, nil, "--data", filepath.Join(t.TempDir(), "nokey"), "restore", bdir)
	want(t, r, 1, "encrypted")
	into := filepath.Join(t.TempDir(), "restored")
	r = owg(t, nil, "--data", into, "restore", "--backup-key-file", keyFile, bdir)
	want(t, r, 0, "restored "+bdir, "increment(s)", "up to ", "audit trail intact", "the backup's audit anchor ")
	want(t, r, 0, "not restored: "+last.Name)
	// the site's protocol file comes back with the store: the same version
	want(t, r, 0, "protocol file restored: "+filepath.Join(into, protocolFile))
	proto, _ := os.ReadFile(filepath.Join(dir, protocolFile))
	if got, err := os.ReadFile(filepath.Join(into, protocolFile)); err != nil || !bytes.Equal(got, proto) || len(proto) == 0 {
		t.Fatalf("protocol file restored from the backups: %v\n%s", err, got)
	}
	if strings.Contains(r.stderr, "protocol changed") {
		t.Errorf("the restored site changed protocol:\n%s", r)
	}
	rank := owg(t, nil, "--data", into, "referral", "rank", "--json")
	want(t, rank, 0, "R-0950")
	want(t, owg(t, nil, "--data", into, "audit", "--verify"), 0, "audit trail intact")
}

func TestConfigPrecedenceAndShow(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, configFileName), []byte("listen = \"127.0.0.1:2999\"\nmax_sessions = 7\n[backup]\nevery = \"5m\"\nkeep = 3\n"), 0o600)
	r := owg(t, nil, "--data", dir, "config", "show")
	want(t, r, 0, "listen", "127.0.0.1:2999", "file "+filepath.Join(dir, configFileName), "backup.every", "5m", "idle_timeout", "15m0s", "default", "--backup-keep / OWG_BACKUP_KEEP")

	// env over file, flag over env.
	app := func(env map[string]string, args ...string) result {
		t.Helper()
		var out, errb strings.Builder
		a := newApp(strings.NewReader(""), &out, &errb)
		a.Now = func() time.Time { return testNow }
		a.Getenv = func(k string) string { return env[k] }
		code := run(t.Context(), a, args)
		return result{code, out.String(), errb.String()}
	}
	r = app(map[string]string{"OWG_MAX_SESSIONS": "9", "OWG_DATA": dir}, "config", "show")
	want(t, r, 0, "env OWG_MAX_SESSIONS", "env OWG_DATA")
	if !strings.Contains(r.stdout, "max_sessions     9") && !strings.Contains(r.stdout, " 9 ") {
		t.Errorf("env did not win over the file:\n%s", r)
	}
	// Bad values and unknown keys: every one named, exit 2 from serve.
	os.WriteFile(filepath.Join(dir, configFileName), []byte("listen = 3\nbogus = 1\n[backup]\nevery = \"soon\"\n[tls]\nx = 1\n"), 0o600)
	r = owg(t, nil, "--data", dir, "config", "show")
	want(t, r, 1, "listen: want a string", "bogus: unknown key", "backup.every", `"soon" is not a duration`, "tls: unknown table")
	r = owg(t, nil, "--data", dir, "serve", "--listen", "127.0.0.1:0")
	want(t, r, 2, "bogus: unknown key")
	// --config names a file that must exist.
	r = owg(t, nil, "--data", dir, "config", "show", "--config", filepath.Join(dir, "nope.toml"))
	want(t, r, 1, "nope.toml")
	r = app(map[string]string{"OWG_IDLE_TIMEOUT": "0s", "OWG_DATA": dir, "OWG_CONFIG": filepath.Join(t.TempDir(), "none.toml")}, "config", "show")
	want(t, r, 1, "none.toml")
}

// failingBackup is a store whose backups fail.
type failingBackup struct{ err error }

func (f failingBackup) BackupSinceAnchored(io.Writer, uint64) (uint64, store.AuditAnchor, error) {
	return 0, store.AuditAnchor{}, f.err
}

func TestFailedBackupIsReported(t *testing.T) {
	dir := t.TempDir()
	told := make(chan error, 1)
	b := &backupRunner{st: failingBackup{errors.New("disk full")}, dir: dir, every: time.Hour, keep: 1,
		now: func() time.Time { return testNow }, log: log.New(io.Discard), onFail: func(err error) { told <- err }}
	b.status.Dir = dir
	b.once()
	select {
	case err := <-told:
		if !strings.Contains(err.Error(), "disk full") {
			t.Errorf("told %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the failure was not reported")
	}
	s := b.Status()
	if s.Err == nil || !s.Last.IsZero() {
		t.Errorf("status %+v, want the error and no last backup", s)
	}
	if line := describeBackup(s, time.UTC); !strings.Contains(line, "FAILED: disk full") || !strings.Contains(line, "none yet") {
		t.Errorf("describeBackup = %q", line)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) != 0 {
		t.Errorf("a failed backup left %v", m)
	}
}

func TestHostedPaths(t *testing.T) {
	local := &App{}
	if p, _ := local.path("a.csv"); p != "a.csv" {
		t.Errorf("direct: %q", p)
	}
	fwd := &App{host: &hostedRun{workDir: "/home/pm"}}
	for in, want := range map[string]string{"a.csv": "/home/pm/a.csv", "/tmp/b": "/tmp/b", "-": "-"} {
		if p, err := fwd.path(in); err != nil || p != want {
			t.Errorf("forwarded path(%q) = %q, %v => want %q", in, p, err, want)
		}
	}
	remote := &App{host: &hostedRun{actor: &store.SystemActor}}
	if _, err := remote.path("/etc/passwd"); err == nil {
		t.Error("over ssh a server file was allowed")
	}
	if p, err := remote.path("-"); err != nil || p != "-" {
		t.Errorf("over ssh -: %q %v", p, err)
	}
}

// --classic-kex has its row (flag, env, key); --pq-kex is still accepted
// (a no-op: the post-quantum exchange is the default) but contradicts
// --classic-kex, from whatever sources the two come.
func TestKexSettings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	os.MkdirAll(dir, 0o700)
	r := owg(t, nil, "--data", dir, "config", "show")
	want(t, r, 0, "classic_kex", "--classic-kex / OWG_CLASSIC_KEX", "pq_kex")
	os.WriteFile(filepath.Join(dir, configFileName), []byte("classic_kex = true\n"), 0o600)
	want(t, owg(t, nil, "--data", dir, "config", "show"), 0, "classic_kex", "true", "file "+filepath.Join(dir, configFileName))
	r = owg(t, nil, "--data", dir, "serve", "--listen", "127.0.0.1:0", "--pq-kex")
	want(t, r, 2, "classic_kex (from file "+filepath.Join(dir, configFileName)+") and pq_kex (from flag --pq-kex) contradict", "drop pq_kex")
	os.Remove(filepath.Join(dir, configFileName))
	var out, errb strings.Builder
	a := newApp(strings.NewReader(""), &out, &errb)
	a.Getenv = func(k string) string {
		return map[string]string{"OWG_DATA": dir, "OWG_CLASSIC_KEX": "1", "OWG_PQ_KEX": "true"}[k]
	}
	if code := run(t.Context(), a, []string{"config", "show"}); code != 1 || !strings.Contains(errb.String(), "from env OWG_CLASSIC_KEX") {
		t.Errorf("env classic + env pq => %d %s", code, errb.String())
	}
}

// TestContinuousBackupsOfAKeyedChain: a site whose audit chain is keyed
// (--audit-key-file) restores from its backup directory with that key, the
// newest file's anchor checked; without the key the restore is refused.
func TestContinuousBackupsOfAKeyedChain(t *testing.T) {
	dir := t.TempDir()
	akey := filepath.Join(t.TempDir(), "audit.key")
	os.WriteFile(akey, []byte(strings.Repeat("cd", 32)), 0o600)
	want(t, owg(t, nil, "--data", dir, "--audit-key-file", akey, "demo", "--seed", "1"), 0)
	bdir := filepath.Join(t.TempDir(), "backups")
	s := startServe(t, dir, "--audit-key-file", akey, "--backup-dir", bdir, "--backup-every", "100ms")
	list := waitBackups(t, bdir, 1)
	s.stop()
	_, tr, err := backupset.Verify(bdir, list[0], nil)
	if err != nil || tr.AuditHead == "" {
		t.Fatalf("first backup trailer %+v, %v => want its audit anchor", tr, err)
	}
	r := owg(t, nil, "--data", filepath.Join(t.TempDir(), "nokey"), "restore", bdir)
	want(t, r, 1, "--audit-key-file")
	into := filepath.Join(t.TempDir(), "restored")
	r = owg(t, nil, "--data", into, "--audit-key-file", akey, "restore", bdir)
	want(t, r, 0, "audit trail intact", "the backup's audit anchor ")
	want(t, owg(t, nil, "--data", into, "--audit-key-file", akey, "audit", "--verify"), 0, "audit trail intact")
}
