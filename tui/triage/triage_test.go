package triage_test

import (
	"context"
	"fmt"
	"slices"
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
	if r.Status != store.RefAccepted || !r.Override || r.DecisionNote != "imminent eviction" {
		t.Errorf("R-0003 => %s override=%v note=%q, want an accepted override with its reason", r.Status, r.Override, r.DecisionNote)
	}
	// the override keeps the rank it overrode and the breakdown it was made on
	if !strings.HasPrefix(r.OverriddenRank, "waitlist position ") || r.DecisionScore == nil || r.DecisionScore.Rank != 3 || len(r.DecisionScore.Factors) != len(store.FactorNames) {
		t.Errorf("R-0003 overridden %q with score %+v => want its waitlist position, rank 3 and the breakdown", r.OverriddenRank, r.DecisionScore)
	}
	// the ranking the screen showed is in each referral's history
	evs, err := site.Store.ListHistory(context.Background(), store.HistoryFilter{Record: "R-0001"})
	if err != nil || !slices.ContainsFunc(evs, func(e store.HistoryEvent) bool {
		return e.Field == store.HistScore && e.Score != nil && e.Score.Rank == 1
	}) {
		t.Errorf("R-0001 history %+v, %v => want the score the triage screen showed", evs, err)
	}
}

func TestDeclineOfferedIsOverride(t *testing.T) {
	site := triagetest.New(t)
	tm, probe := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	probe.WaitText(t, "Why this rank: R-0001")
	tm.Send(keyRune('d'))
	// the coded reason the referrer reads, picked from the protocol's list
	probe.WaitText(t, "┃ Reason to decline R-0001 (the referrer reads this)", "> No case-management capacity right now")
	tm.Send(keyDown)
	tm.Send(keyDown)
	probe.WaitText(t, "> Outside the LEAD service area")
	tm.Send(keyEnter)
	// then the override's note, for staff only
	probe.WaitText(t, "┃ Override reason for R-0001")
	tm.Type("active psychosis, referred to inpatient psych")
	probe.WaitText(t, "inpatient psych")
	tm.Send(keyEnter)
	// the status line (and a meeting's record) carry the label, never the note
	screen := probe.WaitText(t, "saved: R-0001 declined (override): Outside the LEAD service area")
	if strings.Contains(screen, "psychosis") {
		t.Errorf("the decision line shows the note:\n%s", screen)
	}
	if r := getRef(t, site.Store, "R-0001"); r.Status != store.RefDeclined || !r.Override || r.Reason != "outside_area" ||
		r.DecisionNote != "active psychosis, referred to inpatient psych" {
		t.Errorf("R-0001 => %s override=%v code=%q note=%q, want a declined override, coded, with its note", r.Status, r.Override, r.Reason, r.DecisionNote)
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
	for _, tt := range []struct{ who, want string }{{"pat", store.NotShared}, {"cc", "Your referrals"}} {
		site := triagetest.New(t)
		_, probe := run(t, site.Ctx(triagetest.Actor(tt.who)), 80, 24)
		screen := probe.WaitText(t, tt.want)
		who := tt.who
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
		store.ReferralDecision{Version: r2.Version, Status: store.RefDeclined, Code: "outside_area", Note: "moved", Override: true}); err != nil {
		t.Fatal(err)
	}
	tm.Send(tui.ChangedMsg{Changes: []store.Change{{Kind: "referral", ID: "R-0002"}}})
	probe.WaitFor(t, "R-0002 gone", func(s string) bool { return !strings.Contains(s, "R-0002") && strings.Contains(s, "R-0003") })
}

// Waitlisting a referral the ranking offers a slot is an override: it
// takes a coded reason like a decline (issue 12).
func TestWaitlistOfferedIsOverride(t *testing.T) {
	site := triagetest.New(t)
	tm, probe := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	probe.WaitText(t, "Why this rank: R-0001")
	tm.Send(keyRune('w'))
	probe.WaitText(t, "┃ Reason to waitlist R-0001 (the referrer reads this)", "> No case-management capacity right now")
	tm.Send(keyEnter)
	probe.WaitText(t, "┃ Override reason for R-0001")
	tm.Send(keyEnter)
	probe.WaitText(t, "saved: R-0001 waitlisted")
	if r := getRef(t, site.Store, "R-0001"); r.Status != store.RefWaitlisted || !r.Override || r.Reason != "capacity" {
		t.Errorf("R-0001 => %s override=%v code=%q, want a waitlisted override coded capacity", r.Status, r.Override, r.Reason)
	}
}

// TestEscOnTypedDecisionAsksFirst: an override reason typed into the
// decision form is not thrown away by one esc; an untouched form still
// closes on the first.
func TestEscOnTypedDecisionAsksFirst(t *testing.T) {
	site := triagetest.New(t)
	tm, probe := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	probe.WaitText(t, "Why this rank: R-0001")
	tm.Send(keyRune('d'))
	probe.WaitText(t, "┃ Reason to decline R-0001")
	tm.Send(keyEnter)
	probe.WaitText(t, "┃ Override reason for R-0001")
	tm.Type("referred to inpatient")
	probe.WaitText(t, "referred to inpatient")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	probe.WaitText(t, common.EscAgain, "referred to inpatient")
	// enter only goes on editing: it does not send the decision
	tm.Send(keyEnter)
	probe.WaitFor(t, "the warning gone", func(s string) bool { return !strings.Contains(s, common.EscAgain) })
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	probe.WaitText(t, common.EscAgain)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	probe.WaitText(t, "decision cancelled", "Why this rank: R-0001")
	if r := getRef(t, site.Store, "R-0001"); r.Status != store.RefNew {
		t.Errorf("R-0001 => %s, want new after a discarded form", r.Status)
	}
}

// withDetails adds R-0006, a field referral by ofc with a location,
// notes and a callback number, as an officer sends one.
func withDetails(t *testing.T, site *triagetest.Site) {
	t.Helper()
	_, err := site.Store.CreateReferral(context.Background(), store.SystemActor, store.Referral{
		Received: triagetest.Now.Add(-2 * time.Hour), Kind: store.KindArrestDiversion, Referrer: "Ofc. Park", Agency: "SPD", ReferrerUser: "ofc",
		Person: store.Person{Name: "Eli Moss", Aliases: []string{"Smokey"}, ApproxAge: 40}, Offense: "trespass",
		Location: "5th and Pine, bus shelter", Callback: "206-555-0142", RaceEthnicity: "white",
		Notes:      "Sleeps near the library most nights; prefers Spanish. " + strings.Repeat("More context from the officer. ", 12) + "END",
		Indicators: store.Indicators{Unsheltered: true, Contacts12m: 3}, Status: store.RefNew})
	if err != nil {
		t.Fatal(err)
	}
}

// openRow filters the list to id and opens its detail with enter.
func openRow(t *testing.T, tm *teatest.TestModel, probe *triagetest.Probe, id string) string {
	t.Helper()
	tm.Send(keyRune('/'))
	tm.Type(id)
	tm.Send(keyEnter) // ends the filter, on the one row left
	probe.WaitText(t, "/"+id)
	tm.Send(keyEnter)
	return probe.WaitText(t, "Referral "+id, "esc back")
}

// closeRow goes back from a detail and clears the filter.
func closeRow(t *testing.T, tm *teatest.TestModel, probe *triagetest.Probe, id string) {
	t.Helper()
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	probe.WaitText(t, "rank id      score decision")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape}) // clears the filter
	probe.WaitFor(t, "the filter cleared", func(s string) bool { return !strings.Contains(s, "/"+id) })
}

// TestReferralDetail: enter on a ranked row opens the referral's detail
// (offense, location, referrer, callback, notes, then why it ranks),
// which scrolls and goes back on esc; a screened-out and a re-referral
// row open theirs too.
func TestReferralDetail(t *testing.T) {
	site := triagetest.New(t)
	withDetails(t, site)
	tm, probe := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	probe.WaitText(t, "Why this rank: R-0001")
	screen := openRow(t, tm, probe, "R-0006")
	for _, want := range []string{"Ofc. Park (SPD)", "206-555-0142", "Eli Moss · aka Smokey · about 40", "5th and Pine, bus shelter",
		"unsheltered · 3 contacts in 12 months", "Sleeps near the library", "arrest diversion", "Trespass"} {
		if !strings.Contains(screen, want) {
			t.Errorf("detail => missing %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "white") {
		t.Errorf("the detail shows race/ethnicity, which is never a ranking input:\n%s", screen)
	}
	// the view is recorded off the UI loop: wait for it
	var evs []store.AuditEvent
	var err error
	for deadline := time.Now().Add(5 * time.Second); len(evs) == 0 && err == nil && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		evs, err = site.Store.ListAudit(context.Background(), store.AuditFilter{Subject: "R-0006", Action: store.AuditView})
	}
	if err != nil || len(evs) == 0 || evs[len(evs)-1].User != "ana" || evs[len(evs)-1].Detail != "referral detail" {
		t.Errorf("view audit of R-0006 => %+v, %v; want ana's referral detail", evs, err)
	}
	// the breakdown is below the long note: it scrolls into view
	for range 20 {
		tm.Send(keyDown)
	}
	probe.WaitText(t, "Why this rank: R-0006", "total", "above: ↑ scrolls back")
	closeRow(t, tm, probe, "R-0006")
	// the re-referral and the screened-out referral
	if s := openRow(t, tm, probe, "R-0005"); !strings.Contains(s, "enrolled as") {
		t.Errorf("re-referral detail:\n%s", s)
	}
	closeRow(t, tm, probe, "R-0005")
	if s := openRow(t, tm, probe, "R-0004"); !strings.Contains(s, "Screened out R-0004") {
		t.Errorf("screened-out detail:\n%s", s)
	}
}

// TestReferralDetailNotForReferrers: the referrer's own rows open
// nothing (the outcome label is all they may read).
func TestReferralDetailNotForReferrers(t *testing.T) {
	site := triagetest.New(t)
	withDetails(t, site)
	tm, probe := run(t, site.Ctx(triagetest.Actor("ofc")), 80, 24)
	probe.WaitText(t, "Your referrals", "R-0001")
	tm.Send(keyEnter)
	tm.Send(keyRune('r')) // a reload after it: the screen has handled the enter
	screen := probe.WaitText(t, "Your referrals")
	for _, no := range []string{"206-555-0142", "5th and Pine", "Sleeps near", "Referral R-0001"} {
		if strings.Contains(screen, no) {
			t.Errorf("police => must not see %q:\n%s", no, screen)
		}
	}
}
