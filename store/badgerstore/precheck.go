package badgerstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/badger/v4/y"
	"github.com/dgraph-io/ristretto/v2/z"
	"google.golang.org/protobuf/proto"

	"github.com/leadtable/owg/store"
)

// checkTables checks the trailer and index checksum of every table file
// in dir before Badger opens them: Badger reads a damaged trailer on a
// background goroutine and crashes the process instead of failing Open.
func checkTables(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.sst"))
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := checkTable(f); err != nil {
			return fmt.Errorf("table %s is damaged: %v", filepath.Base(f), err)
		}
	}
	return nil
}

// checkTable mirrors table.initIndex with bounds checks: the file ends in
// index, index length (4 bytes), checksum, checksum length (4 bytes).
func checkTable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	pos := fi.Size()
	read := func(n int64) ([]byte, error) {
		if n < 0 || n > pos {
			return nil, fmt.Errorf("length %d out of bounds", n)
		}
		pos -= n
		b := make([]byte, n)
		if _, err := f.ReadAt(b, pos); err != nil {
			return nil, err
		}
		return b, nil
	}
	b, err := read(4)
	if err != nil {
		return err
	}
	sum, err := read(int64(binary.BigEndian.Uint32(b)))
	if err != nil {
		return err
	}
	var chk pb.Checksum
	if err := proto.Unmarshal(sum, &chk); err != nil {
		return err
	}
	if b, err = read(4); err != nil {
		return err
	}
	index, err := read(int64(binary.BigEndian.Uint32(b)))
	if err != nil {
		return err
	}
	return y.VerifyChecksum(index, &chk)
}

// damagedTables names the tables whose blocks fail their checksums, by
// opening each one on its own (Badger's VerifyChecksum panics on a damaged
// block without naming its table); an encrypted store's with their data
// keys, read from its key registry.
func (db *DB) damagedTables() []string {
	if db.dir == "" {
		return nil
	}
	var keys *tableKeys
	if len(db.key) > 0 {
		k, err := openTableKeys(db.dir, db.key)
		if err != nil {
			return nil
		}
		defer k.close()
		keys = k
	}
	// Only the tables the MANIFEST lists: they are complete (synced before
	// listed). A table Badger is writing now would fault when mapped.
	listed, _, ok, err := readManifest(db.dir)
	if err != nil || !ok {
		return nil
	}
	var bad []string
	for id := range listed {
		name := fmt.Sprintf("%06d.sst", id)
		if err := verifyTableFile(filepath.Join(db.dir, name), keys); err != nil && !os.IsNotExist(err) {
			bad = append(bad, name)
		}
	}
	sort.Strings(bad)
	return bad
}

// tableSumsName is the file in the data directory that remembers, for
// each table file that passed verifyTableFile, its size and the CRC-32C
// of its bytes. A table file whose bytes still hash to that sum is the
// file that passed, so its blocks pass again without being decompressed
// and checked one by one (at 2,000 participants that was most of a local
// start); any change to its bytes, damage included, changes the sum and
// the table is verified block by block again. The sum guards against
// damage as Badger's own block checksums do, not against someone who
// edits the files (neither does).
const tableSumsName = "table-sums"

// tableSum is a verified table file's size and CRC-32C.
type tableSum struct {
	size int64
	sum  uint32
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// sumFile returns the size and CRC-32C of the file at path, read through
// buf (any size; nil: one is made).
func sumFile(path string, buf []byte) (tableSum, error) {
	f, err := os.Open(path)
	if err != nil {
		return tableSum{}, err
	}
	defer f.Close()
	// Read through one small buffer a goroutine reuses, not mapped: on
	// the 2-core virtual machine starts are measured on, mapping the
	// tables cost a page fault per 64 KiB (19 MB of tables at 2,000
	// participants: 8-10 ms of CPU), reading them 5 ms, of which the
	// sum itself is 1.
	if len(buf) == 0 {
		buf = make([]byte, sumBufSize)
	}
	var sum uint32
	var n int64
	for {
		k, err := f.Read(buf)
		sum = crc32.Update(sum, castagnoli, buf[:k])
		n += int64(k)
		if errors.Is(err, io.EOF) {
			return tableSum{size: n, sum: sum}, nil
		}
		if err != nil {
			return tableSum{}, err
		}
	}
}

// sumBufSize is the buffer sumFile reads through (fits in a core's L2
// cache, where the sum reads it back).
const sumBufSize = 64 << 10

// readTableSums reads the sums file of dir; a missing or garbled one is
// empty (every table is then verified block by block).
func readTableSums(dir string) map[string]tableSum {
	out := map[string]tableSum{}
	b, err := store.ReadFileLimit(filepath.Join(dir, tableSumsName), 1<<20)
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		size, err1 := strconv.ParseInt(f[1], 10, 64)
		sum, err2 := strconv.ParseUint(f[2], 16, 32)
		if err1 != nil || err2 != nil {
			continue
		}
		out[f[0]] = tableSum{size: size, sum: uint32(sum)}
	}
	return out
}

// writeTableSums replaces the sums file of dir (best effort: without it
// the next open verifies every table again).
func writeTableSums(dir string, sums map[string]tableSum) {
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s %d %08x\n", n, sums[n].size, sums[n].sum)
	}
	tmp := filepath.Join(dir, "."+tableSumsName+".tmp")
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return
	}
	if err := os.Rename(tmp, filepath.Join(dir, tableSumsName)); err != nil {
		os.Remove(tmp)
	}
}

// verifyTableFiles verifies the trailer and every block of each table
// file of dir that is not, byte for byte, one that passed before
// (tableSumsName), on as many goroutines as there are CPUs, and names
// those that fail. keys is nil for a plain store (see verifyTableFile).
func verifyTableFiles(dir string, paths []string, keys *tableKeys) []string {
	known := readTableSums(dir)
	fails := make([]string, len(paths))
	sums := make([]tableSum, len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			buf := make([]byte, sumBufSize)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(paths) {
					return
				}
				sum, err := sumFile(paths[i], buf)
				if err == nil && sum == known[filepath.Base(paths[i])] {
					sums[i] = sum
					continue
				}
				if err := checkTable(paths[i]); err != nil {
					fails[i] = err.Error()
				} else if verifyTableFile(paths[i], keys) != nil {
					fails[i] = "a block fails its checksum"
				} else if err == nil {
					sums[i] = sum
				}
			}
		})
	}
	wg.Wait()
	var out []string
	now := map[string]tableSum{}
	for i, f := range fails {
		name := filepath.Base(paths[i])
		if f != "" {
			out = append(out, fmt.Sprintf("table %s: %s", name, f))
		} else if sums[i].size > 0 {
			now[name] = sums[i]
		}
	}
	if !maps.Equal(now, known) {
		writeTableSums(dir, now)
	}
	return out
}

// verifyTableFile opens one table file read-only and verifies every block;
// keys is nil for a plain store, an encrypted store's data keys otherwise.
func verifyTableFile(path string, keys *tableKeys) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	opt, err := keys.options(path)
	if err != nil {
		return err
	}
	mf, err := z.OpenMmapFile(path, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	t, err := table.OpenTable(mf, opt)
	if err != nil {
		return err
	}
	return t.Close(-1)
}
