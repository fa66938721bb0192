package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
)

// TestDocketDateSaysWhatItIs: every docket date says what it is: a court
// date, a diverted arrest's intake deadline, or (a warrant with no court
// date) the day the case was opened, never unlabelled as if a hearing.
func TestDocketDateSaysWhatItIs(t *testing.T) {
	s := seed(t)
	if _, err := s.CreateCase(context.Background(), store.SystemActor, store.LegalCase{ParticipantID: "P-0001",
		Kind: store.CaseWarrant, CaseNumber: "W-2000", Status: store.CaseOpen}); err != nil {
		t.Fatal(err)
	}
	view := ansi.Strip(casesFor(t, s, actorPM).View())
	for _, want := range []string{
		"DATE: court/intake/opened",
		"court  " + store.FormatDate(day(4)) + " in 4d",   // 26CR0042's next court date
		"intake " + store.FormatDate(day(3)) + " in 3d",   // 26CR0077's intake deadline
		"opened " + store.FormatDate(fixedNow) + " today", // W-2000: no court date
	} {
		if !strings.Contains(view, want) {
			t.Errorf("docket: missing %q:\n%s", want, view)
		}
	}
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, "W-2000") && !strings.Contains(l, "opened ") {
			t.Errorf("the warrant's date is not labelled opened: %q", l)
		}
	}
}
