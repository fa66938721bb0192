package meeting_test

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"testing"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

// TestLiveFiguresAfterADecision: after the facilitator accepts the first
// referral, the capacity, the ranking and the case manager's caseload on
// the next items are the new ones, for the facilitator and for a follower.
func TestLiveFiguresAfterADecision(t *testing.T) {
	site := triagetest.New(t)
	pm := run(t, site.Ctx(triagetest.Actor("ana")), 100, 30)
	fol := run(t, site.Ctx(triagetest.Actor("sam")), 100, 30)
	unsub := site.Store.Subscribe(func(c store.Change) {
		go fol.tm.Send(tui.ChangedMsg{Changes: []store.Change{c}})
		go pm.tm.Send(tui.ChangedMsg{Changes: []store.Change{c}})
	})
	t.Cleanup(unsub)
	startMeeting(t, pm)
	pm.probe.WaitText(t, "item 1 of 8", "score 43", "capacity 2")
	fol.probe.WaitText(t, "M-0001 is open")
	fol.key(keyEnter)
	fol.probe.WaitText(t, "following", "score 43")

	pm.key(keyRune('d'))
	pm.probe.WaitText(t, "┃ Decision on R-0001")
	pm.key(keyEnter)
	pm.probe.WaitText(t, "┃ Case manager for R-0001", "bo  1/")
	pm.key(keyEnter)
	pm.probe.WaitText(t, "saved: R-0001 accepted, case manager bo")

	// R-0002 moves up to rank 1 of 2 with one slot left, on both screens
	pm.key(keyRune('n'))
	pm.probe.WaitText(t, "item 2 of 8", "rank 1 of 2", "(capacity 1)")
	fol.probe.WaitText(t, "item 2 of 8", "rank 1 of 2", "(capacity 1)")
	// the case-manager picker counts bo's new participant
	pm.key(keyRune('d'))
	pm.probe.WaitText(t, "┃ Decision on R-0002")
	pm.key(keyEnter)
	pm.probe.WaitText(t, "┃ Case manager for R-0002", "bo  2/")
}

// TestOverrideReasonFitsAt80x24: in a meeting at 80x24 the decision form
// gets the item pane's rows and scrolls the focused field into them: the
// override's reason input below the list of reasons is on screen, with
// what is typed in it.
func TestOverrideReasonFitsAt80x24(t *testing.T) {
	site := triagetest.New(t)
	ctx := site.Ctx(triagetest.Actor("ana"))
	// a site's list of reasons as long as the demo's
	for i := range 8 {
		ctx.Protocol.DeclineReasons = append(ctx.Protocol.DeclineReasons,
			store.DecisionReason{Code: fmt.Sprintf("r%d", i), Label: fmt.Sprintf("Reason number %d", i)})
	}
	pm := run(t, ctx, 80, 24)
	startMeeting(t, pm)
	pm.probe.WaitText(t, "item 1 of 8", "score 43")
	pm.key(keyRune('d'))
	pm.probe.WaitText(t, "┃ Decision on R-0001")
	pm.key(keyDown)
	pm.key(keyDown)
	pm.probe.WaitText(t, "> decline")
	pm.key(keyEnter)
	pm.probe.WaitText(t, "┃ Reason to decline R-0001")
	pm.key(keyEnter)
	pm.probe.WaitText(t, "┃ Override reason for R-0001")
	for _, r := range "zz-typed-here" {
		pm.key(keyRune(r))
	}
	pm.probe.WaitText(t, "┃ Override reason for R-0001", "zz-typed-here")
}

// TestEscOnATypedNoteAsksFirst: esc on a meeting note that holds typed
// text asks first; the next key takes the warning back, and a second esc
// in a row discards the note, saving nothing.
func TestEscOnATypedNoteAsksFirst(t *testing.T) {
	site := triagetest.New(t)
	pm := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	startMeeting(t, pm)
	pm.probe.WaitText(t, "item 1 of 8")
	pm.key(keyRune('c'))
	pm.probe.WaitText(t, "┃ Note on item")
	for _, r := range "half a note" {
		pm.key(keyRune(r))
	}
	pm.probe.WaitText(t, "half a note")
	pm.key(tea.KeyPressMsg{Code: tea.KeyEscape})
	pm.probe.WaitText(t, common.EscAgain, "half a note")
	pm.key(keyRune('!'))
	if s := pm.probe.WaitText(t, "half a note!"); strings.Contains(s, common.EscAgain) {
		t.Errorf("the warning stays after another key:\n%s", s)
	}
	pm.key(tea.KeyPressMsg{Code: tea.KeyEscape})
	pm.probe.WaitText(t, common.EscAgain)
	pm.key(tea.KeyPressMsg{Code: tea.KeyEscape})
	pm.probe.WaitText(t, "cancelled")
	mt, err := site.Store.GetMeeting(context.Background(), "M-0001")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range mt.Items {
		if len(it.Notes) > 0 {
			t.Errorf("a discarded note was saved: %+v", it.Notes)
		}
	}
}

// TestReferrerReadsTheAgendaNeutrally: an officer following the meeting
// reads their own referral as "Your referral", and another's re-referral
// as any referral they may not see: never that its person is enrolled,
// nor which participant it is of.
func TestReferrerReadsTheAgendaNeutrally(t *testing.T) {
	site := triagetest.New(t)
	pm := run(t, site.Ctx(triagetest.Actor("ana")), 100, 30)
	startMeeting(t, pm)
	pm.probe.WaitText(t, "item 1 of 8", "Re-referral R-0005 (of P-0001)")
	ofc := run(t, site.Ctx(triagetest.Actor("ofc")), 100, 30)
	ofc.probe.WaitText(t, "M-0001 is open")
	ofc.key(keyEnter)
	screen := ofc.probe.WaitText(t, "following", "1. Your referral R-0001", "your referral R-0001 · status new")
	for _, no := range []string{"Re-referral", "of P-0001", "enrolled", "R-0005", "rank 1", "score"} {
		if strings.Contains(screen, no) {
			t.Errorf("an officer's agenda shows %q:\n%s", no, screen)
		}
	}
	if !strings.Contains(screen, "Referral (not shared with your role)") {
		t.Errorf("an officer's agenda => others' referrals not read as kind only:\n%s", screen)
	}
}
