package triage

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/themes"
	"github.com/leadtable/owg/tui/common"
)

// TestDecisionColumnInLine: "waitlist #10" (wider than the 11 cells the
// column had) no longer pushes the received date out of line.
func TestDecisionColumnInLine(t *testing.T) {
	ctx := &common.Ctx{Actor: store.Actor{User: "ana", Role: store.RolePM}, Theme: themes.Default}
	m := New(ctx).(*Model)
	var rk store.Ranking
	for i := 1; i <= 12; i++ {
		rr := store.RankedReferral{Referral: store.Referral{ID: fmt.Sprintf("R-%04d", i), Kind: store.KindCommunity, Received: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)},
			Rank: i, Score: 30 - i, Decision: store.DecisionWaitlist, WaitlistPos: i}
		if i <= 2 {
			rr.Decision, rr.WaitlistPos = store.DecisionOffer, 0
		}
		rk.Ranked = append(rk.Ranked, rr)
	}
	m.d.ranking = rk
	col := -1
	for _, r := range m.rows() {
		if r.Header {
			continue
		}
		text := ansi.Strip(r.Text)
		at := strings.Index(text, "2026-11-01")
		if at < 0 {
			t.Fatalf("no received date on %q", text)
		}
		if col < 0 {
			col = at
		}
		if at != col {
			t.Errorf("received date at %d, want %d (in line with the first row): %q", at, col, text)
		}
	}
}
