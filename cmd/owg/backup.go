package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/backupset"
	"github.com/leadtable/owg/store/badgerstore"
)

func newBackupCmd(app *App) *cobra.Command {
	var backupKeyFile string
	cmd := &cobra.Command{
		Use:   "backup FILE [--backup-key-file KEYFILE]",
		Short: `Write a consistent backup of the whole store to FILE ("-" for standard output)`,
		Long: `Write a consistent backup of the whole store to FILE ("-" for standard output).
The backup is a snapshot: it can be taken while owg is in use by this process.
It starts with a header naming the audit head it holds (SEQ:HASH: keep it as
an anchor for "owg audit --verify --anchor") and the SHA-256 of what follows;
"owg restore" checks both before writing anything. An encrypted store's
backup is encrypted with the store's key (AES-GCM). --backup-key-file
encrypts the backup with that key instead (a plain store's backup too); it
is needed again to restore. The backup is recorded in the audit trail. It
carries the site's protocol file (the protocol in force), which restore
writes back.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, a, err := app.openAs(cmd.Context())
			if err != nil {
				return err
			}
			if a.Role != store.RolePM {
				return fmt.Errorf("backups are for the pm: %w", store.ErrDenied)
			}
			db, err := storeDB(st)
			if err != nil {
				return err
			}
			pf, err := app.backupProtocol()
			if err != nil {
				return err
			}
			o := badgerstore.BackupOptions{Actor: a, Protocol: pf}
			if backupKeyFile != "" {
				if o.Key, err = badgerstore.ReadKeyFile(backupKeyFile); err != nil {
					return fmt.Errorf("--backup-key-file: %w", err)
				}
			}
			var info badgerstore.BackupInfo
			write := func(w io.Writer) (err error) {
				info, err = db.BackupWith(w, o)
				return err
			}
			if args[0] == "-" {
				err = write(app.Stdout)
			} else {
				path, perr := app.path(args[0])
				if perr != nil {
					return perr
				}
				for _, name := range removeStaleTemps(path, processStart) {
					fmt.Fprintf(app.Stderr, "owg: note: removed %s, left by a backup to %s that was interrupted (it was never the backup)\n",
						store.CleanLine(name), store.CleanLine(filepath.Base(path)))
				}
				err = writeFileAtomic(path, write)
			}
			if err != nil {
				return err
			}
			how := "not encrypted: keep it as safe as the store"
			if info.Encrypted {
				how = "encrypted"
			}
			fmt.Fprintf(app.Stderr, "backup written (%d bytes, %s); audit anchor %s; %s\n", info.Size, how, info.Head, describeBackupProtocol(pf))
			return nil
		},
	}
	cmd.Flags().StringVar(&backupKeyFile, "backup-key-file", "", "encrypt the backup with this key file (32 bytes) instead of the store's key")
	return cmd
}

// backupProtocol is the protocol a backup carries: the text of the
// protocol in force (the data directory's protocol.toml, --protocol's
// file, or the running server's), or none when that is the built-in one.
// A protocol file that does not load is still the site's: its bytes are
// carried as they are.
func (a *App) backupProtocol() (badgerstore.ProtocolFile, error) {
	if _, err := a.Protocol(); err == nil {
		return protocolFileOf(a.protocolText), nil
	}
	path, err := a.protocolPath()
	if err != nil {
		return badgerstore.ProtocolFile{}, err
	}
	text, err := store.ReadFileLimit(path, store.MaxProtocolBytes)
	if err != nil {
		return badgerstore.ProtocolFile{}, fmt.Errorf("backup: the protocol file, which the backup carries: %w", err)
	}
	return badgerstore.ProtocolFile{Known: true, Text: text}, nil
}

// protocolFileOf is the protocol file a backup carries for the protocol
// text in force: none when it is the built-in protocol's.
func protocolFileOf(text []byte) badgerstore.ProtocolFile {
	if text == nil || bytes.Equal(text, store.DefaultProtocolTOML()) {
		return badgerstore.ProtocolFile{Known: true}
	}
	return badgerstore.ProtocolFile{Known: true, Text: text}
}

// describeBackupProtocol says what protocol a backup carries.
func describeBackupProtocol(p badgerstore.ProtocolFile) string {
	switch {
	case !p.Known:
		return "no protocol file"
	case p.Text == nil:
		return "the site runs on the built-in protocol (no protocol file)"
	}
	return "carries the protocol file (version " + store.ProtocolVersionOf(p.Text) + ")"
}

// reportRestoredProtocol says what a restore did with the backup's protocol.
func reportRestoredProtocol(app *App, dir string, info badgerstore.RestoreInfo) {
	path := store.CleanLine(filepath.Join(dir, protocolFile))
	switch {
	case info.ProtocolWritten:
		fmt.Fprintf(app.Stdout, "protocol file restored: %s (version %s)\n", path, store.ProtocolVersionOf(info.Protocol.Text))
	case !info.Protocol.Known && info.ProtocolKept:
		fmt.Fprintf(app.Stderr, "owg: note: no protocol file was in the backup (an older backup): %s, already here, is the protocol in force\n", path)
	case !info.Protocol.Known:
		fmt.Fprintf(app.Stderr, "owg: note: no protocol file was in the backup (an older backup): the store runs on the built-in protocol; put the site's protocol.toml in %s if it had one\n", store.CleanLine(dir))
	case info.Protocol.Text == nil && info.ProtocolKept:
		fmt.Fprintf(app.Stderr, "owg: note: the backup's site ran on the built-in protocol; %s, already here, is kept and is the protocol in force\n", path)
	case info.Protocol.Text == nil:
		fmt.Fprintln(app.Stdout, "protocol: the backup's site ran on the built-in protocol (no protocol file)")
	default:
		fmt.Fprintf(app.Stdout, "protocol file: %s, already here, is the backup's (version %s)\n", path, store.ProtocolVersionOf(info.Protocol.Text))
	}
}

// processStart is when this process started (near enough: when its
// package variables were set), the bound removeStaleTemps keeps to.
var processStart = time.Now()

// removeStaleTemps removes the temporary files writeFileAtomic names for
// path (".FILE.tmp-" and digits, beside FILE) that an interrupted write
// left: regular files last written before this process started, which no
// write of this process can own (a write under way in another process
// keeps its file's time moving). It returns the names removed; it never
// touches FILE or any other file.
func removeStaleTemps(path string, before time.Time) []string {
	dir, prefix := filepath.Dir(path), "."+filepath.Base(path)+".tmp-"
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || rest == "" || strings.Trim(rest, "0123456789") != "" || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(before) {
			continue
		}
		if os.Remove(filepath.Join(dir, e.Name())) == nil {
			removed = append(removed, e.Name())
		}
	}
	return removed
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
		Use:   `restore FILE|DIR [--backup-key-file KEYFILE]`,
		Short: `Restore a backup file, or a directory of continuous backups, into an empty data directory ("-" reads standard input)`,
		Long: `Restore a backup into an empty (or new) data directory. The whole backup is
read and checked first (its checksum, and its seal when encrypted): an empty,
damaged or cut-short backup is refused before anything is written. Then it
is loaded and verified: it must be an owg store with an intact audit trail
ending at the head its header names. The restore is recorded in the restored
store's audit trail. The backup's protocol file is written back as
DATA/protocol.toml; a different protocol.toml already there is refused
(move it away first). On failure nothing is left behind. With --key-file /
$OWG_KEY_FILE the restored store is encrypted (and an encrypted backup is
decrypted with that key unless --backup-key-file names its own).

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
			so, err := app.storeOptions()
			if err != nil {
				return err
			}
			o := badgerstore.RestoreOptions{Key: so.Key, AuditKey: so.AuditKey, Now: app.Now, Actor: store.SystemActor}
			if app.AsFlag != "" {
				o.Actor = store.Actor{User: app.AsFlag}
			}
			if backupKeyFile != "" {
				if o.BackupKey, err = badgerstore.ReadKeyFile(backupKeyFile); err != nil {
					return fmt.Errorf("--backup-key-file: %w", err)
				}
			}
			if fi, err := os.Stat(args[0]); err == nil && fi.IsDir() {
				return restoreFromDir(cmd, app, dir, args[0], o)
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
			info, err := badgerstore.RestoreWith(dir, r, o)
			events, err := restoredEvents(cmd, app, dir, err)
			if err != nil {
				return err
			}
			reportRestoredProtocol(app, dir, info)
			fmt.Fprintf(app.Stdout, "restored %s into %s; audit trail intact: %d events; the backup's audit anchor %s\n", store.CleanLine(args[0]), store.CleanLine(dir), len(events), info.Head)
			if info.Legacy {
				fmt.Fprintln(app.Stderr, "owg: note: an older backup without a header or checksum: verified by its audit trail only")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&backupKeyFile, "backup-key-file", "", "the key file the backup (or the continuous backups) were encrypted with, if not the store's --key-file")
	return annotate(cmd, annotLocal, "stop the server first: owg restore rebuilds an empty data directory")
}

// restoreFromDir is `owg restore DIR` for a directory of continuous backups:
// the same options as a file's restore (keys, audit key, actor, clock), and
// the newest file's audit anchor checked against the restored trail.
func restoreFromDir(cmd *cobra.Command, app *App, dataDir, backupDir string, o badgerstore.RestoreOptions) error {
	bkey := o.Key
	if o.BackupKey != nil {
		bkey = o.BackupKey
	}
	var info badgerstore.RestoreInfo
	plan, err := restoreDir(dataDir, backupDir, bkey, func(r io.Reader, newest backupset.Trailer) error {
		ro := o
		ro.BackupKey = nil // the files are decoded already
		if anchor := newest.AuditHead; anchor != "" {
			a, err := store.ParseAuditAnchor(anchor)
			if err != nil {
				return fmt.Errorf("restore: the newest backup's audit anchor is damaged: %v", err)
			}
			ro.Anchor = a
		}
		var err error
		if ro.Protocol, err = badgerstore.ProtocolFromMark(newest.Protocol, newest.ProtocolText); err != nil {
			return fmt.Errorf("restore: the newest backup's trailer is damaged: %v", err)
		}
		info, err = badgerstore.RestoreWith(dataDir, r, ro)
		return err
	})
	for _, s := range plan.Skipped {
		fmt.Fprintf(app.Stderr, "owg: not restored: %s\n", s)
	}
	events, err := restoredEvents(cmd, app, dataDir, err)
	if err != nil {
		return err
	}
	defer reportRestoredProtocol(app, dataDir, info)
	fmt.Fprintf(app.Stdout, "restored %s into %s from %d file(s): %s and %d increment(s)\n",
		store.CleanLine(backupDir), store.CleanLine(dataDir), len(plan.Steps), plan.Steps[0].Name, len(plan.Steps)-1)
	if info.Legacy {
		fmt.Fprintf(app.Stdout, "up to %s; audit trail intact: %d events\n",
			plan.Until().Local().Format("2006-01-02 15:04:05 MST"), len(events))
		fmt.Fprintln(app.Stderr, "owg: note: the newest backup predates audit anchors: verified by its audit trail only")
	} else {
		fmt.Fprintf(app.Stdout, "up to %s; audit trail intact: %d events; the backup's audit anchor %s\n",
			plan.Until().Local().Format("2006-01-02 15:04:05 MST"), len(events), info.Head)
	}
	return nil
}

// restoredEvents finishes a restore into dir that ended with err: a store
// held by a running server says how to stop it; otherwise it opens the
// restored store and returns its audit events.
func restoredEvents(cmd *cobra.Command, app *App, dir string, err error) ([]store.AuditEvent, error) {
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return nil, lockedError(dir)
		}
		return nil, err
	}
	st, err := app.Open()
	if err != nil {
		return nil, err
	}
	return st.ListAudit(cmd.Context(), store.AuditFilter{})
}
