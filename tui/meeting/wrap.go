package meeting

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/tui/common"
)

// wrapLine breaks s (plain or styled) at word boundaries into lines of at
// most width cells (a word longer than the width is broken); the lines
// after the first start with indent cells of space, under the text they
// continue (a hanging indent). Widths are terminal cells, never bytes.
func wrapLine(s string, width, indent int) []string {
	if width <= 0 || common.Width(s) <= width {
		return []string{s}
	}
	indent = min(max(indent, 0), width/2)
	first, _, _ := strings.Cut(ansi.Wrap(s, width, ""), "\n")
	fw := ansi.StringWidth(first)
	if fw == 0 {
		return []string{ansi.Truncate(s, width, "")}
	}
	rest := ansi.Cut(s, fw, ansi.StringWidth(s))
	rest = trimLeadingSpace(rest)
	out := []string{first}
	if ansi.StringWidth(rest) == 0 {
		return out
	}
	pad := strings.Repeat(" ", indent)
	for _, l := range strings.Split(ansi.Wrap(rest, width-indent, ""), "\n") {
		out = append(out, pad+l)
	}
	return out
}

// trimLeadingSpace drops the spaces a break left at the start of s, also
// after a leading style sequence.
func trimLeadingSpace(s string) string {
	i := 0
	for i < len(s) && s[i] == 0x1b {
		// skip one CSI sequence
		j := i + 1
		if j < len(s) && s[j] == '[' {
			j++
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j + 1
			continue
		}
		break
	}
	if i > len(s) {
		return s
	}
	return s[:i] + strings.TrimLeft(s[i:], " ")
}

// hangingIndent is where the text of a pane line starts: after its
// leading spaces and a bullet ("• "), a check box ("[ ] ") or, for a
// plain line, two cells further (so a continuation reads as one).
func hangingIndent(s string, bullet string) int {
	plain := ansi.Strip(s)
	rest := strings.TrimLeft(plain, " ")
	n := len(plain) - len(rest)
	switch {
	case bullet != "" && strings.HasPrefix(rest, bullet+" "):
		n += ansi.StringWidth(bullet) + 1
		if r := strings.TrimPrefix(rest, bullet+" "); strings.HasPrefix(r, "action [") {
			n += len("action [ ] ")
		}
	case strings.HasPrefix(rest, "[ ] "), strings.HasPrefix(rest, "[x] "), strings.HasPrefix(rest, "[-] "):
		n += 4
	case strings.HasPrefix(rest, "- "), strings.HasPrefix(rest, "> "):
		n += 2
	default:
		n += 2
	}
	return n
}

// wrapLines wraps every line of ls to width with its hanging indent.
func wrapLines(ls []string, width int, bullet string) []string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		if width <= 0 || common.Width(l) <= width {
			out = append(out, l)
			continue
		}
		out = append(out, wrapLine(l, width, hangingIndent(l, bullet))...)
	}
	return out
}

// count says n things in the right number: "1 action item", "2 action
// items".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// pad fills s (plain) with spaces to width cells.
func pad(s string, width int) string { return common.Pad(s, width) }
