package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// AuditHash computes the hash of e chained to e.PrevHash. Every field but
// Hash goes in, so editing any of them breaks the chain.
func AuditHash(e AuditEvent) string {
	h := sha256.New()
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
	return hex.EncodeToString(h.Sum(nil))
}
