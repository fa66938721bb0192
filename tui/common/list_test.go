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
