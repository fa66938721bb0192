package badgerstore

import (
	"bytes"
	"crypto/aes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/fb"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/badger/v4/y"
	"github.com/klauspost/compress/snappy"
	"google.golang.org/protobuf/proto"
)

// Badger's key registry (KEYREGISTRY) is a 16-byte IV, the sanity text
// "Hello Badger" (12 bytes, sealed with the store's key in an encrypted
// store), then one entry per data key: length, CRC-32C and the data key
// (sealed with the store's key under an IV of its own). Badger checks a key
// only against the sanity text, so one flipped byte in the first 28 bytes
// gave "wrong encryption key" for the right key, and a damaged entry a raw
// checksum error. checkKeyRegistry tells them apart before Badger opens the
// store: the entries are checked against their CRCs, and a sanity text
// that does not match is judged by the tables: when the data keys, unsealed
// with the key given, open a table whose blocks pass their checksums, the
// key is right and the registry's header is damaged (repair writes it
// again); when they do not, the key is wrong.

// registryHeaderSize is the IV and the sanity text.
const registryHeaderSize = aes.BlockSize + 12

var registrySanity = []byte("Hello Badger")

// errRegistryHeader marks a damaged header that repairKeyRegistry can
// write again (the key, or the store's being plain, proven by its tables).
var errRegistryHeader = errors.New("repair writes the header again, keeping the data keys")

// checkKeyRegistry names damage to dir's key registry (nil when there is
// none, when it is sound for key, or when the key is simply wrong: Badger
// says so).
func checkKeyRegistry(dir string, key []byte) error {
	err := diagnoseRegistry(dir, key)
	if errors.Is(err, errRegistryHeader) {
		return fmt.Errorf("%v: %w", err, ErrNeedsRepair)
	}
	return err
}

// diagnoseRegistry is checkKeyRegistry; a damaged header it can prove is
// an error wrapping errRegistryHeader.
func diagnoseRegistry(dir string, key []byte) error {
	b, err := os.ReadFile(filepath.Join(dir, badger.KeyRegistryFileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the key registry: %w", err)
	}
	name := badger.KeyRegistryFileName
	if len(b) < registryHeaderSize {
		return fmt.Errorf("the key registry %s is damaged: cut short at %d bytes, the data keys that unseal the store are lost; owg cannot repair that: restore a backup (owg restore)", name, len(b))
	}
	dks, err := registryEntries(b)
	if err != nil {
		return fmt.Errorf("the key registry %s is damaged: %v: the records sealed with that data key cannot be read; owg cannot repair that: restore a backup (owg restore)", name, err)
	}
	iv, sanity := b[:aes.BlockSize], b[aes.BlockSize:registryHeaderSize]
	if len(key) == 0 {
		if bytes.Equal(sanity, registrySanity) || len(dks) > 0 {
			return nil // sound, or an encrypted store: Badger asks for its key
		}
		// No data key: nothing in the store can be sealed. Its tables,
		// read without a key, prove it plain.
		if opened, _ := tablesOpen(dir, nil); opened {
			return fmt.Errorf("the key registry %s is damaged (bytes %d-%d, its check text): the store is not encrypted (it holds no data keys and its tables read without one): %w",
				name, aes.BlockSize, registryHeaderSize-1, errRegistryHeader)
		}
		return nil
	}
	if len(key) != 16 && len(key) != 24 && len(key) != 32 {
		return nil // Open refuses the key's length itself
	}
	plain, err := y.XORBlockAllocate(sanity, key, iv)
	if err != nil || bytes.Equal(plain, registrySanity) || bytes.Equal(sanity, registrySanity) || len(dks) == 0 {
		return nil // sound; a plain store (Badger's error says so); or no data key to tell by
	}
	// Unseal the data keys with the key given and try the tables.
	keys := map[uint64]*pb.DataKey{}
	for _, dk := range dks {
		data, err := y.XORBlockAllocate(dk.Data, key, dk.Iv)
		if err != nil {
			return nil
		}
		keys[dk.KeyId] = &pb.DataKey{KeyId: dk.KeyId, Data: data, Iv: dk.Iv, CreatedAt: dk.CreatedAt}
	}
	if opened, tried := tablesOpen(dir, keys); !opened {
		if !tried {
			return fmt.Errorf("%w, or the key registry %s is damaged (the store has no table yet to tell which by)", ErrWrongKey, name)
		}
		return nil // the key is wrong: Badger says so
	}
	return fmt.Errorf("the key registry %s is damaged (bytes 0-%d, its IV and check text), not the key: the key given unseals the store's tables: %w",
		name, registryHeaderSize-1, errRegistryHeader)
}

// registryEntries parses the data key entries after the header, each
// checked against its CRC (the data keys still sealed).
func registryEntries(b []byte) ([]*pb.DataKey, error) {
	var out []*pb.DataKey
	for off := registryHeaderSize; off < len(b); {
		if len(b)-off < 8 {
			return nil, fmt.Errorf("the data key entry at byte %d is cut short", off)
		}
		n := int(binary.BigEndian.Uint32(b[off:]))
		sum := binary.BigEndian.Uint32(b[off+4:])
		if n < 0 || n > len(b)-off-8 {
			return nil, fmt.Errorf("the data key entry at byte %d has a damaged length", off)
		}
		data := b[off+8 : off+8+n]
		if crc32.Checksum(data, castagnoli) != sum {
			return nil, fmt.Errorf("the data key entry at byte %d fails its checksum", off)
		}
		var dk pb.DataKey
		if err := proto.Unmarshal(data, &dk); err != nil || len(dk.Iv) != aes.BlockSize {
			return nil, fmt.Errorf("the data key entry at byte %d is unreadable", off)
		}
		out = append(out, &dk)
		off += 8 + n
	}
	return out, nil
}

// tablesOpen reports whether the first block of a table the MANIFEST
// lists (of the three smallest, sealed with a key of dks, or plain when
// dks is nil) decrypts, decompresses and passes its checksum; tried is
// false when there was no such table to try.
func tablesOpen(dir string, dks map[uint64]*pb.DataKey) (opened, tried bool) {
	tables, err := manifestTables(dir)
	if err != nil {
		return false, false
	}
	type cand struct {
		path string
		size int64
		tm   badger.TableManifest
	}
	var cands []cand
	for id, tm := range tables {
		if (dks == nil) != (tm.KeyID == 0) || (dks != nil && dks[tm.KeyID] == nil) {
			continue
		}
		p := filepath.Join(dir, fmt.Sprintf("%06d.sst", id))
		if fi, err := os.Stat(p); err == nil {
			cands = append(cands, cand{p, fi.Size(), tm})
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].size < cands[j].size })
	for i, c := range cands {
		if i == 3 {
			break
		}
		if firstBlockOpens(c.path, dks[c.tm.KeyID], c.tm.Compression) {
			return true, true
		}
	}
	return false, len(cands) > 0
}

// maxBlockSize bounds a block read to tell a key by: owg's blocks are 4
// KiB; under a wrong key a block's length fields are noise, and Badger's
// own reader would allocate what they say (up to 4 GiB).
const maxBlockSize = 1 << 20

// firstBlockOpens reads the first block of the table file at path as
// Badger does (table.block), with every length bounded: the index (its
// checksum, then decrypted with dk when dk is not nil) gives the block's
// place; the block is decrypted, decompressed and checked against its
// checksum. A wrong key fails (noise does not pass a CRC-32C), as does
// damage there.
func firstBlockOpens(path string, dk *pb.DataKey, comp options.CompressionType) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	if checkTable(path) != nil {
		return false
	}
	b, err := os.ReadFile(path)
	if err != nil || len(b) < 8 {
		return false
	}
	pos := len(b) - 4
	pos -= int(binary.BigEndian.Uint32(b[pos:]))
	if pos < 4 {
		return false
	}
	pos -= 4
	n := int(binary.BigEndian.Uint32(b[pos:]))
	if n < 0 || n > pos {
		return false
	}
	index := b[pos-n : pos]
	unseal := func(data []byte) ([]byte, bool) {
		if dk == nil {
			return data, true
		}
		if len(data) < aes.BlockSize {
			return nil, false
		}
		out, err := y.XORBlockAllocate(data[:len(data)-aes.BlockSize], dk.Data, data[len(data)-aes.BlockSize:])
		return out, err == nil
	}
	index, good := unseal(index)
	if !good {
		return false
	}
	var ko fb.BlockOffset
	if !fb.GetRootAsTableIndex(index, 0).Offsets(&ko, 0) {
		return false
	}
	off, l := int(ko.Offset()), int(ko.Len())
	if off < 0 || l <= 0 || l > maxBlockSize || off+l > pos-n {
		return false
	}
	blk, good := unseal(b[off : off+l])
	if !good {
		return false
	}
	switch comp {
	case options.None:
	case options.Snappy:
		if sz, err := snappy.DecodedLen(blk); err != nil || sz > maxBlockSize {
			return false
		}
		if blk, err = snappy.Decode(nil, blk); err != nil {
			return false
		}
	default:
		return false // owg writes Snappy; another cannot tell
	}
	if len(blk) < 4 {
		return false
	}
	end := len(blk) - 4
	cl := int(binary.BigEndian.Uint32(blk[end:]))
	if cl <= 0 || cl > end {
		return false
	}
	var chk pb.Checksum
	if proto.Unmarshal(blk[end-cl:end], &chk) != nil {
		return false
	}
	return y.VerifyChecksum(blk[:end-cl], &chk) == nil
}

// repairKeyRegistry writes the header of a key registry whose damaged
// header diagnoseRegistry proved (a new IV and the check text, sealed with
// key), keeping every data key entry as it is and a copy of the old file
// in a recovered-<time>/ folder. It does nothing to a sound registry.
func repairKeyRegistry(dir string, now time.Time, key []byte) ([]string, error) {
	err := diagnoseRegistry(dir, key)
	if err == nil {
		return nil, nil
	}
	if !errors.Is(err, errRegistryHeader) {
		return nil, fmt.Errorf("repair: %w", err)
	}
	path := filepath.Join(dir, badger.KeyRegistryFileName)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("repair: %w", err)
	}
	into, err := recoveredDir(dir, now)
	if err != nil {
		return nil, err
	}
	if err := copyFile(path, filepath.Join(into, badger.KeyRegistryFileName)); err != nil {
		return nil, fmt.Errorf("repair: keep a copy of %s: %w", badger.KeyRegistryFileName, err)
	}
	iv, err := y.GenerateIV()
	if err != nil {
		return nil, err
	}
	sanity := registrySanity
	if len(key) > 0 {
		if sanity, err = y.XORBlockAllocate(registrySanity, key, iv); err != nil {
			return nil, err
		}
	}
	out := append(append(iv, sanity...), b[registryHeaderSize:]...)
	if err := writeFileSynced(path, out); err != nil {
		return nil, fmt.Errorf("repair: write %s: %w", badger.KeyRegistryFileName, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return []string{fmt.Sprintf("key registry %s had a damaged header: written again, its data keys kept (the old file is in %s)",
		badger.KeyRegistryFileName, into)}, nil
}
