package common

import "github.com/leadtable/owg/store"

// Presence is one session's place in a live meeting.
type Presence struct {
	User      string
	Role      store.Role
	Agency    string // the user's agency: ROIs may name it (room view)
	MeetingID string // "" when not in a meeting
	Following bool
}

// ChangedMsg tells a session that the store changed (coalesced: only the
// newest batch matters). Panes reload what they show.
type ChangedMsg struct {
	Changes []store.Change
}

// PresenceMsg tells a session who is in which meeting.
type PresenceMsg struct {
	People []Presence
}

// NoticeMsg shows a one-line server notice on the status line (for
// example "server stopping").
type NoticeMsg struct {
	Text string
}

// RestyleMsg tells every pane that ctx.Styles changed (a new theme, the
// terminal's background, low bandwidth): panes holding pre-rendered text
// render it again.
type RestyleMsg struct{}
