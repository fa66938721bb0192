package badgerstore

import (
	"fmt"
	"io"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// BackupSince writes Badger's backup stream of every version at or after
// since to w (0: everything, a full backup) and returns the highest version
// written. Pass that version as is to the next call for an incremental
// backup: the documented "+1" skips the next write (badger issues #2060,
// #1351), and repeating one version is harmless on load. Readable by
// Restore, full stream first, then the increments in order.
//
// The stream is one snapshot: Badger's own DB.Backup reads with NumGo
// producers, each opening its own read transaction when it starts, so a
// transaction committed meanwhile can land in the stream in part (some of
// its keys, not others) and, since the returned version may already be past
// it, its missing keys never reach a later increment either. One producer
// reads everything at one read timestamp.
func (db *DB) BackupSince(w io.Writer, since uint64) (uint64, error) {
	release, err := db.acquire()
	if err != nil {
		return 0, err
	}
	defer release()
	v, err := db.snapshotBackup(w, since)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	return v, nil
}

// snapshotBackup is Badger's backup stream read by one producer, at one
// read timestamp (see BackupSince). The caller holds db.acquire.
func (db *DB) snapshotBackup(w io.Writer, since uint64) (uint64, error) {
	stream := db.bdb.NewStream()
	stream.LogPrefix = "owg.Backup"
	stream.SinceTs = since
	stream.NumGo = 1
	return stream.Backup(w, since)
}

// BackupSinceAnchored is BackupSince that also returns an audit head the
// stream holds (the anchor a restore checks). The head is read just before
// the stream starts, so the stream holds it and perhaps events after it;
// writers are not held off.
func (db *DB) BackupSinceAnchored(w io.Writer, since uint64) (uint64, store.AuditAnchor, error) {
	release, err := db.acquire()
	if err != nil {
		return 0, store.AuditAnchor{}, err
	}
	defer release()
	head, err := db.readAnchor()
	if err != nil {
		return 0, head, fmt.Errorf("backup: %w", err)
	}
	v, err := db.snapshotBackup(w, since)
	if err != nil {
		return 0, head, fmt.Errorf("backup: %w", err)
	}
	return v, head, nil
}

// readAnchor is the store's audit head as an anchor, read now.
func (db *DB) readAnchor() (store.AuditAnchor, error) {
	var head store.AuditAnchor
	err := db.bdb.View(func(txn *badger.Txn) error {
		var h auditHead
		if err := getJSON(txn, keyAuditHead, "audit head", &h); err != nil {
			return err
		}
		head = store.AuditAnchor{Seq: h.Seq, Hash: h.Hash}
		return nil
	})
	return head, err
}
