package main

import (
	"os"
	"path/filepath"
	"testing"
)

// OWG_CPUPROFILE names the file a run's CPU profile goes to, written when
// it stops; unset, nothing is profiled or written.
func TestCPUProfileFromTheEnvironment(t *testing.T) {
	stop, err := startCPUProfile(func(string) string { return "" })
	if err != nil || stop() != nil {
		t.Fatalf("unset: %v => want no profile and no error", err)
	}
	path := filepath.Join(t.TempDir(), "owg.pprof")
	stop, err = startCPUProfile(func(k string) string {
		if k == cpuProfileEnv {
			return path
		}
		return ""
	})
	if err != nil {
		t.Skipf("profiling unavailable here: %v", err) // e.g. go test -cpuprofile
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Errorf("profile %s: %v => want a written profile", path, err)
	}
	if _, err := startCPUProfile(func(string) string { return filepath.Join(t.TempDir(), "no", "such", "dir", "p") }); err == nil {
		t.Error("an unwritable path => want an error naming OWG_CPUPROFILE")
	}
}
