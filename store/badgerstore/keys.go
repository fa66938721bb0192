package badgerstore

import (
	"encoding/binary"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The key schema. Values are JSON unless noted; index keys have empty
// values and end in the record id. "\x00" separates index fields (cleaned
// text never holds a NUL).
//
//	meta/format                       "owg/1"
//	meta/audithead                    {"seq":N,"hash":"..."} of the last audit event
//	meta/auditkey                     {"id":"...","from":N}: the chain is HMAC-keyed from event N
//	imp/<import id>/<8-byte chunk>    {"ids":[...]}: the referrals one import created (a chunk)
//	seq/<P|R|G|C|L|I|M|A>             8-byte big-endian counter of the last id handed out
//	p/<P-id>  g/<G-id>  c/<C-id>  r/<R-id>  l/<L-id>  i/<I-id>  m/<M-id>  u/<name>
//	a/<8-byte seq>                    audit event
//	s/<name>                          setting (raw string)
//	ix/pcs/<case manager>\x00<status>\x00<P-id>   participants by case manager and status
//	ix/pst/<status>\x00<P-id>                     participants by status
//	ix/gp/<P-id>\x00<G-id>                        goals by participant
//	ix/cp/<P-id>\x00<time>\x00<C-id>              contacts by participant and date
//	ix/rs/<status>\x00<time>\x00<R-id>            referrals by status and received time
//	ix/rt/<time>\x00<R-id>                        referrals by received time
//	ix/lp/<P-id>\x00<L-id>                        legal cases by participant
//	ix/lc/<date>\x00<L-id>                        open legal cases by next court date
//	ix/ip/<P-id>\x00<I-id>                        ROIs by participant
//	ix/md/<date>\x00<M-id>                        meetings by date
//	ix/uk/<SHA256 fingerprint>                    user name holding that SSH key (value)
//	ix/at/<time>\x00<8-byte seq>                  audit events by time
const (
	keyFormat    = "meta/format"
	keyAuditHead = "meta/audithead"
	keyAuditKey  = "meta/auditkey"
	pfxImport    = "imp/"

	pfxParticipant = "p/"
	pfxGoal        = "g/"
	pfxContact     = "c/"
	pfxReferral    = "r/"
	pfxCase        = "l/"
	pfxROI         = "i/"
	pfxMeeting     = "m/"
	pfxUser        = "u/"
	pfxAudit       = "a/"
	pfxSetting     = "s/"
	pfxDraft       = "d/" // d/<user>\x00<form>: unsent form input, its author's only
	pfxCounter     = "seq/"

	ixPartCMStatus = "ix/pcs/"
	ixPartStatus   = "ix/pst/"
	ixGoalPart     = "ix/gp/"
	ixContactPart  = "ix/cp/"
	ixRefStatus    = "ix/rs/"
	ixRefTime      = "ix/rt/"
	ixCasePart     = "ix/lp/"
	ixCaseCourt    = "ix/lc/"
	ixROIPart      = "ix/ip/"
	ixMeetingDate  = "ix/md/"
	ixUserKey      = "ix/uk/"
	ixAuditTime    = "ix/at/"
)

const sep = "\x00"

// timeKey encodes t so that byte order is time order (years 0001-9999).
func timeKey(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000000")
}

// seqKey is 8 bytes big-endian.
func seqKey(n uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return string(b[:])
}

func auditKey(seq uint64) string { return pfxAudit + seqKey(seq) }

// lastField returns what follows the last separator of an index key.
func lastField(k string) string {
	if i := strings.LastIndex(k, sep); i >= 0 {
		return k[i+1:]
	}
	return k
}

// id kinds and their prefixes.
const (
	kindParticipant = "P"
	kindReferral    = "R"
	kindGoal        = "G"
	kindContact     = "C"
	kindCase        = "L"
	kindROI         = "I"
	kindMeeting     = "M"
	kindAction      = "A"
)

var idRe = regexp.MustCompile(`^([A-Z])-(\d{4,})$`)

// formatID formats an id with at least four digits: P-0001, P-12345.
func formatID(kind string, n uint64) string { return fmt.Sprintf("%s-%04d", kind, n) }

// parseID returns the number of an id of the given kind.
func parseID(kind, id string) (uint64, bool) {
	m := idRe.FindStringSubmatch(id)
	if m == nil || m[1] != kind {
		return 0, false
	}
	n, err := strconv.ParseUint(m[2], 10, 64)
	return n, err == nil && n > 0
}

// idLess orders ids numerically (P-9999 before P-10000).
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func sortByID[T any](xs []T, id func(*T) string) {
	// records are read in key order, which is id order but where ids
	// grow a digit: most lists need no sort (and a stable one of large
	// records moves and compares a lot: 5 ms of a 2,000-participant read)
	for i := 1; i < len(xs); i++ {
		if idLess(id(&xs[i]), id(&xs[i-1])) {
			sort.SliceStable(xs, func(i, j int) bool { return idLess(id(&xs[i]), id(&xs[j])) })
			return
		}
	}
}
