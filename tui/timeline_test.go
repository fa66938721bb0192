package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
)

// timelineFor opens P-0001's screen as actor and presses t.
func timelineFor(t *testing.T, s store.Store, actor store.Actor) string {
	t.Helper()
	p, _ := participantFor(t, s, actor)
	cmd := typeKeys(p, "t")
	if cmd == nil {
		t.Fatalf("%s: t gave no command (timeline key disabled?)", actor.Role)
	}
	p.Update(cmd())
	return ansi.Strip(p.View())
}

// TestParticipantTimeline: t shows enrolment, housing and status changes,
// cases and goals achieved; an achieved goal in a sensitive domain is on
// the case manager's timeline and never on the officer's.
func TestParticipantTimeline(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	goals, err := s.ListGoals(ctx, "P-0001")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range goals {
		g.Status = store.GoalAchieved
		if _, err := s.UpdateGoal(ctx, store.SystemActor, g); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.GetParticipant(ctx, "P-0001")
	if err != nil {
		t.Fatal(err)
	}
	p.Housing = "shelter"
	if _, err := s.UpdateParticipant(ctx, store.SystemActor, p); err != nil {
		t.Fatal(err)
	}
	cm := timelineFor(t, s, actorCM)
	for _, want := range []string{"timeline", "enrolled", "housing unsheltered → shelter", "status engaging", "legal case L-0001 opened",
		"achieved (housing)", "achieved (substance_use)"} {
		if !strings.Contains(cm, want) {
			t.Errorf("case manager's timeline: missing %q:\n%s", want, cm)
		}
	}
	police := timelineFor(t, s, actorPolice)
	if !strings.Contains(police, "achieved (housing)") || !strings.Contains(police, "housing unsheltered → shelter") {
		t.Errorf("police timeline (their ROI lists identity and goals) lacks the housing goal or change:\n%s", police)
	}
	if strings.Contains(police, "substance") {
		t.Errorf("police timeline shows a sensitive goal:\n%s", police)
	}
}
