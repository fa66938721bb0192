package badgerstore

import (
	segjson "github.com/segmentio/encoding/json"

	"github.com/leadtable/owg/store"
)

// decodeJSON decodes one stored record into v. Records are written by
// encoding/json and read back with segmentio's decoder, which follows
// encoding/json's rules (the same fields, case-insensitive keys, unknown
// keys ignored, the same errors for malformed input) at about a third of
// its cost: decoding was most of reading a site. It copies what it keeps,
// never holding on to b (Badger's value buffers are reused). The audit
// trail and `owg check` keep encoding/json: they verify what is stored.
func decodeJSON(b []byte, v any) error {
	return segjson.Unmarshal(b, v)
}

// WarmDecoders builds the decoders of the records a start reads (the
// decoder makes each type's on its first use): a local start calls it
// on its other core while the store opens, so the site's first read does
// not wait for them.
func WarmDecoders() {
	empty := []byte(`{}`)
	for _, v := range []any{&store.Participant{}, &store.ROI{}, &store.LegalCase{}, &store.Referral{},
		&store.User{}, &store.Meeting{}, &store.Goal{}, &store.Contact{}} {
		_ = decodeJSON(empty, v)
	}
}
