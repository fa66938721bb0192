// Package backupset is the format of owg's continuous backups (issue 15):
// a directory of full and incremental Badger backup streams, each file
// encrypted in chunks with AES-256-GCM and checksummed with SHA-256 in a
// sidecar file, and the rules that pick the chain a restore replays.
//
// It is pure Go (no Badger import): the caller supplies the stream
// (badgerstore's BackupSince) and consumes it (badgerstore.Restore).
//
// One file, NAME.owgbk:
//
//	OWGBACKUP 1\n
//	{header JSON}\n          kind, chain, since, created, encrypted, nonce prefix
//	chunk*                    [4-byte big-endian length][sealed or plain chunk]
//
// A chunk's plaintext is one type byte and a payload: 'd' data, or 't' the
// trailer (the last chunk: JSON with the version the stream reaches). When
// encrypted, chunk i is sealed with nonce = prefix(8) || i(4, big-endian)
// and the header line as additional data, so chunks cannot be reordered,
// dropped, or moved to another file, and a truncated file lacks its trailer.
// NAME.owgbk.sha256 holds the SHA-256 of the whole file in sha256sum form.
package backupset

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Magic is the first line of every backup file.
const Magic = "OWGBACKUP 1\n"

// Ext is a backup file's extension; SumExt its checksum sidecar's.
const (
	Ext    = ".owgbk"
	SumExt = ".sha256"
)

// chunkSize is the plaintext size of one data chunk.
const chunkSize = 64 << 10

// maxChunk bounds a chunk read back (plaintext plus GCM overhead): a data
// chunk is at most chunkSize; the trailer may carry the site's protocol
// file (up to 256 KiB, in base64 within its JSON).
const maxChunk = 1 << 20

// Kinds of backup.
const (
	KindFull = "full"
	KindIncr = "incr"
)

// ErrKeyRequired is returned reading an encrypted backup without a key.
var ErrKeyRequired = errors.New("this backup is encrypted: give the key it was made with (--key-file or --backup-key-file)")

// Header describes one backup file.
type Header struct {
	Kind      string    `json:"kind"`
	Chain     string    `json:"chain"` // the name of the chain's full backup
	Since     uint64    `json:"since"` // Badger version the stream starts at (0: full)
	Created   time.Time `json:"created"`
	Encrypted bool      `json:"encrypted"`
	Nonce     []byte    `json:"nonce,omitempty"` // 8-byte nonce prefix
}

// Trailer ends a backup stream.
type Trailer struct {
	Until uint64 `json:"until"` // the highest Badger version in the stream
	Bytes int64  `json:"bytes"` // plaintext stream bytes
	// AuditHead is the audit head the store held at the stream's read
	// timestamp (SEQ:HASH, the anchor a restore checks); empty in backups
	// made before it was recorded.
	AuditHead string `json:"audit_head,omitempty"`
	// Protocol is the protocol the site ran on when the stream was read:
	// "file" (ProtocolText holds the site's protocol file), "built-in" (no
	// file), or empty in backups made before it was recorded. A restore
	// writes back the newest file's.
	Protocol     string `json:"protocol,omitempty"`
	ProtocolText []byte `json:"protocol_text,omitempty"`
}

// deriveKey turns the store's key into the backup key, so the same bytes
// never serve two ciphers.
func deriveKey(key []byte) ([]byte, error) {
	return hkdf.Key(sha256.New, key, nil, "owg backup v1 aes-256-gcm", 32)
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	k, err := deriveKey(key)
	if err != nil {
		return nil, err
	}
	b, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// Writer encodes one backup stream; Close writes the trailer.
type Writer struct {
	w      io.Writer
	aead   cipher.AEAD
	hdr    []byte // the header line, additional data of every chunk
	nonce  [12]byte
	n      uint32
	buf    []byte
	total  int64
	closed bool
}

// NewWriter writes the magic line and h to w, and returns the Writer for
// the stream. A nil key writes plaintext chunks (still checksummed).
func NewWriter(w io.Writer, h Header, key []byte) (*Writer, error) {
	bw := &Writer{w: w}
	if key != nil {
		aead, err := newAEAD(key)
		if err != nil {
			return nil, err
		}
		bw.aead = aead
		h.Encrypted = true
		h.Nonce = make([]byte, 8)
		if _, err := rand.Read(h.Nonce); err != nil {
			return nil, err
		}
		copy(bw.nonce[:8], h.Nonce)
	}
	line, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	bw.hdr = append(line, '\n')
	if _, err := io.WriteString(w, Magic); err != nil {
		return nil, err
	}
	if _, err := w.Write(bw.hdr); err != nil {
		return nil, err
	}
	return bw, nil
}

// Write buffers stream bytes and writes whole chunks.
func (bw *Writer) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		take := min(chunkSize-len(bw.buf), len(p))
		bw.buf = append(bw.buf, p[:take]...)
		p = p[take:]
		if len(bw.buf) == chunkSize {
			if err := bw.flush('d', bw.buf); err != nil {
				return 0, err
			}
			bw.buf = bw.buf[:0]
		}
	}
	bw.total += int64(n)
	return n, nil
}

func (bw *Writer) flush(typ byte, payload []byte) error {
	plain := make([]byte, 0, len(payload)+1)
	plain = append(plain, typ)
	plain = append(plain, payload...)
	out := plain
	if bw.aead != nil {
		binary.BigEndian.PutUint32(bw.nonce[8:], bw.n)
		out = bw.aead.Seal(nil, bw.nonce[:], plain, bw.hdr)
	}
	bw.n++
	var l [4]byte
	binary.BigEndian.PutUint32(l[:], uint32(len(out)))
	if _, err := bw.w.Write(l[:]); err != nil {
		return err
	}
	_, err := bw.w.Write(out)
	return err
}

// Close writes what is buffered and the trailer (until: the version the
// stream reaches). It does not close the underlying writer.
func (bw *Writer) Close(until uint64) error {
	return bw.CloseWith(Trailer{Until: until})
}

// CloseWith is Close with the whole trailer (its Bytes are the Writer's).
func (bw *Writer) CloseWith(t Trailer) error {
	if bw.closed {
		return errors.New("backupset: writer closed twice")
	}
	bw.closed = true
	if len(bw.buf) > 0 {
		if err := bw.flush('d', bw.buf); err != nil {
			return err
		}
	}
	t.Bytes = bw.total
	line, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return bw.flush('t', line)
}

// Decode reads a backup file from r, writes its stream to w, and returns
// its header and trailer. Every chunk is authenticated (when encrypted)
// and a file without its trailer is an error: nothing half-read passes.
func Decode(r io.Reader, key []byte, w io.Writer) (Header, Trailer, error) {
	br := bufio.NewReader(r)
	magic := make([]byte, len(Magic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != Magic {
		return Header{}, Trailer{}, errors.New("not an owg backup file")
	}
	line, err := br.ReadBytes('\n')
	if err != nil || len(line) > 4096 {
		return Header{}, Trailer{}, errors.New("backup header damaged")
	}
	var h Header
	if err := json.Unmarshal(line, &h); err != nil {
		return Header{}, Trailer{}, fmt.Errorf("backup header damaged: %w", err)
	}
	var aead cipher.AEAD
	var nonce [12]byte
	if h.Encrypted {
		if key == nil {
			return h, Trailer{}, ErrKeyRequired
		}
		if aead, err = newAEAD(key); err != nil {
			return h, Trailer{}, err
		}
		if len(h.Nonce) != 8 {
			return h, Trailer{}, errors.New("backup header damaged: bad nonce")
		}
		copy(nonce[:8], h.Nonce)
	}
	var total int64
	for i := uint32(0); ; i++ {
		var l [4]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return h, Trailer{}, errors.New("backup truncated: it ends before its trailer")
		}
		n := binary.BigEndian.Uint32(l[:])
		if n == 0 || n > maxChunk {
			return h, Trailer{}, fmt.Errorf("backup damaged: chunk %d of %d bytes", i, n)
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(br, buf); err != nil {
			return h, Trailer{}, errors.New("backup truncated: it ends before its trailer")
		}
		plain := buf
		if aead != nil {
			binary.BigEndian.PutUint32(nonce[8:], i)
			if plain, err = aead.Open(nil, nonce[:], buf, line); err != nil {
				return h, Trailer{}, fmt.Errorf("backup chunk %d does not decrypt: wrong key, or the file was altered", i)
			}
		}
		switch plain[0] {
		case 'd':
			if _, err := w.Write(plain[1:]); err != nil {
				return h, Trailer{}, err
			}
			total += int64(len(plain) - 1)
		case 't':
			var t Trailer
			if err := json.Unmarshal(plain[1:], &t); err != nil {
				return h, Trailer{}, fmt.Errorf("backup trailer damaged: %w", err)
			}
			if t.Bytes != total {
				return h, t, fmt.Errorf("backup damaged: %d stream bytes, trailer says %d", total, t.Bytes)
			}
			if _, err := br.ReadByte(); err != io.EOF {
				return h, t, errors.New("backup damaged: bytes after its trailer")
			}
			return h, t, nil
		default:
			return h, Trailer{}, fmt.Errorf("backup damaged: chunk %d of unknown type", i)
		}
	}
}

// SumLine is a checksum sidecar's content for data named name (sha256sum
// form, so `sha256sum -c NAME.sha256` checks it too).
func SumLine(sum []byte, name string) string {
	return hex.EncodeToString(sum) + "  " + name + "\n"
}

// ParseSumLine returns the checksum in a sidecar file's content.
func ParseSumLine(b []byte) ([]byte, error) {
	f := bytes.Fields(b)
	if len(f) < 1 {
		return nil, errors.New("empty checksum file")
	}
	sum, err := hex.DecodeString(string(f[0]))
	if err != nil || len(sum) != sha256.Size {
		return nil, errors.New("checksum file damaged")
	}
	return sum, nil
}
