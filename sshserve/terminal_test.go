package sshserve

import (
	"slices"
	"testing"

	"github.com/charmbracelet/colorprofile"

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
		u    store.User
		env  []string
		want string
	}{
		{store.User{}, []string{"TERM=xterm-256color"}, "default"},
		{store.User{Theme: "high-contrast"}, []string{"TERM=xterm-256color"}, "high-contrast"},
		{store.User{Theme: "no-such-theme"}, []string{"TERM=xterm-256color"}, "default"},
		{store.User{Theme: "high-contrast"}, []string{"TERM=xterm-256color", "NO_COLOR=1"}, "monochrome"},
		{store.User{}, []string{"TERM=linux"}, "ascii"},
		{store.User{}, []string{"TERM=dumb", "NO_COLOR=1"}, "ascii"},
		{store.User{LowBandwidth: true}, []string{"TERM=xterm-256color"}, "ascii"},
	}
	for _, tt := range tests {
		if got := ThemeFor(tt.u, tt.env).Name; got != tt.want {
			t.Errorf("ThemeFor(%+v, %q) = %s => want %s", tt.u, tt.env, got, tt.want)
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
