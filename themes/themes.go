// Package themes holds owg's colour themes as pure data: names and
// palettes, no styles and no renderer. tui builds styles from them.
package themes

// Colour is a colour value as lipgloss parses it ("#rrggbb", "212", or ""
// for the terminal default).
type Colour string

// Palette is one set of colours for one background.
type Palette struct {
	Fg, Muted, Accent, Selected, SelectedFg, Border, Good, Warn, Bad, TabActive, TabInactive Colour
}

// Theme is a named theme.
type Theme struct {
	Name        string
	Dark, Light Palette
	// Mono uses only bold, underline and reverse (no colour).
	Mono bool
	// ASCII uses ASCII box drawing and markers.
	ASCII bool
}

// Default adapts to dark and light backgrounds.
var Default = Theme{
	Name: "default",
	Dark: Palette{Fg: "252", Muted: "245", Accent: "75", Selected: "237", SelectedFg: "231", Border: "240",
		Good: "114", Warn: "221", Bad: "203", TabActive: "75", TabInactive: "245"},
	Light: Palette{Fg: "235", Muted: "243", Accent: "25", Selected: "254", SelectedFg: "16", Border: "250",
		Good: "28", Warn: "130", Bad: "160", TabActive: "25", TabInactive: "243"},
}

// HighContrast uses the strongest colours on each background.
var HighContrast = Theme{
	Name: "high-contrast",
	Dark: Palette{Fg: "15", Muted: "15", Accent: "14", Selected: "15", SelectedFg: "0", Border: "15",
		Good: "10", Warn: "11", Bad: "9", TabActive: "14", TabInactive: "15"},
	Light: Palette{Fg: "0", Muted: "0", Accent: "4", Selected: "0", SelectedFg: "15", Border: "0",
		Good: "2", Warn: "3", Bad: "1", TabActive: "4", TabInactive: "0"},
}

// Monochrome uses bold, underline and reverse only.
var Monochrome = Theme{Name: "monochrome", Mono: true}

// ASCII has no colour and draws with ASCII only.
var ASCII = Theme{Name: "ascii", Mono: true, ASCII: true}

// All lists the built-in themes in display order.
var All = []Theme{Default, HighContrast, Monochrome, ASCII}

// ByName returns the theme with that name.
func ByName(name string) (Theme, bool) {
	for _, t := range All {
		if t.Name == name {
			return t, true
		}
	}
	return Theme{}, false
}

// Names lists the built-in theme names.
func Names() []string {
	out := make([]string, len(All))
	for i, t := range All {
		out[i] = t.Name
	}
	return out
}
