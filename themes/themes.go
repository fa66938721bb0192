// Package themes holds owg's colour themes as pure data: names and
// palettes, no styles and no renderer. tui builds styles from them.
package themes

import (
	"fmt"
	"strings"
)

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

// Pick chooses a session's theme. Precedence: flag (a --theme value), then
// pref (the user's saved preference), then Default. lowBandwidth gives the
// ASCII theme. The environment then overrides colour and glyphs: NO_COLOR
// (set and not empty) forces Monochrome unless the theme already has no
// colour, and TERM=dumb or TERM=linux switches to ASCII glyphs, keeping
// the colours. An unknown flag is an error naming the choices; an unknown
// preference is ignored (a theme may have been removed since it was
// saved). The last setting of a variable in env wins, as in a shell.
func Pick(flag, pref string, env []string, lowBandwidth bool) (Theme, error) {
	t := Default
	switch {
	case flag != "":
		named, ok := ByName(flag)
		if !ok {
			return Default, fmt.Errorf("unknown theme %q (choose one of %s)", flag, strings.Join(Names(), ", "))
		}
		t = named
	case pref != "":
		if named, ok := ByName(pref); ok {
			t = named
		}
	}
	if lowBandwidth {
		t = ASCII
	}
	if v := getenv(env, "NO_COLOR"); v != "" && !t.Mono {
		t = Monochrome
	}
	if term := getenv(env, "TERM"); (term == "dumb" || term == "linux") && !t.ASCII {
		t.ASCII = true
	}
	return t, nil
}

// Next returns the theme after t in All (cycling), by name.
func Next(t Theme) Theme {
	for i, x := range All {
		if x.Name == t.Name {
			return All[(i+1)%len(All)]
		}
	}
	return All[0]
}

// getenv reads key from env ("" when unset); the last setting wins.
func getenv(env []string, key string) string {
	val := ""
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			val = v
		}
	}
	return val
}
