package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBackupRemovesItsStaleTemps: a kill -9 during `owg backup FILE`
// leaves an empty .FILE.tmp-NNNN beside FILE; the next backup to FILE
// removes it and says so. It never touches FILE's own temporary files
// written since this process started (another backup's, under way),
// names of another pattern, or another file's temporaries.
func TestBackupRemovesItsStaleTemps(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	bdir := t.TempDir()
	bak := filepath.Join(bdir, "site.owgbak")
	want(t, owg(t, nil, "--data", dir, "backup", bak), 0, "backup written")
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC) // before this process
	// name -> whether the backup removes it
	files := map[string]bool{
		".site.owgbak.tmp-1234567": true,
		".site.owgbak.tmp-42":      true,
		".site.owgbak.tmp-12ab":    false, // not os.CreateTemp's digits
		".other.owgbak.tmp-1234":   false, // another file's
		"site.owgbak.tmp-1234":     false, // not a dot file
		"notes.txt":                false,
	}
	for name := range files {
		p := filepath.Join(bdir, name)
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	// one written since the process started: a backup under way
	live := filepath.Join(bdir, ".site.owgbak.tmp-777")
	if err := os.WriteFile(live, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(live, processStart.Add(time.Hour), processStart.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	files[".site.owgbak.tmp-777"] = false
	// a directory of the pattern is not a file a backup left
	if err := os.Mkdir(filepath.Join(bdir, ".site.owgbak.tmp-99"), 0o700); err != nil {
		t.Fatal(err)
	}
	files[".site.owgbak.tmp-99"] = false

	r := owg(t, nil, "--data", dir, "backup", bak)
	want(t, r, 0, "backup written", "removed .site.owgbak.tmp-1234567", "removed .site.owgbak.tmp-42", "interrupted")
	for name, gone := range files {
		_, err := os.Lstat(filepath.Join(bdir, name))
		if gone && err == nil {
			t.Errorf("%s is still there after the next backup", name)
		}
		if !gone && err != nil {
			t.Errorf("%s was touched: %v", name, err)
		}
		if !gone && strings.Contains(r.stderr, "removed "+name+",") {
			t.Errorf("stderr says %s was removed:\n%s", name, r.stderr)
		}
	}
	if fi, err := os.Stat(bak); err != nil || fi.Size() == 0 {
		t.Errorf("backup %s => %v, %v", bak, fi, err)
	}
}
