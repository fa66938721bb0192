package common

import (
	"strings"

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
	// no character is wider in cells than its UTF-8 bytes, so a string of
	// at most width bytes fits without measuring it
	if len(s) <= width || ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// Pad truncates or pads plain or styled s to exactly width cells.
func Pad(s string, width int) string {
	s = Fit(s, width)
	if w := ansi.StringWidth(s); w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// PadLeft right-aligns s in width cells.
func PadLeft(s string, width int) string {
	s = Fit(s, width)
	if w := ansi.StringWidth(s); w < width {
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
