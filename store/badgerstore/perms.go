package badgerstore

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Files owg (and Badger, which creates its files 0666 less the umask)
// writes in the data directory are kept 0600 and directories 0700, so no
// other local user can read participant data, whatever mode an operator's
// mkdir gave the directory.

// tightenDir makes dir 0700 if group or others had any access, and
// returns a note saying so (empty when nothing changed).
func tightenDir(dir string) (string, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("data directory: %w", err)
	}
	if fi.Mode().Perm()&0o077 == 0 {
		return "", nil
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", fmt.Errorf("data directory %s is readable by other users (%#o) and owg cannot tighten it: %w", dir, fi.Mode().Perm(), err)
	}
	n := tightenFiles(dir)
	return fmt.Sprintf("data directory %s was open to other users (%#o): tightened to 0700, and %d files in it to 0600",
		dir, fi.Mode().Perm(), n), nil
}

// tightenFiles makes every file under dir 0600 and every directory 0700,
// and returns how many it changed. Errors are ignored: a file may vanish
// (Badger deletes logs and tables) while it walks.
func tightenFiles(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if !fi.Mode().IsRegular() && !d.IsDir() {
			return nil
		}
		if fi.Mode().Perm() != want && fi.Mode().Perm()&0o077 != 0 {
			if os.Chmod(path, want) == nil {
				n++
			}
		}
		return nil
	})
	return n
}
