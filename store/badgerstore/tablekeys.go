package badgerstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/fb"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/ristretto/v2"
)

// tableKeys opens the tables of an encrypted store on their own, as
// verifyTableFile needs: each table's data key (its id is in the MANIFEST,
// the key in the key registry, sealed with the store's key) and an index
// cache (Badger keeps an encrypted table's index only there). A nil
// *tableKeys is a plain store's: every table is read without a key.
type tableKeys struct {
	ids   map[uint64]uint64      // table id -> data key id
	dks   map[uint64]*pb.DataKey // data key id -> data key (unsealed)
	cache *ristretto.Cache[uint64, *fb.TableIndex]
}

// openTableKeys reads dir's key registry with key (read-only) and the data
// key id of every table its MANIFEST lists. An error from the registry is
// Badger's (ErrEncryptionKeyMismatch for a key that does not open it).
func openTableKeys(dir string, key []byte) (*tableKeys, error) {
	ids, err := manifestKeyIDs(dir)
	if err != nil {
		return nil, err
	}
	kr, err := badger.OpenKeyRegistry(badger.KeyRegistryOptions{Dir: dir, ReadOnly: true, EncryptionKey: key})
	if err != nil {
		return nil, err
	}
	defer kr.Close()
	dks := map[uint64]*pb.DataKey{}
	for _, kid := range ids {
		if dk, err := kr.DataKey(kid); err == nil && dk != nil {
			dks[kid] = dk
		}
	}
	return newTableKeys(ids, dks)
}

func newTableKeys(ids map[uint64]uint64, dks map[uint64]*pb.DataKey) (*tableKeys, error) {
	cache, err := ristretto.NewCache(&ristretto.Config[uint64, *fb.TableIndex]{
		NumCounters: 1 << 12, MaxCost: 16 << 20, BufferItems: 64})
	if err != nil {
		return nil, err
	}
	return &tableKeys{ids: ids, dks: dks, cache: cache}, nil
}

// close releases the cache. Nil-safe.
func (k *tableKeys) close() {
	if k != nil {
		k.cache.Close()
	}
}

// options are the table options to open the table file at path with.
func (k *tableKeys) options(path string) (table.Options, error) {
	opt := table.Options{ReadOnly: true, ChkMode: options.OnTableRead, BlockSize: 4 << 10, Compression: options.Snappy}
	if k == nil {
		return opt, nil
	}
	id, ok := tableID(filepath.Base(path))
	if !ok {
		return opt, fmt.Errorf("not a table file name")
	}
	kid, ok := k.ids[id]
	if !ok {
		return opt, fmt.Errorf("not listed in the MANIFEST")
	}
	if kid == 0 {
		return opt, nil // written before the store was encrypted: plain
	}
	dk, ok := k.dks[kid]
	if !ok {
		return opt, fmt.Errorf("its data key %d is not in the key registry", kid)
	}
	opt.DataKey, opt.IndexCache = dk, k.cache
	return opt, nil
}

// manifestKeyIDs maps each table dir's MANIFEST lists to its data key id
// (empty without a MANIFEST).
func manifestKeyIDs(dir string) (map[uint64]uint64, error) {
	tables, err := manifestTables(dir)
	if err != nil {
		return nil, err
	}
	ids := make(map[uint64]uint64, len(tables))
	for id, tm := range tables {
		ids[id] = tm.KeyID
	}
	return ids, nil
}

// manifestTables is what dir's MANIFEST says of each table it lists
// (empty without a MANIFEST).
func manifestTables(dir string) (map[uint64]badger.TableManifest, error) {
	f, err := os.Open(filepath.Join(dir, badger.ManifestFilename))
	if errors.Is(err, os.ErrNotExist) {
		return map[uint64]badger.TableManifest{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, _, err := badger.ReplayManifestFile(f, 0, badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		return nil, fmt.Errorf("the MANIFEST (the list of table files) is damaged: %v", err)
	}
	return m.Tables, nil
}
