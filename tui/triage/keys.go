package triage

import "charm.land/bubbles/v2/key"

// keyMap holds the Referrals screen's own keys (the list keys come from
// common.List).
type keyMap struct {
	Accept, Waitlist, Decline, Equity, Reload, Cancel key.Binding
	// PaneDown and PaneUp scroll the "why this rank" pane when it overflows.
	PaneDown, PaneUp key.Binding
	// Back and Scroll are the keys of an open referral detail.
	Back, Scroll key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Accept:   key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "accept")),
		Waitlist: key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "waitlist")),
		Decline:  key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "decline")),
		Equity:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "equity/why")),
		Reload:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel form")),
		PaneDown: key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "scroll why")),
		PaneUp:   key.NewBinding(key.WithKeys("["), key.WithHelp("[", "scroll why back")),
		Back:     key.NewBinding(key.WithKeys("esc", "enter"), key.WithHelp("esc", "back")),
		Scroll:   key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓", "scroll")),
	}
}
