package badgerstore

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// describe lists events as "record field from>to" lines.
func describe(evs []store.HistoryEvent) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "%s %s %s>%s\n", e.Record, e.Field, e.From, e.To)
	}
	return b.String()
}

// TestHistoryWrittenWithEachChange: every change of the tracked fields is
// a dated event written in the change's transaction; other edits write
// none, and a refused write writes nothing.
func TestHistoryWrittenWithEachChange(t *testing.T) {
	db := memDB(t)
	p := mustParticipant(t, db, "Ana", "casey")
	p.Housing = "unsheltered"
	p = must[store.Participant](t, "update")(db.UpdateParticipant(ctx, pm, p))
	p.Pronouns = "she/her" // not tracked
	p = must[store.Participant](t, "update")(db.UpdateParticipant(ctx, pm, p))
	p.Status, p.ExitReason = store.StatusExited, "moved"
	p = must[store.Participant](t, "exit")(db.UpdateParticipant(ctx, pm, p))
	// a case manager off this caseload is refused: no event
	off := store.Actor{User: "other", Role: store.RoleCaseManager}
	q := p
	q.Housing = "sheltered"
	if _, err := db.UpdateParticipant(ctx, off, q); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("off-caseload update => %v, want forbidden", err)
	}
	got := describe(must[[]store.HistoryEvent](t, "list")(db.ListHistory(ctx, store.HistoryFilter{ParticipantID: p.ID})))
	want := p.ID + " enrolled >2025-01-10\n" + p.ID + " status >engaging\n" + p.ID + " case_manager >casey\n" +
		p.ID + " housing >unsheltered\n" + p.ID + " exit engaging>moved\n" + p.ID + " status engaging>exited\n"
	if got != want {
		t.Errorf("participant history =>\n%s\nwant\n%s", got, want)
	}

	c := must[store.LegalCase](t, "case")(db.CreateCase(ctx, pm, store.LegalCase{ParticipantID: p.ID, Kind: store.CasePostEnrollment, Status: store.CaseOpen, NextCourtDate: day(2025, 7, 1)}))
	c.Hearings = []store.Hearing{{Date: day(2025, 7, 1), Outcome: "kept"}}
	c.Status, c.ResolvedOn = store.CaseResolved, day(2025, 7, 1)
	c = must[store.LegalCase](t, "case")(db.UpdateCase(ctx, pm, c))
	got = describe(must[[]store.HistoryEvent](t, "list")(db.ListHistory(ctx, store.HistoryFilter{Record: c.ID})))
	want = c.ID + " opened >post_enrollment\n" + c.ID + " next_court_date >2025-07-01\n" + c.ID + " status open>resolved\n" +
		c.ID + " resolved_on >2025-07-01\n" + c.ID + " hearing 2025-07-01>kept\n"
	if got != want {
		t.Errorf("case history =>\n%s\nwant\n%s", got, want)
	}

	g := must[store.Goal](t, "goal")(db.CreateGoal(ctx, pm, store.Goal{ParticipantID: p.ID, Words: "a place", Domain: store.DomainHousing}))
	g.Status = store.GoalAchieved
	g = must[store.Goal](t, "goal")(db.UpdateGoal(ctx, pm, g))
	roi := must[store.ROI](t, "roi")(db.CreateROI(ctx, pm, store.ROI{ParticipantID: p.ID, Roles: []store.Role{store.RoleDefender},
		Classes: []store.DataKind{store.DataIdentity}, Purpose: "defense", Signed: day(2025, 1, 1), Expires: day(2026, 1, 1)}))
	roi.Revoked = day(2025, 6, 1)
	must[store.ROI](t, "revoke")(db.UpdateROI(ctx, pm, roi))
	got = describe(must[[]store.HistoryEvent](t, "list")(db.ListHistory(ctx, store.HistoryFilter{ParticipantID: p.ID, Kind: store.HistGoal})))
	if want := g.ID + " goal_set >housing\n" + g.ID + " goal_status active>achieved\n"; got != want {
		t.Errorf("goal history =>\n%s\nwant\n%s", got, want)
	}
	got = describe(must[[]store.HistoryEvent](t, "list")(db.ListHistory(ctx, store.HistoryFilter{Record: roi.ID})))
	if want := roi.ID + " signed >2025-01-01\n" + roi.ID + " expires >2026-01-01\n" + roi.ID + " revoked >2025-06-01\n"; got != want {
		t.Errorf("ROI history =>\n%s\nwant\n%s", got, want)
	}
}

// TestHistoryOfDecisionsAndScores: a decision records the version, score
// and breakdown it was made on, and an override the rank it overrode; a
// ranking shown records a score only when it changed.
func TestHistoryOfDecisionsAndScores(t *testing.T) {
	db := memDB(t)
	must[store.User](t, "user")(db.CreateUser(ctx, pm, store.User{Name: "casey", Role: store.RoleCaseManager, Active: true}))
	r := must[store.Referral](t, "referral")(db.CreateReferral(ctx, pm, newReferral("Bo", day(2025, 5, 1))))
	sc := store.ScoreRecord{ReferralID: r.ID, ProtocolVersion: "abc123abc123", Score: 30, Factors: []store.Factor{{Name: "unsheltered", Points: 10}, {Name: "waiting", Points: 20}}, Rank: 4, Decision: "waitlist"}
	for i, want := range []int{1, 0} {
		if n := must[int](t, "scores")(db.RecordScores(ctx, pm, []store.ScoreRecord{sc})); n != want {
			t.Errorf("RecordScores round %d => %d written, want %d", i, n, want)
		}
	}
	// police never record rankings
	if n, err := db.RecordScores(ctx, store.Actor{User: "o", Role: store.RolePolice}, []store.ScoreRecord{{ReferralID: r.ID, Score: 1}}); n != 0 || err != nil {
		t.Errorf("police RecordScores => %d, %v; want 0, nil", n, err)
	}
	d := must[store.Referral](t, "decide")(db.DecideReferral(ctx, pm, r.ID, store.ReferralDecision{Version: r.Version, Status: store.RefAccepted, CaseManager: "casey",
		Override: true, Note: "court date tomorrow", Score: &sc, OverriddenRank: "rank 4 (waitlist)"}))
	if d.OverriddenRank != "rank 4 (waitlist)" || d.DecisionScore == nil || d.DecisionScore.ProtocolVersion != "abc123abc123" {
		t.Errorf("decided referral = %+v / %+v => want the overridden rank and the decision score", d.OverriddenRank, d.DecisionScore)
	}
	evs := must[[]store.HistoryEvent](t, "list")(db.ListHistory(ctx, store.HistoryFilter{Record: r.ID}))
	got := describe(evs)
	want := r.ID + " received >social_contact\n" + r.ID + " score >30\n" + r.ID + " status new>accepted\n" + r.ID + " decision new>accepted\n"
	if got != want {
		t.Fatalf("referral history =>\n%s\nwant\n%s", got, want)
	}
	dec := evs[3]
	if !dec.Override || dec.OverriddenRank != "rank 4 (waitlist)" || dec.Actor != "pat" || dec.Score == nil || len(dec.Score.Factors) != 2 {
		t.Errorf("decision event = %+v => want override by pat with the rank overridden and the breakdown", dec)
	}
	// the participant it made has its own history, from the same transaction
	if pe := must[[]store.HistoryEvent](t, "list")(db.ListHistory(ctx, store.HistoryFilter{ParticipantID: d.ParticipantID, Kind: store.HistParticipant})); len(pe) == 0 {
		t.Errorf("accepted referral's participant has no history")
	}
	if err := db.ReplaceHistory(ctx, cm, store.HistParticipant, d.ParticipantID, nil); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("ReplaceHistory by a case manager => %v, want forbidden", err)
	}
}

// TestHistoryMigrationOnOpen: a store from before history gets a first
// event per record from what it holds, once.
func TestHistoryMigrationOnOpen(t *testing.T) {
	for _, c := range []struct {
		name   string
		remove []string
	}{
		{"store from before history", []string{pfxHistory, ixHistPart, ixHistRecord, keyHistoryMark, pfxCounter + kindHistory}},
		{"interrupted migration", []string{keyHistoryMark}},
	} {
		t.Run(c.name, func(t *testing.T) { historyMigration(t, c.remove) })
	}
}

func historyMigration(t *testing.T, remove []string) {
	db, dir := diskDB(t)
	p := mustParticipant(t, db, "Cy", "casey")
	p.Status, p.ExitReason = store.StatusExited, "moved"
	must[store.Participant](t, "exit")(db.UpdateParticipant(ctx, pm, p))
	must[store.Referral](t, "referral")(db.CreateReferral(ctx, pm, newReferral("Di", day(2025, 5, 1))))
	// remove the mark (and, for a store from before history, the history):
	// what is left must not be doubled by the migration
	err := db.bdb.Update(func(txn *badger.Txn) error {
		var keys [][]byte
		for _, pfx := range remove {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(pfx)})
			for it.Rewind(); it.Valid(); it.Next() {
				keys = append(keys, it.Item().KeyCopy(nil))
			}
			it.Close()
		}
		for _, k := range keys {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for round := range 2 {
		db, err := Open(dir, Options{Now: fixedClock})
		if err != nil {
			t.Fatalf("reopen %d: %v", round, err)
		}
		evs := must[[]store.HistoryEvent](t, "list")(db.ListHistory(ctx, store.HistoryFilter{}))
		got := describe(evs)
		want := p.ID + " enrolled >2025-01-10\n" + p.ID + " status >not_yet_engaged\n" + p.ID + " case_manager >casey\n" +
			"R-0001 received >social_contact\n" + p.ID + " exit not_yet_engaged>moved\n" + p.ID + " status not_yet_engaged>exited\n"
		if got != want {
			t.Errorf("round %d: migrated history =>\n%s\nwant\n%s", round, got, want)
		}
		for _, e := range evs {
			if !e.Initial {
				t.Errorf("round %d: migrated event %+v not marked initial", round, e)
			}
		}
		db.Close()
	}
}

// TestProtocolVersions: a protocol is stored once per content; a change
// is a second version naming what changed.
func TestProtocolVersions(t *testing.T) {
	db := memDB(t)
	v1 := []byte("site = \"A\"\ncaseload_cap = 20\n")
	v2 := []byte("site = \"A\"\ncaseload_cap = 25\n")
	for i, c := range []struct {
		data    []byte
		wantNew bool
		seq     int
	}{{v1, true, 1}, {v1, false, 1}, {v2, true, 2}, {v2, false, 2}} {
		v, isNew, err := db.RecordProtocol(ctx, pm, c.data)
		if err != nil || isNew != c.wantNew || v.Seq != c.seq || v.Version != store.ProtocolVersionOf(c.data) {
			t.Errorf("RecordProtocol %d => seq %d new %v %v; want seq %d new %v", i, v.Seq, isNew, err, c.seq, c.wantNew)
		}
	}
	vs := must[[]store.ProtocolVersion](t, "list")(db.ListProtocolVersions(ctx))
	if len(vs) != 2 || len(vs[1].Changes) != 1 || vs[1].Changes[0] != "caseload_cap: 20 → 25" {
		t.Errorf("versions = %+v => want 2, the second changing caseload_cap 20 → 25", vs)
	}
	if _, _, err := db.RecordProtocol(ctx, cm, []byte("site = \"B\"\n")); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("a case manager recording a protocol => %v, want forbidden", err)
	}
}
