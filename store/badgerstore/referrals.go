package badgerstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

func cleanReferral(r store.Referral) store.Referral {
	r.ID = store.CleanLine(r.ID)
	r.Referrer = store.CleanLine(r.Referrer)
	r.Agency = store.CleanLine(r.Agency)
	r.ReferrerUser = store.CleanLine(r.ReferrerUser)
	r.Person.Name = store.CleanLine(r.Person.Name)
	r.Person.Aliases = cleanList(r.Person.Aliases)
	r.Offense = store.CleanLine(r.Offense)
	r.Location = store.CleanLine(r.Location)
	r.RaceEthnicity = store.NormalizeRaceEthnicity(r.RaceEthnicity)
	r.Notes = store.Clean(r.Notes, true)
	r.Reason = store.CleanLine(r.Reason)
	r.DecisionNote = store.CleanLine(r.DecisionNote)
	r.DecidedBy = store.CleanLine(r.DecidedBy)
	r.MeetingID = store.CleanLine(r.MeetingID)
	r.ParticipantID = store.CleanLine(r.ParticipantID)
	r.ReReferralOf = store.CleanLine(r.ReReferralOf)
	r.AckBy = store.CleanLine(r.AckBy)
	r.Callback = store.CleanLine(r.Callback)
	r.HandoffNote = store.CleanLine(r.HandoffNote)
	if r.Entered != nil {
		e := *r.Entered
		e.Name, e.Location = store.CleanLine(e.Name), store.CleanLine(e.Location)
		r.Entered = &e
	}
	return r
}

func referralIndex(r store.Referral) []string {
	tk := timeKey(r.Received)
	return []string{
		ixRefStatus + string(r.Status) + sep + tk + sep + r.ID,
		ixRefTime + tk + sep + r.ID,
	}
}

func getReferral(txn *badger.Txn, id string) (store.Referral, error) {
	var r store.Referral
	err := getJSON(txn, pfxReferral+id, "referral "+id, &r)
	return r, err
}

// createReferral cleans, validates and saves a new referral, audited.
func (t *tx) createReferral(r store.Referral) (store.Referral, error) {
	return t.createReferralAs(r, true)
}

// createReferralAs is createReferral; an import's rows (audit false) are
// covered by the import's one event instead of one each.
func (t *tx) createReferralAs(r store.Referral, audit bool) (store.Referral, error) {
	r = cleanReferral(r)
	if r.Status == "" {
		r.Status = store.RefNew
	}
	if err := r.Validate(); err != nil {
		return r, err
	}
	if err := t.assignID(kindReferral, pfxReferral, "referral", &r.ID); err != nil {
		return r, err
	}
	r.Created, r.Updated, r.Version = t.now, t.now, 1
	if r.ReferrerUser != "" && r.Entered == nil {
		r.Entered = &store.Entered{Name: r.Person.Name, Location: r.Location, At: t.now}
	}
	if err := t.putJSON(pfxReferral+r.ID, r); err != nil {
		return r, err
	}
	if err := t.reindex(nil, referralIndex(r)); err != nil {
		return r, err
	}
	if err := t.history(store.ReferralChanges(nil, r, t.now)...); err != nil {
		return r, err
	}
	t.change("referral", r.ID, r.ParticipantID)
	if !audit {
		return r, nil
	}
	return r, t.audit(store.AuditCreate, r.ID, "referral")
}

// saveReferral writes r over old (loaded and version-checked).
func (t *tx) saveReferral(old, r store.Referral, detail string) (store.Referral, error) {
	r.RaceEthnicity = store.CarryRaceEthnicity(old.RaceEthnicity, r.RaceEthnicity)
	if err := r.Validate(); err != nil {
		return r, err
	}
	r.ID, r.Created, r.Version, r.Updated = old.ID, old.Created, old.Version+1, t.now
	if err := t.putJSON(pfxReferral+r.ID, r); err != nil {
		return r, err
	}
	if err := t.reindex(referralIndex(old), referralIndex(r)); err != nil {
		return r, err
	}
	if err := t.history(store.ReferralChanges(&old, r, t.now)...); err != nil {
		return r, err
	}
	t.change("referral", r.ID, r.ParticipantID)
	return r, t.audit(store.AuditUpdate, r.ID, detail)
}

// CreateReferral assigns the next R- id when r.ID is empty; an id brought
// by an import is kept (a taken one is ErrExists) and moves the counter
// past it. An empty status is new.
func (db *DB) CreateReferral(ctx context.Context, a store.Actor, r store.Referral) (store.Referral, error) {
	return writeOne(ctx, db, a, func(t *tx) (store.Referral, error) {
		if err := t.mayCreateReferral(cleanReferral(r)); err != nil {
			return store.Referral{}, err
		}
		return t.createReferral(r)
	})
}

// importChunk is how many referrals one import transaction writes: well
// under what a transaction of this store's small memtables can hold.
const importChunk = 300

// keyImportJournal marks an import in progress: which one and how many
// chunks it has committed, so an import that fails half-way (or a process
// killed during one) is rolled back: all or nothing, however large the file.
const keyImportJournal = "meta/import-journal"

// kindImport is the counter of import ids.
const kindImport = "imp"

type importJournal struct {
	Import string `json:"import,omitempty"`
	Chunks int    `json:"chunks,omitempty"`
	// IDs is the journal of stores written before imports had ids (one
	// list of every referral made): still rolled back.
	IDs []string `json:"ids,omitempty"`
}

// importChunkList is one chunk's referral ids, kept under
// imp/<import id>/<chunk> for as long as the store: the import's one
// audit event carries the hash of all of them.
type importChunkList struct {
	IDs []string `json:"ids"`
}

func importChunkKey(imp string, chunk int) string {
	return pfxImport + imp + "/" + seqKey(uint64(chunk))
}

// importList reads the referral ids an import made, in order.
func importList(txn *badger.Txn, imp string) ([]string, error) {
	var ids []string
	err := scanJSON(txn, pfxImport+imp+"/", func(c importChunkList) error {
		ids = append(ids, c.IDs...)
		return nil
	})
	return ids, err
}

// importHash is the hash of an import's ids that its audit event carries.
func importHash(ids []string) string {
	h := sha256.New()
	for _, id := range ids {
		h.Write([]byte(id))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ImportReferrals creates all of rs, or none. Every row is checked first
// (validation, ids duplicated in rs or already taken), and every bad row is
// reported; then the referrals are written in chunks under a journal that
// a failure, or the next Open after a crash, rolls back. The import is one
// audit event ("import:<id>:<rows>:<hash of the ids>"), not one per row.
func (db *DB) ImportReferrals(ctx context.Context, a store.Actor, rs []store.Referral) ([]store.Referral, error) {
	db.importMu.Lock()
	defer db.importMu.Unlock()
	// the permission is checked before the rows (a refused import learns
	// nothing about the store) and again inside every chunk's transaction
	if fe, ok := store.AsForbidden(store.MayWrite(a, store.WriteImportReferrals, store.Relation{})); ok {
		fe.Subject = "referrals"
		if err := db.recordDenied(a, fe); err != nil {
			return nil, errors.Join(fe, err)
		}
		return nil, fe
	}
	if err := db.precheckImport(ctx, rs); err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, nil
	}
	out := make([]store.Referral, 0, len(rs))
	ids := make([]string, 0, len(rs))
	var imp string
	for start := 0; start < len(rs); start += importChunk {
		chunk := rs[start:min(start+importChunk, len(rs))]
		n := start / importChunk
		var made []store.Referral
		err := db.update(ctx, a, func(t *tx) error {
			made = made[:0]
			if err := t.may(store.WriteImportReferrals, "referrals", store.Relation{}); err != nil {
				return err
			}
			var j importJournal
			if start == 0 {
				c, err := readCounter(t.txn, kindImport)
				if err != nil {
					return err
				}
				imp = fmt.Sprint(c + 1)
				if err := t.writeCounter(kindImport, c+1); err != nil {
					return err
				}
				j.Import = imp
			} else if err := getJSON(t.txn, keyImportJournal, "import journal", &j); err != nil {
				return err
			}
			if db.hooks.importFail != nil {
				if err := db.hooks.importFail(n); err != nil {
					return err
				}
			}
			var errs []error
			list := importChunkList{IDs: make([]string, 0, len(chunk))}
			for i, r := range chunk {
				c, err := t.createReferralAs(r, false)
				if err != nil {
					if isUserError(err) {
						errs = append(errs, &store.ImportRowError{Row: start + i, Err: err})
						continue
					}
					return err
				}
				made = append(made, c)
				list.IDs = append(list.IDs, c.ID)
			}
			if err := errors.Join(errs...); err != nil {
				return err
			}
			if err := t.putJSON(importChunkKey(imp, n), list); err != nil {
				return err
			}
			if start+len(chunk) >= len(rs) { // the last chunk: the import is whole
				if err := t.delete(keyImportJournal); err != nil {
					return err
				}
				all := append(slices.Clone(ids), list.IDs...)
				return t.audit(store.AuditCreate, "import:"+imp, fmt.Sprintf("import:%s:%d:%s", imp, len(all), importHash(all)))
			}
			j.Chunks = n + 1
			return t.putJSON(keyImportJournal, j)
		})
		if err != nil {
			if start > 0 && !db.hooks.crashImport {
				if rerr := db.rollbackImport(context.WithoutCancel(ctx), a); rerr != nil {
					return nil, fmt.Errorf("%w; and undoing the partial import failed: %v", err, rerr)
				}
			}
			return nil, err
		}
		out = append(out, made...)
		for _, r := range made {
			ids = append(ids, r.ID)
		}
	}
	return out, nil
}

// precheckImport reports every row of rs that cannot be created, reading
// only: nothing is written when any row is bad.
func (db *DB) precheckImport(ctx context.Context, rs []store.Referral) error {
	return db.view(ctx, func(txn *badger.Txn) error {
		var errs []error
		seen := map[string]int{}
		for i, r := range rs {
			r = cleanReferral(r)
			if r.Status == "" {
				r.Status = store.RefNew
			}
			if err := r.Validate(); err != nil {
				errs = append(errs, &store.ImportRowError{Row: i, Err: err})
				continue
			}
			if r.ID == "" {
				continue
			}
			if _, ok := parseID(kindReferral, r.ID); !ok {
				errs = append(errs, &store.ImportRowError{Row: i, Column: "id", Err: fmt.Errorf("referral id %q is not well formed", r.ID)})
				continue
			}
			if j, dup := seen[r.ID]; dup {
				errs = append(errs, &store.ImportRowError{Row: i, Column: "id", Err: fmt.Errorf("referral %s: %w (row %d has it too)", r.ID, store.ErrExists, j)})
				continue
			}
			seen[r.ID] = i + 1
			taken, err := exists(txn, pfxReferral+r.ID)
			if err != nil {
				return err
			}
			if taken {
				errs = append(errs, &store.ImportRowError{Row: i, Column: "id", Err: fmt.Errorf("referral %s: %w", r.ID, store.ErrExists)})
			}
		}
		return errors.Join(errs...)
	})
}

// rollbackImport deletes the referrals of an unfinished import with their
// indexes and history, newest chunk first, then the journal, and records
// one audit event for it.
func (db *DB) rollbackImport(ctx context.Context, a store.Actor) error {
	for {
		done := false
		err := db.update(ctx, a, func(t *tx) error {
			var j importJournal
			if err := getJSON(t.txn, keyImportJournal, "import journal", &j); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					done = true
					return nil
				}
				return err
			}
			var ids []string
			if j.Import == "" { // a journal of the older format
				cut := max(0, len(j.IDs)-importChunk)
				ids = j.IDs[cut:]
				j.IDs = j.IDs[:cut]
			} else if j.Chunks > 0 {
				j.Chunks--
				var list importChunkList
				if err := getJSON(t.txn, importChunkKey(j.Import, j.Chunks), "import chunk", &list); err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
				ids = list.IDs
				if err := t.delete(importChunkKey(j.Import, j.Chunks)); err != nil {
					return err
				}
			}
			for _, id := range ids {
				// the history the import wrote goes with the referral
				// (left behind, a re-import with the same ids gave a
				// referral two "received" events)
				if err := t.dropHistory(store.HistReferral, id); err != nil {
					return err
				}
				old, err := getReferral(t.txn, id)
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if err := t.reindex(referralIndex(old), nil); err != nil {
					return err
				}
				if err := t.delete(pfxReferral + id); err != nil {
					return err
				}
				t.change("referral", id, old.ParticipantID)
				if j.Import == "" {
					if err := t.audit(store.AuditDelete, id, "import-rollback"); err != nil {
						return err
					}
				}
			}
			if len(j.IDs) == 0 && j.Chunks == 0 {
				done = true
				if j.Import != "" {
					if err := t.audit(store.AuditDelete, "import:"+j.Import, "import-rollback:"+j.Import); err != nil {
						return err
					}
				}
				return t.delete(keyImportJournal)
			}
			return t.putJSON(keyImportJournal, j)
		})
		if err != nil || done {
			return err
		}
	}
}

// isUserError reports whether err is about the input (validation, a taken
// id), as opposed to the store failing.
func isUserError(err error) bool {
	var ve *store.ValidationError
	return errors.As(err, &ve) || errors.Is(err, store.ErrExists)
}

// GetReferral reads one referral.
func (db *DB) GetReferral(ctx context.Context, id string) (store.Referral, error) {
	return getOne(ctx, db, getReferral, id)
}

// UpdateReferral saves r if r.Version is the stored version, else ErrStale.
func (db *DB) UpdateReferral(ctx context.Context, a store.Actor, r store.Referral) (store.Referral, error) {
	return updateVersioned(ctx, db, a, "referral", r.ID, r.Version, getReferral, func(x store.Referral) int64 { return x.Version },
		func(t *tx, old store.Referral) (store.Referral, error) {
			if err := t.may(store.WriteEditReferral, old.ID, store.Relation{OwnReferral: old.ReferrerUser != "" && old.ReferrerUser == t.actor.User}); err != nil {
				return store.Referral{}, err
			}
			r = cleanReferral(r)
			// what the referrer typed and the handoff's course are not
			// edited: they have their own writes
			r.Entered, r.Callback = old.Entered, old.Callback
			r.AckBy, r.AckAt, r.HandoffState, r.OnSceneAt, r.HandoffDoneAt, r.HandoffNote = old.AckBy, old.AckAt, old.HandoffState, old.OnSceneAt, old.HandoffDoneAt, old.HandoffNote
			return t.saveReferral(old, r, "referral")
		})
}

// ListReferrals lists by the status and received-time index, oldest first.
func (db *DB) ListReferrals(ctx context.Context, f store.ReferralFilter) ([]store.Referral, error) {
	var out []store.Referral
	err := db.view(ctx, func(txn *badger.Txn) error {
		var prefixes []string
		if len(f.Statuses) == 0 {
			prefixes = []string{ixRefTime}
		} else {
			for _, s := range f.Statuses {
				prefixes = append(prefixes, ixRefStatus+string(s)+sep)
			}
		}
		seen := map[string]bool{}
		for _, prefix := range prefixes {
			seek := ""
			if !f.Since.IsZero() {
				seek = prefix + timeKey(f.Since)
			}
			var ids []string
			err := scanKeys(txn, prefix, seek, func(k string) error {
				ids = append(ids, lastField(k))
				return nil
			})
			if err != nil {
				return err
			}
			var keys []string
			for _, id := range ids {
				if !seen[id] {
					seen[id] = true
					keys = append(keys, pfxReferral+id)
				}
			}
			raw, err := pickRaw(txn, pfxReferral, "referral", keys)
			if err != nil {
				return err
			}
			for _, rec := range raw {
				var r store.Referral
				if err := decodeJSON(rec.val, &r); err != nil {
					return fmt.Errorf("referral %s: damaged record: %v", strings.TrimPrefix(string(rec.key), pfxReferral), err)
				}
				if f.ReferrerUser != "" && r.ReferrerUser != f.ReferrerUser {
					continue
				}
				out = append(out, r)
			}
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Received.Equal(out[j].Received) {
			return out[i].Received.Before(out[j].Received)
		}
		return idLess(out[i].ID, out[j].ID)
	})
	return out, err
}

var decisionStatuses = []store.ReferralStatus{store.RefAccepted, store.RefWaitlisted, store.RefDeclined, store.RefWithdrawn, store.RefScreenedOut, store.RefNew}

// DecideReferral records an OWG decision in one transaction, only if the
// referral is still at d.Version (else ErrStale, nothing saved). Accepting
// creates the participant (not yet engaged, enrolled today, with the case
// manager) or links LinkParticipant; with HardCap > 0 it refuses when the
// case manager's active caseload is already at the cap.
func (db *DB) DecideReferral(ctx context.Context, a store.Actor, id string, d store.ReferralDecision) (store.Referral, error) {
	var out store.Referral
	err := db.update(ctx, a, func(t *tx) error {
		old, err := getReferral(t.txn, id)
		if err != nil {
			return err
		}
		if err := t.may(store.WriteDecideReferral, id, store.Relation{OwnReferral: old.ReferrerUser != "" && old.ReferrerUser == t.actor.User}); err != nil {
			return err
		}
		if d.Version == 0 {
			return fieldErr("decision", "version", "is required (the version of the referral you read)")
		}
		if old.Version != d.Version {
			return staleErr("referral", id)
		}
		d.CaseManager = store.CleanLine(d.CaseManager)
		d.Code = strings.ToLower(strings.TrimSpace(store.CleanLine(d.Code)))
		d.Note = store.CleanLine(d.Note)
		d.LinkParticipant = store.CleanLine(d.LinkParticipant)
		var bad []store.FieldError
		if !slices.Contains(decisionStatuses, d.Status) {
			bad = append(bad, store.FieldError{Field: "status", Msg: fmt.Sprintf("%q is not a decision (accepted, waitlisted, declined, withdrawn, screened_out)", d.Status)})
		}
		if d.Override && d.Reason() == "" {
			bad = append(bad, store.FieldError{Field: "reason", Msg: "is required for an override"})
		}
		if d.Status == store.RefDeclined && d.Code == "" {
			bad = append(bad, store.FieldError{Field: "code", Msg: "is required to decline (a coded reason the referrer may read)"})
		}
		if d.Code != "" && d.Status != store.RefDeclined && d.Status != store.RefWaitlisted {
			bad = append(bad, store.FieldError{Field: "code", Msg: fmt.Sprintf("only a decline or a waitlist takes a code, not %s", d.Status)})
		}
		if d.Status == store.RefAccepted && d.CaseManager == "" && d.LinkParticipant == "" {
			bad = append(bad, store.FieldError{Field: "case_manager", Msg: "is required to accept"})
		}
		if d.WaitlistPos < 0 {
			bad = append(bad, store.FieldError{Field: "waitlist_position", Msg: "is negative"})
		}
		if len(bad) > 0 {
			return &store.ValidationError{Entity: "decision", Errs: bad}
		}
		r := old
		if d.Status == store.RefAccepted {
			if old.Status == store.RefAccepted && old.ParticipantID != "" {
				return fmt.Errorf("referral %s is already accepted (participant %s)", id, old.ParticipantID)
			}
			pid, err := t.acceptParticipant(old, d)
			if err != nil {
				return err
			}
			r.ParticipantID = pid
		}
		r.Status = d.Status
		r.Reason, r.DecisionNote = d.Code, d.Note
		r.Override = d.Override
		r.OverriddenRank = ""
		if d.Override {
			r.OverriddenRank = store.CleanLine(d.OverriddenRank)
		}
		r.DecisionScore = d.Score
		r.DecidedAt = t.now
		r.DecidedBy = store.CleanLine(t.actor.User)
		r.MeetingID = store.CleanLine(d.MeetingID)
		r.WaitlistPos = 0
		if d.Status == store.RefWaitlisted {
			r.WaitlistPos = d.WaitlistPos
		}
		detail := "decision:" + string(d.Status)
		if d.Override {
			detail = "override"
		}
		out, err = t.saveReferral(old, r, detail)
		if err != nil {
			return err
		}
		return t.history(store.HistoryEvent{Kind: store.HistReferral, Record: out.ID, ParticipantID: out.ParticipantID,
			Field: store.HistDecision, From: string(old.Status), To: string(out.Status), Score: d.Score,
			Override: d.Override, OverriddenRank: out.OverriddenRank})
	})
	return out, err
}

// acceptParticipant links or creates the participant of an accepted referral.
func (t *tx) acceptParticipant(r store.Referral, d store.ReferralDecision) (string, error) {
	if d.LinkParticipant != "" {
		if _, err := getParticipant(t.txn, d.LinkParticipant); err != nil {
			return "", fieldErr("decision", "link_participant", "no participant "+d.LinkParticipant)
		}
		return d.LinkParticipant, nil
	}
	if d.HardCap > 0 {
		n, err := activeCaseload(t.txn, d.CaseManager)
		if err != nil {
			return "", err
		}
		if n >= d.HardCap {
			return "", fmt.Errorf("cannot accept %s: %s's caseload is full (%d active, hard cap %d); choose another case manager or waitlist",
				r.ID, d.CaseManager, n, d.HardCap)
		}
	}
	p, err := t.createParticipant(store.Participant{
		Name:          r.Person.Name,
		Aliases:       r.Person.Aliases,
		DOB:           r.Person.DOB,
		RaceEthnicity: store.RaceEthnicityGroup(r.RaceEthnicity), // free text from before the vocabulary is not carried
		ReferralID:    r.ID,
		EnrolledOn:    t.today,
		CaseManager:   d.CaseManager,
		Status:        store.StatusNotYetEngaged,
	}, "referral:"+r.ID)
	if err != nil {
		return "", fmt.Errorf("accept %s: %w", r.ID, err)
	}
	return p.ID, nil
}

// AcknowledgeReferral records who takes the on-call handoff, once. A second
// acknowledgement returns the referral unchanged and an error naming who
// already took it.
func (db *DB) AcknowledgeReferral(ctx context.Context, a store.Actor, id string) (store.Referral, error) {
	var out store.Referral
	err := db.update(ctx, a, func(t *tx) error {
		old, err := getReferral(t.txn, id)
		if err != nil {
			return err
		}
		if err := t.may(store.WriteAckReferral, id, store.Relation{}); err != nil {
			return err
		}
		if old.AckBy != "" {
			out = old
			return fmt.Errorf("referral %s was already taken by %s at %s: %w", id, old.AckBy, old.AckAt.Local().Format("2006-01-02 15:04"), store.ErrStale)
		}
		user := store.CleanLine(t.actor.User)
		if strings.TrimSpace(user) == "" {
			return fieldErr("acknowledgement", "user", "is required")
		}
		r := old
		r.AckBy, r.AckAt = user, t.now
		out, err = t.saveReferral(old, r, "ack")
		return err
	})
	return out, err
}

// AdvanceHandoff moves a field referral's handoff one step, with an
// optional note (store.HandoffNext says which steps apply). Take is
// AcknowledgeReferral (plus the note); the later steps are the taker's,
// the pm's or a supervisor's (store.WriteHandoff).
func (db *DB) AdvanceHandoff(ctx context.Context, a store.Actor, id string, step store.HandoffStep, note string) (store.Referral, error) {
	note = store.CleanLine(note)
	if step == store.StepTake {
		r, err := db.AcknowledgeReferral(ctx, a, id)
		if err != nil || note == "" {
			return r, err
		}
		return db.handoffNote(ctx, a, id, note)
	}
	var out store.Referral
	err := db.update(ctx, a, func(t *tx) error {
		old, err := getReferral(t.txn, id)
		if err != nil {
			return err
		}
		next, stepErr := store.HandoffNext(old, step)
		if stepErr != nil && store.HandoffOf(old) == store.HandoffReceived {
			out = old
			return stepErr // no one has taken it: that is what to say
		}
		if err := t.may(store.WriteHandoff, id, store.Relation{HandoffTaker: old.AckBy != "" && old.AckBy == t.actor.User}); err != nil {
			return err
		}
		if stepErr != nil {
			out = old
			return stepErr
		}
		r := old
		r.HandoffState = next
		if next == store.HandoffOnScene {
			r.OnSceneAt = t.now
		} else {
			r.HandoffDoneAt = t.now
		}
		if note != "" {
			r.HandoffNote = note
		}
		out, err = t.saveReferral(old, r, "handoff "+string(next))
		return err
	})
	return out, err
}

// handoffNote sets the note of a handoff the actor just took.
func (db *DB) handoffNote(ctx context.Context, a store.Actor, id, note string) (store.Referral, error) {
	var out store.Referral
	err := db.update(ctx, a, func(t *tx) error {
		old, err := getReferral(t.txn, id)
		if err != nil {
			return err
		}
		if err := t.may(store.WriteHandoff, id, store.Relation{HandoffTaker: old.AckBy != "" && old.AckBy == t.actor.User}); err != nil {
			return err
		}
		r := old
		r.HandoffNote = note
		out, err = t.saveReferral(old, r, "handoff note")
		return err
	})
	return out, err
}
