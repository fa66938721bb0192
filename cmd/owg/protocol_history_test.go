package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
)

// TestProtocolHistoryAndRankAsOf: the protocol in force is a version per
// content; a changed file is a second version naming the key that
// changed; rank --as-of an earlier day uses the version in force then,
// on the queue as it stood then.
func TestProtocolHistoryAndRankAsOf(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	old := testNow.AddDate(0, 0, -30)
	db, err := badgerstore.Open(dir, badgerstore.Options{Now: func() time.Time { return old }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, _, err := db.RecordProtocol(ctx, store.SystemActor, store.DefaultProtocolTOML()); err != nil {
		t.Fatal(err)
	}
	ref, err := db.CreateReferral(ctx, store.SystemActor, store.Referral{Kind: store.KindSocialContact, Received: old,
		Person: store.Person{Name: "Ada Lo", DOB: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)}, Indicators: store.Indicators{Unsheltered: true}})
	if err != nil {
		t.Fatal(err)
	}
	// a second referral, withdrawn today: in the queue as of the past only
	gone, err := db.CreateReferral(ctx, store.SystemActor, store.Referral{Kind: store.KindCommunity, Received: old,
		Person: store.Person{Name: "Bea Ng", DOB: time.Date(1981, 1, 1, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = badgerstore.Open(dir, badgerstore.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.DecideReferral(ctx, store.SystemActor, gone.ID, store.ReferralDecision{Version: gone.Version, Status: store.RefWithdrawn}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	changed := bytes.Replace(store.DefaultProtocolTOML(), []byte("unsheltered = 10"), []byte("unsheltered = 40"), 1)
	if bytes.Equal(changed, store.DefaultProtocolTOML()) {
		t.Fatal("default protocol has no unsheltered = 10 line")
	}
	if err := os.WriteFile(filepath.Join(dir, "protocol.toml"), changed, 0o600); err != nil {
		t.Fatal(err)
	}
	r := owg(t, nil, "--data", dir, "protocol", "history")
	want(t, r, 0, "first version recorded", "weights.unsheltered: 10 → 40", store.ProtocolVersionOf(changed))
	n := 0
	for _, l := range strings.Split(r.stdout, "\n") {
		if len(l) > 3 && l[0] >= '1' && l[0] <= '9' && l[1:3] == "  " {
			n++
		}
	}
	if n != 2 {
		t.Errorf("protocol history lists %d versions => want 2:\n%s", n, r.stdout)
	}
	r = owg(t, nil, "--data", dir, "protocol", "history", "--json")
	want(t, r, 0)
	var vs []struct {
		Seq     int      `json:"seq"`
		Version string   `json:"version"`
		Date    string   `json:"date"`
		Changes []string `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &vs); err != nil || len(vs) != 2 || vs[0].Date != store.FormatDate(old) || vs[1].Date != store.FormatDate(testNow) {
		t.Fatalf("protocol history --json => %+v, %v; want two versions dated %s and %s", vs, err, store.FormatDate(old), store.FormatDate(testNow))
	}
	score := func(wantRanked int, args ...string) (string, int) {
		t.Helper()
		r := owg(t, nil, append([]string{"--data", dir, "referral", "rank", "--json"}, args...)...)
		want(t, r, 0)
		var rk struct {
			ProtocolVersion string `json:"protocol_version"`
			Ranked          []struct {
				ID      string         `json:"id"`
				Factors map[string]int `json:"factors"`
			} `json:"ranked"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rk); err != nil || len(rk.Ranked) != wantRanked {
			t.Fatalf("rank %v => %v, want %d ranked\n%s", args, err, wantRanked, r.stdout)
		}
		for _, x := range rk.Ranked {
			if x.ID == ref.ID {
				return rk.ProtocolVersion, x.Factors["unsheltered"]
			}
		}
		t.Fatalf("rank %v: %s not ranked\n%s", args, ref.ID, r.stdout)
		return "", 0
	}
	if v, pts := score(1); v != vs[1].Version || pts != 40 {
		t.Errorf("rank today => version %s, unsheltered %d; want %s, 40", v, pts, vs[1].Version)
	}
	if v, pts := score(2, "--as-of", store.FormatDate(old.AddDate(0, 0, 5))); v != vs[0].Version || pts != 10 {
		t.Errorf("rank --as-of 25 days ago => version %s, unsheltered %d; want %s, 10", v, pts, vs[0].Version)
	}
	// the ranking shown today is in the referral's history with its breakdown
	db, err = badgerstore.Open(dir, badgerstore.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	evs, err := db.ListHistory(ctx, store.HistoryFilter{Record: ref.ID, Kind: store.HistReferral})
	if err != nil {
		t.Fatal(err)
	}
	scores := 0
	for _, e := range evs {
		if e.Field == store.HistScore {
			scores++
			if e.Score == nil || e.Score.ProtocolVersion != vs[1].Version || e.Score.Rank != 1 {
				t.Errorf("score event %+v => want rank 1 under version %s", e.Score, vs[1].Version)
			}
		}
	}
	if scores != 1 {
		t.Errorf("%d score events after two rankings today (same score) and one as of the past => want 1", scores)
	}
}

// TestOverrideRecordsWhatItOverrode: an override keeps who, why, the rank
// it overrode and the breakdown and version it was made on.
func TestOverrideRecordsWhatItOverrode(t *testing.T) {
	dir := demoDir(t)
	rows, r := ranked(t, dir)
	var waitlisted string
	for _, x := range rows {
		if x.Decision == "waitlist" {
			waitlisted = x.ID
		}
	}
	if waitlisted == "" {
		t.Fatalf("no waitlisted referral: %s", r.stdout)
	}
	want(t, owg(t, nil, "--data", dir, "referral", "decide", waitlisted, "accept", "--case-manager", "tomas", "--reason", "court date tomorrow"), 0, "override")
	db := openStore(t, dir)
	ref, err := db.GetReferral(context.Background(), waitlisted)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ref.OverriddenRank, "waitlist position ") || ref.DecisionScore == nil || ref.DecisionScore.ProtocolVersion == "" ||
		len(ref.DecisionScore.Factors) != len(store.FactorNames) || ref.DecidedBy != "operator" || ref.DecisionNote != "court date tomorrow" {
		t.Errorf("override stored as rank %q score %+v by %q why %q => want the waitlist position, the breakdown and version, who and why",
			ref.OverriddenRank, ref.DecisionScore, ref.DecidedBy, ref.DecisionNote)
	}
	evs, _ := db.ListHistory(context.Background(), store.HistoryFilter{Record: waitlisted})
	found := false
	for _, e := range evs {
		if e.Field == store.HistDecision && e.Override && e.OverriddenRank == ref.OverriddenRank && e.Actor == "operator" {
			found = true
		}
	}
	if !found {
		t.Errorf("no override decision event in %+v", evs)
	}
}
