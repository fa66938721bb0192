package badgerstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

var auditKeyA = []byte("0123456789abcdef0123456789abcdef")

// TestKeyedChainStartsAtNextEvent: an unkeyed store opened with an audit
// key keeps its old events verifiable and keys every event from the next
// one; afterwards it needs that key to open.
func TestKeyedChainStartsAtNextEvent(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	mustParticipant(t, db, "A", "casey")
	mustParticipant(t, db, "B", "casey")
	db.Close()

	db, err = Open(dir, Options{Now: fixedClock, AuditKey: auditKeyA})
	if err != nil {
		t.Fatalf("Open(unkeyed store, with a key) => %v", err)
	}
	mustParticipant(t, db, "C", "casey")
	evs := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{}))
	if len(evs) != 3 || evs[0].Chain != "" || evs[1].Chain != "" || evs[2].Chain != store.AuditChainHMAC {
		t.Fatalf("chains => %q %q %q, want \"\" \"\" %q", evs[0].Chain, evs[1].Chain, evs[2].Chain, store.AuditChainHMAC)
	}
	if seq, err := db.VerifyAudit(ctx); err != nil {
		t.Errorf("VerifyAudit(mixed chain) => %d, %v", seq, err)
	}
	// Someone with the files but not the key edits event 3 and recomputes
	// its hash the only way they can (unkeyed): caught.
	e := evs[2]
	e.Subject, e.Chain = "P-0001", ""
	e.Hash = store.AuditHash(e)
	b, _ := json.Marshal(e)
	db.rawSet([]byte(auditKey(3)), b)
	db.rawSet([]byte(keyAuditHead), must[[]byte](t, "json")(json.Marshal(auditHead{Seq: 3, Hash: e.Hash})))
	seq, err := db.VerifyAudit(ctx)
	if seq != 3 || err == nil || !strings.Contains(err.Error(), "rewritten without the key") {
		t.Errorf("VerifyAudit(keyed event rewritten unkeyed) => %d, %v; want 3, rewritten without the key", seq, err)
	}
	// ... or keeps the chain marker and guesses a hash: caught too.
	e.Chain = store.AuditChainHMAC
	e.Hash = store.AuditMAC([]byte("a key that is not the site's key"), e)
	b, _ = json.Marshal(e)
	db.rawSet([]byte(auditKey(3)), b)
	db.rawSet([]byte(keyAuditHead), must[[]byte](t, "json")(json.Marshal(auditHead{Seq: 3, Hash: e.Hash})))
	seq, err = db.VerifyAudit(ctx)
	if seq != 3 || err == nil || !strings.Contains(err.Error(), "keyed hash mismatch") {
		t.Errorf("VerifyAudit(keyed event, wrong key) => %d, %v; want 3, keyed hash mismatch", seq, err)
	}
	db.Close()

	_, err = Open(dir, Options{Now: fixedClock})
	wantIs(t, "Open(keyed store, no key)", err, ErrAuditKeyRequired)
	_, err = Open(dir, Options{Now: fixedClock, AuditKey: []byte("another key, 32 bytes long......")})
	wantIs(t, "Open(keyed store, wrong key)", err, ErrWrongAuditKey)
}

// TestAnchorCatchesRewriteAndCutTail: an anchor taken earlier proves the
// trail still holds every event up to it. A chain rewritten from an event
// on (hashes recomputed, so VerifyAudit alone says intact) and a cut tail
// are both caught.
func TestAnchorCatchesRewriteAndCutTail(t *testing.T) {
	setup := func(t *testing.T) (*DB, store.AuditAnchor) {
		db := memDB(t)
		for i := 0; i < 6; i++ {
			mustParticipant(t, db, fmt.Sprint("P", i), "casey")
		}
		a := must[store.AuditAnchor](t, "head")(db.AuditHead(ctx))
		if a.Seq != 6 || len(a.Hash) != 64 {
			t.Fatalf("AuditHead => %v, want 6:<hash>", a)
		}
		if _, err := store.ParseAuditAnchor(a.String()); err != nil {
			t.Fatalf("ParseAuditAnchor(%s) => %v", a, err)
		}
		mustParticipant(t, db, "after the anchor", "casey")
		if seq, err := db.VerifyAuditAnchor(ctx, a); err != nil {
			t.Fatalf("VerifyAuditAnchor(intact) => %d, %v", seq, err)
		}
		return db, a
	}
	t.Run("rewritten", func(t *testing.T) {
		db, a := setup(t)
		// Rewrite event 4 and recompute every hash after it (an unkeyed chain allows it).
		evs := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{}))
		prev := evs[2].Hash
		for i := 3; i < len(evs); i++ {
			e := evs[i]
			if i == 3 {
				e.Subject = "P-0001"
			}
			e.PrevHash = prev
			e.Hash = store.AuditHash(e)
			prev = e.Hash
			db.rawSet([]byte(auditKey(e.Seq)), must[[]byte](t, "json")(json.Marshal(e)))
		}
		db.rawSet([]byte(keyAuditHead), must[[]byte](t, "json")(json.Marshal(auditHead{Seq: 7, Hash: prev})))
		if seq, err := db.VerifyAudit(ctx); err != nil {
			t.Fatalf("the rewrite should fool VerifyAudit alone => %d, %v", seq, err)
		}
		seq, err := db.VerifyAuditAnchor(ctx, a)
		if seq != 6 || err == nil || !strings.Contains(err.Error(), "rewritten") {
			t.Errorf("VerifyAuditAnchor(rewritten) => %d, %v; want 6, rewritten", seq, err)
		}
	})
	t.Run("cut tail", func(t *testing.T) {
		db, a := setup(t)
		evs := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{}))
		db.bdb.Update(func(txn *badger.Txn) error {
			for s := uint64(5); s <= 7; s++ {
				txn.Delete([]byte(auditKey(s)))
			}
			return nil
		})
		db.rawSet([]byte(keyAuditHead), must[[]byte](t, "json")(json.Marshal(auditHead{Seq: 4, Hash: evs[3].Hash})))
		if seq, err := db.VerifyAudit(ctx); err != nil {
			t.Fatalf("the cut should fool VerifyAudit alone => %d, %v", seq, err)
		}
		seq, err := db.VerifyAuditAnchor(ctx, a)
		if seq != 5 || err == nil || !strings.Contains(err.Error(), "cut") {
			t.Errorf("VerifyAuditAnchor(cut tail) => %d, %v; want 5, cut", seq, err)
		}
	})
}

// TestAuditListOneEventPerLoad: a list screen's load is one view event
// naming every id shown.
func TestAuditListOneEventPerLoad(t *testing.T) {
	db := memDB(t)
	before := len(must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{})))
	if err := db.AuditList(ctx, cm, "caseload", []string{"P-0001", "P-0002", "P-0003"}); err != nil {
		t.Fatal(err)
	}
	evs := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{}))
	if len(evs) != before+1 {
		t.Fatalf("AuditList => %d events, want 1", len(evs)-before)
	}
	e := evs[len(evs)-1]
	if e.Action != store.AuditView || e.Subject != "list:caseload" || e.Detail != "P-0001,P-0002,P-0003" || e.User != "casey" {
		t.Errorf("AuditList event => %+v", e)
	}
	if err := db.AuditList(ctx, cm, "caseload", nil); err != nil || len(must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{}))) != len(evs) {
		t.Errorf("AuditList(no ids) => %v, want no event", err)
	}
}
