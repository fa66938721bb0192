package badgerstore

import (
	"context"
	"sort"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

func contactIndex(c store.Contact) []string {
	return []string{ixContactPart + c.ParticipantID + sep + timeKey(c.Date) + sep + c.ID}
}

func getContact(txn *badger.Txn, id string) (store.Contact, error) {
	var c store.Contact
	err := getJSON(txn, pfxContact+id, "contact "+id, &c)
	return c, err
}

// CreateContact saves a contact and, in the same transaction, moves the
// participant's last (and first) contact date.
func (db *DB) CreateContact(ctx context.Context, a store.Actor, c store.Contact) (store.Contact, error) {
	var out store.Contact
	err := db.update(ctx, a, func(t *tx) error {
		q := c
		q.ID = store.CleanLine(q.ID)
		q.ParticipantID = store.CleanLine(q.ParticipantID)
		q.Note = store.Clean(q.Note, true)
		q.Author = store.CleanLine(q.Author)
		if err := t.mayParticipant(store.WriteContact, q.ParticipantID, q.ParticipantID); err != nil {
			return err
		}
		if err := q.ValidateAt(t.now); err != nil {
			return err
		}
		p, err := getParticipant(t.txn, q.ParticipantID)
		if err != nil {
			return fieldErr("contact", "participant_id", "no participant "+q.ParticipantID)
		}
		if err := q.ValidateBirth(p.DOB); err != nil {
			return err
		}
		if err := t.assignID(kindContact, pfxContact, "contact", &q.ID); err != nil {
			return err
		}
		q.Created = t.now
		if err := t.putJSON(pfxContact+q.ID, q); err != nil {
			return err
		}
		if err := t.reindex(nil, contactIndex(q)); err != nil {
			return err
		}
		t.change("contact", q.ID, q.ParticipantID)
		if err := t.audit(store.AuditCreate, q.ParticipantID, "contact:"+q.ID); err != nil {
			return err
		}
		np := p
		if q.Date.After(np.LastContact) {
			np.LastContact = q.Date
		}
		if np.FirstContact.IsZero() || q.Date.Before(np.FirstContact) {
			np.FirstContact = q.Date
		}
		if !np.LastContact.Equal(p.LastContact) || !np.FirstContact.Equal(p.FirstContact) {
			if _, err := t.saveParticipant(p, np, ""); err != nil {
				return err
			}
		}
		out = q
		return nil
	})
	return out, err
}

// GetContact reads one contact.
func (db *DB) GetContact(ctx context.Context, id string) (store.Contact, error) {
	return getOne(ctx, db, getContact, id)
}

// ListContacts lists a participant's contacts, newest first.
func (db *DB) ListContacts(ctx context.Context, participantID string) ([]store.Contact, error) {
	var out []store.Contact
	err := db.view(ctx, func(txn *badger.Txn) error {
		return eachIndexed(txn, ixContactPart+participantID+sep, func(id string) error {
			c, err := getContact(txn, id)
			out = append(out, c)
			return err
		})
	})
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.After(out[j].Date)
		}
		return idLess(out[j].ID, out[i].ID)
	})
	return out, err
}
