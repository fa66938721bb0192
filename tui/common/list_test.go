package common

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/themes"
)

func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	}
	return tea.KeyPressMsg{Code: rune(s[0]), Text: s}
}

func TestList(t *testing.T) {
	st := NewStyles(themes.ASCII, true)
	l := NewList()
	l.SetSize(40, 3)
	l.SetRows([]Row{{Header: true, Text: "Section"}, {Key: "a", Text: "alpha"}, {Key: "b", Text: "beta"}, {Key: "c", Text: "gamma"}})
	if got := l.SelectedKey(); got != "a" {
		t.Errorf("first selection %q => want a (headers are skipped)", got)
	}
	l.Update(keyMsg("j"))
	l.Update(keyMsg("j"))
	if got := l.SelectedKey(); got != "c" {
		t.Errorf("after jj: %q => want c", got)
	}
	view := l.View(st, "")
	for i := range view {
		view[i] = ansi.Strip(view[i])
	}
	if len(view) != 3 || !strings.HasPrefix(view[2], "> gamma") || !strings.HasPrefix(view[1], "  beta") {
		t.Errorf("view %q => want the marker in a fixed column on gamma", view)
	}
	for _, k := range []string{"/", "e", "t", "enter"} {
		l.Update(keyMsg(k))
	}
	if l.Len() != 1 || l.SelectedKey() != "b" {
		t.Errorf("filter et: %d rows, %q => want 1, b", l.Len(), l.SelectedKey())
	}
	l.Update(keyMsg("esc"))
	if l.Len() != 3 || l.SelectedKey() != "b" {
		t.Errorf("cleared filter: %d rows, %q => want 3, b kept", l.Len(), l.SelectedKey())
	}
	if _, open := l.Update(keyMsg("enter")); !open {
		t.Errorf("enter on a row: open false")
	}
}

func TestFitMeasuresCells(t *testing.T) {
	for _, c := range []struct {
		in   string
		w    int
		want string
	}{{"李小龍", 4, "李…"}, {"José", 4, "José"}, {"Nguyễn Thị Lan", 6, "Nguyễ…"}} {
		if got := Fit(c.in, c.w); got != c.want {
			t.Errorf("Fit(%q, %d) = %q => want %q", c.in, c.w, got, c.want)
		}
	}
	if got := Pad("李", 4); got != "李  " {
		t.Errorf("Pad(李, 4) = %q", got)
	}
}

// TestListRestore: a Place given before the rows load selects its row by
// key once loaded, at its line in the window, even when rows were added
// above it; until then Place reports it; a key the user presses first
// drops it.
func TestListRestore(t *testing.T) {
	rows := func(keys ...string) []Row {
		out := make([]Row, len(keys))
		for i, k := range keys {
			out[i] = Row{Key: k, Text: k}
		}
		return out
	}
	many := func(prefix string, n int) []string {
		var out []string
		for i := range n {
			out = append(out, prefix+string(rune('a'+i)))
		}
		return out
	}
	for _, tt := range []struct {
		name     string
		place    Place
		loads    [][]string // SetRows calls, in order
		key      string     // a key pressed before the last load ("" none)
		wantKey  string
		wantLine int
	}{
		{"same rows", Place{Key: "rh", Line: 2}, [][]string{many("r", 12)}, "", "rh", 2},
		{"rows added above", Place{Key: "rh", Line: 2}, [][]string{append(many("n", 5), many("r", 12)...)}, "", "rh", 2},
		{"line past the window", Place{Key: "rh", Line: 9}, [][]string{many("r", 12)}, "", "rh", 3},
		{"near the end: the window cannot scroll further", Place{Key: "rk", Line: 0}, [][]string{many("r", 12)}, "", "rk", 2},
		{"loaded later: first load lacks the row", Place{Key: "rh", Line: 1}, [][]string{many("x", 3), many("r", 12)}, "", "rh", 1},
		{"gone: the first row is selected, the place kept for its return", Place{Key: "zz", Line: 1}, [][]string{many("r", 12)}, "", "zz", 1},
		{"the user moved first", Place{Key: "rh", Line: 1}, [][]string{many("x", 3), many("r", 12)}, "j", "rb", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := NewList()
			l.SetSize(40, 4)
			l.Restore(tt.place)
			if got := l.Place(); got != tt.place {
				t.Errorf("Place before loading => %+v, want %+v (still to go back to)", got, tt.place)
			}
			for i, keys := range tt.loads {
				if i == len(tt.loads)-1 && tt.key != "" {
					l.Update(keyMsg(tt.key))
				}
				l.SetRows(rows(keys...))
			}
			if tt.key == "j" { // the user's own move stands: the selection follows the key pressed
				tt.wantKey = l.SelectedKey()
			}
			if tt.wantKey == "zz" && l.SelectedKey() != "ra" {
				t.Errorf("selected %q while the place's row is absent => want the first row", l.SelectedKey())
			}
			got := l.Place()
			if got.Key != tt.wantKey || got.Line != tt.wantLine {
				t.Errorf("after loading => %+v, want key %s at line %d", got, tt.wantKey, tt.wantLine)
			}
		})
	}
}

// TestListRestoresItsFilter: the filter typed is part of where a list
// stands; a reconnect's Restore applies it (closed, as after enter) before
// the rows load, and the selection lands within the filtered rows.
func TestListRestoresItsFilter(t *testing.T) {
	rows := []Row{{Key: "a", Text: "alpha"}, {Key: "b", Text: "beta"}, {Key: "c", Text: "gamma"}, {Key: "d", Text: "delta"}}
	l := NewList()
	l.SetSize(40, 4)
	l.SetRows(rows)
	for _, k := range []string{"/", "t", "a", "enter", "j"} {
		l.Update(keyMsg(k))
	}
	was := l.Place()
	if was.Filter != "ta" || was.Key != "d" {
		t.Fatalf("Place after filtering ta and moving down => %+v, want filter ta, key d", was)
	}
	again := NewList()
	again.SetSize(40, 4)
	again.Restore(was)
	again.SetRows(rows)
	if again.Filtering() || again.FilterText() != "ta" || again.Len() != 2 || again.SelectedKey() != "d" {
		t.Errorf("restored: filtering %v, filter %q, %d rows, selected %q => want closed, ta, 2 rows (beta, delta), d",
			again.Filtering(), again.FilterText(), again.Len(), again.SelectedKey())
	}
	// a filter alone, nothing selected in it, is still where it stood
	empty := NewList()
	empty.SetSize(40, 4)
	empty.SetRows(rows)
	for _, k := range []string{"/", "z", "enter"} {
		empty.Update(keyMsg(k))
	}
	if got := empty.Place(); got != (Place{Filter: "z"}) {
		t.Errorf("Place of a filter matching nothing => %+v, want just the filter", got)
	}
}

// TestWidthMatchesStringWidth: the fast width equals ansi.StringWidth on
// plain, styled, wide, combining, control and broken-escape text.
func TestWidthMatchesStringWidth(t *testing.T) {
	for _, s := range []string{
		"", "P-0001  Jane Roe", "\x1b[1mOverdue contacts (17)\x1b[m", "\x1b[38;5;245mno contact for 20d\x1b[0m  x",
		"Dmitri Sánchez", "Andrés Nguyễn", "日本語 text", "e\u0301", "tab\there", "\x1b]8;;http://x\x07link\x1b]8;;\x07",
		"\x1b[", "\x1b[1", "\x1b[1;4;4m!\x1b[m\x1b[4m \x1b[m", "bell\x07", "\x1bM", "emoji 👍🏽 ok", "\x7f", "→ ✓ …",
	} {
		if got, want := Width(s), ansi.StringWidth(s); got != want {
			t.Errorf("Width(%q) => %d, want %d", s, got, want)
		}
		for w := 0; w < 24; w++ {
			want := ""
			if w > 0 {
				want = s
				if ansi.StringWidth(s) > w {
					want = ansi.Truncate(s, w, "…")
				}
			}
			if got := Fit(s, w); got != want {
				t.Errorf("Fit(%q, %d) => %q, want %q", s, w, got, want)
			}
		}
	}
}

// TestNarrowRunesAreNarrow: every rune the fast width takes as one cell is
// one cell to ansi.StringWidth, alone and between letters and styles.
func TestNarrowRunesAreNarrow(t *testing.T) {
	for r := rune(0x80); r < 0x3000; r++ {
		if !narrowRune(r) {
			continue
		}
		for _, s := range []string{string(r), "a" + string(r) + "b", "\x1b[1m" + string(r) + string(r) + "\x1b[m é"} {
			if got, want := Width(s), ansi.StringWidth(s); got != want {
				t.Errorf("Width(%q) => %d, want %d", s, got, want)
			}
		}
	}
}

// TestSelectionStaysOnTheFirstRowUntilChosen: sections that load apart
// (a later one above the first) leave the selection on the first row
// while the user has not moved it; once moved, it stays on its row.
func TestSelectionStaysOnTheFirstRowUntilChosen(t *testing.T) {
	rows := func(keys ...string) []Row {
		out := []Row{{Text: "section", Header: true}}
		for _, k := range keys {
			out = append(out, Row{Key: k, Text: k})
		}
		return out
	}
	l := NewList()
	l.SetSize(40, 10)
	l.SetRows(rows("P-0007", "P-0010"))
	l.SetRows(append(rows("R-0025"), rows("P-0007", "P-0010")...))
	if got := l.SelectedKey(); got != "R-0025" {
		t.Errorf("a section loaded above, nothing pressed => %q selected, want the first row R-0025", got)
	}
	l.Update(keyMsg("j")) // P-0007
	l.SetRows(append(rows("R-0026", "R-0025"), rows("P-0007", "P-0010")...))
	if got := l.SelectedKey(); got != "P-0007" {
		t.Errorf("after a move and a reload => %q selected, want P-0007 kept", got)
	}
}

// View keeps its lines between calls, and draws them again after any of
// what they are drawn from changed: new rows of the same count, the
// selection, the window, the filter, the styles. What a caller does to
// the lines it got does not reach the kept ones.
func TestListViewKeepsItsLinesUntilTheyChange(t *testing.T) {
	st := NewStyles(themes.ASCII, true)
	plain := func(ls []string) string {
		out := make([]string, len(ls))
		for i, l := range ls {
			out[i] = strings.TrimRight(ansi.Strip(l), " ")
		}
		return strings.Join(out, "|")
	}
	l := NewList()
	l.SetSize(20, 3)
	l.SetRows([]Row{{Key: "a", Text: "alpha"}, {Key: "b", Text: "beta"}})
	first := l.View(st, "")
	first[0] = "scribbled"
	steps := []struct {
		name string
		do   func()
		want string
	}{
		{"again", func() {}, "> alpha|  beta|"},
		{"new rows, as many", func() { l.SetRows([]Row{{Key: "a", Text: "alpha"}, {Key: "b", Text: "bravo"}}) }, "> alpha|  bravo|"},
		{"the selection moved", func() { l.Update(keyMsg("j")) }, "  alpha|> bravo|"},
		{"a narrower window", func() { l.SetSize(4, 3) }, "  a…|> b…|"},
		{"a filter", func() {
			l.SetSize(20, 3)
			l.Update(keyMsg("/"))
			l.Update(keyMsg("l"))
		}, "> alpha||"},
		{"other styles", func() { st = NewStyles(themes.Default, true) }, "▸ alpha||"},
	}
	for _, s := range steps {
		s.do()
		if got := plain(l.View(st, "")); got != s.want {
			t.Errorf("%s: %q => want %q", s.name, got, s.want)
		}
	}
}
