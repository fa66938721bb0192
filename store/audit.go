package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"regexp"
	"strconv"
	"time"
)

// AuditChainHMAC is the Chain of an event whose Hash is HMAC-SHA256 under
// the site's audit key. Events with an empty Chain were written before the
// chain was keyed: plain SHA-256, still verified.
const AuditChainHMAC = "hmac-sha256"

// AuditHash computes the unkeyed hash of e chained to e.PrevHash. Every
// field but Hash goes in, so editing any of them breaks the chain.
func AuditHash(e AuditEvent) string {
	h := sha256.New()
	auditFields(h, e)
	return hex.EncodeToString(h.Sum(nil))
}

// AuditMAC computes the keyed hash (HMAC-SHA256 under key) of e chained to
// e.PrevHash: without the key no one can recompute the chain after
// editing an event.
func AuditMAC(key []byte, e AuditEvent) string {
	h := hmac.New(sha256.New, key)
	auditFields(h, e)
	w := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	w(e.Chain)
	return hex.EncodeToString(h.Sum(nil))
}

func auditFields(h hash.Hash, e AuditEvent) {
	w := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	w(strconv.FormatUint(e.Seq, 10))
	w(e.Time.UTC().Format(time.RFC3339Nano))
	w(e.User)
	w(string(e.Role))
	w(string(e.Action))
	w(e.Subject)
	w(e.Detail)
	w(e.Addr)
	w(e.PrevHash)
}

// AuditAnchor names one event of the chain by its seq and hash. Kept
// outside the store (printed on backups, minutes and the server log), it
// lets `owg audit --verify --anchor` prove the trail still holds every
// event up to it, unchanged.
type AuditAnchor struct {
	Seq  uint64
	Hash string
}

// String formats the anchor as SEQ:HASH.
func (a AuditAnchor) String() string { return fmt.Sprintf("%d:%s", a.Seq, a.Hash) }

var anchorRe = regexp.MustCompile(`^([0-9]+):([0-9a-f]{64})$`)

// ParseAuditAnchor parses SEQ:HASH (a decimal seq, 64 hex characters).
func ParseAuditAnchor(s string) (AuditAnchor, error) {
	m := anchorRe.FindStringSubmatch(s)
	if m == nil {
		return AuditAnchor{}, fmt.Errorf("anchor %q: want SEQ:HASH, e.g. 42:%s", s, "3f1c…(64 hex characters)")
	}
	n, err := strconv.ParseUint(m[1], 10, 64)
	if err != nil {
		return AuditAnchor{}, fmt.Errorf("anchor %q: %v", s, err)
	}
	return AuditAnchor{Seq: n, Hash: m[2]}, nil
}
