package meeting

import "charm.land/bubbles/v2/key"

// keyMap holds the Meeting screen's keys; help is generated from them.
type keyMap struct {
	// lobby
	Start, Join key.Binding
	// walking the agenda
	Next, Prev, Jump, MoveUp, MoveDown, Skip, AddItem key.Binding
	Note, Decide, Action, Open, Follow, TakeOver, End key.Binding
	Leave, Reload, Cancel                             key.Binding
	// Room toggles room view; Mark marks the item discussed; Expand opens
	// a summary item; Close marks an action item done or drops it.
	Room, Mark, Expand, Close key.Binding
	// ScrollDown and ScrollUp page through an item's context.
	ScrollDown, ScrollUp key.Binding
	// LobbyDown and LobbyUp mark a meeting in the lobby (enter joins the
	// open one, or reads a past one's minutes).
	LobbyDown, LobbyUp key.Binding
	// the minutes pane of a past meeting
	MinutesDown, MinutesUp, MinutesPageDown, MinutesPageUp, MinutesTop, MinutesEnd, MinutesBack key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Start:      key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "start meeting")),
		Join:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "join / read minutes")),
		Next:       key.NewBinding(key.WithKeys("down", "j", "n"), key.WithHelp("↓/n", "next")),
		Prev:       key.NewBinding(key.WithKeys("up", "k", "p"), key.WithHelp("↑/p", "prev")),
		Jump:       key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "jump to #")),
		MoveUp:     key.NewBinding(key.WithKeys("K", "shift+up"), key.WithHelp("K", "move item up")),
		MoveDown:   key.NewBinding(key.WithKeys("J", "shift+down"), key.WithHelp("J", "move item down")),
		Skip:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "skip item")),
		AddItem:    key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "add item")),
		Note:       key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "note")),
		Decide:     key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "decision")),
		Action:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "action item")),
		Open:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open detail")),
		Follow:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "follow facilitator")),
		TakeOver:   key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "take over")),
		End:        key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "end meeting")),
		Leave:      key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "leave")),
		Reload:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
		Cancel:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Room:       key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "room view")),
		Mark:       key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mark discussed")),
		Expand:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "expand summary")),
		Close:      key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "close action item")),
		ScrollDown: key.NewBinding(key.WithKeys("pgdown", "]"), key.WithHelp("]/pgdn", "scroll item")),
		ScrollUp:   key.NewBinding(key.WithKeys("pgup", "["), key.WithHelp("[/pgup", "scroll back")),
		LobbyDown:  key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next meeting")),
		LobbyUp:    key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous meeting")),

		MinutesDown:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("j/↓", "line down")),
		MinutesUp:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("k/↑", "line up")),
		MinutesPageDown: key.NewBinding(key.WithKeys("pgdown", "]", "space"), key.WithHelp("pgdn", "page down")),
		MinutesPageUp:   key.NewBinding(key.WithKeys("pgup", "["), key.WithHelp("pgup", "page up")),
		MinutesTop:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "start")),
		MinutesEnd:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "end")),
		MinutesBack:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the lobby")),
	}
}
