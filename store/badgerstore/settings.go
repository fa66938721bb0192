package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// GetSetting reads a small setting (theme, last seen); ErrNotFound when unset.
func (db *DB) GetSetting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.view(ctx, func(txn *badger.Txn) error {
		item, err := txn.Get([]byte(pfxSetting + key))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return fmt.Errorf("setting %q: %w", key, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		b, err := item.ValueCopy(nil)
		v = string(b)
		return err
	})
	return v, err
}

// SetSetting saves a setting (synced, not audited: settings hold no site data).
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	if strings.TrimSpace(key) == "" {
		return fieldErr("setting", "key", "is required")
	}
	return db.update(ctx, store.SystemActor, func(t *tx) error {
		return t.txn.Set([]byte(pfxSetting+key), []byte(value))
	})
}

// Empty reports whether the store holds no site data: no participants,
// referrals, users or meetings.
func (db *DB) Empty(ctx context.Context) (bool, error) {
	empty := true
	err := db.view(ctx, func(txn *badger.Txn) error {
		for _, p := range []string{pfxParticipant, pfxReferral, pfxUser, pfxMeeting} {
			if hasAny(txn, p) {
				empty = false
				return nil
			}
		}
		return nil
	})
	return empty, err
}
