package badgerstore

import (
	"context"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// Protocol version keys.
//
//	pv/<8-byte seq>   store.ProtocolVersion, oldest first
const (
	pfxProtocol  = "pv/"
	kindProtocol = "V"
)

// RecordProtocol stores data as the newest protocol version when its hash
// differs from the newest stored one, in one transaction with its audit
// event; it returns the version in force and whether it was new.
func (db *DB) RecordProtocol(ctx context.Context, a store.Actor, data []byte) (store.ProtocolVersion, bool, error) {
	var out store.ProtocolVersion
	var isNew bool
	err := db.update(ctx, a, func(t *tx) error {
		isNew = false
		n, err := readCounter(t.txn, kindProtocol)
		if err != nil {
			return err
		}
		hash := store.ProtocolHash(data)
		var last store.ProtocolVersion
		if n > 0 {
			if err := getJSON(t.txn, pfxProtocol+seqKey(n), "protocol version", &last); err != nil {
				return err
			}
			if last.Hash == hash {
				out = last
				return nil
			}
		}
		if err := t.may(store.WriteProtocol, "protocol", store.Relation{}); err != nil {
			return err
		}
		v := store.ProtocolVersion{Seq: int(n + 1), Version: hash[:12], Hash: hash, Date: t.now, By: store.CleanLine(t.actor.User), TOML: string(data)}
		if n > 0 {
			v.Changes = store.ProtocolChanges([]byte(last.TOML), data)
			if len(v.Changes) == 0 {
				v.Changes = []string{"formatting only: no value changed"}
			}
		}
		if err := t.writeCounter(kindProtocol, n+1); err != nil {
			return err
		}
		if err := t.putJSON(pfxProtocol+seqKey(n+1), v); err != nil {
			return err
		}
		out, isNew = v, true
		return t.audit(store.AuditUpdate, "protocol", "protocol:"+v.Version)
	})
	return out, isNew, err
}

// ListProtocolVersions lists every stored protocol version, oldest first.
func (db *DB) ListProtocolVersions(ctx context.Context) ([]store.ProtocolVersion, error) {
	var out []store.ProtocolVersion
	err := db.view(ctx, func(txn *badger.Txn) error {
		return scanJSON(txn, pfxProtocol, func(v store.ProtocolVersion) error {
			out = append(out, v)
			return nil
		})
	})
	return out, err
}
