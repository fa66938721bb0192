package badgerstore

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// headFileName is the file in the data directory holding the last
// committed audit event as SEQ:HASH. It is written after every commit
// (not synced: it may lag the store after a power loss, never lead it).
// At open, a store whose trail ends before it, or differs at it, has lost
// committed writes: Badger replays a damaged write-ahead log (.mem) only up
// to the damage and says nothing, and so would owg without this file.
const headFileName = "audit-head"

// openHeadFile compares the head file with the store's trail, records
// damage, and keeps the file open for writeHead. A damaged store keeps
// its head file as it was (the evidence) until `owg repair`.
func (db *DB) openHeadFile() error {
	path := filepath.Join(db.dir, headFileName)
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	var head auditHead
	if err := db.bdb.View(func(txn *badger.Txn) error { return getJSON(txn, keyAuditHead, "audit head", &head) }); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("read the audit head in %s: %v", db.dir, err)
	}
	if len(b) > 0 {
		a, perr := store.ParseAuditAnchor(string(bytes.TrimSpace(b)))
		switch {
		case perr != nil:
			db.warn(fmt.Sprintf("%s is unreadable (%v): written again", path, perr))
		case a.Seq > head.Seq:
			db.lostWrites = true
			db.damage = append(db.damage, fmt.Sprintf(
				"committed writes are missing: the audit trail ends at event %d, but event %d was committed (%s); "+
					"the writes after event %d were lost, most likely from a damaged write-ahead log (.mem)",
				head.Seq, a.Seq, headFileName, head.Seq))
		default:
			var e store.AuditEvent
			gerr := db.bdb.View(func(txn *badger.Txn) (err error) { e, err = getAudit(txn, a.Seq); return err })
			if a.Seq > 0 && (gerr != nil || e.Hash != a.Hash) {
				db.lostWrites = true
				db.damage = append(db.damage, fmt.Sprintf(
					"audit event %d is not the one committed (%s names another hash): the trail was rewritten or replaced", a.Seq, headFileName))
			}
		}
	}
	if len(db.damage) > 0 {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	db.headFile = f
	db.writeHead(head)
	return nil
}

// writeHead records h in the head file (under wmu, after the commit).
func (db *DB) writeHead(h auditHead) {
	if db.headFile == nil {
		return
	}
	line := []byte(store.AuditAnchor{Seq: h.Seq, Hash: h.Hash}.String() + "\n")
	if h.Seq == 0 {
		line = nil
	}
	if _, err := db.headFile.WriteAt(line, 0); err != nil {
		db.warn(fmt.Sprintf("write %s: %v", headFileName, err))
		return
	}
	db.headFile.Truncate(int64(len(line)))
}
