package badgerstore

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// backupMagic starts every backup owg writes; older backups (Badger's
// format as is, no header) are still restored.
const backupMagic = "OWG-BACKUP 1\n"

// backupHeader is the backup's second line: what it is, the audit head it
// holds (an anchor), and the checksum of the payload that follows.
type backupHeader struct {
	Created   time.Time `json:"created"`
	AuditHead string    `json:"audit_head"`
	Encrypted bool      `json:"encrypted"`
	KeyID     string    `json:"key_id,omitempty"`
	Nonce     string    `json:"nonce,omitempty"`
	Size      int64     `json:"size"`
	SHA256    string    `json:"sha256"`
	// Protocol says which protocol the site ran on: "file" (ProtocolData
	// holds the file, sealed like the payload when Encrypted, with
	// ProtocolNonce), "built-in" (no file), or "" in a backup made before
	// backups carried it.
	Protocol       string `json:"protocol,omitempty"`
	ProtocolData   []byte `json:"protocol_data,omitempty"`
	ProtocolNonce  string `json:"protocol_nonce,omitempty"`
	ProtocolSHA256 string `json:"protocol_sha256,omitempty"` // of the file's text
}

// ProtocolFileName is the protocol file in a data directory, the one a
// backup carries and a restore writes back.
const ProtocolFileName = "protocol.toml"

// Values of a backup's protocol mark (backupHeader.Protocol, and
// backupset.Trailer.Protocol in continuous backups).
const (
	ProtocolMarkFile    = "file"
	ProtocolMarkBuiltIn = "built-in"
)

// ProtocolFile is the site's protocol as a backup carries it.
type ProtocolFile struct {
	// Known is false for a backup made before backups carried the
	// protocol: nothing is known of the site's protocol file.
	Known bool
	// Text is the protocol file; nil (with Known) when the site ran on the
	// built-in protocol and had no file.
	Text []byte
}

// Mark is the protocol mark recorded for p ("" when not Known).
func (p ProtocolFile) Mark() string {
	switch {
	case !p.Known:
		return ""
	case p.Text == nil:
		return ProtocolMarkBuiltIn
	}
	return ProtocolMarkFile
}

// ProtocolFromMark is the ProtocolFile a recorded mark and text stand for.
func ProtocolFromMark(mark string, text []byte) (ProtocolFile, error) {
	switch mark {
	case "":
		return ProtocolFile{}, nil
	case ProtocolMarkBuiltIn:
		return ProtocolFile{Known: true}, nil
	case ProtocolMarkFile:
		if text == nil {
			text = []byte{}
		}
		return ProtocolFile{Known: true, Text: text}, nil
	}
	return ProtocolFile{}, fmt.Errorf("unknown protocol mark %q", mark)
}

// protocolAAD binds a sealed protocol file to its backup's header.
func protocolAAD(auditHead string) []byte { return []byte(backupMagic + "protocol " + auditHead) }

// BackupOptions configures BackupWith.
type BackupOptions struct {
	// Key encrypts the backup (16, 24 or 32 bytes). Nil uses the store's
	// own key: an encrypted store's backup is always encrypted.
	Key []byte
	// Actor is who takes it, for the audit trail (zero: the system).
	Actor store.Actor
	// Protocol is the site's protocol file, carried in the backup's header
	// so that a restore brings it back (zero: none recorded, as backups
	// made before it was carried).
	Protocol ProtocolFile
}

// BackupInfo says what a backup holds.
type BackupInfo struct {
	Head      store.AuditAnchor // the audit head in the backup (its anchor)
	Encrypted bool
	Size      int64
}

// Backup writes a consistent full backup of the store to w, encrypted
// with the store's key when it has one (see BackupWith).
func (db *DB) Backup(w io.Writer) error {
	_, err := db.BackupWith(w, BackupOptions{})
	return err
}

// BackupWith records the backup in the audit trail, then writes a
// consistent snapshot to w: a header line with the audit head it holds
// (SEQ:HASH, an anchor to keep elsewhere) and the SHA-256 and size of the
// payload, then the payload (Badger's backup format), sealed with
// AES-GCM when there is a key. Writers may go on meanwhile.
func (db *DB) BackupWith(w io.Writer, o BackupOptions) (BackupInfo, error) {
	key := o.Key
	if key == nil {
		key = db.key
	}
	if n := len(key); n != 0 && n != 16 && n != 24 && n != 32 {
		return BackupInfo{}, fmt.Errorf("backup key is %d bytes: want 32", n)
	}
	a := o.Actor
	if a.User == "" {
		a = store.SystemActor
	}
	var payload bytes.Buffer
	var head store.AuditAnchor
	err := db.update(context.Background(), a, func(t *tx) error {
		return t.audit(store.AuditExport, "backup", "backup")
	})
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup: record it in the audit trail: %w", err)
	}
	release, err := db.acquire()
	if err != nil {
		return BackupInfo{}, err
	}
	// The snapshot and the head it holds, read with writers held off (a
	// backup of a site's store takes well under a second) so the header
	// names exactly what the payload holds.
	db.wmu.Lock()
	head, err = db.readAnchor()
	if err == nil {
		_, err = db.snapshotBackup(&payload, 0) // one read timestamp: no transaction torn
	}
	db.wmu.Unlock()
	release()
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	hdr := backupHeader{Created: db.now().UTC(), AuditHead: head.String(), Protocol: o.Protocol.Mark()}
	if hdr.Protocol == ProtocolMarkFile {
		sum := sha256.Sum256(o.Protocol.Text)
		hdr.ProtocolSHA256, hdr.ProtocolData = hex.EncodeToString(sum[:]), o.Protocol.Text
	}
	body := payload.Bytes()
	if len(key) > 0 {
		sealed, nonce, err := seal(key, body, []byte(backupMagic+hdr.AuditHead))
		if err != nil {
			return BackupInfo{}, fmt.Errorf("backup: encrypt: %w", err)
		}
		body = sealed
		hdr.Encrypted, hdr.KeyID, hdr.Nonce = true, backupKeyID(key), hex.EncodeToString(nonce)
		if hdr.Protocol == ProtocolMarkFile {
			sealed, nonce, err := seal(key, o.Protocol.Text, protocolAAD(hdr.AuditHead))
			if err != nil {
				return BackupInfo{}, fmt.Errorf("backup: encrypt: %w", err)
			}
			hdr.ProtocolData, hdr.ProtocolNonce = sealed, hex.EncodeToString(nonce)
		}
	}
	sum := sha256.Sum256(body)
	hdr.Size, hdr.SHA256 = int64(len(body)), hex.EncodeToString(sum[:])
	line, err := json.Marshal(hdr)
	if err != nil {
		return BackupInfo{}, err
	}
	if _, err := io.WriteString(w, backupMagic+string(line)+"\n"); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	if _, err := w.Write(body); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	return BackupInfo{Head: head, Encrypted: hdr.Encrypted, Size: hdr.Size}, nil
}

// backupKeyID names a backup key without revealing it.
func backupKeyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("owg backup key id"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

func seal(key, plain, aad []byte) (sealed, nonce []byte, err error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, err
	}
	nonce = make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, err
	}
	return gcm.Seal(nil, nonce, plain, aad), nonce, nil
}

func open(key, sealed, nonce, aad []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	if len(nonce) != gcm.NonceSize() {
		return nil, errors.New("bad nonce")
	}
	return gcm.Open(nil, nonce, sealed, aad)
}

// RestoreOptions configures RestoreWith.
type RestoreOptions struct {
	// Key encrypts the restored store (nil: not encrypted).
	Key []byte
	// BackupKey decrypts an encrypted backup (nil: Key is tried).
	BackupKey []byte
	// AuditKey is the audit key of the backup's chain, if it is keyed.
	AuditKey []byte
	// Actor is who restores, for the restored store's audit trail.
	Actor store.Actor
	// Now is the restored store's clock (nil: time.Now).
	Now func() time.Time
	// Anchor, for a stream without owg's header (continuous backups keep
	// theirs in each file's trailer), is an audit head the restored trail
	// must hold; zero: none known, verified by its audit trail only.
	Anchor store.AuditAnchor
	// Protocol, for a stream without owg's header (continuous backups keep
	// it in each file's trailer), is the site's protocol file to restore.
	Protocol ProtocolFile
}

// RestoreInfo says what was restored.
type RestoreInfo struct {
	Head   store.AuditAnchor // the backup's audit head (before the restore's own event)
	Events uint64            // audit events in the restored store, the restore's included
	Legacy bool              // an older backup without header or checksum
	// Protocol is the protocol the backup carried (not Known: none, a
	// backup made before backups carried it).
	Protocol ProtocolFile
	// ProtocolWritten: the backup's protocol file was written into the
	// data directory. ProtocolKept: a protocol file was there already and
	// was kept (the same as the backup's, or the backup's site ran on the
	// built-in protocol).
	ProtocolWritten, ProtocolKept bool
}

// Restore loads a backup from r into dir (see RestoreWith); key encrypts
// the restored store and decrypts an encrypted backup.
func Restore(dir string, r io.Reader, key []byte) error {
	_, err := RestoreWith(dir, r, RestoreOptions{Key: key})
	return err
}

// RestoreWith reads the whole backup and verifies it before writing
// anything: its checksum (and, if encrypted, its seal) must hold; an empty
// or damaged backup is refused. Then it loads it into dir, which must be
// missing or empty (owg's own files such as protocol.toml and the SSH host
// key may be there), verifies the result (an owg store whose audit chain is
// intact and ends at the head its header names) and records the restore
// in the restored store's audit trail. On any failure the files it wrote
// are removed again.
func RestoreWith(dir string, r io.Reader, o RestoreOptions) (info RestoreInfo, err error) {
	if dir == "" {
		return info, errors.New("restore: no data directory given")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return info, fmt.Errorf("restore: read the backup: %w", err)
	}
	if len(data) == 0 {
		return info, errors.New("restore: the backup is empty")
	}
	var hdr backupHeader
	payload := data
	if bytes.HasPrefix(data, []byte(backupMagic)) {
		rest := data[len(backupMagic):]
		nl := bytes.IndexByte(rest, '\n')
		if nl < 0 || json.Unmarshal(rest[:nl], &hdr) != nil {
			return info, errors.New("restore: the backup is damaged: its header is unreadable")
		}
		payload = rest[nl+1:]
		sum := sha256.Sum256(payload)
		if int64(len(payload)) != hdr.Size || hex.EncodeToString(sum[:]) != hdr.SHA256 {
			return info, fmt.Errorf("restore: the backup is damaged or cut short: its checksum does not match (%d bytes after the header, %d expected); nothing was written",
				len(payload), hdr.Size)
		}
		if hdr.Encrypted {
			key := o.BackupKey
			if key == nil {
				key = o.Key
			}
			if key == nil {
				return info, errors.New("restore: the backup is encrypted: give the key it was made with (--backup-key-file, or --key-file)")
			}
			if backupKeyID(key) != hdr.KeyID {
				return info, errors.New("restore: the key given is not the one this backup was encrypted with")
			}
			nonce, _ := hex.DecodeString(hdr.Nonce)
			plain, err := open(key, payload, nonce, []byte(backupMagic+hdr.AuditHead))
			if err != nil {
				return info, errors.New("restore: the backup is damaged: it fails its seal")
			}
			payload = plain
		}
		if info.Head, err = store.ParseAuditAnchor(hdr.AuditHead); err != nil {
			return info, fmt.Errorf("restore: the backup's header is damaged: %v", err)
		}
		if info.Protocol, err = headerProtocol(hdr, o); err != nil {
			return info, err
		}
	} else {
		if o.Anchor.Hash != "" {
			info.Head = o.Anchor
		} else {
			info.Legacy = true
		}
		info.Protocol = o.Protocol
	}
	// looked at once before anything is made in it (a directory that is
	// not empty gets no lock file), and again under the lock
	notEmpty := func(ents []os.DirEntry) error {
		for _, e := range ents {
			if !ownFiles[e.Name()] && !strings.HasPrefix(e.Name(), ".") {
				return fmt.Errorf("restore: %s is not empty (%s): restore only into an empty or new data directory", dir, e.Name())
			}
		}
		return nil
	}
	ents, rerr := os.ReadDir(dir)
	if rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		return info, fmt.Errorf("restore: %w", rerr)
	}
	if err := notEmpty(ents); err != nil {
		return info, err
	}
	created := errors.Is(rerr, os.ErrNotExist)
	_, lerr := os.Stat(filepath.Join(dir, lockFileName))
	newLock := errors.Is(lerr, os.ErrNotExist)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	// The directory is locked before it is looked at, so no other owg
	// process can open it while the restore writes (or removes) files.
	lk, err := lockDir(dir)
	if err != nil {
		if created {
			os.Remove(dir)
		}
		return info, fmt.Errorf("restore: %w", err)
	}
	defer lk.release()
	if ents, rerr = os.ReadDir(dir); rerr != nil {
		return info, fmt.Errorf("restore: %w", rerr)
	}
	if err := notEmpty(ents); err != nil {
		return info, err
	}
	had := map[string]bool{}
	for _, e := range ents {
		if newLock && e.Name() == lockFileName {
			continue // made by this restore: removed again if it fails
		}
		had[e.Name()] = true
	}
	// A head file left beside an old store is not this store's.
	if had[headFileName] {
		os.Remove(filepath.Join(dir, headFileName))
		delete(had, headFileName)
	}
	if had[tableSumsName] {
		os.Remove(filepath.Join(dir, tableSumsName))
		delete(had, tableSumsName)
	}
	defer func() {
		if err != nil {
			removeNew(dir, had)
			if created {
				os.Remove(dir) // only if empty: a directory restore made itself
			}
		}
	}()
	// The backup's protocol file never silently replaces a different one
	// already here: refused before anything is written.
	protoPath := filepath.Join(dir, ProtocolFileName)
	writeProto := false
	if had[ProtocolFileName] && info.Protocol.Known {
		cur, rerr := os.ReadFile(protoPath)
		if rerr != nil {
			return info, fmt.Errorf("restore: %w", rerr)
		}
		switch {
		case info.Protocol.Text == nil || bytes.Equal(cur, info.Protocol.Text):
			info.ProtocolKept = true
		default:
			return info, fmt.Errorf("restore: %s differs from the protocol file in the backup: move it away (the backup's is then restored in its place) or make it the same, and restore again; nothing was written", protoPath)
		}
	} else if had[ProtocolFileName] {
		info.ProtocolKept = true
	} else if info.Protocol.Text != nil {
		writeProto = true
	}
	if writeProto {
		if err := writeFileSynced(protoPath, info.Protocol.Text); err != nil {
			return info, fmt.Errorf("restore: write the protocol file: %w", err)
		}
		info.ProtocolWritten = true
	}
	bdb, err := openBadger(badgerOptions(dir, Options{Key: o.Key}))
	if err != nil {
		return info, fmt.Errorf("restore: %w", openError(dir, o.Key, err))
	}
	if err := load(bdb, bytes.NewReader(payload)); err != nil {
		bdb.Close()
		return info, fmt.Errorf("restore: the backup is damaged or not a backup: %v", err)
	}
	// Open would make an empty directory a new store: a backup that
	// loaded nothing owg wrote is refused here instead.
	if ok, _ := hasKey(bdb, keyFormat); !ok {
		empty := !hasAnyKey(bdb)
		bdb.Close()
		if empty {
			return info, errors.New("restore: the backup holds nothing: it is empty or not a backup")
		}
		return info, fmt.Errorf("restore: the backup is %w: a Badger database without owg's format marker", ErrNotOwgStore)
	}
	if err := bdb.Close(); err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	db, err := openLocked(dir, Options{Key: o.Key, AuditKey: o.AuditKey, Now: o.Now}, lk)
	if err != nil {
		return info, fmt.Errorf("restore: the backup is not a usable owg store: %w", err)
	}
	defer db.Close()
	if seq, verr := db.VerifyAudit(context.Background()); verr != nil {
		return info, fmt.Errorf("restore: the backup's audit trail is broken at event %d: %w", seq, verr)
	}
	head, err := db.AuditHead(context.Background())
	if err != nil {
		return info, err
	}
	// Opening the restored store may have migrated it (scoped ROIs, first
	// history events), auditing each step after the backup's head: the
	// trail must hold the header's head unchanged, and may go on after it.
	if info.Legacy {
		info.Head = head
	} else if head.Seq < info.Head.Seq {
		return info, fmt.Errorf("restore: the backup holds audit head %s, but its header names %s: it is not the backup it says", head, info.Head)
	} else if _, err := db.VerifyAuditAnchor(context.Background(), info.Head); err != nil {
		return info, fmt.Errorf("restore: the backup does not hold the audit head its header names (%s): it is not the backup it says: %w", info.Head, err)
	}
	a := o.Actor
	if a.User == "" {
		a = store.SystemActor
	}
	if err := db.Record(context.Background(), store.AuditEvent{User: a.User, Role: a.Role, Addr: a.Addr,
		Action: store.AuditUpdate, Subject: "restore", Detail: "restore:" + info.Head.String()}); err != nil {
		return info, fmt.Errorf("restore: record it in the audit trail: %w", err)
	}
	info.Events = head.Seq + 1
	return info, nil
}

// headerProtocol reads the protocol a backup's header carries, checking
// its checksum (and, when encrypted, its seal).
func headerProtocol(hdr backupHeader, o RestoreOptions) (ProtocolFile, error) {
	text := hdr.ProtocolData
	if hdr.Protocol == ProtocolMarkFile && hdr.Encrypted {
		key := o.BackupKey
		if key == nil {
			key = o.Key
		}
		nonce, _ := hex.DecodeString(hdr.ProtocolNonce)
		plain, err := open(key, text, nonce, protocolAAD(hdr.AuditHead))
		if err != nil {
			return ProtocolFile{}, errors.New("restore: the backup is damaged: its protocol file fails its seal")
		}
		text = plain
	}
	if hdr.Protocol == ProtocolMarkFile {
		sum := sha256.Sum256(text)
		if hex.EncodeToString(sum[:]) != hdr.ProtocolSHA256 {
			return ProtocolFile{}, errors.New("restore: the backup is damaged: its protocol file does not match its checksum; nothing was written")
		}
	}
	p, err := ProtocolFromMark(hdr.Protocol, text)
	if err != nil {
		return p, fmt.Errorf("restore: the backup's header is damaged: %v", err)
	}
	return p, nil
}

// writeFileSynced writes a new file (0600) through a temporary file,
// synced and renamed into place.
func writeFileSynced(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

func hasKey(bdb *badger.DB, key string) (bool, error) {
	var ok bool
	err := bdb.View(func(txn *badger.Txn) (err error) {
		ok, err = exists(txn, key)
		return err
	})
	return ok, err
}

func hasAnyKey(bdb *badger.DB) bool {
	var ok bool
	bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		it.Rewind()
		ok = it.Valid()
		return nil
	})
	return ok
}

// removeNew removes what a failed restore wrote, keeping the files that
// were there before.
func removeNew(dir string, had map[string]bool) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !had[e.Name()] {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// load runs Badger's Load, turning its panic on garbage input into an error.
func load(bdb *badger.DB, r io.Reader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errors.New("unreadable data")
		}
	}()
	return bdb.Load(r, 256)
}
