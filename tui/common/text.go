package common

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
)

// Line cleans untrusted one-line text for display: control and escape
// sequences are removed (store.CleanLine).
func Line(s string) string { return store.CleanLine(s) }

// Fit truncates s (which may hold styles) to width cells, ending with "…"
// when cut. Widths are measured in terminal cells.
func Fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	// a string never takes more cells than it has bytes: most lines are
	// short enough to need no measuring at all
	if len(s) <= width || Width(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// Width is s's width in terminal cells (ansi.StringWidth), measured
// without grapheme segmentation when s is printable ASCII and SGR/CSI
// sequences only, as styled rows mostly are.
func Width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			n++
			i++
		case c == 0x1b && i+1 < len(s) && s[i+1] == '[':
			j := i + 2
			for j < len(s) && s[j] >= 0x30 && s[j] <= 0x3f {
				j++
			}
			for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
				j++
			}
			if j >= len(s) || s[j] < 0x40 || s[j] > 0x7e {
				return ansi.StringWidth(s)
			}
			i = j + 1
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !narrowRune(r) {
				return ansi.StringWidth(s)
			}
			n++
			i += size
		default:
			return ansi.StringWidth(s)
		}
	}
	return n
}

// narrowRune reports whether r is one cell wide and a grapheme of its own
// beside any rune Width accepts: accented Latin letters, punctuation such
// as "…" and "·", arrows and the box drawing of rules and cursors (test:
// every one of them against ansi.StringWidth).
func narrowRune(r rune) bool {
	switch {
	case r >= 0xA1 && r <= 0x2FF:
		return r != 0xAD // the soft hyphen takes no cell
	case r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205E:
		return true
	case r >= 0x2190 && r <= 0x21FF, r >= 0x2500 && r <= 0x259F:
		return true
	}
	return false
}

// Pad truncates or pads plain or styled s to exactly width cells.
func Pad(s string, width int) string {
	s = Fit(s, width)
	if w := Width(s); w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// PadLeft right-aligns s in width cells.
func PadLeft(s string, width int) string {
	s = Fit(s, width)
	if w := Width(s); w < width {
		s = strings.Repeat(" ", width-w) + s
	}
	return s
}

// Lines makes exactly n lines of at most width cells from lines: cut to
// width, then cut or filled with empty lines to n. Lines are never padded
// to the widest one, so unchanged lines stay unchanged on screen.
func Lines(lines []string, width, n int) []string {
	out := make([]string, n)
	for i := 0; i < n && i < len(lines); i++ {
		out[i] = Fit(lines[i], width)
	}
	return out
}
