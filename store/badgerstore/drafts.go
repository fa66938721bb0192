package badgerstore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// draftKey is where user's draft of form about subject is kept (a
// draft with no subject keeps the key drafts had before subjects).
func draftKey(user, form, subject string) string {
	if subject == "" {
		return pfxDraft + user + sep + form
	}
	return pfxDraft + user + sep + form + sep + subject
}

// maxDraftBytes bounds one draft: a form's fields, never a file.
const maxDraftBytes = 64 << 10

// SaveDraft keeps d for a.User (synced like every write; no audit event
// and no change is published: a draft is no one else's business).
func (db *DB) SaveDraft(ctx context.Context, a store.Actor, d store.Draft) (store.Draft, error) {
	d.User = strings.TrimSpace(a.User)
	d.Form = strings.TrimSpace(d.Form)
	d.Subject = strings.TrimSpace(store.CleanLine(d.Subject))
	if d.User == "" || d.Form == "" || strings.Contains(d.Form, sep) || strings.Contains(d.User, sep) {
		return d, fieldErr("draft", "form", "is required")
	}
	if strings.Contains(d.Subject, sep) || len(d.Subject) > store.MaxDraftSubject {
		return d, fieldErr("draft", "subject", "is not an id")
	}
	size := 0
	for k, v := range d.Fields {
		size += len(k) + len(v)
	}
	if size > maxDraftBytes {
		return d, fieldErr("draft", "fields", "are too long")
	}
	err := db.update(ctx, a, func(t *tx) error {
		if err := t.may(store.WriteDraft, d.Form, store.Relation{Self: true}); err != nil {
			return err
		}
		d.Saved = t.now
		return t.putJSON(draftKey(d.User, d.Form, d.Subject), d)
	})
	return d, err
}

// Drafts lists a.User's drafts, newest first, deleting those older than
// maxAge (0: keep all).
func (db *DB) Drafts(ctx context.Context, a store.Actor, maxAge time.Duration) ([]store.Draft, error) {
	user := strings.TrimSpace(a.User)
	if user == "" {
		return nil, nil
	}
	var out, old []store.Draft
	now := db.now()
	err := db.view(ctx, func(txn *badger.Txn) error {
		return scanJSON(txn, pfxDraft+user+sep, func(d store.Draft) error {
			if d.User != user {
				return nil
			}
			if maxAge > 0 && now.Sub(d.Saved) > maxAge {
				old = append(old, d)
				return nil
			}
			out = append(out, d)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	for _, d := range old {
		if err := db.DeleteDraftOf(ctx, a, d.Form, d.Subject); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(out, func(x, y store.Draft) int {
		if c := y.Saved.Compare(x.Saved); c != 0 {
			return c
		}
		return strings.Compare(x.Form+sep+x.Subject, y.Form+sep+y.Subject)
	})
	return out, nil
}

// DeleteDraft drops a.User's draft of form with no subject.
func (db *DB) DeleteDraft(ctx context.Context, a store.Actor, form string) error {
	return db.DeleteDraftOf(ctx, a, form, "")
}

// DeleteDraftOf drops a.User's draft of form about subject.
func (db *DB) DeleteDraftOf(ctx context.Context, a store.Actor, form, subject string) error {
	user := strings.TrimSpace(a.User)
	if user == "" {
		return nil
	}
	return db.update(ctx, a, func(t *tx) error {
		if err := t.may(store.WriteDraft, form, store.Relation{Self: true}); err != nil {
			return err
		}
		err := t.txn.Delete([]byte(draftKey(user, strings.TrimSpace(form), strings.TrimSpace(subject))))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		return err
	})
}
