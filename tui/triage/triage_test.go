package triage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/triage"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

var (
	keyDown  = tea.KeyPressMsg{Code: tea.KeyDown}
	keyEnter = tea.KeyPressMsg{Code: tea.KeyEnter}
)

func keyRune(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

// run starts the Referrals screen for ctx at w x h and returns the test
// model and its probe.
func run(t *testing.T, ctx *common.Ctx, w, h int) (*teatest.TestModel, *triagetest.Probe) {
	t.Helper()
	hn := triagetest.NewHarness(triage.New(ctx))
	tm := teatest.NewTestModel(t, hn, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	})
	return tm, hn.Probe
}

func TestGoldenScreens(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			site := triagetest.New(t)
			tm, probe := run(t, site.Ctx(triagetest.Actor("ana")), sz.w, sz.h)
			probe.WaitText(t, "Why this rank: R-0001", "open slots 2 of 4")
			golden.RequireEqual(t, probe.Screen())
			tm.Send(keyRune('e'))
			screen := probe.WaitText(t, "Equity: share offered")
			if !strings.Contains(screen, "no group has enough ranked referrals") {
				t.Errorf("equity pane => want the small-group message, got:\n%s", screen)
			}
		})
	}
}

func TestRankingRows(t *testing.T) {
	site := triagetest.New(t)
	_, probe := run(t, site.Ctx(triagetest.Actor("ana")), 120, 40)
	screen := probe.WaitText(t, "Why this rank: R-0001")
	for _, want := range []string{
		"1 R-0001     43 offer", "2 R-0002      7 offer", "cut line: capacity 2", "3 R-0003      0 waitlist #1",
		"Re-referrals (1)", "R-0005  -> P-0001", "Screened out (1)", "R-0004  excluded",
		"arrest_diversion     20", "repeat_contacts      12", "unsheltered          10", "waiting               1", "total                43",
		"Alex Kim",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen => missing %q in:\n%s", want, screen)
		}
	}
}

func getRef(t *testing.T, s store.Store, id string) store.Referral {
	t.Helper()
	r, err := s.GetReferral(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAcceptOffered(t *testing.T) {
	site := triagetest.New(t)
	tm, probe := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	probe.WaitText(t, "Why this rank: R-0001")
	tm.Send(keyRune('a'))
	probe.WaitText(t, "Case manager for R-0001")
	tm.Send(keyEnter) // bo, the first
	probe.WaitText(t, "saved: R-0001 accepted, case manager bo, participant P-0003")
	r := getRef(t, site.Store, "R-0001")
	if r.Status != store.RefAccepted || r.ParticipantID != "P-0003" || r.Override {
		t.Errorf("R-0001 => %s %q override=%v, want accepted P-0003 no override", r.Status, r.ParticipantID, r.Override)
	}
	p, err := site.Store.GetParticipant(context.Background(), "P-0003")
	if err != nil || p.CaseManager != "bo" || p.Name != "Alex Kim" {
		t.Errorf("P-0003 => %+v, %v; want Alex Kim with bo", p, err)
	}
}

func TestAcceptWaitlistedIsOverrideWithReason(t *testing.T) {
	site := triagetest.New(t)
	tm, probe := run(t, site.Ctx(triagetest.Actor("sam")), 80, 24)
	probe.WaitText(t, "Why this rank: R-0001")
	tm.Send(keyDown)
	tm.Send(keyDown)
	probe.WaitText(t, "Why this rank: R-0003")
	tm.Send(keyRune('a'))
	probe.WaitText(t, "Case manager for R-0003")
	tm.Send(keyDown) // cy
	probe.WaitText(t, "> cy")
	tm.Send(keyEnter)
	probe.WaitText(t, "┃ Override reason for R-0003")
	tm.Send(keyEnter) // empty: refused by the form
	probe.WaitText(t, "a reason is required")
	tm.Type("imminent eviction")
	probe.WaitText(t, "imminent eviction")
	tm.Send(keyEnter)
	probe.WaitText(t, "saved: R-0003 accepted, case manager cy")
	r := getRef(t, site.Store, "R-0003")
	if r.Status != store.RefAccepted || !r.Override || r.Reason != "imminent eviction" {
		t.Errorf("R-0003 => %s override=%v reason=%q, want an accepted override with its reason", r.Status, r.Override, r.Reason)
	}
}

func TestDeclineOfferedIsOverride(t *testing.T) {
	site := triagetest.New(t)
	tm, probe := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	probe.WaitText(t, "Why this rank: R-0001")
	tm.Send(keyRune('d'))
	probe.WaitText(t, "┃ Override reason for R-0001")
	tm.Type("moved out of county")
	probe.WaitText(t, "moved out of county")
	tm.Send(keyEnter)
	probe.WaitText(t, "saved: R-0001 declined (override): moved out of county")
	if r := getRef(t, site.Store, "R-0001"); r.Status != store.RefDeclined || !r.Override {
		t.Errorf("R-0001 => %s override=%v, want declined override", r.Status, r.Override)
	}
}

func TestWaitlistAndCancel(t *testing.T) {
	site := triagetest.New(t)
	tm, probe := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	probe.WaitText(t, "Why this rank: R-0001")
	tm.Send(keyRune('a'))
	probe.WaitText(t, "Case manager for R-0001")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	probe.WaitText(t, "decision cancelled")
	tm.Send(keyDown)
	tm.Send(keyDown)
	probe.WaitText(t, "Why this rank: R-0003")
	tm.Send(keyRune('w'))
	probe.WaitText(t, "saved: R-0003 waitlisted #1")
	if r := getRef(t, site.Store, "R-0003"); r.Status != store.RefWaitlisted || r.WaitlistPos != 1 {
		t.Errorf("R-0003 => %s #%d, want waitlisted #1", r.Status, r.WaitlistPos)
	}
	if r := getRef(t, site.Store, "R-0001"); r.Status != store.RefNew {
		t.Errorf("R-0001 => %s, want new after a cancelled form", r.Status)
	}
}

func TestAcceptRefusedAtHardCap(t *testing.T) {
	site := triagetest.New(t)
	ctx := site.Ctx(triagetest.Actor("ana"))
	ctx.Protocol.HardCap = 1 // bo and cy each hold one active participant
	tm, probe := run(t, ctx, 80, 24)
	probe.WaitText(t, "Why this rank: R-0001")
	tm.Send(keyRune('a'))
	probe.WaitText(t, "at hard cap")
	tm.Send(keyEnter)
	// with no open slot every accept is an override: it needs a reason
	probe.WaitText(t, "┃ Override reason for R-0001")
	tm.Type("urgent")
	probe.WaitText(t, "urgent")
	tm.Send(keyEnter)
	probe.WaitText(t, "R-0001: bo is at the hard cap (1)")
	if r := getRef(t, site.Store, "R-0001"); r.Status != store.RefNew {
		t.Errorf("R-0001 => %s, want new: accept past the hard cap is refused", r.Status)
	}
}

func TestCaseManagerViewsOnly(t *testing.T) {
	site := triagetest.New(t)
	tm, probe := run(t, site.Ctx(triagetest.Actor("bo")), 80, 24)
	probe.WaitText(t, "Why this rank: R-0001", "Alex Kim")
	tm.Send(keyRune('a'))
	probe.WaitText(t, "only the pm or a supervisor records decisions")
}

func TestPoliceSeeOwnReferralsOnly(t *testing.T) {
	site := triagetest.New(t)
	_, probe := run(t, site.Ctx(triagetest.Actor("ofc")), 80, 24)
	screen := probe.WaitText(t, "Your referrals", "R-0001", "R-0004")
	golden.RequireEqual(t, screen)
	for _, no := range []string{"R-0002", "R-0003", "R-0005", "Alex Kim", "Dee Fox", "score"} {
		if strings.Contains(screen, no) {
			t.Errorf("police screen => must not show %q:\n%s", no, screen)
		}
	}
}

func TestOtherRolesNotShared(t *testing.T) {
	for _, who := range []string{"pat", "cc"} {
		site := triagetest.New(t)
		_, probe := run(t, site.Ctx(triagetest.Actor(who)), 80, 24)
		screen := probe.WaitText(t, store.NotShared)
		if strings.Contains(screen, "R-0001") {
			t.Errorf("%s => must not list referrals:\n%s", who, screen)
		}
	}
}

func TestReloadsOnChange(t *testing.T) {
	site := triagetest.New(t)
	tm, probe := run(t, site.Ctx(triagetest.Actor("bo")), 80, 24)
	probe.WaitText(t, "Why this rank: R-0001")
	r2, err := site.Store.GetReferral(context.Background(), "R-0002")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.Store.DecideReferral(context.Background(), triagetest.Actor("ana"), "R-0002",
		store.ReferralDecision{Version: r2.Version, Status: store.RefDeclined, Reason: "moved", Override: true}); err != nil {
		t.Fatal(err)
	}
	tm.Send(tui.ChangedMsg{Changes: []store.Change{{Kind: "referral", ID: "R-0002"}}})
	probe.WaitFor(t, "R-0002 gone", func(s string) bool { return !strings.Contains(s, "R-0002") && strings.Contains(s, "R-0003") })
}
