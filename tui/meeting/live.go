package meeting

import (
	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// person is one session in a live meeting.
type person = common.Presence

// changesOf returns the changes of a common.ChangedMsg (tui.ChangedMsg).
func changesOf(msg any) ([]store.Change, bool) {
	m, ok := msg.(common.ChangedMsg)
	return m.Changes, ok
}

// presenceOf returns the people of a common.PresenceMsg (tui.PresenceMsg).
func presenceOf(msg any) ([]person, bool) {
	m, ok := msg.(common.PresenceMsg)
	return m.People, ok
}
