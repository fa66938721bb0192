package badgerstore

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/badger/v4/y"
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
