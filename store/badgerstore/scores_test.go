package badgerstore

import (
	"fmt"
	"testing"

	"github.com/leadtable/owg/store"
)

// waitingReferrals imports n referrals and returns a ranking's score
// records for them, each with a full breakdown.
func waitingReferrals(t *testing.T, db *DB, n int) []store.ScoreRecord {
	t.Helper()
	rs := make([]store.Referral, n)
	for i := range rs {
		rs[i] = newReferral(fmt.Sprintf("Waiting %d", i), day(2025, 1, 1+i%28))
	}
	made := must[[]store.Referral](t, "import")(db.ImportReferrals(ctx, pm, rs))
	scores := make([]store.ScoreRecord, len(made))
	for i, r := range made {
		scores[i] = store.ScoreRecord{ReferralID: r.ID, ProtocolVersion: "abc123abc123", Score: 10 + i%50,
			Factors: []store.Factor{{Name: "unsheltered", Points: 10}, {Name: "waiting", Points: i % 50}, {Name: "high_utilizer", Points: 0}, {Name: "police_contacts", Points: 0}},
			Rank:    i + 1, Decision: "waitlist"}
	}
	return scores
}

// scoreEvents counts the score events of each referral.
func scoreEvents(t *testing.T, db *DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, e := range must[[]store.HistoryEvent](t, "history")(db.ListHistory(ctx, store.HistoryFilter{Kind: store.HistReferral})) {
		if e.Field == store.HistScore {
			out[e.Record]++
		}
	}
	return out
}

// TestRecordScoresOfThousands: a ranking of thousands of waiting
// referrals is recorded (it went past one transaction's size, and the
// Referrals tab never loaded), every changed score once; recorded again
// unchanged it writes nothing, and a changed breakdown is written again.
func TestRecordScoresOfThousands(t *testing.T) {
	db := memDB(t)
	const n = 4000
	scores := waitingReferrals(t, db, n)
	got, err := db.RecordScores(ctx, pm, scores)
	if err != nil || got != n {
		t.Fatalf("RecordScores(%d referrals) => %d, %v; want %d, nil", n, got, err, n)
	}
	if got := must[int](t, "again")(db.RecordScores(ctx, pm, scores)); got != 0 {
		t.Errorf("RecordScores unchanged => %d written, want 0", got)
	}
	for i := range scores {
		if i%2 == 0 {
			scores[i].Score++
			scores[i].Factors = append([]store.Factor(nil), scores[i].Factors...)
			scores[i].Factors[1].Points++
		}
	}
	if got := must[int](t, "changed")(db.RecordScores(ctx, pm, scores)); got != n/2 {
		t.Errorf("RecordScores with half changed => %d written, want %d", got, n/2)
	}
	ev := scoreEvents(t, db)
	for i, s := range scores {
		if want := 1 + (1 - i%2); ev[s.ReferralID] != want {
			t.Fatalf("%s has %d score events, want %d", s.ReferralID, ev[s.ReferralID], want)
		}
	}
	rep := must[CheckReport](t, "check")(db.Check(ctx))
	if !rep.OK() {
		t.Errorf("Check after recording scores => %q", rep.Problems)
	}
}

// TestRecordScoresAfterPartialRanking: what a crash between RecordScores'
// batches leaves (the first scores recorded, the rest not) is made whole
// by the next ranking: it writes the rest, and none twice.
func TestRecordScoresAfterPartialRanking(t *testing.T) {
	db := memDB(t)
	scores := waitingReferrals(t, db, 1200)
	// the batches committed before the crash
	if got := must[int](t, "first part")(db.RecordScores(ctx, pm, scores[:scoreBatch+7])); got != scoreBatch+7 {
		t.Fatalf("first part => %d written, want %d", got, scoreBatch+7)
	}
	if got := must[int](t, "next ranking")(db.RecordScores(ctx, pm, scores)); got != len(scores)-scoreBatch-7 {
		t.Errorf("next ranking => %d written, want the %d not yet recorded", got, len(scores)-scoreBatch-7)
	}
	ev := scoreEvents(t, db)
	for _, s := range scores {
		if ev[s.ReferralID] != 1 {
			t.Fatalf("%s has %d score events, want 1", s.ReferralID, ev[s.ReferralID])
		}
	}
}
