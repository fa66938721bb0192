package myreferrals

import "github.com/leadtable/owg/tui/common"

// Place returns the selected referral and its line in the list, for a
// reconnect (common.Placed).
func (m *Model) Place() common.Place { return m.list.Place() }

// Restore selects p's referral once it is loaded (common.Placed).
func (m *Model) Restore(p common.Place) { m.list.Restore(p) }
