package badgerstore

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// historyKeys counts the keys under the history prefixes.
func historyKeys(t *testing.T, db *DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	err := db.bdb.View(func(txn *badger.Txn) error {
		for _, pfx := range []string{pfxHistory, ixHistRecord, ixHistPart} {
			recs, err := rawScan(txn, pfx)
			if err != nil {
				return err
			}
			out[pfx] = len(recs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRolledBackImportTakesItsHistory: an import undone (failed, or a
// process killed half-way and undone at the next Open) leaves none of its
// referrals' history or history index keys behind; Check finds the store
// sound; the same rows imported again give each referral one "received"
// event.
func TestRolledBackImportTakesItsHistory(t *testing.T) {
	rs := make([]store.Referral, 2*importChunk+10)
	for i := range rs {
		rs[i] = newReferral(fmt.Sprintf("Person %d", i), day(2025, 4, 1))
		rs[i].ID = fmt.Sprintf("R-%04d", i+1)
	}
	for _, crash := range []bool{false, true} {
		db := failedImport(t, rs, crash, func(db *DB) {
			if n := historyKeys(t, db)[pfxHistory]; n < 2*importChunk {
				t.Fatalf("crash: before reopening %d history events, want those of two chunks", n)
			}
		})
		for pfx, n := range historyKeys(t, db) {
			if n != 0 {
				t.Errorf("crash=%v: %d keys under %s after the import was undone, want 0", crash, n, pfx)
			}
		}
		if rep := must[CheckReport](t, "check")(db.Check(ctx)); !rep.OK() {
			t.Errorf("crash=%v: Check after an undone import => %q", crash, rep.Problems)
		}
		db.hooks = testHooks{}
		must[[]store.Referral](t, "import again")(db.ImportReferrals(ctx, pm, rs))
		received := map[string]int{}
		for _, e := range must[[]store.HistoryEvent](t, "history")(db.ListHistory(ctx, store.HistoryFilter{Kind: store.HistReferral})) {
			if e.Field == store.HistReceived {
				received[e.Record]++
			}
		}
		for _, r := range rs {
			if received[r.ID] != 1 {
				t.Fatalf("crash=%v: %s has %d received events after the import again, want 1", crash, r.ID, received[r.ID])
			}
		}
		if rep := must[CheckReport](t, "check")(db.Check(ctx)); !rep.OK() {
			t.Errorf("crash=%v: Check after the import again => %q", crash, rep.Problems)
		}
		db.Close()
	}
}

// TestCheckNamesOrphanedHistory: history whose referral does not exist
// (what an undone import left before its rollback took the history too)
// is damage Check names by the referral's id; a referral's own history is not.
func TestCheckNamesOrphanedHistory(t *testing.T) {
	db := memDB(t)
	r := must[store.Referral](t, "referral")(db.CreateReferral(ctx, pm, newReferral("Bo", day(2025, 5, 1))))
	if rep := must[CheckReport](t, "check")(db.Check(ctx)); !rep.OK() {
		t.Fatalf("Check of a sound store => %q", rep.Problems)
	}
	err := db.update(ctx, pm, func(t *tx) error {
		return t.history(
			store.HistoryEvent{Kind: store.HistReferral, Record: "R-0999", Field: store.HistReceived, To: string(store.KindSocialContact)},
			store.HistoryEvent{Kind: store.HistReferral, Record: "R-0999", Field: store.HistStatus, From: "new", To: "waitlisted"})
	})
	if err != nil {
		t.Fatal(err)
	}
	rep := must[CheckReport](t, "check")(db.Check(ctx))
	if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0], "orphaned history") ||
		!strings.Contains(rep.Problems[0], "R-0999") || !strings.Contains(rep.Problems[0], "2 referral history events") {
		t.Errorf("Check with orphaned history => %q, want one problem naming R-0999's 2 orphaned events", rep.Problems)
	}
	if strings.Contains(strings.Join(rep.Problems, "\n"), r.ID) {
		t.Errorf("Check => %q, want %s (which exists) not named", rep.Problems, r.ID)
	}
}

// TestRepairTakesOrphanedHistory: Repair takes history whose referral
// does not exist (what an undone import left before this fix) out of the
// store, keeping a copy of each event, and audits it; a referral's own
// history stays, and Check then finds the store sound.
func TestRepairTakesOrphanedHistory(t *testing.T) {
	db, dir := diskDB(t)
	r := must[store.Referral](t, "referral")(db.CreateReferral(ctx, pm, newReferral("Bo", day(2025, 5, 1))))
	own := len(must[[]store.HistoryEvent](t, "history")(db.ListHistory(ctx, store.HistoryFilter{Record: r.ID})))
	err := db.update(ctx, pm, func(t *tx) error {
		return t.history(
			store.HistoryEvent{Kind: store.HistReferral, Record: "R-0999", Field: store.HistReceived, To: string(store.KindSocialContact)},
			store.HistoryEvent{Kind: store.HistReferral, Record: "R-0999", ParticipantID: "P-0001", Field: store.HistStatus, From: "new", To: "accepted"})
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	did, err := Repair(dir, Options{Now: fixedClock})
	if err != nil || !strings.Contains(strings.Join(did, "\n"), "2 history events of 1 records that do not exist") {
		t.Fatalf("Repair(orphaned history) => %q, %v; want the 2 events taken out", did, err)
	}
	kept, _ := filepath.Glob(filepath.Join(dir, "recovered-*", orphanedHistoryFile))
	if len(kept) != 1 {
		t.Fatalf("copies of the orphaned history => %v, want 1", kept)
	}
	if b, _ := os.ReadFile(kept[0]); strings.Count(string(b), "\n") != 2 || !strings.Contains(string(b), "R-0999") {
		t.Errorf("%s => %q, want the 2 events", orphanedHistoryFile, b)
	}
	db, _, err = openWarn(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep := must[CheckReport](t, "check")(db.Check(ctx)); !rep.OK() {
		t.Errorf("Check after Repair => %q", rep.Problems)
	}
	if n := len(must[[]store.HistoryEvent](t, "history")(db.ListHistory(ctx, store.HistoryFilter{Record: r.ID}))); n != own {
		t.Errorf("%s's own history after Repair => %d events, want %d", r.ID, n, own)
	}
	if n := len(must[[]store.HistoryEvent](t, "history")(db.ListHistory(ctx, store.HistoryFilter{ParticipantID: "P-0001"}))); n != 0 {
		t.Errorf("orphaned events still indexed by participant => %d, want 0", n)
	}
	dels := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{Action: store.AuditDelete}))
	if len(dels) != 1 || dels[0].Detail != "repair:orphaned-history:2" {
		t.Errorf("deletions audited => %+v, want the repair's", dels)
	}
	if seq, err := db.VerifyAudit(ctx); err != nil {
		t.Errorf("VerifyAudit => %d, %v", seq, err)
	}
}
