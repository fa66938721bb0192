package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
)

func newBackupCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: `Write a consistent backup of the whole store to FILE ("-" for standard output)`,
		Long: `Write a consistent backup of the whole store to FILE ("-" for standard output).
The backup is a snapshot: it can be taken while owg is in use by this process.
An encrypted store's backup is not encrypted: keep it as safe as the key.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, a, err := app.openAs(cmd.Context())
			if err != nil {
				return err
			}
			if a.Role != store.RolePM {
				return fmt.Errorf("backups are for the pm: %w", store.ErrDenied)
			}
			if args[0] == "-" {
				return st.Backup(app.Stdout)
			}
			path, err := app.path(args[0])
			if err != nil {
				return err
			}
			return writeFileAtomic(path, st.Backup)
		},
	}
}

// writeFileAtomic writes a file through a temporary file in the same
// directory, synced and renamed into place, so a failed write never leaves
// a half-written FILE.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // name FILE, not the temporary file
		}
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if err = write(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func newRestoreCmd(app *App) *cobra.Command {
	var backupKeyFile string
	cmd := &cobra.Command{
		Use:   `restore FILE|DIR`,
		Short: `Restore a backup file, or a directory of continuous backups, into an empty data directory ("-" reads standard input)`,
		Long: `Restore a backup into an empty (or new) data directory, then verify it: it
must be an owg store with an intact audit trail. On failure nothing is left
behind. With --key-file / $OWG_KEY_FILE the restored store is encrypted.

Given a directory of continuous backups ("owg serve --backup-dir"), restore
verifies every file's checksum and rebuilds from the newest full backup plus
its increments, and says up to when. The backups are decrypted with
--backup-key-file, else the store's --key-file.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := app.DataDir()
			if err != nil {
				return err
			}
			key, err := app.Key()
			if err != nil {
				return err
			}
			if fi, err := os.Stat(args[0]); err == nil && fi.IsDir() {
				return restoreFromDir(cmd, app, dir, args[0], key, backupKeyFile)
			}
			var r io.Reader = app.Stdin
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				r = f
			}
			if err := badgerstore.Restore(dir, r, key); err != nil {
				if errors.Is(err, store.ErrLocked) {
					return lockedError(dir)
				}
				return err
			}
			st, err := app.Open()
			if err != nil {
				return err
			}
			events, err := st.ListAudit(cmd.Context(), store.AuditFilter{})
			if err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "restored %s into %s; audit trail intact: %d events\n", args[0], dir, len(events))
			return nil
		},
	}
	cmd.Flags().StringVar(&backupKeyFile, "backup-key-file", "", "key file the continuous backups were encrypted with (default: --key-file)")
	return annotate(cmd, annotLocal, "stop the server first: owg restore rebuilds an empty data directory")
}

// restoreFromDir is `owg restore DIR` for a directory of continuous backups.
func restoreFromDir(cmd *cobra.Command, app *App, dataDir, backupDir string, key []byte, backupKeyFile string) error {
	bkey := key
	if backupKeyFile != "" {
		k, err := badgerstore.ReadKeyFile(backupKeyFile)
		if err != nil {
			return fmt.Errorf("--backup-key-file: %w", err)
		}
		bkey = k
	}
	plan, err := restoreDir(dataDir, backupDir, bkey, func(r io.Reader) error {
		return badgerstore.Restore(dataDir, r, key)
	})
	for _, s := range plan.Skipped {
		fmt.Fprintf(app.Stderr, "owg: not restored: %s\n", s)
	}
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return lockedError(dataDir)
		}
		return err
	}
	st, err := app.Open()
	if err != nil {
		return err
	}
	events, err := st.ListAudit(cmd.Context(), store.AuditFilter{})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "restored %s into %s from %d file(s): %s and %d increment(s)\n",
		backupDir, dataDir, len(plan.Steps), plan.Steps[0].Name, len(plan.Steps)-1)
	fmt.Fprintf(app.Stdout, "up to %s; audit trail intact: %d events\n",
		plan.Until().Local().Format("2006-01-02 15:04:05 MST"), len(events))
	return nil
}
