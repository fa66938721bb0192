package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Backup writes a consistent full backup of the store to w (Badger's
// backup format, readable by Restore). Writers may go on meanwhile: the
// backup is a snapshot.
func (db *DB) Backup(w io.Writer) error {
	release, err := db.acquire()
	if err != nil {
		return err
	}
	defer release()
	// One snapshot: Badger's DB.Backup can tear a transaction committed
	// while it runs (see BackupSince).
	_, err = db.snapshotBackup(w, 0)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// Restore loads a backup from r into dir, which must be missing or empty
// (owg's own files such as protocol.toml and the SSH host key may be
// there), then verifies the result: an owg store whose audit
// chain is intact. key encrypts the restored store (nil: not encrypted).
// On any failure the files it wrote are removed again.
func Restore(dir string, r io.Reader, key []byte) (err error) {
	if dir == "" {
		return errors.New("restore: no data directory given")
	}
	ents, rerr := os.ReadDir(dir)
	if rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		return fmt.Errorf("restore: %w", rerr)
	}
	created := errors.Is(rerr, os.ErrNotExist)
	had := map[string]bool{}
	for _, e := range ents {
		if !ownFiles[e.Name()] && !strings.HasPrefix(e.Name(), ".") {
			return fmt.Errorf("restore: %s is not empty (%s): restore only into an empty or new data directory", dir, e.Name())
		}
		had[e.Name()] = true
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer func() {
		if err != nil {
			removeNew(dir, had)
			if created {
				os.Remove(dir) // only if empty: a directory restore made itself
			}
		}
	}()
	bdb, err := openBadger(badgerOptions(dir, Options{Key: key}))
	if err != nil {
		return fmt.Errorf("restore: %w", openError(dir, key, err))
	}
	if err := load(bdb, r); err != nil {
		bdb.Close()
		return fmt.Errorf("restore: the backup is damaged or not a backup: %v", err)
	}
	if err := bdb.Close(); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	db, err := Open(dir, Options{Key: key})
	if err != nil {
		return fmt.Errorf("restore: the backup is not a usable owg store: %w", err)
	}
	defer db.Close()
	if seq, verr := db.VerifyAudit(context.Background()); verr != nil {
		return fmt.Errorf("restore: the backup's audit trail is broken at event %d: %w", seq, verr)
	}
	return nil
}

// removeNew removes what a failed restore wrote, keeping the files that
// were there before.
func removeNew(dir string, had map[string]bool) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !had[e.Name()] {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// load runs Badger's Load, turning its panic on garbage input into an error.
func load(bdb *badger.DB, r io.Reader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errors.New("unreadable data")
		}
	}()
	return bdb.Load(r, 256)
}
