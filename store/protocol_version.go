package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"sort"
	"time"

	"github.com/BurntSushi/toml"
)

// ProtocolVersion is one version of the site's protocol as it was in
// force: its content hash, the day it was first in force, the text, and
// the keys that changed from the version before.
type ProtocolVersion struct {
	Seq     int       `json:"seq"`     // 1, 2, ...
	Version string    `json:"version"` // first 12 hex digits of Hash
	Hash    string    `json:"hash"`    // SHA-256 of the text
	Date    time.Time `json:"date"`    // when it was first seen in force
	By      string    `json:"by,omitempty"`
	TOML    string    `json:"toml"`
	Changes []string  `json:"changes,omitempty"` // "key: old → new", against the version before
}

// ProtocolVersions stores the versions of the protocol in force.
type ProtocolVersions interface {
	// RecordProtocol stores data as the newest protocol version when it
	// differs from the newest stored one; it returns the version in force
	// and whether it was new.
	RecordProtocol(ctx context.Context, a Actor, data []byte) (ProtocolVersion, bool, error)
	// ListProtocolVersions lists every version, oldest first.
	ListProtocolVersions(ctx context.Context) ([]ProtocolVersion, error)
}

// ProtocolHash is the SHA-256 of a protocol's text, in hex.
func ProtocolHash(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// ProtocolVersionOf is the short version of a protocol's text.
func ProtocolVersionOf(data []byte) string { return ProtocolHash(data)[:12] }

// ProtocolChanges lists the keys whose values differ between two protocol
// texts, as "key: old → new", sorted; a text that does not parse is one
// line saying so. Only formatting differs when the list is empty.
func ProtocolChanges(old, new []byte) []string {
	flat := func(data []byte) (map[string]string, error) {
		var m map[string]any
		if err := toml.Unmarshal(data, &m); err != nil {
			return nil, err
		}
		out := map[string]string{}
		var walk func(prefix string, v any)
		walk = func(prefix string, v any) {
			if mm, ok := v.(map[string]any); ok {
				for k, x := range mm {
					key := k
					if prefix != "" {
						key = prefix + "." + k
					}
					walk(key, x)
				}
				return
			}
			out[prefix] = fmt.Sprint(v)
		}
		walk("", m)
		return out, nil
	}
	a, err := flat(old)
	if err != nil {
		return []string{"previous version does not parse: " + err.Error()}
	}
	b, err := flat(new)
	if err != nil {
		return []string{"this version does not parse: " + err.Error()}
	}
	if reflect.DeepEqual(a, b) {
		return nil
	}
	var out []string
	for k, v := range b {
		switch w, ok := a[k]; {
		case !ok:
			out = append(out, fmt.Sprintf("%s: added %s", k, v))
		case w != v:
			out = append(out, fmt.Sprintf("%s: %s → %s", k, w, v))
		}
	}
	for k, w := range a {
		if _, ok := b[k]; !ok {
			out = append(out, fmt.Sprintf("%s: removed (was %s)", k, w))
		}
	}
	sort.Strings(out)
	return out
}

// ProtocolInForce returns the newest version first seen on or before the
// end of day (vs oldest first); false when none was in force then.
func ProtocolInForce(vs []ProtocolVersion, day time.Time) (ProtocolVersion, bool) {
	end := DateOf(day).AddDate(0, 0, 1)
	var got ProtocolVersion
	ok := false
	for _, v := range vs {
		if v.Date.Before(end) {
			got, ok = v, true
		}
	}
	return got, ok
}

// CurrentProtocolVersion is the newest stored protocol version ("" when
// none is stored or the store cannot say): the one in force, since owg
// records the protocol at every open.
func CurrentProtocolVersion(ctx context.Context, s ProtocolVersions) string {
	vs, err := s.ListProtocolVersions(ctx)
	if err != nil || len(vs) == 0 {
		return ""
	}
	return vs[len(vs)-1].Version
}
