package meeting_test

import (
	"context"
	"strings"
	"testing"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

// TestGoalReviewHoldsSensitiveGoals: in a goal review of P2, whose ROI
// names police, an officer sees the ordinary goal and its general
// progress; the substance-use goal and the clinical note are counted
// ("1 more goal held by case management"), never shown. The case manager
// sees them.
func TestGoalReviewHoldsSensitiveGoals(t *testing.T) {
	site := triagetest.New(t)
	ctx, cy := context.Background(), triagetest.Actor("cy")
	for _, g := range []store.Goal{
		{ParticipantID: site.P2, Words: "keep the voucher", Domain: store.DomainHousing, Progress: []store.ProgressEntry{
			{Date: triagetest.Now.AddDate(0, 0, -9), Step: store.StepForward, Note: "signed the lease", Author: "cy", Sensitivity: store.General},
			{Date: triagetest.Now.AddDate(0, 0, -2), Step: store.StepSetback, Note: "back to using after a hard week", Author: "cy", Sensitivity: store.Clinical},
		}},
		{ParticipantID: site.P2, Words: "try methadone again", Domain: store.DomainSubstanceUse},
	} {
		if _, err := site.Store.CreateGoal(ctx, cy, g); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := site.Store.CreateMeeting(ctx, triagetest.Actor("ana"), store.Meeting{
		Date: store.DateOf(triagetest.Now), Facilitator: "ana", Status: store.MeetingOpen,
		Items: []store.AgendaItem{{ID: "1", Kind: store.ItemGoalReview, Subject: site.P2, Title: "Goal review: " + site.P2, Status: store.ItemPending}},
	}); err != nil {
		t.Fatal(err)
	}
	joinOne := func(s session) {
		t.Helper()
		s.probe.WaitText(t, "M-0001 is open")
		s.key(keyEnter)
		s.probe.WaitText(t, "Meeting M-0001", "of 1")
	}
	police := run(t, site.Ctx(triagetest.Actor("ofc")), 120, 30)
	joinOne(police)
	screen := police.probe.WaitText(t, "1. Goal review: "+site.P2, "keep the voucher", "signed the lease", "1 more goal held by case management")
	for _, no := range []string{"methadone", "substance", "back to using"} {
		if strings.Contains(screen, no) {
			t.Errorf("police in the goal review => must not show %q:\n%s", no, screen)
		}
	}
	cm := run(t, site.Ctx(cy), 120, 30)
	joinOne(cm)
	screen = cm.probe.WaitText(t, "try methadone again", "back to using after a hard week")
	if strings.Contains(screen, "held by case management") {
		t.Errorf("case manager is told goals are held:\n%s", screen)
	}
}
