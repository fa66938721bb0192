package tui

import "github.com/leadtable/owg/tui/common"

// The list tabs say where they stand and go back there on a reconnect
// (common.Placed, read by model.Where and given back by Options.Resume).

// Place returns the selected row of Today and its line.
func (t *today) Place() common.Place { return t.list.Place() }

// Restore selects p's row of Today once it is loaded.
func (t *today) Restore(p common.Place) { t.list.Restore(p) }

// Place returns the selected participant of Caseload and its line.
func (c *caseload) Place() common.Place { return c.list.Place() }

// Restore selects p's participant on Caseload once it is loaded.
func (c *caseload) Restore(p common.Place) { c.list.Restore(p) }

// Place returns the selected case of Cases and its line.
func (c *cases) Place() common.Place { return c.list.Place() }

// Restore selects p's case on Cases once it is loaded.
func (c *cases) Restore(p common.Place) { c.list.Restore(p) }
