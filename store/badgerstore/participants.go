package badgerstore

import (
	"context"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

func cleanList(xs []string) []string {
	if xs == nil {
		return nil
	}
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if x = store.CleanLine(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func cleanParticipant(p store.Participant) store.Participant {
	p.ID = store.CleanLine(p.ID)
	p.Name = store.CleanLine(p.Name)
	p.Aliases = cleanList(p.Aliases)
	p.Pronouns = store.CleanLine(p.Pronouns)
	p.RaceEthnicity = store.NormalizeRaceEthnicity(p.RaceEthnicity)
	p.ReferralID = store.CleanLine(p.ReferralID)
	p.CaseManager = store.CleanLine(p.CaseManager)
	p.ExitReason = store.CleanLine(p.ExitReason)
	p.Housing = store.CleanLine(p.Housing)
	p.Flags = cleanList(p.Flags)
	p.FlaggedBy = store.CleanLine(p.FlaggedBy)
	return p
}

func participantIndex(p store.Participant) []string {
	return []string{
		ixPartCMStatus + p.CaseManager + sep + string(p.Status) + sep + p.ID,
		ixPartStatus + string(p.Status) + sep + p.ID,
	}
}

func getParticipant(txn *badger.Txn, id string) (store.Participant, error) {
	var p store.Participant
	err := getJSON(txn, pfxParticipant+id, "participant "+id, &p)
	return p, err
}

// createParticipant saves a new participant; p is cleaned and validated.
func (t *tx) createParticipant(p store.Participant, detail string) (store.Participant, error) {
	p = cleanParticipant(p)
	if err := p.ValidateAt(t.now); err != nil {
		return p, err
	}
	if err := t.assignID(kindParticipant, pfxParticipant, "participant", &p.ID); err != nil {
		return p, err
	}
	p.Created, p.Updated, p.Version = t.now, t.now, 1
	if err := t.putJSON(pfxParticipant+p.ID, p); err != nil {
		return p, err
	}
	if err := t.reindex(nil, participantIndex(p)); err != nil {
		return p, err
	}
	if err := t.history(store.ParticipantChanges(nil, p, t.now)...); err != nil {
		return p, err
	}
	t.change("participant", p.ID, p.ID)
	return p, t.audit(store.AuditCreate, p.ID, detail)
}

// saveParticipant writes p over old (already loaded and version-checked);
// an empty detail skips the audit event.
func (t *tx) saveParticipant(old, p store.Participant, detail string) (store.Participant, error) {
	p.ID = old.ID
	p.RaceEthnicity = store.CarryRaceEthnicity(old.RaceEthnicity, p.RaceEthnicity)
	p.Created = old.Created
	p.Version = old.Version + 1
	p.Updated = t.now
	if err := t.putJSON(pfxParticipant+p.ID, p); err != nil {
		return p, err
	}
	if err := t.reindex(participantIndex(old), participantIndex(p)); err != nil {
		return p, err
	}
	if err := t.history(store.ParticipantChanges(&old, p, t.now)...); err != nil {
		return p, err
	}
	t.change("participant", p.ID, p.ID)
	if detail == "" { // derived from a write audited on its own (a contact)
		return p, nil
	}
	return p, t.audit(store.AuditUpdate, p.ID, detail)
}

// CreateParticipant assigns the next P- id when p.ID is empty, saves p and
// returns it as stored.
func (db *DB) CreateParticipant(ctx context.Context, a store.Actor, p store.Participant) (store.Participant, error) {
	return writeOne(ctx, db, a, func(t *tx) (store.Participant, error) {
		q := cleanParticipant(p)
		rel := store.Relation{OwnCaseload: q.CaseManager != "" && q.CaseManager == t.actor.User}
		if err := t.may(store.WriteParticipant, q.ID, rel); err != nil {
			return store.Participant{}, err
		}
		return t.createParticipant(p, "participant")
	})
}

// GetParticipant reads one participant without auditing.
func (db *DB) GetParticipant(ctx context.Context, id string) (store.Participant, error) {
	return getOne(ctx, db, getParticipant, id)
}

// UpdateParticipant saves p if p.Version is the stored version, else ErrStale.
func (db *DB) UpdateParticipant(ctx context.Context, a store.Actor, p store.Participant) (store.Participant, error) {
	return updateVersioned(ctx, db, a, "participant", p.ID, p.Version, getParticipant, func(x store.Participant) int64 { return x.Version },
		func(t *tx, old store.Participant) (store.Participant, error) {
			q := cleanParticipant(p)
			q.RaceEthnicity = store.CarryRaceEthnicity(old.RaceEthnicity, q.RaceEthnicity)
			if err := t.mayUpdateParticipant(old, q); err != nil {
				return store.Participant{}, err
			}
			if err := q.ValidateAt(t.now); err != nil {
				return store.Participant{}, err
			}
			return t.saveParticipant(old, q, "participant")
		})
}

// ListParticipants lists by the case-manager and status index, id order.
func (db *DB) ListParticipants(ctx context.Context, f store.ParticipantFilter) ([]store.Participant, error) {
	var out []store.Participant
	err := db.view(ctx, func(txn *badger.Txn) error {
		keep := func(p store.Participant) error {
			if f.ActiveOnly && !p.Status.Active() {
				return nil
			}
			out = append(out, p)
			return nil
		}
		var prefix string
		switch {
		case f.CaseManager != "" && f.Status != "":
			prefix = ixPartCMStatus + f.CaseManager + sep + string(f.Status) + sep
		case f.CaseManager != "":
			prefix = ixPartCMStatus + f.CaseManager + sep
		case f.Status != "":
			prefix = ixPartStatus + string(f.Status) + sep
		default:
			return scanJSON(txn, pfxParticipant, keep)
		}
		var ids []string
		err := scanKeys(txn, prefix, "", func(k string) error {
			ids = append(ids, lastField(k))
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			p, err := getParticipant(txn, id)
			if err != nil {
				return err
			}
			if err := keep(p); err != nil {
				return err
			}
		}
		return nil
	})
	sortByID(out, func(p *store.Participant) string { return p.ID })
	return out, err
}

// activeCaseload counts the active participants of a case manager from
// the index alone.
func activeCaseload(txn *badger.Txn, cm string) (int, error) {
	n := 0
	for _, s := range store.ParticipantStatuses {
		if !s.Active() {
			continue
		}
		err := scanKeys(txn, ixPartCMStatus+cm+sep+string(s)+sep, "", func(string) error {
			n++
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return n, nil
}
