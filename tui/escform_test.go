package tui

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/leadtable/owg/tui/common"
)

// TestEscOnTypedCaseFormAsksFirst: a legal-case form with a case number
// typed does not vanish on one esc (which is also "back"): the status
// line asks, any other key goes on editing, and only a second esc in a
// row discards it.
func TestEscOnTypedCaseFormAsksFirst(t *testing.T) {
	s := seed(t)
	tm := startTUI(t, testOptions(s, actorCM), 100, 30)
	run(t, tm, step{"2", []string{"URGENT"}}, step{"\r", []string{"Legal"}}, step{"l", []string{"charges"}})
	focusOn(t, tm, "kind")
	press(tm, "\r")
	focusOn(t, tm, "case number")
	press(tm, "26CR0099")
	waitFor(t, tm, "┃ case number", "26CR0099")
	press(tm, "\x1b")
	waitFor(t, tm, common.EscAgain, "26CR0099")
	// enter only goes on editing: the warning goes, the field keeps focus
	press(tm, "\r")
	waitGone(t, tm, common.EscAgain)
	waitFor(t, tm, "┃ case number", "26CR0099")
	press(tm, "\x1b")
	waitFor(t, tm, common.EscAgain)
	press(tm, "\x1b")
	waitFor(t, tm, "cancelled: nothing saved")
	if got := finalScreen(t, tm); strings.Contains(got, "26CR0099") {
		t.Errorf("the discarded form is still on screen:\n%s", got)
	}
	if cs, _ := s.ListCases(context.Background(), "P-0001"); len(cs) != 1 {
		t.Errorf("cases of P-0001: %d => want 1 (nothing saved)", len(cs))
	}
}

// statusesOf runs cmd and returns the status line texts it sets.
func statusesOf(cmd tea.Cmd) []string {
	if cmd == nil {
		return nil
	}
	var out []string
	switch m := cmd().(type) {
	case common.StatusMsg:
		out = append(out, m.Text)
	case tea.BatchMsg:
		for _, c := range m {
			out = append(out, statusesOf(c)...)
		}
	default:
		// a tea.Sequence: its message is a slice of commands
		if v := reflect.ValueOf(m); v.Kind() == reflect.Slice {
			for i := range v.Len() {
				if c, ok := v.Index(i).Interface().(tea.Cmd); ok {
					out = append(out, statusesOf(c)...)
				}
			}
		}
	}
	return out
}

func escKey() tea.KeyPressMsg { return tea.KeyPressMsg{Code: tea.KeyEscape} }

// TestEscOnFormHost drives formHost.update directly: an untouched form
// closes on the first esc; a typed one asks first, and a key other than
// esc between the two clears the question.
func TestEscOnFormHost(t *testing.T) {
	m := New(testOptions(seed(t), actorCM)).(*model)
	open := func() *formHost {
		h := &formHost{ctx: m.ctx, owner: "x", width: 80, height: 24}
		v := &struct{ A, B string }{}
		h.open("test", func() *huh.Form {
			return huh.NewForm(huh.NewGroup(huh.NewInput().Title("a").Value(&v.A), huh.NewInput().Title("b").Value(&v.B)))
		}, func() tea.Cmd { return nil })
		return h
	}
	h := open()
	if got := statusesOf(h.update(escKey())); h.form != nil || !slices.Contains(got, "cancelled: nothing saved") {
		t.Errorf("untouched form, one esc: open %v, status %q => want closed, cancelled", h.form != nil, got)
	}
	h = open()
	h.update(tea.KeyPressMsg{Code: 'z', Text: "z"})
	if got := statusesOf(h.update(escKey())); h.form == nil || !slices.Contains(got, common.EscAgain) {
		t.Fatalf("typed form, one esc: open %v, status %q => want kept, %q", h.form != nil, got, common.EscAgain)
	}
	if got := statusesOf(h.update(tea.KeyPressMsg{Code: 'y', Text: "y"})); h.form == nil || !slices.Contains(got, "") {
		t.Errorf("another key after the warning: open %v, status %q => want kept, cleared", h.form != nil, got)
	}
	if h.update(escKey()); h.form == nil {
		t.Fatal("esc after another key discarded at once: want the question again")
	}
	if got := statusesOf(h.update(escKey())); h.form != nil || !slices.Contains(got, "cancelled: nothing saved") {
		t.Errorf("second esc: open %v, status %q => want closed", h.form != nil, got)
	}
}
