package common

import tea "charm.land/bubbletea/v2"

// EscAgain is the status line of a first esc on a form the user typed
// into: esc is also "back" everywhere, so one press never throws input
// away.
const EscAgain = "esc again discards what you typed (enter goes on)"

// EscGuard asks before esc discards a form that holds typed input. A form
// nothing was typed into closes on the first esc.
type EscGuard struct {
	typed, asked bool
}

// Typing reports whether msg may change a form's values: a paste, or a
// key other than esc and the keys that only move between fields.
func Typing(msg tea.Msg) bool {
	switch m := msg.(type) {
	case tea.PasteMsg:
		return m.Content != ""
	case tea.KeyPressMsg:
		switch m.String() {
		case "esc", "tab", "shift+tab", "enter", "ctrl+c":
			return false
		}
		return true
	}
	return false
}

// Reset forgets input and the question (a form opened afresh).
func (g *EscGuard) Reset() { *g = EscGuard{} }

// Typed reports whether input was typed since Reset.
func (g *EscGuard) Typed() bool { return g.typed }

// Asked reports whether the warning is showing.
func (g *EscGuard) Asked() bool { return g.asked }

// Escape is esc on the form: ask is true the first time when input was
// typed (show EscAgain and keep the form); false means discard it.
func (g *EscGuard) Escape() (ask bool) {
	if g.typed && !g.asked {
		g.asked = true
		return true
	}
	return false
}

// Other notes msg, any input but esc. cleared reports that the warning was
// showing and is now gone; swallow that msg was enter, which only goes on
// editing (it never submits the form on the way).
func (g *EscGuard) Other(msg tea.Msg) (cleared, swallow bool) {
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg:
	default:
		return false, false
	}
	if Typing(msg) {
		g.typed = true
	}
	if !g.asked {
		return false, false
	}
	g.asked = false
	k, ok := msg.(tea.KeyPressMsg)
	return true, ok && k.String() == "enter"
}
