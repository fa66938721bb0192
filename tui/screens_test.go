package tui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// step is keys to type, then tokens to wait for on screen.
type step struct {
	keys string
	wait []string
}

// press types keys; "\r" is enter, "\x1b" is esc.
func press(tm *teatest.TestModel, keys string) {
	for _, r := range keys {
		tm.Send(keyOf(r))
	}
}

// keyOf is the key press of r: "\r" enter, "\x1b" esc, "\t" tab, else
// the character.
func keyOf(r rune) tea.KeyPressMsg {
	switch r {
	case '\r':
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case '\x1b':
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case '\t':
		return tea.KeyPressMsg{Code: tea.KeyTab}
	}
	return tea.KeyPressMsg{Code: r, Text: string(r)}
}

func run(t *testing.T, tm *teatest.TestModel, steps ...step) {
	t.Helper()
	for _, s := range steps {
		press(tm, s.keys)
		if len(s.wait) > 0 {
			waitFor(t, tm, s.wait...)
		}
	}
}

// TestScreens renders each core screen at 80x24 and 120x40 on the test
// site and compares it with its golden file (go test -update rewrites).
func TestScreens(t *testing.T) {
	// the site and the pending referrals (its own load, which may land
	// after the site's: CI once took the screen between the two)
	loaded := step{wait: []string{"Overdue", "Field referrals waiting"}}
	screens := []struct {
		name  string
		steps []step
	}{
		{"today", nil},
		{"caseload", []step{{"2", []string{"URGENT"}}}},
		{"cases", []step{{"4", []string{"POSITION"}}}},
		{"participant", []step{{"2", []string{"URGENT"}}, {"\r", []string{"Legal"}}}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				s := seed(t)
				tm := startTUI(t, testOptions(s, actorPM), size[0], size[1])
				run(t, tm, append([]step{loaded}, sc.steps...)...)
				golden.RequireEqual(t, finalScreen(t, tm))
			})
		}
	}
}
