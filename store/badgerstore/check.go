package badgerstore

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// CheckReport is what Check found: how much it read, and every problem,
// each naming what is damaged (ids, keys, files), never participant data.
type CheckReport struct {
	Records  int               // records read and decoded
	ByKind   map[string]int    // records per kind ("participant", ...)
	Indexes  int               // index keys checked
	Events   uint64            // audit events verified
	Head     store.AuditAnchor // the trail's head, for an anchor
	Problems []string
}

// OK reports whether Check found nothing damaged.
func (r CheckReport) OK() bool { return len(r.Problems) == 0 }

// maxProblems bounds how many problems of one kind Check lists one by one.
const maxProblems = 200

// recordKind is one kind of record: its key prefix, how to decode it and
// the index keys it should have.
type recordKind struct {
	name, pfx string
	decode    func(b []byte) (id string, version int64, index []string, err error)
	// derived records (history events) are written in the transaction of
	// the audited change they record and have no audit event of their own.
	derived bool
}

func jsonKind[T any](name, pfx string, id func(T) string, version func(T) int64, index func(T) []string) recordKind {
	return recordKind{name: name, pfx: pfx, decode: func(b []byte) (string, int64, []string, error) {
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return "", 0, nil, err
		}
		var ix []string
		if index != nil {
			ix = index(v)
		}
		return id(v), version(v), ix, nil
	}}
}

// historyKind is the history events: keyed by sequence, indexed by
// participant and by record (history.go).
var historyKind = recordKind{name: "history event", pfx: pfxHistory, derived: true, decode: func(b []byte) (string, int64, []string, error) {
	var e store.HistoryEvent
	if err := json.Unmarshal(b, &e); err != nil {
		return "", 0, nil, err
	}
	id := seqKey(e.Seq)
	ix := []string{ixHistRecord + e.Record + sep + id}
	if e.ParticipantID != "" {
		ix = append(ix, ixHistPart+e.ParticipantID+sep+id)
	}
	return id, 1, ix, nil
}}

var recordKinds = []recordKind{
	historyKind,
	jsonKind("participant", pfxParticipant, func(p store.Participant) string { return p.ID }, func(p store.Participant) int64 { return p.Version }, participantIndex),
	jsonKind("goal", pfxGoal, func(g store.Goal) string { return g.ID }, func(g store.Goal) int64 { return g.Version }, goalIndex),
	jsonKind("contact", pfxContact, func(c store.Contact) string { return c.ID }, func(store.Contact) int64 { return 1 }, contactIndex),
	jsonKind("referral", pfxReferral, func(r store.Referral) string { return r.ID }, func(r store.Referral) int64 { return r.Version }, referralIndex),
	jsonKind("legal case", pfxCase, func(c store.LegalCase) string { return c.ID }, func(c store.LegalCase) int64 { return c.Version }, caseIndex),
	jsonKind("release of information", pfxROI, func(r store.ROI) string { return r.ID }, func(r store.ROI) int64 { return r.Version }, roiIndex),
	jsonKind("meeting", pfxMeeting, func(m store.Meeting) string { return m.ID }, func(m store.Meeting) int64 { return m.Version }, meetingIndex),
	jsonKind("user", pfxUser, func(u store.User) string { return u.Name }, func(u store.User) int64 { return u.Version }, func(u store.User) []string {
		fps, _ := keyFingerprints(u)
		ix := make([]string, len(fps))
		for i, fp := range fps {
			ix[i] = ixUserKey + fp
		}
		return ix
	}),
}

// Check verifies the whole store and names every damage it finds:
//   - what Open found (Damage: committed writes missing);
//   - every table's checksums (Badger's VerifyChecksum);
//   - every record decodes, under the key its id says;
//   - every index key points to a record that has it, and every record has
//     all its index keys;
//   - every history event's subject record exists (history a rolled-back
//     import left, or of a record that was lost, is named);
//   - the audit chain (VerifyAudit), and every record against the trail:
//     each record has an event for its creation (an import's one event
//     covers the referrals it made) and events for its updates.
//
// It reads only. The error is for a store it could not read at all.
func (db *DB) Check(ctx context.Context) (CheckReport, error) {
	rep := CheckReport{ByKind: map[string]int{}}
	rep.Problems = append(rep.Problems, db.damage...)
	release, err := db.acquire()
	if err != nil {
		return rep, err
	}
	if err := db.verifyTables(); err != nil && !slices.Contains(rep.Problems, err.Error()) {
		rep.Problems = append(rep.Problems, err.Error())
	}
	release()

	if seq, err := db.VerifyAudit(ctx); err != nil {
		if seq == 0 {
			return rep, err
		}
		rep.Problems = append(rep.Problems, fmt.Sprintf("audit trail broken at event %d: %v", seq, err))
	}
	head, err := db.AuditHead(ctx)
	if err != nil {
		return rep, err
	}
	rep.Head, rep.Events = head, head.Seq

	var probs []string
	add := func(format string, a ...any) { probs = append(probs, fmt.Sprintf(format, a...)) }
	err = db.view(ctx, func(txn *badger.Txn) error {
		// Every value can be read (a value in the value log is checked
		// against its CRC only when read).
		all := txn.NewIterator(badger.IteratorOptions{PrefetchValues: false})
		for all.Rewind(); all.Valid(); all.Next() {
			item := all.Item()
			if err := item.Value(func([]byte) error { return nil }); err != nil {
				add("the value of key %q is unreadable: %v", printable(string(item.Key())), err)
			}
		}
		all.Close()

		// What the audit trail says was written: event counts per id.
		written := map[string]int{}
		imports := map[string]string{} // import id -> the hash of its ids, as the trail records it
		err := scanJSON(txn, pfxAudit, func(e store.AuditEvent) error {
			if e.Action != store.AuditCreate && e.Action != store.AuditUpdate && e.Action != store.AuditDelete {
				return nil
			}
			if strings.HasPrefix(e.Detail, "import:") {
				if f := strings.Split(e.Detail, ":"); len(f) == 4 {
					imports[f[1]] = f[3]
				}
				return nil
			}
			// A detail "goal:G-0001" names the record; the subject is its participant.
			if k, id, ok := strings.Cut(e.Detail, ":"); ok && k != "referral" && k != "decision" {
				written[id]++
				return nil
			}
			written[e.Subject]++
			return nil
		})
		if err != nil {
			return fmt.Errorf("read the audit trail: %v", err)
		}
		imported, err := importedIDs(txn, imports, add)
		if err != nil {
			return err
		}

		want := map[string]string{} // index key -> the record that should have it
		for _, k := range recordKinds {
			it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 64, Prefix: []byte(k.pfx)})
			for it.Rewind(); it.Valid(); it.Next() {
				item := it.Item()
				key := string(item.Key())
				var id string
				var version int64
				var index []string
				err := item.Value(func(b []byte) error {
					var err error
					id, version, index, err = k.decode(b)
					return err
				})
				if err != nil {
					add("%s record %q is unreadable: %v", k.name, key, err)
					continue
				}
				rep.Records++
				rep.ByKind[k.name]++
				if key != k.pfx+id {
					add("%s record %q says it is %s", k.name, key, id)
					continue
				}
				for _, ix := range index {
					want[ix] = id
				}
				if k.derived {
					continue
				}
				n := written[id]
				if imported[id] {
					n++
				}
				switch {
				case n == 0:
					add("%s %s has no audit event: it was written without one (or its events were lost)", k.name, id)
				case int64(n) < version && k.name != "participant" && k.name != "meeting":
					// Participants and meetings also move with writes to
					// other records (contacts, live-meeting appends).
					add("%s %s is at version %d but the audit trail records %d writes to it", k.name, id, version, n)
				}
			}
			it.Close()
		}
		if err := orphanedHistory(txn, add); err != nil {
			return err
		}
		// Every index key points to a record that has it.
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: false, Prefix: []byte("ix/")})
		defer it.Close()
		seen := map[string]bool{}
		for it.Rewind(); it.Valid(); it.Next() {
			k := string(it.Item().Key())
			if strings.HasPrefix(k, ixAuditTime) {
				continue
			}
			rep.Indexes++
			seen[k] = true
			if _, ok := want[k]; !ok {
				add("index key %q points to no record that has it", printable(k))
			}
		}
		missing := make([]string, 0)
		for k, id := range want {
			if !seen[k] {
				missing = append(missing, fmt.Sprintf("%s is missing its index key %q", id, printable(k)))
			}
		}
		sort.Strings(missing)
		probs = append(probs, missing...)
		return nil
	})
	if err != nil {
		return rep, err
	}
	if len(probs) > maxProblems {
		more := len(probs) - maxProblems
		probs = append(probs[:maxProblems], fmt.Sprintf("... and %d more problems", more))
	}
	rep.Problems = append(rep.Problems, probs...)
	return rep, nil
}

// historySubjects are the record prefixes of history events' kinds. Of
// these records only referrals are ever deleted (an import rolled back),
// and their history goes with them.
var historySubjects = map[string]string{
	store.HistReferral:    pfxReferral,
	store.HistParticipant: pfxParticipant,
	store.HistCase:        pfxCase,
	store.HistROI:         pfxROI,
	store.HistGoal:        pfxGoal,
}

// orphanedHistory names, one line per record, history events whose
// subject record does not exist.
func orphanedHistory(txn *badger.Txn, add func(string, ...any)) error {
	type subject struct{ kind, record string }
	orphans := map[subject]int{}
	err := eachOrphanedEvent(txn, func(e store.HistoryEvent, _ []byte) error {
		orphans[subject{e.Kind, e.Record}]++
		return nil
	})
	if err != nil {
		return err
	}
	subs := slices.SortedFunc(maps.Keys(orphans), func(a, b subject) int {
		return strings.Compare(a.kind+sep+a.record, b.kind+sep+b.record)
	})
	for _, sub := range subs {
		add("orphaned history: %d %s history events of %s, which does not exist (left by a rolled-back import, or the %s was lost)",
			orphans[sub], sub.kind, printable(sub.record), sub.kind)
	}
	return nil
}

// eachOrphanedEvent calls fn with each history event (and its stored
// value) whose subject record does not exist. Events that do not decode
// are named by the record check already.
func eachOrphanedEvent(txn *badger.Txn, fn func(e store.HistoryEvent, raw []byte) error) error {
	present := map[string]bool{}
	it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 64, Prefix: []byte(pfxHistory)})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		raw, err := it.Item().ValueCopy(nil)
		if err != nil {
			continue
		}
		var e store.HistoryEvent
		if json.Unmarshal(raw, &e) != nil {
			continue
		}
		pfx, ok := historySubjects[e.Kind]
		if !ok {
			continue
		}
		there, seen := present[pfx+e.Record]
		if !seen {
			if there, err = exists(txn, pfx+e.Record); err != nil {
				return err
			}
			present[pfx+e.Record] = there
		}
		if !there {
			if err := fn(e, raw); err != nil {
				return err
			}
		}
	}
	return nil
}

// importedIDs reads the referral ids each recorded import made, checking
// each import's list against the hash its audit event carries.
func importedIDs(txn *badger.Txn, imports map[string]string, add func(string, ...any)) (map[string]bool, error) {
	out := map[string]bool{}
	for imp, hash := range imports {
		ids, err := importList(txn, imp)
		if err != nil {
			add("import %s: its list of referrals is unreadable: %v", imp, err)
			continue
		}
		if importHash(ids) != hash {
			add("import %s: its list of %d referrals is not the one its audit event records", imp, len(ids))
		}
		for _, id := range ids {
			out[id] = true
		}
	}
	return out, nil
}

// printable shows an index key with its NUL separators as "|".
func printable(k string) string { return strings.ReplaceAll(k, sep, "|") }
