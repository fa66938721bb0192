package triage

import (
	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// changesOf returns the changes of a common.ChangedMsg (tui.ChangedMsg).
func changesOf(msg any) ([]store.Change, bool) {
	m, ok := msg.(common.ChangedMsg)
	return m.Changes, ok
}
