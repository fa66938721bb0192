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
	"github.com/leadtable/owg/tui/common"
)

// TestPastCourtDateRefusedAt80x24: a next court date in the past is
// refused, naming the field, on the status line at 80x24; recorded as a
// past hearing it is saved in the case's hearings.
func TestPastCourtDateRefusedAt80x24(t *testing.T) {
	ctx := context.Background()
	s := demoSite(t)
	cases, err := s.AllCases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, c := range cases {
		count[c.ParticipantID]++
	}
	var lc store.LegalCase
	for _, c := range cases {
		if count[c.ParticipantID] == 1 && c.Status == store.CaseOpen {
			lc = c
			break
		}
	}
	if lc.ID == "" {
		t.Fatal("demo: no participant with exactly one open case")
	}
	// the supervisor writes every caseload's cases (the pm does not: store.MayWrite)
	probe := newScreenProbe(New(testOptions(s, store.Actor{User: "keisha", Role: store.RoleSupervisor, Agency: "LEAD Case Management"})))
	tm := teatest.NewTestModel(t, probe, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	})
	e := e2e{t: t, tm: tm, probe: probe}
	e.wait("capacity")
	tm.Send(common.OpenParticipantMsg{ID: lc.ParticipantID})
	e.wait(lc.ParticipantID)
	e.keys("d")
	e.wait("┃ the date is")
	e.keys("\r")
	e.wait("┃ court date")
	for range 12 {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	tm.Type("2026-02-01")
	e.wait("2026-02-01")
	e.keys("\r")
	screen := e.wait("next court date: 2026-02-01 is in the past")
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	found := false
	// below the form, in the status area (an on-call notice and the help
	// line may sit under it): never below the fold
	for _, l := range lines[max(len(lines)-6, 0):] {
		if strings.Contains(l, "next court date: 2026-02-01 is in the past") {
			found = true
		}
	}
	if !found {
		t.Errorf("the court date error => not on the status line at 80x24:\n%s", screen)
	}
	// as a past hearing it is saved
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	e.wait("┃ the date is")
	e.keys("↓")
	e.keys("\r")
	e.wait("┃ court date")
	e.keys("\r")
	e.wait("┃ outcome")
	e.keys("\r")
	e.wait("┃ status")
	e.keys("\r")
	e.wait("saved: case " + lc.ID)
	got, err := s.GetCase(ctx, lc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.Hearings); n == 0 || store.FormatDate(got.Hearings[n-1].Date) != "2026-02-01" || got.Hearings[n-1].Outcome != "kept" {
		t.Errorf("%s hearings => %+v, want a kept hearing on 2026-02-01", lc.ID, got.Hearings)
	}
}
