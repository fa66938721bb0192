package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestContactFormShowsTheStoresDateFloor: a contact dated before the
// store's floor (1900) is refused on the form at once, naming the field
// and the floor, before any save; nothing is saved.
func TestContactFormShowsTheStoresDateFloor(t *testing.T) {
	s := seed(t)
	before, _ := s.ListContacts(context.Background(), "P-0001")
	tm := startTUI(t, testOptions(s, actorCM), 100, 30)
	run(t, tm, step{"2", []string{"URGENT"}}, step{"\r", []string{"Legal"}}, step{"c", []string{"sensitivity"}})
	focusOn(t, tm, "date")
	for range 12 {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	tm.Type("1800-01-01")
	waitFor(t, tm, "1800-01-01")
	// the form says it at once, with the store's floor, and stays on the date
	press(tm, "\r")
	waitFor(t, tm, "date: 1800-01-01 is before 1900-01-01")
	focusOn(t, tm, "date")
	if got := finalScreen(t, tm); strings.Contains(got, "saved: contact") {
		t.Errorf("a refused contact shown as saved:\n%s", got)
	}
	if cs, _ := s.ListContacts(context.Background(), "P-0001"); len(cs) != len(before) {
		t.Errorf("contacts of P-0001: %d => want %d (nothing saved)", len(cs), len(before))
	}
}
