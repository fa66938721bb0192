// Package badgerstore is owg's store.Store on Badger v4: one synced,
// audited transaction per domain action, JSON values, secondary indexes
// kept in the same transaction as their record, optional encryption at
// rest, and Badger's own logger kept off the terminal.
package badgerstore

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"github.com/leadtable/owg/store"
)

// formatVersion is the value of the format marker key of an owg store.
const formatVersion = "owg/1"

// ErrKeyRequired is returned when an encrypted store is opened without a key.
var ErrKeyRequired = errors.New("store is encrypted: give --key-file or OWG_KEY_FILE")

// ErrWrongKey is returned when the key given does not open the store.
var ErrWrongKey = errors.New("wrong encryption key")

// ErrNotOwgStore is returned when the directory holds something other than
// an owg store.
var ErrNotOwgStore = errors.New("not an owg store")

// Logger receives Badger's warnings and errors (never its info or debug
// lines). It has the method set of badger.Logger and of charm's log.
type Logger interface {
	Errorf(format string, args ...any)
	Warningf(format string, args ...any)
	Infof(format string, args ...any)
	Debugf(format string, args ...any)
}

// Options configures Open.
type Options struct {
	// Key is the encryption key (16, 24 or 32 bytes; owg uses 32). Empty
	// means the store is not encrypted.
	Key []byte
	// InMemory keeps everything in memory (tests); dir must be "".
	InMemory bool
	// Logger receives Badger's warnings and errors. Nil (the default)
	// discards them: Badger never writes to the terminal.
	Logger Logger
	// Now is the store's clock: it stamps created/updated times, decisions,
	// acknowledgements and audit events, and bounds "not in the future"
	// checks. Nil means time.Now; tests fix it.
	Now func() time.Time
	// AuditKey keys the audit chain with HMAC-SHA256 (at least 16 bytes;
	// keep it outside the data directory). Nil keeps an unkeyed chain
	// unkeyed; an unkeyed chain given a key is keyed from its next event
	// on. A keyed chain cannot be opened without its key.
	AuditKey []byte
	// Warn receives plain-language notes about what Open did or found:
	// files a crash left that it moved aside, permissions it tightened,
	// damage it found (see Damage). Nil drops them. Never participant data.
	Warn func(msg string)
	// Trace, when set, is told the name of each step of Open as it ends
	// (timing a start: owg's OWG_TRACE_START). Never data.
	Trace func(step string)
}

// DB is the Badger-backed store.Store. It is safe for concurrent use.
type DB struct {
	bdb *badger.DB
	dir string
	// trace is told the steps of Open and of the first site read
	// (Options.Trace; a no-op without)
	trace func(step string)

	// closeMu lets Close wait for in-flight transactions; after Close every
	// call returns ErrClosed instead of reaching a closed Badger (which panics).
	closeMu sync.RWMutex
	closed  bool

	// importMu keeps to one import at a time: they share one journal.
	importMu sync.Mutex

	hooks testHooks

	// wmu serializes writers: the audit chain needs one order.
	wmu sync.Mutex

	// group batches Record's events into shared transactions (groupcommit.go).
	group recordQueue
	// shown holds the views a meeting's move recorded for its followers,
	// each taken by that follower's own ViewParticipant (meeting_shown.go).
	shown shownViews

	subMu   sync.Mutex
	subs    map[int]func(store.Change)
	nextSub int

	now func() time.Time

	// auditKey keys the chain (nil: unkeyed); auditKeyID names it.
	auditKey   []byte
	auditKeyID string
	// keyMarked: the chain's key marker is written (under wmu).
	keyMarked bool
	// headFile is DATA/audit-head: the last committed audit event's
	// SEQ:HASH, written after every commit, so that a store that lost
	// committed writes (a damaged newest .mem) is caught at open.
	headFile *os.File
	// damage lists what Open found damaged; empty when sound.
	damage []string
	// lostWrites: the damage includes committed writes the store lost
	// (the head file leads the trail); repair may accept it.
	lostWrites bool
	// refuseWrites is set once Open is done on a store with damage
	refuseWrites bool
	warn         func(string)
	// key is the encryption key (nil: plain): backups are sealed with it.
	key []byte
	// lock is owg's lock on dir (lock.go), released by Close when the
	// store took it itself (not when Repair or a restore holds it).
	lock     *dirLock
	ownsLock bool
}

var _ store.Store = (*DB)(nil)

// OpenMemory opens an empty in-memory store, for tests.
func OpenMemory() (*DB, error) { return Open("", Options{InMemory: true}) }

// OpenMemoryAt opens an empty in-memory store whose clock is now, for tests.
func OpenMemoryAt(now func() time.Time) (*DB, error) {
	return Open("", Options{InMemory: true, Now: now})
}

// ReadKeyFile reads an encryption key file: exactly 32 raw bytes, or 64
// hex characters (surrounding white space ignored).
func ReadKeyFile(path string) ([]byte, error) {
	b, err := store.ReadFileLimit(path, 4<<10)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	if len(b) == 32 {
		return b, nil
	}
	s := strings.TrimSpace(string(b))
	if len(s) == 64 {
		k, err := hex.DecodeString(s)
		if err == nil {
			return k, nil
		}
	}
	return nil, fmt.Errorf("key file %s: want 32 raw bytes or 64 hex characters, found %d bytes", path, len(b))
}

// badgerOptions are small-footprint options for a site of a few thousand
// participants: 2 memtables of 8 MiB, small caches, 16 MiB value-log
// files, synced writes, no metrics, logger off unless given.
func badgerOptions(dir string, o Options) badger.Options {
	opt := badger.DefaultOptions(dir)
	if o.InMemory {
		opt = badger.DefaultOptions("").WithInMemory(true)
	}
	opt = opt.
		WithSyncWrites(true).
		WithMemTableSize(8 << 20).
		WithNumMemtables(2).
		// owg's values sit in the tables (below Badger's value
		// threshold), so the value log Badger creates at every open stays
		// empty. Its file is made twice this size, and the first write
		// to a mapped file faults in as much as the disk reads ahead (8
		// MiB here): 4.6 ms of every start at 16 MiB, 1.1 ms at 1 MiB.
		WithValueLogFileSize(1 << 20).
		WithBlockCacheSize(4 << 20).
		WithIndexCacheSize(2 << 20).
		WithBaseTableSize(2 << 20).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(8).
		WithNumCompactors(2).
		WithCompression(options.Snappy).
		// Every block is verified when read. Not OnTableAndBlockRead:
		// Badger v4.9.6 then verifies each table while opening it on a
		// background goroutine and, on a damaged block, dereferences a
		// nil block (table.go VerifyChecksum) and kills the process. owg
		// verifies every table right after open instead (verifyTables).
		WithChecksumVerificationMode(options.OnBlockRead).
		// Values in the value log are checked against their CRC when read
		// (off by default: a flipped byte there came back as a changed value).
		WithVerifyValueChecksum(true).
		WithMetricsEnabled(false).
		WithLogger(nil)
	if tinyTables {
		// Tests: flushes and compactions every few dozen writes, so that a
		// kill -9 lands in the middle of them.
		opt = opt.WithMemTableSize(64 << 10).WithBaseTableSize(32 << 10).WithBaseLevelSize(128 << 10).
			WithLevelSizeMultiplier(2).WithNumLevelZeroTables(1).WithNumLevelZeroTablesStall(2).WithValueThreshold(1 << 10)
	}
	if o.Logger != nil {
		opt = opt.WithLogger(warnOnly{o.Logger})
	}
	if len(o.Key) > 0 {
		opt = opt.WithEncryptionKey(o.Key)
	}
	return opt
}

// tinyTables shrinks memtables and tables (set by the crash test's child).
var tinyTables = false

// warnOnly forwards Badger's warnings and errors and drops the rest.
type warnOnly struct{ l Logger }

func (w warnOnly) Errorf(f string, a ...any)   { w.l.Errorf(f, a...) }
func (w warnOnly) Warningf(f string, a ...any) { w.l.Warningf(f, a...) }
func (w warnOnly) Infof(string, ...any)        {}
func (w warnOnly) Debugf(string, ...any)       {}

// Open opens (creating if needed) the owg store in dir. It refuses a
// non-empty directory that is not an owg store. A store held by another
// process gives an error wrapping store.ErrLocked; an encrypted store
// without its key gives ErrKeyRequired, with another key ErrWrongKey.
func Open(dir string, o Options) (*DB, error) {
	return openLocked(dir, o, nil)
}

// openLocked is Open with the directory lock held by the caller (held
// non-nil: Repair and restore keep it across their own steps), or taken
// here and held until Close.
func openLocked(dir string, o Options, held *dirLock) (_ *DB, err error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	warn := o.Warn
	if warn == nil {
		warn = func(string) {}
	}
	trace := o.Trace
	if trace == nil {
		trace = func(string) {}
	}
	var lock *dirLock
	ownsLock := false
	if o.InMemory {
		if dir != "" {
			return nil, errors.New("open store: an in-memory store takes no directory")
		}
	} else {
		if dir == "" {
			return nil, errors.New("open store: no data directory given")
		}
		if err := checkDir(dir); err != nil {
			return nil, err
		}
		trace("open: check dir")
		// Nothing in dir is touched before the lock is held: another
		// process's live files look like a crash's leftovers.
		if held == nil {
			lk, lerr := lockDir(dir)
			if lerr != nil {
				return nil, lerr
			}
			defer func() {
				if err != nil {
					lk.release()
				}
			}()
			lock, ownsLock = lk, true
		} else {
			lock = held
		}
		trace("open: lock")
		if msg, err := tightenDir(dir); err != nil {
			return nil, err
		} else if msg != "" {
			warn(msg)
		}
		trace("open: tighten dir")
		moved, err := recoverCrash(dir, now(), o.Key, trace)
		for _, m := range moved {
			warn(m)
		}
		if err != nil {
			return nil, fmt.Errorf("cannot open the store in %s: %w", dir, err)
		}
		trace("open: crash recovery and table checks")
	}
	if n := len(o.Key); n != 0 && n != 16 && n != 24 && n != 32 {
		return nil, fmt.Errorf("encryption key is %d bytes: want 32", n)
	}
	if n := len(o.AuditKey); n != 0 && n < 16 {
		return nil, fmt.Errorf("audit key is %d bytes: want at least 16 (owg makes 32)", n)
	}
	bdb, err := openBadger(badgerOptions(dir, o))
	if err != nil && strings.Contains(err.Error(), "Create a new file") {
		// A memtable log created just before a kill: Badger's first open
		// writes its header and fails; the second open succeeds.
		warn("a memtable log was being created when owg stopped: opened again")
		bdb, err = openBadger(badgerOptions(dir, o))
	}
	if err != nil {
		return nil, openError(dir, o.Key, err)
	}
	trace("open: badger")
	if !o.InMemory {
		tightenFiles(dir)
	}
	db := &DB{bdb: bdb, dir: dir, subs: map[int]func(store.Change){}, now: now, warn: warn, key: slices.Clone(o.Key), trace: trace,
		lock: lock, ownsLock: ownsLock}
	// the follower-view notes expire on the store's clock (a test that
	// holds it still holds them, however slow its machine)
	db.shown.now = now
	if err := db.checkFormat(); err != nil {
		bdb.Close()
		return nil, err
	}
	if err := db.setAuditKey(o.AuditKey); err != nil {
		bdb.Close()
		return nil, err
	}
	// An import killed half-way is undone before anyone reads the store.
	if err := db.rollbackImport(context.Background(), store.SystemActor); err != nil {
		bdb.Close()
		return nil, fmt.Errorf("undo an unfinished referral import: %w", err)
	}
	trace("open: format, audit key, import rollback")
	if !o.InMemory {
		// Every table, plain or encrypted, was verified block by block
		// before Badger opened it (recoverCrash): a damaged one refused.
		if err := db.openHeadFile(); err != nil {
			bdb.Close()
			return nil, err
		}
		for _, d := range db.damage {
			warn("DAMAGE: " + d)
		}
		trace("open: head file")
	}
	// ROIs recorded before consent was scoped name roles and agencies in
	// one list and no classes: they become scoped, never releasing
	// sensitive data.
	if err := db.migrateROIs(context.Background()); err != nil {
		bdb.Close()
		return nil, fmt.Errorf("migrate releases of information to scoped consent: %w", err)
	}
	// Stores from before history get a first event per record, once.
	if err := db.migrateHistory(context.Background()); err != nil {
		bdb.Close()
		return nil, fmt.Errorf("give existing records their first history: %w", err)
	}
	trace("open: migrations")
	// A store that opened with damage (committed writes missing) takes no
	// new writes until it is repaired: it is read as it is, and every
	// write is refused with ErrDamaged, saving nothing.
	db.refuseWrites = len(db.damage) > 0
	return db, nil
}

// verifyTables verifies the checksum of every block of every table
// (about 50 ms for a store of 2,000 participants with 10 contacts each),
// turning Badger's panic on a damaged block into an error.
func (db *DB) verifyTables() (err error) {
	defer func() {
		if r := recover(); r != nil {
			which := "Badger could not say which"
			if names := db.damagedTables(); len(names) > 0 {
				which = strings.Join(names, ", ")
			}
			err = fmt.Errorf("a table fails its checksum (%s): the records in its damaged blocks cannot be read", which)
		}
	}()
	if err := db.bdb.VerifyChecksum(); err != nil {
		return fmt.Errorf("a table fails its checksum: %v", err)
	}
	return nil
}

// openBadger opens Badger, turning a panic on a damaged directory into an error.
func openBadger(opt badger.Options) (bdb *badger.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			bdb, err = nil, fmt.Errorf("damaged store files: %v", r)
		}
	}()
	return badger.Open(opt)
}

// checkDir creates dir when missing and refuses a non-empty directory
// that holds no Badger manifest (someone else's files).
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create data directory: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("data directory %s: %w (it is a file)", dir, ErrNotOwgStore)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, badger.ManifestFilename)); err == nil {
		return nil
	}
	for _, e := range ents {
		if !ownFiles[e.Name()] && !strings.HasPrefix(e.Name(), ".") && !firstOpenFile(e.Name()) {
			return fmt.Errorf("data directory %s: %w: it holds other files (%s); give an empty or new directory",
				dir, ErrNotOwgStore, e.Name())
		}
	}
	return nil
}

// ownFiles are the files owg itself may keep in the data directory beside
// the store (the protocol, the SSH host key, the server's address). A new
// store may be created in a directory holding only these (and dot files);
// any other file means the directory is not owg's.
var ownFiles = map[string]bool{
	"protocol.toml":        true,
	"ssh_host_ed25519":     true,
	"ssh_host_ed25519.pub": true,
	"serve.addr":           true,
	"pseudonym.key":        true,
	headFileName:           true,
	tableSumsName:          true,
	lockFileName:           true,
	"store.log":            true,
}

// firstOpenFile reports whether name is a file Badger makes while creating
// a new store before its MANIFEST exists: a store killed during its very
// first open holds only these, and nothing written.
func firstOpenFile(name string) bool {
	switch name {
	case "MANIFEST-REWRITE", badger.KeyRegistryFileName, badger.KeyRegistryRewriteFileName, "DISCARD", "LOCK":
		return true
	}
	for _, ext := range []string{".mem", ".vlog"} {
		if n, ok := strings.CutSuffix(name, ext); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			return true
		}
	}
	return false
}

// openError turns Badger's open errors into plain ones.
func openError(dir string, key []byte, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Cannot acquire directory lock"):
		return fmt.Errorf("%s: %w", dir, store.ErrLocked)
	case strings.Contains(msg, "Encryption key mismatch"):
		if len(key) == 0 {
			return fmt.Errorf("%s: %w", dir, ErrKeyRequired)
		}
		if plainRegistry(dir) {
			return fmt.Errorf("%s: %w: the store is not encrypted; open it without a key", dir, ErrWrongKey)
		}
		return fmt.Errorf("%s: %w", dir, ErrWrongKey)
	}
	return fmt.Errorf("cannot open the store in %s (damaged or not an owg store): %v", dir, err)
}

// plainRegistry reports whether dir's key registry is unencrypted (its
// sanity text readable without a key).
func plainRegistry(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, badger.KeyRegistryFileName))
	if err != nil || len(b) < 16+12 {
		return false
	}
	return bytes.Equal(b[16:28], []byte("Hello Badger"))
}

// checkFormat writes the format marker into a new store and refuses a
// Badger database that is not an owg store.
func (db *DB) checkFormat() error {
	var marker []byte
	var anyKey bool
	err := db.bdb.View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte(keyFormat))
		if err == nil {
			marker, err = item.ValueCopy(nil)
			return err
		}
		if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: false})
		defer it.Close()
		it.Rewind()
		anyKey = it.Valid()
		return nil
	})
	if err != nil {
		return fmt.Errorf("read store format in %s: %v", db.dir, err)
	}
	switch {
	case marker != nil && string(marker) == formatVersion:
		return nil
	case marker != nil:
		return fmt.Errorf("store in %s has format %q; this owg reads %q", db.dir, marker, formatVersion)
	case anyKey:
		return fmt.Errorf("data directory %s: %w: a Badger database without owg's format marker", db.dir, ErrNotOwgStore)
	}
	return db.bdb.Update(func(txn *badger.Txn) error {
		return txn.Set([]byte(keyFormat), []byte(formatVersion))
	})
}

// Close closes the store.
func (db *DB) Close() error {
	db.closeMu.Lock()
	defer db.closeMu.Unlock()
	if db.closed {
		return nil
	}
	db.closed = true
	err := db.bdb.Close()
	if db.headFile != nil {
		db.headFile.Close()
	}
	if db.dir != "" {
		tightenFiles(db.dir) // files Badger made during the session
		if err == nil {
			// The tables this session's flushes and compactions wrote
			// are verified now, while they are fresh, and their sums
			// recorded: the next open then only sums them (a table that
			// fails here is not recorded, and the next open names it).
			// An encrypted store's with their data keys.
			var keys *tableKeys
			kerr := error(nil)
			if len(db.key) > 0 {
				keys, kerr = openTableKeys(db.dir, db.key)
			}
			if paths, gerr := filepath.Glob(filepath.Join(db.dir, "*.sst")); gerr == nil && kerr == nil {
				verifyTableFiles(db.dir, paths, keys)
			}
			keys.close()
			// The session's files made durable now: left to the
			// journal, the next open's first directory sync (Badger's)
			// waited for them, 10 ms when it came within seconds.
			if d, derr := os.Open(db.dir); derr == nil {
				_ = d.Sync()
				d.Close()
			}
		}
	}
	if db.ownsLock {
		db.lock.release()
	}
	return err
}

// Damage lists what Open found damaged (committed audit events missing
// from the store, a head that does not match): empty when none. A server
// refuses to start on a damaged store; `owg check` says more.
func (db *DB) Damage() []string { return slices.Clone(db.damage) }

// testHooks inject failures in tests; zero in production.
type testHooks struct {
	importFail  func(chunk int) error // fails the import at a chunk
	crashImport bool                  // leaves a failed import unrolled, as a killed process would
}

// ErrClosed is returned by calls made after Close.
var ErrClosed = errors.New("the store is closed")

// acquire holds the store open for one call; release with the returned func.
func (db *DB) acquire() (func(), error) {
	db.closeMu.RLock()
	if db.closed {
		db.closeMu.RUnlock()
		return nil, ErrClosed
	}
	return db.closeMu.RUnlock, nil
}
