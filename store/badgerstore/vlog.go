package badgerstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// A value log (.vlog) starts with a 20-byte header: the id of its data
// key (0 in a plain store) and an IV. Badger reads every value log's
// header at open and fails on a key id its registry does not hold ("While
// opening vlog file N: Invalid datakey id"), so one flipped byte there
// made the store unopenable. owg keeps its values in the tables (below
// the value threshold), so a value log normally holds nothing after its
// header. A damaged header is named before Badger opens the store:
//
//   - a value log holding no entries is damaged but holds nothing: Open
//     refuses it by name with ErrNeedsRepair, and Repair moves it into
//     recovered-<time>/ (Badger makes a new one);
//   - a value log holding entries is never moved or discarded: Open and
//     Repair refuse it by name, pointing to a backup.

// valueLogDamage is a value log whose header names a key that is not there.
type valueLogDamage struct {
	name  string
	empty bool // nothing after the header
}

// line names the damage for Open's error and Check.
func (d valueLogDamage) line() string {
	if d.empty {
		return fmt.Sprintf("value log %s has a damaged header (it holds no entries: nothing is lost by moving it aside)", d.name)
	}
	return fmt.Sprintf("value log %s has a damaged header and holds entries", d.name)
}

// damagedValueLogs checks the header of every value log in dir against
// the key registry. It judges only what it can: a plain store's (key
// nil, registry plain) logs must name key 0; an encrypted store's, keys
// its registry holds. A store whose registry does not open with key is
// left to Badger (it names a missing or wrong key).
func damagedValueLogs(dir string, key []byte) ([]valueLogDamage, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.vlog"))
	if err != nil {
		return nil, err
	}
	var kr *badger.KeyRegistry
	known := func(id uint64) (bool, bool) { // (known, judged)
		if id == 0 {
			return true, true // plain text, valid in any store
		}
		if len(key) == 0 {
			return false, plainRegistry(dir)
		}
		if kr == nil {
			r, err := badger.OpenKeyRegistry(badger.KeyRegistryOptions{Dir: dir, ReadOnly: true, EncryptionKey: key})
			if err != nil {
				return false, false
			}
			kr = r
		}
		_, err := kr.DataKey(id)
		return err == nil, true
	}
	defer func() {
		if kr != nil {
			kr.Close()
		}
	}()
	var out []valueLogDamage
	for _, p := range paths {
		hdr, err := readValueLogHeader(p)
		if err != nil {
			return nil, fmt.Errorf("value log %s: %w", filepath.Base(p), err)
		}
		if hdr == nil {
			continue // shorter than its header: being created, Badger makes it again
		}
		if ok, judged := known(binary.BigEndian.Uint64(hdr[:8])); judged && !ok {
			out = append(out, valueLogDamage{name: filepath.Base(p), empty: valueLogEmpty(p)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// readValueLogHeader returns the header of the value log at path, nil
// when the file is shorter.
func readValueLogHeader(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	hdr := make([]byte, vlogHeaderSize)
	if _, err := io.ReadFull(f, hdr); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, nil
		}
		return nil, err
	}
	return hdr, nil
}

// valueLogEmpty reports whether every byte of the value log at path after
// its header is zero: no entries (a cleanly closed log ends at its header,
// a killed one is zeros after its last entry). An unreadable one is not
// known to be empty.
func valueLogEmpty(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if _, err := f.Seek(vlogHeaderSize, io.SeekStart); err != nil {
		return false
	}
	buf := make([]byte, 64<<10)
	for {
		n, err := f.Read(buf)
		if !allZero(buf[:n]) {
			return false
		}
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}

func allZero(b []byte) bool { return len(bytes.Trim(b, "\x00")) == 0 }

// valueLogErrors splits damaged value logs into what Repair can move
// aside (no entries) and what it must not (entries).
func valueLogErrors(ds []valueLogDamage) (repairable, not []string) {
	for _, d := range ds {
		if d.empty {
			repairable = append(repairable, d.line())
		} else {
			not = append(not, d.line())
		}
	}
	return repairable, not
}

// repairValueLogs moves aside the damaged value logs that hold no entries.
func repairValueLogs(dir string, now time.Time, key []byte) ([]string, error) {
	ds, err := damagedValueLogs(dir, key)
	if err != nil {
		return nil, fmt.Errorf("repair: %w", err)
	}
	var did []string
	var into string
	for _, d := range ds {
		if !d.empty {
			return did, fmt.Errorf("repair: %s: owg cannot repair that without losing them: restore a backup (owg restore)", d.line())
		}
		dst, err := moveAside(dir, filepath.Join(dir, d.name), now, &into)
		if err != nil {
			return did, fmt.Errorf("repair: %w", err)
		}
		did = append(did, fmt.Sprintf("value log %s has a damaged header and held no entries: moved to %s", d.name, dst))
	}
	return did, nil
}

// joinDamage is "; "-joined, sorted.
func joinDamage(lines []string) string {
	sort.Strings(lines)
	return strings.Join(lines, "; ")
}
