package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
)

// With two cases, the court date form offers the date and status of the
// case picked, and saving it leaves the other case alone. (It used to
// offer the first case's date and status whichever case was picked, and
// save them onto the picked one.)
func TestCourtFormEditsThePickedCase(t *testing.T) {
	s := seed(t)
	second, err := s.CreateCase(context.Background(), store.SystemActor, store.LegalCase{ParticipantID: "P-0001",
		Kind: store.CasePreExisting, CaseNumber: "26CR0001", Status: store.CaseResolved, NextCourtDate: day(20)})
	if err != nil {
		t.Fatal(err)
	}
	tm := startTUI(t, testOptions(s, actorCM), 120, 40)
	run(t, tm, step{"2", []string{"URGENT"}}, step{"\r", []string{"Legal"}}, step{"d", []string{"26CR0001"}})
	run(t, tm, step{"j", nil}, step{"\r", []string{"status", store.FormatDate(day(20))}})
	submitForm(t, tm)
	waitFor(t, tm, "saved:")
	finalScreen(t, tm)
	cs, err := s.ListCases(context.Background(), "P-0001")
	if err != nil || len(cs) != 2 {
		t.Fatalf("cases of P-0001: %d, %v", len(cs), err)
	}
	for _, c := range cs {
		switch c.ID {
		case second.ID:
			if c.Status != store.CaseResolved || !c.NextCourtDate.Equal(day(20)) {
				t.Errorf("%s after saving it unchanged: %s, court %s => want resolved, %s", c.ID, c.Status,
					store.FormatDate(c.NextCourtDate), store.FormatDate(day(20)))
			}
		default:
			if c.Status != store.CaseOpen || !c.NextCourtDate.Equal(day(4)) {
				t.Errorf("%s (not picked): %s, court %s => want open, %s", c.ID, c.Status, store.FormatDate(c.NextCourtDate), store.FormatDate(day(4)))
			}
		}
	}
}

// A contact or a step on a goal happened: a date in the future is refused,
// naming the field (it would hide an overdue contact).
func TestPastDateField(t *testing.T) {
	v := pastDateField("date", fixedNow)
	if err := v(store.FormatDate(day(0))); err != nil {
		t.Errorf("today: %v", err)
	}
	if err := v(store.FormatDate(day(-3))); err != nil {
		t.Errorf("3 days ago: %v", err)
	}
	if err := v(store.FormatDate(day(1))); err == nil || !strings.HasPrefix(err.Error(), "date: ") || !strings.Contains(err.Error(), "future") {
		t.Errorf("tomorrow: %v => want a refusal naming the date field", err)
	}
	if err := v("2026-13-01"); err == nil || !strings.HasPrefix(err.Error(), "date: ") {
		t.Errorf("bad date: %v", err)
	}
	if err := v("1800-01-01"); err == nil || !strings.Contains(err.Error(), "before 1900-01-01") {
		t.Errorf("1800: %v => want the store's floor said on the form", err)
	}
}

// On an 80-column terminal the full help shows every key: columns that do
// not fit beside the others go below them instead of being cut off.
func TestFullHelpShowsEveryKeyWhenNarrow(t *testing.T) {
	m := New(testOptions(seed(t), actorPM)).(*model)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(tea.KeyPressMsg{Code: '?', Text: "?"})
	v := ansi.Strip(m.View().Content)
	for _, want := range []string{"previous tab", "new referral", "settings/theme", "6 Reports"} {
		if !strings.Contains(v, want) {
			t.Errorf("full help at 80x24: no %q:\n%s", want, v)
		}
	}
	for i, line := range strings.Split(v, "\n") {
		if strings.HasSuffix(strings.TrimRight(line, " "), "…") && i > 0 && i < 22 {
			t.Errorf("full help line %d cut off: %q", i, line)
		}
	}
}

// While a form takes the keys, the help line offers the keys that work
// there (esc cancels, ctrl+c quits), not ?, q or N, which would be typed.
func TestHelpLineInAFormOffersWorkingKeys(t *testing.T) {
	s := seed(t)
	tm := startTUI(t, testOptions(s, actorCM), 80, 24)
	run(t, tm, step{"2", []string{"URGENT"}}, step{"\r", []string{"Legal"}}, step{"c", []string{"sensitivity"}})
	waitFor(t, tm, "esc cancel")
	got := finalScreen(t, tm)
	lines := strings.Split(got, "\n")
	help := lines[len(lines)-1]
	if !strings.Contains(help, "esc cancel") || !strings.Contains(help, "ctrl+c quit") || strings.Contains(help, "? help") ||
		strings.Contains(help, "log contact") {
		t.Errorf("help line over the contact form: %q", help)
	}
}

// The help line of a list never promises more than fits: when keys are
// left out it ends them with an ellipsis, dropping one more when that
// is what makes room for it.
func TestHelpLineEllipsisWhenCut(t *testing.T) {
	m := New(testOptions(seed(t), actorPM)).(*model)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	keys := m.keys.FullHelp()[1] // six global keys
	full := ansi.StringWidth(m.helpItems(keys, 200))
	for w := full - 1; w >= 14; w-- { // "tab next tab …" is 14 cells
		got := m.helpItems(keys, w)
		if ansi.StringWidth(got) > w || !strings.HasSuffix(ansi.Strip(got), "…") {
			t.Fatalf("width %d: %q (%d cells) => want at most %d cells ending in …", w, got, ansi.StringWidth(got), w)
		}
	}
}

// submitForm presses enter through the open form's remaining fields until
// the status line says "saved:", waiting after each key for the focus to
// move (huh moves between fields asynchronously: a second key sent before
// the move lands on the same field).
func submitForm(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	p, ok := probes.Load(tm)
	if !ok {
		t.Fatal("submitForm needs a program started by startTUI")
	}
	probe := p.(screenProbe)
	focused := func() string {
		for _, l := range strings.Split(probe.Screen(), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "┃") {
				return l
			}
		}
		return ""
	}
	for range 8 {
		if strings.Contains(probe.Screen(), "saved:") {
			return
		}
		before := focused()
		press(tm, "\r")
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if strings.Contains(probe.Screen(), "saved:") || focused() != before {
				break
			}
		}
	}
}
