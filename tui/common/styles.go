package common

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/leadtable/owg/themes"
)

// Styles are the lipgloss styles of one session, built from its theme and
// background. They are values: nothing global.
type Styles struct {
	Theme                                  themes.Theme
	Base, Muted, Accent, Title, Good, Warn lipgloss.Style
	Bad, Selected, TabActive, TabInactive  lipgloss.Style
	Border                                 lipgloss.Style
	StatusOK, StatusErr                    lipgloss.Style
	// Glyphs: ASCII themes use plain characters. Every glyph is one cell
	// wide in both forms, so switching themes never moves anything.
	Cursor, Bullet, Up, Down, Flat, HLine, VLine string
	BarFull, BarEmpty, Check, Dot, Ellipsis      string
	// Bare drops decorations (low bandwidth): no rules, no borders.
	Bare bool

	ascii *strings.Replacer // nil unless Theme.ASCII
}

// asciiGlyphs maps the decoration glyphs owg's panes and its libraries
// draw (huh, bubbles help, truncation) to one-cell ASCII equivalents, as
// strings.NewReplacer pairs.
func asciiGlyphs() []string {
	return []string{
		"▸", ">", "•", "*", "▲", "+", "▼", "-", "▬", "=", "─", "-", "━", "-", "│", "|", "┃", "|",
		"█", "#", "░", ".", "▒", ":", "▏", "|", "✓", "x", "✗", "x", "·", "-", "…", "~", "—", "-", "–", "-",
		"“", "\"", "”", "\"", "‘", "'", "’", "'", "←", "<", "→", ">", "↑", "^", "↓", "v",
		"┌", "+", "┐", "+", "└", "+", "┘", "+", "├", "+", "┤", "+", "┬", "+", "┴", "+", "┼", "+",
		"╭", "+", "╮", "+", "╰", "+", "╯", "+",
	}
}

// NewStyles builds the styles of a theme for a dark or light background.
func NewStyles(t themes.Theme, isDark bool) *Styles {
	s := &Styles{Theme: t, Cursor: "▸", Bullet: "•", Up: "▲", Down: "▼", Flat: "▬", HLine: "─", VLine: "│",
		BarFull: "█", BarEmpty: "░", Check: "✓", Dot: "·", Ellipsis: "…"}
	if t.ASCII {
		s.Cursor, s.Bullet, s.Up, s.Down, s.Flat, s.HLine, s.VLine = ">", "*", "+", "-", "=", "-", "|"
		s.BarFull, s.BarEmpty, s.Check, s.Dot, s.Ellipsis = "#", ".", "x", "-", "~"
		s.ascii = strings.NewReplacer(asciiGlyphs()...)
	}
	plain := lipgloss.NewStyle()
	if t.Mono {
		s.Base, s.Muted = plain, plain
		s.Accent = plain.Bold(true)
		s.Title = plain.Bold(true)
		s.Good, s.Warn = plain, plain.Bold(true)
		s.Bad = plain.Bold(true).Underline(true)
		s.Selected = plain.Reverse(true)
		s.TabActive = plain.Reverse(true).Bold(true)
		s.TabInactive = plain
		s.Border = plain
		s.StatusOK = plain
		s.StatusErr = plain.Bold(true)
		return s
	}
	p := t.Dark
	if !isDark {
		p = t.Light
	}
	c := func(v themes.Colour) lipgloss.Style { return plain.Foreground(lipgloss.Color(string(v))) }
	s.Base = c(p.Fg)
	s.Muted = c(p.Muted)
	s.Accent = c(p.Accent)
	s.Title = c(p.Accent).Bold(true)
	s.Good = c(p.Good)
	s.Warn = c(p.Warn)
	s.Bad = c(p.Bad).Bold(true)
	s.Selected = plain.Background(lipgloss.Color(string(p.Selected))).Foreground(lipgloss.Color(string(p.SelectedFg)))
	s.TabActive = c(p.TabActive).Bold(true).Underline(true)
	s.TabInactive = c(p.TabInactive)
	s.Border = c(p.Border)
	s.StatusOK = c(p.Good)
	s.StatusErr = c(p.Bad).Bold(true)
	return s
}

// Rule is a horizontal rule of width cells, or an empty line when Bare
// (the line stays, so nothing below it moves).
func (s *Styles) Rule(width int) string {
	if s.Bare {
		return ""
	}
	return s.Border.Render(strings.Repeat(s.HLine, max(width, 1)))
}

// Sep is the separator between the parts of a line (" · ", or " - " in
// ASCII themes).
func (s *Styles) Sep() string { return " " + s.Dot + " " }

// Plain maps decoration glyphs to ASCII in ASCII themes (a frame-level
// safety net for text drawn by libraries: huh, help, truncation); other
// themes get text unchanged. Names and notes keep their letters: only
// the glyphs listed above are mapped.
func (s *Styles) Plain(text string) string {
	if s.ascii == nil {
		return text
	}
	return s.ascii.Replace(text)
}

// StyleMemo keeps what one style rendered, by text, for one Styles value
// (a restyle empties it), so a frame drawn again does not style the same
// text again. Callers keep one memo per style they render through it.
type StyleMemo struct {
	st *Styles
	m  map[string]string
}

// maxStyleMemo bounds a memo; past it, it starts again.
const maxStyleMemo = 512

// Render is style.Render(text), remembered for st.
func (c *StyleMemo) Render(st *Styles, style lipgloss.Style, text string) string {
	if c.st != st || c.m == nil || len(c.m) >= maxStyleMemo {
		c.st, c.m = st, make(map[string]string, 16)
	}
	if out, ok := c.m[text]; ok {
		return out
	}
	out := style.Render(text)
	c.m[text] = out
	return out
}
