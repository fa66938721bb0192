package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"charm.land/log/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/backupset"
	"github.com/leadtable/owg/store/badgerstore"
)

// fullEvery is how often the continuous backups start a new chain with a
// full backup.
const fullEvery = 24 * time.Hour

// versionedBackup is the store method continuous backups need
// (badgerstore.DB has it).
type versionedBackup interface {
	BackupSinceAnchored(w io.Writer, since uint64) (uint64, store.AuditAnchor, error)
}

// backupStatus is the state of the continuous backups, for `owg who`, the
// pm's Today screen and notices.
type backupStatus struct {
	Dir      string
	Last     time.Time // the last backup that succeeded (zero: none yet)
	LastKind string
	LastFile string
	Err      error     // the last attempt's error, nil when it succeeded
	ErrAt    time.Time // when it failed
}

// backupRunner takes a full backup at start and daily, and an incremental
// one every interval in between, into dir; it prunes old chains.
type backupRunner struct {
	st    versionedBackup
	dir   string
	every time.Duration
	keep  int
	key   []byte // nil: backups are not encrypted
	now   func() time.Time
	log   *log.Logger
	// onFail is told of a failed backup (a notice to the pm).
	onFail func(error)
	// protocol is the site's protocol in force, carried in each backup's
	// trailer (nil: none recorded).
	protocol func() badgerstore.ProtocolFile

	mu       sync.Mutex
	status   backupStatus
	chain    string
	until    uint64
	lastFull time.Time
}

// Status returns the state of the backups.
func (b *backupRunner) Status() backupStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.status
}

// run takes backups until ctx ends.
func (b *backupRunner) run(ctx context.Context) {
	backupset.Clean(b.dir)
	b.once()
	t := time.NewTicker(b.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			b.once()
		}
	}
}

// once takes one backup (full or incremental) and records the outcome.
func (b *backupRunner) once() {
	now := b.now()
	b.mu.Lock()
	full := b.chain == "" || now.Sub(b.lastFull) >= fullEvery
	chain, since := b.chain, b.until
	b.mu.Unlock()
	h := backupset.Header{Kind: backupset.KindIncr, Chain: chain, Since: since, Created: now}
	if full {
		h = backupset.Header{Kind: backupset.KindFull, Created: now}
	}
	e, tr, err := backupset.WriteWith(b.dir, h, b.key, func(w io.Writer) (backupset.Trailer, error) {
		until, head, err := b.st.BackupSinceAnchored(w, h.Since)
		// read after the stream: a protocol reloaded meanwhile (SIGHUP) is
		// recorded in the store before it is in force, so the file carried
		// is never older than the newest version the stream holds
		var proto badgerstore.ProtocolFile
		if b.protocol != nil {
			proto = b.protocol()
		}
		return backupset.Trailer{Until: until, AuditHead: head.String(), Protocol: proto.Mark(), ProtocolText: proto.Text}, err
	})
	b.mu.Lock()
	defer b.mu.Unlock()
	if err != nil {
		b.status.Err, b.status.ErrAt = err, now
		b.log.Error("backup failed", "dir", b.dir, "kind", h.Kind, "err", err)
		if b.onFail != nil {
			go b.onFail(err)
		}
		return
	}
	if !full && tr.Until <= since {
		// Nothing was written since the last backup.
		backupset.Discard(b.dir, e)
		b.status.Last, b.status.Err = now, nil
		return
	}
	if full {
		b.chain, b.lastFull = e.Name, now
	}
	b.until = tr.Until
	b.status = backupStatus{Dir: b.dir, Last: now, LastKind: h.Kind, LastFile: e.Name}
	b.log.Info("backup", "file", e.Name, "bytes", tr.Bytes)
	if full {
		if removed, err := backupset.Prune(b.dir, b.keep); err != nil {
			b.log.Warn("backup prune failed", "err", err)
		} else if len(removed) > 0 {
			b.log.Info("backups pruned", "files", len(removed))
		}
	}
}

// restoreDir rebuilds dataDir from the backups in dir: the newest full
// backup and its increments, every one verified first. It returns the plan
// it replayed.
func restoreDir(dataDir, dir string, key []byte, restore func(r io.Reader, newest backupset.Trailer) error) (backupset.Plan, error) {
	plan, err := backupset.MakePlan(dir, key)
	if err != nil {
		return plan, err
	}
	readers := make([]io.Reader, 0, len(plan.Steps))
	closers := make([]io.Closer, 0, len(plan.Steps))
	for _, s := range plan.Steps {
		rc := backupset.Open(dir, s, key)
		readers = append(readers, rc)
		closers = append(closers, rc)
	}
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	if err := restore(io.MultiReader(readers...), plan.Steps[len(plan.Steps)-1].Trailer); err != nil {
		return plan, err
	}
	return plan, nil
}

// describeBackup is one line on the state of the backups.
func describeBackup(s backupStatus, loc *time.Location) string {
	last := "none yet"
	if !s.Last.IsZero() {
		last = s.Last.In(loc).Format("2006-01-02 15:04")
	}
	line := fmt.Sprintf("last backup: %s (into %s)", last, s.Dir)
	if s.Err != nil {
		line += fmt.Sprintf("; the backup at %s FAILED: %v", s.ErrAt.In(loc).Format("15:04"), s.Err)
	}
	return line
}
