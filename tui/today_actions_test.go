package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
)

// TestTodayOverdueActionDone: the owner's overdue action item is flagged
// on Today; D marks it done (store.CloseAction) and it leaves the list.
func TestTodayOverdueActionDone(t *testing.T) {
	s := demoSite(t)
	owner := store.Actor{User: "tomas", Role: store.RoleCaseManager, Agency: "LEAD Case Management"}
	probe := newScreenProbe(New(testOptions(s, owner)))
	tm := teatest.NewTestModel(t, probe, teatest.WithInitialTermSize(100, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	})
	unsub := s.Subscribe(func(c store.Change) { go tm.Send(ChangedMsg{Changes: []store.Change{c}}) })
	t.Cleanup(unsub)
	e := e2e{t: t, tm: tm, probe: probe}
	screen := e.wait("My open action items (1)", "A-0001  OVERDUE")
	if strings.Contains(screen, "A-0002") {
		t.Errorf("Today => another owner's action item:\n%s", screen)
	}
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnd}) // the last section: my action items
	e.wait("D action item done")
	e.keys("D")
	e.wait("A-0001 done (from M-0001)", "My open action items (0)")
	m, err := s.GetMeeting(context.Background(), "M-0001")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range m.ActionItems {
		if a.ID == "A-0001" && (a.State() != store.ActionDone || a.ClosedBy != "tomas" || !a.DoneAt.Equal(fixedNow)) {
			t.Errorf("A-0001 => %+v, want done by tomas now", a)
		}
	}
}
