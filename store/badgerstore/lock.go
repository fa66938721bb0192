package badgerstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/leadtable/owg/store"
)

// lockFileName is owg's own lock on a data directory. Badger locks the
// directory too, but only inside badger.Open: owg's crash recovery and
// repair run before that and move aside files that look like a crash's
// leftovers (a table the MANIFEST does not list yet, a memtable log being
// created), which in a store another process has open are its live files.
// This lock is taken before anything touches a file and held until Close.
const lockFileName = "owg.lock"

// errLockBusy is what lockFile returns when another process holds the lock.
var errLockBusy = errors.New("lock held")

// dirLock is a held lock on a data directory.
type dirLock struct{ f *os.File }

// lockDir takes the exclusive lock on dir without waiting. A store held by
// another process gives an error wrapping store.ErrLocked.
func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, lockFileName)
	// A lock file removed and made again between our open and our lock
	// (a failed restore cleaning up) is a different file: lock it anew.
	for range 10 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("lock the store in %s: %w", dir, err)
		}
		if err := lockFile(f); err != nil {
			f.Close()
			if errors.Is(err, errLockBusy) {
				return nil, fmt.Errorf("%s: %w", dir, store.ErrLocked)
			}
			return nil, fmt.Errorf("lock the store in %s: %w", dir, err)
		}
		held, herr := f.Stat()
		now, nerr := os.Stat(path)
		if herr == nil && nerr == nil && os.SameFile(held, now) {
			return &dirLock{f: f}, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("lock the store in %s: its lock file keeps being replaced", dir)
}

// release drops the lock (closing the file releases it). Nil-safe.
func (l *dirLock) release() {
	if l != nil && l.f != nil {
		l.f.Close()
		l.f = nil
	}
}
