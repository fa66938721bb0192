package badgerstore

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/badger/v4/y"
	"github.com/dgraph-io/ristretto/v2/z"
	"google.golang.org/protobuf/proto"
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
// block without naming its table). Only for a plain store: an encrypted
// table needs its data key, which stays inside Badger.
func (db *DB) damagedTables() []string {
	if len(db.key) > 0 || db.dir == "" {
		return nil
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
		if err := verifyTableFile(filepath.Join(db.dir, name)); err != nil && !os.IsNotExist(err) {
			bad = append(bad, name)
		}
	}
	sort.Strings(bad)
	return bad
}

// verifyTableFile opens one table file read-only and verifies every block.
// verifyTableFiles verifies every block of each table file, on as many
// goroutines as there are CPUs (it decompresses every block: most of the
// time a local start spends before Badger opens), and names those that
// fail, in the order given.
func verifyTableFiles(paths []string) []string {
	fails := make([]bool, len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(paths) {
					return
				}
				fails[i] = verifyTableFile(paths[i]) != nil
			}
		})
	}
	wg.Wait()
	var out []string
	for i, f := range fails {
		if f {
			out = append(out, fmt.Sprintf("table %s: a block fails its checksum", filepath.Base(paths[i])))
		}
	}
	return out
}

func verifyTableFile(path string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	mf, err := z.OpenMmapFile(path, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	t, err := table.OpenTable(mf, table.Options{ReadOnly: true, ChkMode: options.OnTableRead,
		BlockSize: 4 << 10, Compression: options.Snappy})
	if err != nil {
		return err
	}
	return t.Close(-1)
}
