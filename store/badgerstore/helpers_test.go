package badgerstore

import (
	"fmt"

	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"github.com/dgraph-io/badger/v4"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
)

var (
	ctx = context.Background()
	pm  = store.Actor{User: "pat", Role: store.RolePM, System: true} // fixtures write as the system actor (store.MayWrite allows it all)
	cm  = store.Actor{User: "casey", Role: store.RoleCaseManager}
)

// testNow is the clock of every store test: 2025-06-02 10:00 UTC.
var testNow = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)

// fixedClock is the store option that fixes the clock at testNow.
func fixedClock() time.Time { return testNow }

// day returns a UTC-midnight date.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// memDB opens an in-memory store closed at the end of the test.
func memDB(t testing.TB) *DB {
	t.Helper()
	db, err := OpenMemoryAt(fixedClock)
	if err != nil {
		t.Fatalf("OpenMemory() => %v, want nil", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// diskDB opens a store in a new temp dir.
func diskDB(t testing.TB) (*DB, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		t.Fatalf("Open(%s) => %v, want nil", dir, err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dir
}

func newParticipant(name, caseManager string) store.Participant {
	return store.Participant{
		Name: name, DOB: day(1980, 5, 17), EnrolledOn: day(2025, 1, 10),
		CaseManager: caseManager, Status: store.StatusEngaging,
	}
}

func mustParticipant(t testing.TB, db *DB, name, caseManager string) store.Participant {
	t.Helper()
	p, err := db.CreateParticipant(ctx, pm, newParticipant(name, caseManager))
	if err != nil {
		t.Fatalf("CreateParticipant(%s) => %v", name, err)
	}
	return p
}

func newReferral(name string, received time.Time) store.Referral {
	return store.Referral{
		Received: received, Kind: store.KindSocialContact, Referrer: "Ofc. Lee", Agency: "SPD",
		Person: store.Person{Name: name, DOB: day(1990, 2, 3)}, Offense: "trespass",
	}
}

// authorizedKey returns a fresh ed25519 authorized_keys line and its fingerprint.
func authorizedKey(t testing.TB) (line, fingerprint string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " test@owg", ssh.FingerprintSHA256(sp)
}

// wantIs fails unless errors.Is(err, target).
func wantIs(t testing.TB, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s => %v, want %v", what, err, target)
	}
}

// wantFields fails unless err is a *store.ValidationError naming fields.
func wantFields(t testing.TB, what string, err error, fields ...string) {
	t.Helper()
	var ve *store.ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("%s => %v, want a validation error naming %v", what, err, fields)
		return
	}
	got := ve.Fields()
	for _, f := range fields {
		found := false
		for _, g := range got {
			if g == f {
				found = true
			}
		}
		if !found {
			t.Errorf("%s => fields %v, want %q among them (%v)", what, got, f, err)
		}
	}
}

func ids[T any](xs []T, id func(T) string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = id(x)
	}
	return strings.Join(s, ",")
}

func must[T any](t testing.TB, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s => %v", what, err)
		}
		return v
	}
}

// rawScan copies every record under prefix (the site read decodes as
// it copies: scanDecode).
func rawScan(txn *badger.Txn, prefix string) ([]rawRecord, error) {
	// No prefetching: owg's values sit in the tables beside their keys
	// (far below Badger's value threshold), so a prefetch only copied
	// each value once more.
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
	defer it.Close()
	var out []rawRecord
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		v, err := item.ValueCopy(nil)
		if err != nil {
			return nil, fmt.Errorf("damaged record %q: %v", item.Key(), err)
		}
		out = append(out, rawRecord{key: item.KeyCopy(nil), val: v})
	}
	return out, nil
}
