package sshserve

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/colorprofile"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/themes"
	"github.com/leadtable/owg/tui"
)

// SessionEnv is a session's environment as its program sees it: what the
// client sent, with TERM set to the pty's terminal type.
func SessionEnv(environ []string, term string) []string {
	env := make([]string, 0, len(environ)+1)
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "TERM=") {
			env = append(env, kv)
		}
	}
	return append(env, "TERM="+term)
}

// getenv reads key from env (the last setting wins, as in a shell).
func getenv(env []string, key string) (string, bool) {
	val, found := "", false
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			val, found = v, true
		}
	}
	return val, found
}

// ColorProfile is the colour profile a session renders with: detected from
// its environment, at least ASCII (a dumb terminal still gets plain text
// with cursor movement), and capped at ANSI256 unless true colour is
// allowed by the server or asked for with OWG_TRUECOLOR=1.
func ColorProfile(env []string, allowTrueColor bool) colorprofile.Profile {
	p := colorprofile.Env(env)
	if p < colorprofile.ASCII {
		p = colorprofile.ASCII
	}
	if p > colorprofile.ANSI256 && !allowTrueColor && !envTrue(env, "OWG_TRUECOLOR") {
		p = colorprofile.ANSI256
	}
	return p
}

func envTrue(env []string, key string) bool {
	v, _ := getenv(env, key)
	b, _ := strconv.ParseBool(v)
	return b
}

// ThemeFor is the theme a user's session opens with, by the same rule as
// the local TUI (tui.ThemeFor, themes.Pick): the user's saved theme, else
// the default; the low-bandwidth preference gives ASCII; NO_COLOR forces
// monochrome; TERM=dumb or linux switches to ASCII glyphs. The user record
// is read afresh at every sign-in, so a saved preference applies on every
// login.
func ThemeFor(u store.User, env []string) themes.Theme {
	// No flag: an unknown saved preference is ignored, so Pick cannot fail.
	t, _ := tui.ThemeFor("", u.Theme, env, u.LowBandwidth)
	return t
}
