package badgerstore

import (
	"time"
	"unicode/utf8"

	"github.com/segmentio/encoding/iso8601"

	"github.com/leadtable/owg/store"
)

// A fast path for the records a site's first read decodes by the
// thousand (participants, ROIs, legal cases: most of a local start's CPU
// at 2,000 participants went to decoding them). It reads only the form
// owg writes: an object of the fields it knows, under their exact names,
// holding strings without escapes, whole numbers, and times in UTC.
// Anything else (an escape, a null, a key in another case, a field it
// does not know, a time with an offset) makes it give up, and the record
// is decoded by the general decoder instead, which it gives the same
// result as where it does not (TestFastDecodeMatchesTheDecoder,
// FuzzFastDecode). Strings that repeat across records (a case manager's
// name, a status, a role) are kept once (intern).

// fastDecoder decodes one record into *T, or reports that it cannot.
type fastDecoder[T any] func(l *lexer, v *T) bool

// fastDecoderFor returns the fast path for T's records, if there is one.
func fastDecoderFor[T any]() fastDecoder[T] {
	var zero T
	switch any(&zero).(type) {
	case *store.Participant:
		return any(fastDecoder[store.Participant](fastParticipant)).(fastDecoder[T])
	case *store.ROI:
		return any(fastDecoder[store.ROI](fastROI)).(fastDecoder[T])
	case *store.LegalCase:
		return any(fastDecoder[store.LegalCase](fastCase)).(fastDecoder[T])
	}
	return nil
}

// lexer reads one JSON value from b; intern keeps repeated strings.
type lexer struct {
	b      []byte
	i      int
	intern map[string]string
}

// reset points the lexer at the next record.
func (l *lexer) reset(b []byte) { l.b, l.i = b, 0 }

func (l *lexer) ws() {
	b, i := l.b, l.i
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	l.i = i
}

// lit consumes c (after blanks).
func (l *lexer) lit(c byte) bool {
	l.ws()
	if l.i < len(l.b) && l.b[l.i] == c {
		l.i++
		return true
	}
	return false
}

// raw reads a string with no escape and no control character, valid
// UTF-8, and returns its bytes (aliasing the record).
func (l *lexer) raw() ([]byte, bool) {
	if !l.lit('"') {
		return nil, false
	}
	b, i := l.b, l.i
	start, ascii := i, true
	for ; i < len(b); i++ {
		c := b[i]
		if !special[c] {
			continue
		}
		switch {
		case c == '"':
			s := b[start:i]
			l.i = i + 1
			if !ascii && !utf8.Valid(s) {
				return nil, false
			}
			return s, true
		case c >= 0x80:
			ascii = false
		default: // a backslash or a control character
			return nil, false
		}
	}
	return nil, false
}

// special marks the bytes raw stops at: the quote, the backslash,
// control characters and the bytes of non-ASCII characters.
var special = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80
	}
	return t
}()

func (l *lexer) str(dst *string) bool {
	s, ok := l.raw()
	if ok {
		*dst = string(s)
	}
	return ok
}

// shared is str for strings that repeat across records.
func (l *lexer) shared(dst *string) bool {
	s, ok := l.raw()
	if !ok {
		return false
	}
	if v, ok := l.intern[string(s)]; ok {
		*dst = v
		return true
	}
	v := string(s)
	if len(l.intern) < 4096 {
		l.intern[v] = v
	}
	*dst = v
	return true
}

func (l *lexer) when(dst *time.Time) bool {
	s, ok := l.raw()
	if !ok || len(s) == 0 || s[len(s)-1] != 'Z' {
		return false // an offset: the general decoder keeps its zone
	}
	t, err := iso8601.Parse(string(s))
	if err != nil {
		return false
	}
	*dst = t
	return true
}

func (l *lexer) int64(dst *int64) bool {
	l.ws()
	neg := false
	if l.i < len(l.b) && l.b[l.i] == '-' {
		neg = true
		l.i++
	}
	digits := l.i
	var n int64
	for l.i < len(l.b) && l.b[l.i] >= '0' && l.b[l.i] <= '9' {
		if n > (1<<62)/10 {
			return false // near overflow: the general decoder says what
		}
		n = n*10 + int64(l.b[l.i]-'0')
		l.i++
	}
	if l.i == digits || (l.b[digits] == '0' && l.i-digits > 1) {
		return false
	}
	if l.i < len(l.b) {
		switch l.b[l.i] {
		case '.', 'e', 'E':
			return false
		}
	}
	if neg {
		n = -n
	}
	*dst = n
	return true
}

// fields starts an object; then, for each field, key returns its name
// (its value is read next) until more is false. done checks the end of
// the record.
func (l *lexer) fields() bool { return l.lit('{') }

// key reads the next field's name and its colon; none (ok, end) at the
// object's close.
func (l *lexer) key(first bool) (k []byte, end, ok bool) {
	if l.lit('}') {
		return nil, true, true
	}
	if !first && !l.lit(',') {
		return nil, false, false
	}
	k, ok = l.raw()
	if !ok || !l.lit(':') {
		return nil, false, false
	}
	return k, false, true
}

// record reads a record: an object, each field's value read by field
// (false: a key it does not know, or a value it cannot read), and
// nothing after it.
func (l *lexer) record(field func(key []byte) bool) bool {
	if !l.fields() {
		return false
	}
	for first := true; ; first = false {
		k, end, ok := l.key(first)
		if !ok {
			return false
		}
		if end {
			return l.done()
		}
		if !field(k) {
			return false
		}
	}
}

// done reports whether nothing but blanks follows.
func (l *lexer) done() bool {
	l.ws()
	return l.i == len(l.b)
}

// strs reads an array of strings (shared: repeated ones kept once).
func strs[S ~string](l *lexer, dst *[]S, shared bool) bool {
	if !l.lit('[') {
		return false
	}
	out := make([]S, 0, 4) // an empty list is empty, not nil, as the decoder makes it
	for first := true; ; first = false {
		if l.lit(']') {
			*dst = out
			return true
		}
		if !first && !l.lit(',') {
			return false
		}
		var v string
		if ok := (shared && l.shared(&v)) || (!shared && l.str(&v)); !ok {
			return false
		}
		out = append(out, S(v))
	}
}

func fastParticipant(l *lexer, p *store.Participant) bool {
	return l.record(func(k []byte) (ok bool) {
		switch string(k) {
		case "id":
			ok = l.str(&p.ID)
		case "name":
			ok = l.str(&p.Name)
		case "aliases":
			ok = strs(l, &p.Aliases, false)
		case "dob":
			ok = l.when(&p.DOB)
		case "pronouns":
			ok = l.shared(&p.Pronouns)
		case "race_ethnicity":
			ok = l.shared(&p.RaceEthnicity)
		case "referral_id":
			ok = l.str(&p.ReferralID)
		case "enrolled_on":
			ok = l.when(&p.EnrolledOn)
		case "case_manager":
			ok = l.shared(&p.CaseManager)
		case "status":
			ok = sharedString(l, &p.Status)
		case "exit_reason":
			ok = l.shared(&p.ExitReason)
		case "housing":
			ok = l.shared(&p.Housing)
		case "flags":
			ok = strs(l, &p.Flags, true)
		case "flagged_by":
			ok = l.shared(&p.FlaggedBy)
		case "last_contact":
			ok = l.when(&p.LastContact)
		case "first_contact":
			ok = l.when(&p.FirstContact)
		case "last_review":
			ok = l.when(&p.LastReview)
		case "created":
			ok = l.when(&p.Created)
		case "updated":
			ok = l.when(&p.Updated)
		case "version":
			ok = l.int64(&p.Version)
		default:
			return false
		}
		return ok
	})
}

func fastROI(l *lexer, r *store.ROI) bool {
	return l.record(func(k []byte) (ok bool) {
		switch string(k) {
		case "id":
			ok = l.str(&r.ID)
		case "participant_id":
			ok = l.str(&r.ParticipantID) // two or three ROIs each: not worth keeping once
		case "roles":
			ok = strs(l, &r.Roles, true)
		case "agencies":
			ok = strs(l, &r.Agencies, true)
		case "classes":
			ok = strs(l, &r.Classes, true)
		case "purpose":
			ok = l.shared(&r.Purpose)
		case "signed":
			ok = l.when(&r.Signed)
		case "expires":
			ok = l.when(&r.Expires)
		case "revoked":
			ok = l.when(&r.Revoked)
		case "recorded_by":
			ok = l.shared(&r.RecordedBy)
		case "covers":
			ok = strs(l, &r.Covers, true)
		case "created":
			ok = l.when(&r.Created)
		case "version":
			ok = l.int64(&r.Version)
		default:
			return false
		}
		return ok
	})
}

func fastCase(l *lexer, c *store.LegalCase) bool {
	return l.record(func(k []byte) (ok bool) {
		switch string(k) {
		case "id":
			ok = l.str(&c.ID)
		case "participant_id":
			ok = l.str(&c.ParticipantID)
		case "kind":
			ok = sharedString(l, &c.Kind)
		case "case_number":
			ok = l.str(&c.CaseNumber)
		case "court":
			ok = l.shared(&c.Court)
		case "charges":
			ok = l.shared(&c.Charges)
		case "status":
			ok = sharedString(l, &c.Status)
		case "next_court_date":
			ok = l.when(&c.NextCourtDate)
		case "hearings":
			ok = hearings(l, &c.Hearings)
		case "position":
			ok = sharedString(l, &c.Position)
		case "position_note":
			ok = l.str(&c.PositionNote)
		case "intake_deadline":
			ok = l.when(&c.IntakeDeadline)
		case "intake_completed":
			ok = l.when(&c.IntakeCompleted)
		case "resolved_on":
			ok = l.when(&c.ResolvedOn)
		case "created":
			ok = l.when(&c.Created)
		case "updated":
			ok = l.when(&c.Updated)
		case "version":
			ok = l.int64(&c.Version)
		default:
			return false // defender_notes among them: the general decoder
		}
		return ok
	})
}

// hearings reads a case's hearings.
func hearings(l *lexer, dst *[]store.Hearing) bool {
	if !l.lit('[') {
		return false
	}
	out := []store.Hearing{}
	for first := true; ; first = false {
		if l.lit(']') {
			*dst = out
			return true
		}
		if (!first && !l.lit(',')) || !l.fields() {
			return false
		}
		var h store.Hearing
		for f := true; ; f = false {
			k, end, ok := l.key(f)
			if !ok {
				return false
			}
			if end {
				break
			}
			switch string(k) {
			case "date":
				ok = l.when(&h.Date)
			case "outcome":
				ok = l.shared(&h.Outcome)
			default:
				return false
			}
			if !ok {
				return false
			}
		}
		out = append(out, h)
	}
}

// sharedString is shared for a string type.
func sharedString[S ~string](l *lexer, dst *S) bool {
	var s string
	if !l.shared(&s) {
		return false
	}
	*dst = S(s)
	return true
}
