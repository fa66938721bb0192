package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
)

// manyCMs is the test site with n more active case managers (cm001...).
func manyCMs(t *testing.T, n int) store.Store {
	t.Helper()
	s := seed(t)
	for i := 1; i <= n; i++ {
		if _, err := s.CreateUser(context.Background(), store.SystemActor,
			store.User{Name: fmt.Sprintf("cm%03d", i), Role: store.RoleCaseManager, Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// loadedCaseload is the Caseload pane of actor on s, loaded, at w x h.
func loadedCaseload(t *testing.T, s store.Store, actor store.Actor, w, h int) *caseload {
	t.Helper()
	m := New(testOptions(s, actor)).(*model)
	c := newCaseload(m.ctx)
	c.SetSize(w, h)
	c.Update(c.loadCmd()())
	if c.site == nil {
		t.Fatalf("caseload not loaded: %v", c.err)
	}
	return c
}

// TestCaseloadGaugesCappedAtAnyHeight: with 120 case managers at 120x40
// the gauges take at most a quarter of the pane and end "+N more (m)", so
// the participants are still listed.
func TestCaseloadGaugesCappedAtAnyHeight(t *testing.T) {
	c := loadedCaseload(t, manyCMs(t, 118), actorPM, 120, 36)
	view := ansi.Strip(c.View())
	gauges := 0
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, " max ") {
			gauges++
		}
	}
	if gauges > max(3, 36/4) || gauges < 3 {
		t.Errorf("gauge lines at 120x36: %d => want 3..%d", gauges, 36/4)
	}
	if !strings.Contains(view, "more (m)") || !strings.Contains(view, "José Núñez") {
		t.Errorf("want the gauges capped with \"+N more (m)\" and the participants listed:\n%s", view)
	}
	// 80x24 keeps its two lines
	c = loadedCaseload(t, manyCMs(t, 118), actorPM, 80, 20)
	if got := strings.Count(ansi.Strip(c.View()), " max "); got != 2 {
		t.Errorf("gauge lines at 80x20: %d => want 2", got)
	}
}

// TestCaseloadPickCaseManager: m opens a picker of everyone and the case
// managers with their load/cap; typing filters, enter shows that
// caseload, esc clears the filter then goes back; everyone shows all.
func TestCaseloadPickCaseManager(t *testing.T) {
	c := loadedCaseload(t, manyCMs(t, 118), actorPM, 120, 36)
	c.Update(keyOf('m'))
	if c.pick == nil || !c.Capturing() {
		t.Fatal("m opened no picker")
	}
	view := ansi.Strip(c.View())
	for _, want := range []string{"type to filter", "everyone", "ana", "2/4 max 25"} {
		if !strings.Contains(view, want) {
			t.Errorf("picker: missing %q:\n%s", want, view)
		}
	}
	typeKeys(c, "cm087")
	view = ansi.Strip(c.View())
	if !strings.Contains(view, "cm087") || strings.Contains(view, "cm086") || strings.Contains(view, "everyone") {
		t.Errorf("filtered picker => want cm087 alone:\n%s", view)
	}
	c.Update(keyOf('\r'))
	if c.pick != nil || c.cm != "cm087" || !strings.Contains(ansi.Strip(c.View()), "case manager cm087") {
		t.Fatalf("enter => picker open %v, cm %q; want cm087 shown", c.pick != nil, c.cm)
	}
	// esc clears the filter first, then closes without a change
	c.Update(keyOf('m'))
	typeKeys(c, "zz")
	if v := ansi.Strip(c.View()); !strings.Contains(v, `no case manager matches "zz"`) {
		t.Errorf("no match => want it said:\n%s", v)
	}
	c.Update(keyOf('\x1b'))
	if c.pick == nil || c.pick.filter != "" {
		t.Fatal("first esc => want the filter cleared, the picker open")
	}
	c.Update(keyOf('\x1b'))
	if c.pick != nil || c.cm != "cm087" {
		t.Fatalf("second esc => picker open %v, cm %q; want closed, cm087 kept", c.pick != nil, c.cm)
	}
	// everyone
	c.Update(keyOf('m'))
	typeKeys(c, "every")
	c.Update(keyOf('\r'))
	if c.cm != "" || !strings.Contains(ansi.Strip(c.View()), "all case managers") {
		t.Errorf("everyone => cm %q", c.cm)
	}
	// the arrows move, the letters filter
	c.Update(keyOf('m'))
	c.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	c.Update(keyOf('\r'))
	if c.cm != "ana" {
		t.Errorf("down, enter from everyone => cm %q, want ana (the first case manager)", c.cm)
	}
}

// TestCaseloadEmptyFilterSaysSo: a filter matching nobody names itself.
func TestCaseloadEmptyFilterSaysSo(t *testing.T) {
	c := loadedCaseload(t, seed(t), actorPM, 100, 30)
	typeKeys(c, "/zzq")
	if v := ansi.Strip(c.View()); !strings.Contains(v, `no participant matches "zzq"`) {
		t.Errorf("empty filter result:\n%s", v)
	}
}
