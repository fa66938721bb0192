package sshserve

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui"
)

func TestColorProfile(t *testing.T) {
	tests := []struct {
		env   []string
		allow bool
		want  colorprofile.Profile
	}{
		{[]string{"TERM=xterm-256color"}, false, colorprofile.ANSI256},
		{[]string{"TERM=xterm-256color", "COLORTERM=truecolor"}, false, colorprofile.ANSI256},
		{[]string{"TERM=xterm-256color", "COLORTERM=truecolor"}, true, colorprofile.TrueColor},
		{[]string{"TERM=xterm-256color", "COLORTERM=truecolor", "OWG_TRUECOLOR=1"}, false, colorprofile.TrueColor},
		{[]string{"TERM=xterm"}, false, colorprofile.ANSI},
		{[]string{"TERM=dumb"}, false, colorprofile.ASCII},
		{[]string{"TERM=xterm-256color", "NO_COLOR=1"}, false, colorprofile.ASCII},
	}
	for _, tt := range tests {
		if got := ColorProfile(tt.env, tt.allow); got != tt.want {
			t.Errorf("ColorProfile(%q, %v) = %v => want %v", tt.env, tt.allow, got, tt.want)
		}
	}
}

func TestThemeFor(t *testing.T) {
	tests := []struct {
		u     store.User
		env   []string
		want  string
		ascii bool // ASCII glyphs
	}{
		{store.User{}, []string{"TERM=xterm-256color"}, "default", false},
		{store.User{Theme: "high-contrast"}, []string{"TERM=xterm-256color"}, "high-contrast", false},
		{store.User{Theme: "no-such-theme"}, []string{"TERM=xterm-256color"}, "default", false},
		{store.User{Theme: "high-contrast"}, []string{"TERM=xterm-256color", "NO_COLOR=1"}, "monochrome", false},
		{store.User{}, []string{"TERM=linux"}, "default", true}, // colours kept, ASCII glyphs
		{store.User{}, []string{"TERM=dumb", "NO_COLOR=1"}, "monochrome", true},
		{store.User{LowBandwidth: true}, []string{"TERM=xterm-256color"}, "ascii", true},
		{store.User{Theme: "high-contrast", LowBandwidth: true}, []string{"TERM=xterm-256color"}, "ascii", true},
	}
	for _, tt := range tests {
		got := ThemeFor(tt.u, tt.env)
		if got.Name != tt.want || got.ASCII != tt.ascii {
			t.Errorf("ThemeFor(%+v, %q) = %s (ASCII glyphs %v) => want %s (%v)", tt.u, tt.env, got.Name, got.ASCII, tt.want, tt.ascii)
		}
		// One rule for local and SSH sessions.
		local, err := tui.ThemeFor("", tt.u.Theme, tt.env, tt.u.LowBandwidth)
		if err != nil || local.Name != got.Name || local.ASCII != got.ASCII {
			t.Errorf("tui.ThemeFor => %s, %v; sshserve.ThemeFor => %s", local.Name, err, got.Name)
		}
	}
}

func TestSessionEnvSetsPtyTerm(t *testing.T) {
	got := SessionEnv([]string{"TERM=vt100", "LANG=C", "TERM=xterm"}, "xterm-256color")
	want := []string{"LANG=C", "TERM=xterm-256color"}
	if !slices.Equal(got, want) {
		t.Errorf("SessionEnv = %q => want %q", got, want)
	}
}

func TestMailboxCoalesces(t *testing.T) {
	m := &member{wake: make(chan struct{}, 1)}
	for i := range 1000 {
		m.put(tui.ChangedMsg{Changes: []store.Change{{Kind: "participant", ID: string(rune('A' + i%5))}}})
		m.put(tui.PresenceMsg{People: make([]tui.Presence, i%7)})
	}
	m.put(tui.NoticeMsg{Text: "one"})
	m.put(tui.NoticeMsg{Text: "two"})
	got := m.take()
	if len(got) != 3 {
		t.Fatalf("pending %d messages => want 3 (one per type)", len(got))
	}
	if c := got[0].(tui.ChangedMsg); len(c.Changes) != 5 {
		t.Errorf("coalesced changes %v => want the 5 distinct records", c.Changes)
	}
	if p := got[1].(tui.PresenceMsg); len(p.People) != 999%7 {
		t.Errorf("presence with %d people => want the newest (%d)", len(p.People), 999%7)
	}
	if n := got[2].(tui.NoticeMsg); n.Text != "two" {
		t.Errorf("notice %q => want the newest", n.Text)
	}
	var many []store.Change
	for i := range 1000 {
		many = mergeChanges(many, []store.Change{{Kind: "contact", ID: string(rune(0x4e00 + i))}})
	}
	if len(many) != maxPendingChanges || many[len(many)-1].ID != string(rune(0x4e00+999)) {
		t.Errorf("batch of %d, last %q => want %d ending with the newest", len(many), many[len(many)-1].ID, maxPendingChanges)
	}
}

// A preference saved from any session (tui.SavePrefs, what the Settings
// screen calls) applies at the user's next sign-in, over SSH as locally.
func TestSavedPreferencesApplyOnEveryLogin(t *testing.T) {
	e := newTestEnv(t, nil)
	k := e.addUser("pat", store.RoleCaseManager, true)
	actor := store.Actor{User: "pat", Role: store.RoleCaseManager}
	login := func(env map[string]string, want ...string) {
		t.Helper()
		c, err := e.openTerm(k, "xterm-256color", env, false)
		if err != nil {
			t.Fatal(err)
		}
		defer c.close()
		for _, w := range want {
			c.out.waitFor(t, 0, w, waitLong)
		}
	}
	login(nil, "theme default", "low bandwidth false", "TERM=xterm-256color")
	if err := tui.SavePrefs(context.Background(), e.db, actor, tui.Prefs{Theme: "high-contrast"}); err != nil {
		t.Fatal(err)
	}
	login(nil, "theme high-contrast", "low bandwidth false")
	login(map[string]string{"NO_COLOR": "1"}, "theme monochrome", "NO_COLOR=1")
	if err := tui.SavePrefs(context.Background(), e.db, actor, tui.Prefs{Theme: "high-contrast", LowBandwidth: true}); err != nil {
		t.Fatal(err)
	}
	login(nil, "theme ascii", "low bandwidth true")
	login(nil, "theme ascii", "low bandwidth true") // and the next time
}

// The real TUI draws with the saved theme from the first frame: a user
// who chose low bandwidth gets no colour escapes and ASCII glyphs only.
func TestSavedLowBandwidthReachesTheScreen(t *testing.T) {
	e := newRealTUIEnv(t)
	k := e.addUser("pat", store.RoleCaseManager, true)
	if err := tui.SavePrefs(context.Background(), e.db, store.Actor{User: "pat", Role: store.RoleCaseManager}, tui.Prefs{LowBandwidth: true}); err != nil {
		t.Fatal(err)
	}
	c := e.open(k, true)
	defer c.close()
	c.out.waitFor(t, 0, "Today", waitLong)
	c.out.settle(200*time.Millisecond, 3*time.Second)
	raw := string(c.out.bytesFrom(0))
	if strings.Contains(raw, "\x1b[38;") || strings.Contains(raw, "\x1b[48;") {
		t.Errorf("low-bandwidth session received colour escapes: %q", raw)
	}
	for _, r := range ansi.Strip(raw) {
		if r > 0x7e {
			t.Errorf("low-bandwidth session received non-ASCII glyph %q in %q", r, ansi.Strip(raw))
			break
		}
	}
}
