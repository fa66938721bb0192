package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
)

// TestClosingTheTerminalClosesTheStore: when the terminal the TUI runs in
// is closed (the kernel sends SIGHUP), owg ends as a quit does: it exits
// and leaves the store closed, with no memtable log for the next start to
// replay (the signal's default killed it and left one).
func TestClosingTheTerminalClosesTheStore(t *testing.T) {
	bin, dir := binaryOnDemo(t)
	cmd := exec.Command(bin, "--data", dir)
	cmd.Env = append(withoutTrace(os.Environ()), "TERM=xterm-256color")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	var got []byte
	buf := make([]byte, 32<<10)
	_ = f.SetReadDeadline(time.Now().Add(60 * time.Second))
	for !strings.Contains(ansi.Strip(string(got)), "Overdue") {
		n, err := f.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("no Today frame: %v; got %q", err, ansi.Strip(string(got)))
		}
	}
	go func() { done <- cmd.Wait() }()
	f.Close() // the terminal goes away
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("owg after its terminal closed: %v => want exit 0", err)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("owg still running 60 s after its terminal closed")
	}
	mems, _ := filepath.Glob(filepath.Join(dir, "*.mem"))
	if len(mems) > 0 {
		t.Errorf("memtable logs left after the terminal closed: %v => want none (store closed)", mems)
	}
}

// binaryOnDemo is the owg binary and a data directory holding the demo
// site (the test is skipped in -short mode, or when no binary builds).
func binaryOnDemo(t *testing.T) (bin, dir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := benchBinary()
	if err != nil {
		t.Skip(err)
	}
	return bin, demoDir(t)
}
