package meeting_test

import (
	"context"
	"strings"
	"testing"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

// freeTextMeeting is an open meeting whose items carry decisions and
// action items that name the subject: a goal review of P1 (no police
// ROI), one of P2 (police ROI), and other business.
func freeTextMeeting(t *testing.T, site *triagetest.Site) {
	t.Helper()
	_, err := site.Store.CreateMeeting(context.Background(), triagetest.Actor("ana"), store.Meeting{
		Date: store.DateOf(triagetest.Now), Facilitator: "ana", Status: store.MeetingOpen,
		Items: []store.AgendaItem{
			{ID: "1", Kind: store.ItemGoalReview, Subject: site.P1, Title: "Goal review: " + site.P1, Status: store.ItemPending,
				Decisions: []store.Decision{{Time: triagetest.Now, Author: "ana", Text: "move Jane to the respite bed"}}},
			{ID: "2", Kind: store.ItemGoalReview, Subject: site.P2, Title: "Goal review: " + site.P2, Status: store.ItemPending,
				Decisions: []store.Decision{{Time: triagetest.Now, Author: "ana", Text: "Mark keeps the voucher"}}},
			{ID: "3", Kind: store.ItemOther, Title: "Other business", Status: store.ItemPending,
				Notes:     []store.Note{{Time: triagetest.Now, Author: "ana", Text: "Jane was seen at the shelter", Sensitivity: store.General}},
				Decisions: []store.Decision{{Time: triagetest.Now, Author: "ana", Text: "ask about Jane next week"}}},
		},
		ActionItems: []store.ActionItem{
			{ID: "A-0001", ItemID: "1", Text: "call Jane's sister", Owner: "bo"},
			{ID: "A-0002", ItemID: "2", Text: "drive Mark to the clinic", Owner: "cy"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestItemFreeTextPerViewer: decisions and action items on an agenda item
// follow the rule of general notes on its subject (as in the minutes): a
// partner without an ROI, community and anyone on an item with no
// participant subject who needs an ROI see none of that text.
func TestItemFreeTextPerViewer(t *testing.T) {
	site := triagetest.New(t)
	freeTextMeeting(t, site)

	police := run(t, site.Ctx(triagetest.Actor("ofc")), 100, 30)
	join(t, police)
	screen := police.probe.WaitText(t, "1. Goal review ("+store.NotShared+")", "A-0001", store.NotShared)
	for _, no := range []string{"respite", "sister", "Jane", "P-0001"} {
		if strings.Contains(screen, no) {
			t.Errorf("police on P-0001 (no police ROI) => must not show %q:\n%s", no, screen)
		}
	}
	police.key(keyDown)
	police.probe.WaitText(t, "2. Goal review: P-0002", "Mark keeps the voucher", "drive Mark to the clinic")
	police.key(keyDown)
	screen = police.probe.WaitText(t, "3. Other business", "(others "+store.NotShared+")")
	for _, no := range []string{"shelter", "next week", "Jane"} {
		if strings.Contains(screen, no) {
			t.Errorf("police on other business => must not show %q:\n%s", no, screen)
		}
	}

	community := run(t, site.Ctx(triagetest.Actor("cc")), 100, 30)
	join(t, community)
	community.key(keyDown)
	screen = community.probe.WaitText(t, "2. Goal review ("+store.NotShared+")", "participant (de-identified)", "A-0002")
	for _, no := range []string{"Mark", "voucher", "clinic", "P-0002"} {
		if strings.Contains(screen, no) {
			t.Errorf("community => must not show %q:\n%s", no, screen)
		}
	}

	cm := run(t, site.Ctx(triagetest.Actor("bo")), 100, 30)
	join(t, cm)
	cm.probe.WaitText(t, "move Jane to the respite bed", "call Jane's sister")
	cm.key(keyDown, keyDown)
	cm.probe.WaitText(t, "Jane was seen at the shelter", "ask about Jane next week")
}

// TestEvaluatorSeesNoMeeting: evaluators get aggregates only: the Meeting
// screen shows no meeting, and cannot join the open one.
func TestEvaluatorSeesNoMeeting(t *testing.T) {
	site := triagetest.New(t)
	freeTextMeeting(t, site)
	ev := run(t, site.Ctx(store.Actor{User: "eva", Role: store.RoleEvaluator}), 100, 30)
	ev.probe.WaitText(t, store.NotShared)
	ev.key(keyEnter)
	ev.key(keyRune('n'))
	screen := ev.probe.WaitText(t, store.NotShared)
	for _, no := range []string{"M-0001", "Goal review", "P-0001", "respite"} {
		if strings.Contains(screen, no) {
			t.Errorf("evaluator => must not show %q:\n%s", no, screen)
		}
	}
}
