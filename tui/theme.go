package tui

import "github.com/leadtable/owg/themes"

// ThemeFor is the theme of a session: --theme flag, then the user's
// saved preference, then the default; low bandwidth gives ASCII; NO_COLOR
// and TERM in env override colour and glyphs (themes.Pick). An unknown
// flag is an error.
func ThemeFor(flag, pref string, env []string, lowBandwidth bool) (themes.Theme, error) {
	return themes.Pick(flag, pref, env, lowBandwidth)
}

// themesPick applies a theme the user picked in the session.
func themesPick(name string, env []string, lowBandwidth bool) (themes.Theme, error) {
	return themes.Pick(name, "", env, lowBandwidth)
}
