package tui

import "charm.land/bubbles/v2/key"

// globalKeys are the keys the root model handles on every screen. Capital
// letters are used for the global actions so they never shadow a page's
// own lower-case keys.
type globalKeys struct {
	Tabs        [tabCount]key.Binding
	Next        key.Binding
	Prev        key.Binding
	Back        key.Binding
	Help        key.Binding
	Quit        key.Binding
	ForceQ      key.Binding
	Confirm     key.Binding
	NewReferral key.Binding
	Settings    key.Binding
	Ack         key.Binding
	Sessions    key.Binding
	// Drafts lists the user's unsent drafts (issue 18).
	Drafts key.Binding
}

func newGlobalKeys(names [tabCount]string) globalKeys {
	k := globalKeys{
		Next:        key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
		Prev:        key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous tab")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:        key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQ:      key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Confirm:     key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes, quit")),
		NewReferral: key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "new referral")),
		Settings:    key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "settings/theme")),
		Ack:         key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "take handoff")),
		Sessions:    key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "who is connected")),
		Drafts:      key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "unsent drafts")),
	}
	for i, name := range names {
		n := string(rune('1' + i))
		k.Tabs[i] = key.NewBinding(key.WithKeys(n), key.WithHelp(n, name))
	}
	return k
}

// ShortHelp is the global part of the help line.
func (k globalKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.NewReferral, k.Help, k.Quit}
}

// FullHelp is the global part of the full help.
func (k globalKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		k.Tabs[:],
		{k.Next, k.Prev, k.Back, k.Help, k.Quit, k.ForceQ},
		{k.NewReferral, k.Ack, k.Settings, k.Sessions, k.Drafts},
	}
}
