package intake

import "charm.land/bubbles/v2/key"

// keyMap holds the New referral screen's own keys; field keys (tab,
// shift+tab, enter, ←/→) are huh's and listed in the help too.
type keyMap struct {
	Next, Prev, Change, Review, Discard key.Binding
	Submit, Edit, Cancel, New           key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Next:    key.NewBinding(key.WithKeys("tab", "enter"), key.WithHelp("tab", "next field")),
		Prev:    key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "back")),
		Change:  key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "change choice")),
		Review:  key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "review")),
		Discard: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "discard")),
		Submit:  key.NewBinding(key.WithKeys("enter", "ctrl+s"), key.WithHelp("enter", "submit")),
		Edit:    key.NewBinding(key.WithKeys("e", "shift+tab"), key.WithHelp("e", "edit")),
		Cancel:  key.NewBinding(key.WithKeys("esc", "x"), key.WithHelp("esc", "cancel")),
		New:     key.NewBinding(key.WithKeys("n", "enter"), key.WithHelp("n", "new referral")),
	}
}
