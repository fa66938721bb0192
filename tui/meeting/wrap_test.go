package meeting

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
)

// TestWrapLineCells: lines are broken in terminal cells (wide CJK, emoji,
// combining marks), never bytes, with the hanging indent, and lose no
// word.
func TestWrapLineCells(t *testing.T) {
	for _, s := range []string{
		"   • note cy: " + strings.Repeat("漢字かな ", 12),
		"   • note cy: " + strings.Repeat("café 👍🏽 ", 14),
		"   • note cy: " + strings.Repeat("e\u0301te\u0301 ", 16),
		"     [ ] A-0001 owner bo: " + strings.Repeat("x", 90), // one word longer than the width
	} {
		got := wrapLine(s, 40, hangingIndent(s, "•"))
		if len(got) < 2 {
			t.Errorf("%q => not wrapped: %q", s, got)
		}
		for i, l := range got {
			if w := ansi.StringWidth(l); w > 40 {
				t.Errorf("%q line %d => %d cells, want <= 40: %q", s, i, w, l)
			}
			if i > 0 && !strings.HasPrefix(l, strings.Repeat(" ", 5)) {
				t.Errorf("%q line %d => no hanging indent: %q", s, i, l)
			}
		}
		if a, b := strings.Join(strings.Fields(strings.Join(got, "")), ""), strings.Join(strings.Fields(s), ""); a != b {
			t.Errorf("%q => lost text: %q", s, got)
		}
	}
}

// TestMinutesLinesClean: the minutes' text is cleaned of control and
// escape sequences for the terminal, and the re-disclosure notice moves
// to the end under a first line that says it applies.
func TestMinutesLinesClean(t *testing.T) {
	got := minutesLines("> NOTICE\n>\n> text\n\n---\n\nOWG meeting M-0001\nnote: \x1b]0;owned\x07red \x1b[31mtext\x1b[0m\r\x08\n")
	joined := strings.Join(got, "\n")
	if strings.ContainsAny(joined, "\x1b\x07\r\x08") {
		t.Errorf("minutes lines => control characters left: %q", got)
	}
	if !strings.HasPrefix(got[0], "Protected by 42 CFR part 2") || got[2] != "OWG meeting M-0001" || got[len(got)-1] != "> text" {
		t.Errorf("minutes lines => want the notice's line, the minutes, the notice last: %q", got)
	}
}

// TestCounts: one thing is singular.
func TestCounts(t *testing.T) {
	if got := EstimateText(store.AgendaPlan{Estimate: 5, Items: make([]store.AgendaItem, 1)}); got != "~5 min, 1 item" {
		t.Errorf("EstimateText => %q", got)
	}
	if got := count(1, "action item", "action items") + ", " + count(2, "action item", "action items"); got != "1 action item, 2 action items" {
		t.Errorf("count => %q", got)
	}
}
