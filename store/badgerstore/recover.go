package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"google.golang.org/protobuf/proto"
)

// What a kill -9 can leave in a data directory, and what owg does with it
// before Badger opens the store:
//
//   - a table (.sst) that the MANIFEST does not list: a flush or compaction
//     was interrupted before it recorded the table. Badger would delete it;
//     owg moves it into recovered-<time>/ instead (a copy is kept) and goes on.
//   - an empty or headerless memtable log (.mem): the process died while
//     creating it, so it holds nothing. Moved aside the same way.
//   - a half-written MANIFEST entry: Badger truncates it itself.
//   - a table the MANIFEST lists whose trailer is damaged: not something a
//     crash leaves (tables are synced before they are listed). owg refuses
//     to open and names it; `owg repair` takes it out of the MANIFEST,
//     keeping a copy, and `owg check` then names the records that went with it.
//   - a value log whose header is damaged (vlog.go): named; repair moves it
//     aside if it holds no entries, and never discards one that does.

// ErrNeedsRepair is wrapped by Open's error when the store has damage that
// only `owg repair` (which keeps a copy of what it moves) can get past.
var ErrNeedsRepair = errors.New("run `owg repair` (it keeps a copy of everything it moves), then `owg check`")

// ErrDamaged refuses a write to a store that opened with damage
// (committed writes missing): nothing is saved until it is repaired.
var ErrDamaged = errors.New("the store is damaged, so nothing was saved: run `owg check` for the details and `owg repair` to go on")

// vlogHeaderSize is the header of a memtable log: key id and IV.
const vlogHeaderSize = 20

// recoveredDir returns a new recovered-<time> folder in dir, created 0700.
func recoveredDir(dir string, now time.Time) (string, error) {
	base := filepath.Join(dir, "recovered-"+now.UTC().Format("20060102T150405Z"))
	p := base
	for i := 2; ; i++ {
		err := os.Mkdir(p, 0o700)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("create %s: %w", p, err)
		}
		p = fmt.Sprintf("%s-%d", base, i)
	}
}

// moveAside moves file into the recovered folder (made on first use).
func moveAside(dir, file string, now time.Time, into *string) (string, error) {
	if *into == "" {
		d, err := recoveredDir(dir, now)
		if err != nil {
			return "", err
		}
		*into = d
	}
	dst := filepath.Join(*into, filepath.Base(file))
	if err := os.Rename(file, dst); err != nil {
		return "", fmt.Errorf("move %s aside: %w", filepath.Base(file), err)
	}
	return dst, nil
}

// readManifest returns the ids of the tables dir's MANIFEST lists and the
// offset where its last whole entry ends. ok is false when there is no
// MANIFEST (a new store).
func readManifest(dir string) (tables map[uint64]bool, end int64, ok bool, err error) {
	f, err := os.Open(filepath.Join(dir, badger.ManifestFilename))
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	defer f.Close()
	m, end, err := badger.ReplayManifestFile(f, 0, badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		return nil, 0, true, fmt.Errorf("the MANIFEST (the list of table files) is damaged: %v", err)
	}
	tables = make(map[uint64]bool, len(m.Tables))
	for id := range m.Tables {
		tables[id] = true
	}
	return tables, end, true, nil
}

// tableID parses 000173.sst.
func tableID(name string) (uint64, bool) {
	if !strings.HasSuffix(name, ".sst") {
		return 0, false
	}
	n, err := strconv.ParseUint(strings.TrimSuffix(name, ".sst"), 10, 64)
	return n, err == nil
}

// recoverCrash handles what a kill -9 leaves (see above) before Badger
// opens dir. It returns one line per file it moved aside; an error names
// damage it cannot get past without `owg repair`.
//
// Every block of every listed table is also verified before Badger opens
// it, a plain store's without a key and an encrypted store's with its data
// keys (tablekeys.go): Badger reads a table's last block while opening it,
// on a goroutine of its own, and a damaged block there crashes the process
// (a slice out of range) instead of failing Open; a damaged block
// elsewhere was skipped with a warning, and the store took writes. The
// key registry is checked first (registry.go): its damage is named as
// such, not as a wrong key.
func recoverCrash(dir string, now time.Time, key []byte, trace func(string)) (moved []string, err error) {
	if err := checkKeyRegistry(dir, key); err != nil {
		return nil, err
	}
	plain := len(key) == 0 && plainRegistry(dir)
	// An encrypted store's tables are verified with their data keys; a key
	// the registry refuses is left to Badger (it names a wrong key).
	var keys *tableKeys
	if n := len(key); n == 16 || n == 24 || n == 32 { // other lengths: Open refuses them
		k, kerr := openTableKeys(dir, key)
		switch {
		case kerr == nil:
			keys = k
			defer k.close()
		case !errors.Is(kerr, badger.ErrEncryptionKeyMismatch):
			// never open an encrypted store whose tables were not verified
			return nil, fmt.Errorf("read the key registry to verify the tables: %v", kerr)
		}
	}
	listed, _, haveManifest, err := readManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("damaged or not an owg store: %v; owg cannot repair that: restore a backup (owg restore)", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	var into string
	var damaged, verify []string
	for _, e := range ents {
		name := e.Name()
		path := filepath.Join(dir, name)
		if id, ok := tableID(name); ok {
			if haveManifest && !listed[id] {
				dst, err := moveAside(dir, path, now, &into)
				if err != nil {
					return moved, err
				}
				moved = append(moved, fmt.Sprintf("table %s is not in the MANIFEST (an interrupted flush or compaction): moved to %s", name, dst))
				continue
			}
			if plain || keys != nil {
				// every byte is summed below, and the trailer checked
				// too where the sum is not one that passed before
				verify = append(verify, path)
			} else if err := checkTable(path); err != nil {
				damaged = append(damaged, fmt.Sprintf("table %s: %v", name, err))
			}
			continue
		}
		if strings.HasSuffix(name, ".mem") {
			fi, err := e.Info()
			if err != nil {
				return moved, err
			}
			if fi.Size() < vlogHeaderSize {
				dst, err := moveAside(dir, path, now, &into)
				if err != nil {
					return moved, err
				}
				moved = append(moved, fmt.Sprintf("memtable log %s is empty (the process died creating it): moved to %s", name, dst))
			}
		}
	}
	trace("open: table trailers")
	damaged = append(damaged, verifyTableFiles(dir, verify, keys)...)
	for id := range listed {
		name := fmt.Sprintf("%06d.sst", id)
		if _, err := os.Stat(filepath.Join(dir, name)); errors.Is(err, os.ErrNotExist) {
			damaged = append(damaged, fmt.Sprintf("table %s is listed in the MANIFEST but missing", name))
		}
	}
	vlogs, err := damagedValueLogs(dir, key)
	if err != nil {
		return moved, err
	}
	repairable, notRepairable := valueLogErrors(vlogs)
	damaged = append(damaged, repairable...)
	if len(notRepairable) > 0 {
		return moved, fmt.Errorf("%s: owg cannot repair a value log holding entries without losing them: restore a backup (owg restore)",
			joinDamage(append(notRepairable, damaged...)))
	}
	if len(damaged) > 0 {
		return moved, fmt.Errorf("%s: %w", joinDamage(damaged), ErrNeedsRepair)
	}
	return moved, nil
}

// Repair gets a store that Open refuses, or opens with Damage, past its
// damage, keeping a copy of everything it moves in a recovered-<time>/
// folder. The store must not be open (another process holding it gives
// an error wrapping store.ErrLocked, and nothing is moved). It
//   - writes again the header of a key registry whose header is damaged
//     when the key given is proven right by the tables it unseals (the
//     data keys are kept as they are, and a copy of the old file);
//   - takes each table the MANIFEST lists but that is missing or fails its
//     trailer check out of the MANIFEST (a copy of the MANIFEST as it was,
//     and the table, are kept);
//   - moves aside each value log with a damaged header that holds no
//     entries (one that holds entries is refused: restore a backup);
//   - moves aside the audit-head file that says committed writes are
//     missing, so the store goes on from the events it still holds;
//   - takes history events whose record does not exist out of the store
//     (a copy of each is kept in orphaned-history.jsonl).
//
// What those tables and writes held is not in the store afterwards: run
// Check to name what is missing, and restore a backup if you have one. o
// is what Open takes (key, audit key, clock). It returns one line per
// thing it did.
func Repair(dir string, o Options) ([]string, error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	// held from before the first file is looked at until the last is
	// moved: a store another process has open is refused, untouched
	lk, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer lk.release()
	var did []string
	moved, err := recoverCrash(dir, now(), o.Key, func(string) {})
	did = append(did, moved...)
	if err != nil && !errors.Is(err, ErrNeedsRepair) {
		return did, err
	}
	if err != nil {
		lines, err := repairKeyRegistry(dir, now(), o.Key)
		did = append(did, lines...)
		if err != nil {
			return did, err
		}
		lines, err = repairValueLogs(dir, now(), o.Key)
		did = append(did, lines...)
		if err != nil {
			return did, err
		}
		lines, err = repairTables(dir, now(), o.Key)
		did = append(did, lines...)
		if err != nil {
			return did, err
		}
	}
	o.Warn = nil
	db, err := openLocked(dir, o, lk)
	if err != nil {
		return did, fmt.Errorf("repair: the store still does not open: %w", err)
	}
	damage, lost := db.Damage(), db.lostWrites
	head, herr := db.AuditHead(context.Background())
	db.Close()
	if herr != nil {
		return did, herr
	}
	if len(damage) > 0 && !lost {
		for _, d := range damage {
			did = append(did, "still damaged: "+d)
		}
		return did, errors.New("repair: owg cannot get past this damage: restore a backup (owg restore)")
	}
	if lost {
		into, err := recoveredDir(dir, now())
		if err != nil {
			return did, err
		}
		if err := os.Rename(filepath.Join(dir, headFileName), filepath.Join(into, headFileName)); err != nil {
			return did, fmt.Errorf("repair: move %s aside: %w", headFileName, err)
		}
		for _, d := range damage {
			did = append(did, "accepted: "+d)
		}
		did = append(did, fmt.Sprintf("%s moved to %s: the store goes on from audit event %d", headFileName, into, head.Seq))
	}
	if db, err = openLocked(dir, o, lk); err != nil {
		return did, fmt.Errorf("repair: the store does not open after repair: %w", err)
	}
	lines, err := db.repairOrphanedHistory(context.Background(), now())
	did = append(did, lines...)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return did, err
	}
	if len(did) == 0 {
		did = append(did, "nothing to repair")
	}
	return did, nil
}

// repairTables takes the missing or damaged tables the MANIFEST lists out
// of it, keeping copies. Every block is verified in a plain store, and in
// an encrypted one whose key registry opens with key.
func repairTables(dir string, now time.Time, key []byte) ([]string, error) {
	var did []string
	listed, end, ok, err := readManifest(dir)
	if err != nil || !ok {
		return did, fmt.Errorf("repair: %v: restore the store from a backup (owg restore)", err)
	}
	blocks := len(key) == 0 && plainRegistry(dir)
	var keys *tableKeys
	if len(key) > 0 {
		if k, kerr := openTableKeys(dir, key); kerr == nil {
			keys, blocks = k, true
			defer k.close()
		}
	}
	var bad []uint64
	for id := range listed {
		path := filepath.Join(dir, fmt.Sprintf("%06d.sst", id))
		if checkTable(path) != nil || (blocks && verifyTableFile(path, keys) != nil) {
			bad = append(bad, id)
		}
	}
	if len(bad) == 0 {
		return did, nil // the damage was elsewhere (a value log)
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i] < bad[j] })
	into, err := recoveredDir(dir, now)
	if err != nil {
		return did, err
	}
	if err := copyFile(filepath.Join(dir, badger.ManifestFilename), filepath.Join(into, badger.ManifestFilename)); err != nil {
		return did, fmt.Errorf("repair: keep a copy of the MANIFEST: %w", err)
	}
	var cs pb.ManifestChangeSet
	for _, id := range bad {
		cs.Changes = append(cs.Changes, &pb.ManifestChange{Id: id, Op: pb.ManifestChange_DELETE})
	}
	if err := appendManifest(filepath.Join(dir, badger.ManifestFilename), end, &cs); err != nil {
		return did, fmt.Errorf("repair: %w", err)
	}
	for _, id := range bad {
		name := fmt.Sprintf("%06d.sst", id)
		err := os.Rename(filepath.Join(dir, name), filepath.Join(into, name))
		switch {
		case errors.Is(err, os.ErrNotExist):
			did = append(did, fmt.Sprintf("table %s was missing: taken out of the MANIFEST (a copy of the MANIFEST is in %s)", name, into))
		case err != nil:
			return did, fmt.Errorf("repair: move %s aside: %w", name, err)
		default:
			did = append(did, fmt.Sprintf("table %s is damaged: taken out of the store, moved to %s", name, into))
		}
	}
	return did, nil
}

// appendManifest truncates the MANIFEST at end (dropping a half-written
// entry) and appends cs as one entry, synced.
func appendManifest(path string, end int64, cs *pb.ManifestChangeSet) error {
	buf, err := proto.Marshal(cs)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Truncate(end); err != nil {
		return err
	}
	var hdr [8]byte
	be := func(b []byte, v uint32) { b[0], b[1], b[2], b[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v) }
	be(hdr[0:4], uint32(len(buf)))
	be(hdr[4:8], crc32.Checksum(buf, crc32.MakeTable(crc32.Castagnoli)))
	if _, err := f.WriteAt(append(hdr[:], buf...), end); err != nil {
		return err
	}
	return f.Sync()
}

// copyFile copies src to dst (created 0600), synced.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
