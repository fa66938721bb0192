package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leadtable/owg/store/backupset"
)

// helperServeEnv makes the test binary run `owg` with the arguments it
// holds (separated by the unit separator, 0x1f) instead of the tests: a server the test can kill.
const helperServeEnv = "OWG_TEST_HELPER_ARGS"

// helperServe runs owg in this process with the test clock.
func helperServe(args []string) int {
	app := newApp(os.Stdin, os.Stdout, os.Stderr)
	app.Now = func() time.Time { return testNow }
	app.Getenv = func(k string) string {
		if k == helperServeEnv {
			return ""
		}
		return os.Getenv(k)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	return run(ctx, app, args)
}

func TestKilledMidBackupRestores(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	dir := demoDir(t)
	bdir := filepath.Join(t.TempDir(), "bk")
	keyFile := filepath.Join(t.TempDir(), "k")
	os.WriteFile(keyFile, []byte(strings.Repeat("q", 32)), 0o600)
	args := []string{"--data", dir, "serve", "--listen", "127.0.0.1:0",
		"--backup-dir", bdir, "--backup-every", "15ms", "--backup-key-file", keyFile}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperServeEnv+"="+strings.Join(args, "\x1f"), "HOME="+t.TempDir())
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, adminSocketName)); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Imports through the server while it backs up every 15ms, then
	// SIGKILL: no shutdown, no chance to finish a backup in progress.
	imported := 0
	for i := range 12 {
		csv := fmt.Sprintf("id,received,kind,name,dob,offense,impairment,warrant\nR-%04d,2026-03-01,arrest_diversion,Kay Kill,1980-01-01,trespass,1,no\n", 970+i)
		r := owg(t, strings.NewReader(csv), "--data", dir, "referral", "import", "-")
		if r.code != 0 {
			t.Fatalf("import through the server: %s", r)
		}
		imported++
		time.Sleep(time.Duration(5+i*3) * time.Millisecond)
	}
	// Backups go on every 15ms; under load (-race, a busy machine) the
	// first full one can take longer than the imports: wait for two files
	// (a full and an increment) before the kill, which then lands while
	// later increments are being written.
	// One more backup file after the imports, so the restore holds them.
	// A backup with nothing new is discarded, so one more import after the
	// listing gives the server something the next backup must hold (the
	// last import may be in the files listed already).
	before, _ := backupset.List(bdir)
	csv := "id,received,kind,name,dob,offense,impairment,warrant\nR-0990,2026-03-01,arrest_diversion,Kay Kill,1980-01-01,trespass,1,no\n"
	if r := owg(t, strings.NewReader(csv), "--data", dir, "referral", "import", "-"); r.code != 0 {
		t.Fatalf("import through the server: %s", r)
	}
	imported++
	for deadline := time.Now().Add(60 * time.Second); ; {
		// complete: the file and its checksum (written just after it)
		complete := 0
		list, _ := backupset.List(bdir)
		for _, b := range list {
			if _, err := os.Stat(filepath.Join(bdir, b.Name+backupset.SumExt)); err == nil {
				complete++
			}
		}
		if complete >= max(2, len(before)+1) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no two backups within a minute:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true
	list, err := backupset.List(bdir)
	if err != nil || len(list) < 2 {
		t.Fatalf("%d backups (%v):\n%s", len(list), err, logs.String())
	}
	// The killed server's socket is stale: the CLI opens the store itself.
	want(t, owg(t, nil, "--data", dir, "audit", "--verify"), 0, "audit trail intact")
	into := filepath.Join(t.TempDir(), "restored")
	r := owg(t, nil, "--data", into, "restore", "--backup-key-file", keyFile, bdir)
	want(t, r, 0, "up to ", "audit trail intact")
	// Everything the last complete backup holds is back: at least the
	// imports before it (the first 12 minus those after the last backup).
	rank := owg(t, nil, "--data", into, "referral", "rank", "--json")
	if !strings.Contains(rank.stdout, "R-0970") {
		t.Fatalf("the restore lacks R-0970, imported before the last backup\nrestore: %s\nbackups: %+v", r, list)
	}
	want(t, owg(t, nil, "--data", into, "audit", "--verify"), 0, "audit trail intact")
	tmps, _ := filepath.Glob(filepath.Join(bdir, ".tmp-*"))
	t.Logf("%d backup files, %d left half-written, %d imports before the kill", len(list), len(tmps), imported)
}
