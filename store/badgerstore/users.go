package badgerstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
)

func cleanUser(u store.User) store.User {
	u.Name = store.CleanLine(u.Name)
	u.Agency = store.CleanLine(u.Agency)
	u.Keys = cleanList(u.Keys)
	u.Theme = store.CleanLine(u.Theme)
	return u
}

// keyFingerprints parses every authorized_keys line of u; each line that
// does not parse is a field error on "key".
func keyFingerprints(u store.User) ([]string, []store.FieldError) {
	var fps []string
	var bad []store.FieldError
	seen := map[string]bool{}
	for i, line := range u.Keys {
		pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			bad = append(bad, store.FieldError{Field: "key", Msg: fmt.Sprintf("key %d is not an SSH public key (%v)", i+1, err)})
			continue
		}
		fp := ssh.FingerprintSHA256(pub)
		if !seen[fp] {
			seen[fp] = true
			fps = append(fps, fp)
		}
	}
	return fps, bad
}

// validateUser validates u and its keys, and checks that no key belongs to
// another user. It returns the key fingerprints.
func validateUser(txn *badger.Txn, u store.User) ([]string, error) {
	var errs []store.FieldError
	if err := u.Validate(); err != nil {
		var ve *store.ValidationError
		if !errors.As(err, &ve) {
			return nil, err
		}
		errs = append(errs, ve.Errs...)
	}
	fps, bad := keyFingerprints(u)
	errs = append(errs, bad...)
	for _, fp := range fps {
		owner, err := keyOwner(txn, fp)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if err == nil && owner != u.Name {
			errs = append(errs, store.FieldError{Field: "key", Msg: fmt.Sprintf("key %s is already registered to user %s", fp, owner)})
		}
	}
	if len(errs) > 0 {
		return nil, &store.ValidationError{Entity: "user", Errs: errs}
	}
	return fps, nil
}

func keyOwner(txn *badger.Txn, fp string) (string, error) {
	item, err := txn.Get([]byte(ixUserKey + fp))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", fmt.Errorf("key %s: %w", fp, store.ErrNotFound)
	}
	if err != nil {
		return "", err
	}
	b, err := item.ValueCopy(nil)
	return string(b), err
}

func getUser(txn *badger.Txn, name string) (store.User, error) {
	var u store.User
	err := getJSON(txn, pfxUser+name, "user "+name, &u)
	return u, err
}

// setKeys writes the fingerprint -> user index, dropping the old entries.
func (t *tx) setKeys(name string, old, new []string) error {
	keep := map[string]bool{}
	for _, fp := range new {
		keep[fp] = true
		if err := t.txn.Set([]byte(ixUserKey+fp), []byte(name)); err != nil {
			return err
		}
	}
	for _, fp := range old {
		if !keep[fp] {
			if err := t.delete(ixUserKey + fp); err != nil {
				return err
			}
		}
	}
	return nil
}

// CreateUser saves a new user; a taken name is ErrExists. Every key must
// parse and belong to no other user.
func (db *DB) CreateUser(ctx context.Context, a store.Actor, u store.User) (store.User, error) {
	var out store.User
	err := db.update(ctx, a, func(t *tx) error {
		q := cleanUser(u)
		if err := t.may(store.WriteUser, q.Name, store.Relation{Self: q.Name == t.actor.User}); err != nil {
			return err
		}
		fps, err := validateUser(t.txn, q)
		if err != nil {
			return err
		}
		taken, err := exists(t.txn, pfxUser+q.Name)
		if err != nil {
			return err
		}
		if taken {
			return fmt.Errorf("user %s: %w", q.Name, store.ErrExists)
		}
		q.Created, q.Version = t.now, 1
		if err := t.putJSON(pfxUser+q.Name, q); err != nil {
			return err
		}
		if err := t.setKeys(q.Name, nil, fps); err != nil {
			return err
		}
		t.change("user", q.Name, "")
		out = q
		return t.audit(store.AuditCreate, q.Name, "user")
	})
	return out, err
}

// GetUser reads one user.
func (db *DB) GetUser(ctx context.Context, name string) (store.User, error) {
	return getOne(ctx, db, getUser, name)
}

// UpdateUser saves u if u.Version is the stored version, else ErrStale.
func (db *DB) UpdateUser(ctx context.Context, a store.Actor, u store.User) (store.User, error) {
	var out store.User
	err := db.update(ctx, a, func(t *tx) error {
		q := cleanUser(u)
		old, err := getUser(t.txn, q.Name)
		if err != nil {
			return err
		}
		if err := t.mayUpdateUser(old, q); err != nil {
			return err
		}
		if old.Version != q.Version {
			return staleErr("user", q.Name)
		}
		fps, err := validateUser(t.txn, q)
		if err != nil {
			return err
		}
		oldFps, _ := keyFingerprints(old)
		q.Created, q.Version = old.Created, old.Version+1
		if err := t.putJSON(pfxUser+q.Name, q); err != nil {
			return err
		}
		if err := t.setKeys(q.Name, oldFps, fps); err != nil {
			return err
		}
		t.change("user", q.Name, "")
		out = q
		return t.audit(store.AuditUpdate, q.Name, "user")
	})
	return out, err
}

// DeleteUser removes a user and their keys.
func (db *DB) DeleteUser(ctx context.Context, a store.Actor, name string) error {
	return db.update(ctx, a, func(t *tx) error {
		old, err := getUser(t.txn, name)
		if err != nil {
			return err
		}
		if err := t.may(store.WriteUser, name, store.Relation{Self: name == t.actor.User}); err != nil {
			return err
		}
		oldFps, _ := keyFingerprints(old)
		if err := t.setKeys(name, oldFps, nil); err != nil {
			return err
		}
		if err := t.delete(pfxUser + name); err != nil {
			return err
		}
		t.change("user", name, "")
		return t.audit(store.AuditDelete, name, "user")
	})
}

// ListUsers lists every user by name.
func (db *DB) ListUsers(ctx context.Context) ([]store.User, error) {
	var out []store.User
	err := db.view(ctx, func(txn *badger.Txn) error {
		return scanJSON(txn, pfxUser, func(u store.User) error {
			out = append(out, u)
			return nil
		})
	})
	return out, err
}

// UserByKey finds the user holding the key with this SHA256 fingerprint
// (ssh.FingerprintSHA256 form, "SHA256:...").
func (db *DB) UserByKey(ctx context.Context, fingerprint string) (store.User, error) {
	var u store.User
	err := db.view(ctx, func(txn *badger.Txn) error {
		name, err := keyOwner(txn, fingerprint)
		if err != nil {
			return err
		}
		u, err = getUser(txn, name)
		if err != nil {
			return err
		}
		fps, _ := keyFingerprints(u)
		for _, fp := range fps {
			if fp == fingerprint {
				return nil
			}
		}
		return fmt.Errorf("key %s: %w", fingerprint, store.ErrNotFound)
	})
	return u, err
}
