package tui

import "charm.land/bubbles/v2/key"

// globalKeys are the keys the root model handles on every screen.
type globalKeys struct {
	Tabs    [5]key.Binding
	Next    key.Binding
	Prev    key.Binding
	Back    key.Binding
	Help    key.Binding
	Quit    key.Binding
	ForceQ  key.Binding
	Confirm key.Binding
}

func newGlobalKeys() globalKeys {
	k := globalKeys{
		Next:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
		Prev:    key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous tab")),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Help:    key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:    key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQ:  key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Confirm: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes, quit")),
	}
	for i, name := range tabNames {
		n := string(rune('1' + i))
		k.Tabs[i] = key.NewBinding(key.WithKeys(n), key.WithHelp(n, name))
	}
	return k
}

// ShortHelp is the global part of the help line.
func (k globalKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Quit}
}

// FullHelp is the global part of the full help.
func (k globalKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Tabs[0], k.Tabs[1], k.Tabs[2], k.Tabs[3], k.Tabs[4]},
		{k.Next, k.Prev, k.Back, k.Help, k.Quit, k.ForceQ},
	}
}
