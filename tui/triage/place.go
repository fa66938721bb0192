package triage

import "github.com/leadtable/owg/tui/common"

// Place returns the selected referral and its line in the queue, for a
// reconnect (common.Placed).
func (m *Model) Place() common.Place { return m.list.Place() }

// Restore selects p's referral once the queue is loaded (common.Placed).
func (m *Model) Restore(p common.Place) { m.list.Restore(p) }
