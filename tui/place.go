package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/tui/common"
)

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

// Place returns the selected case of Cases, its line and whether its
// detail is open.
func (c *cases) Place() common.Place {
	p := c.list.Place()
	p.Detail = p.Key != "" && (c.detail || c.wantDetail != "")
	return p
}

// Restore selects p's case on Cases once it is loaded, and opens its
// detail again when it was open (openWantedDetail).
func (c *cases) Restore(p common.Place) {
	c.list.Restore(p)
	c.wantDetail = ""
	if p.Detail && p.Key != "" {
		c.wantDetail = p.Key
	}
}

// openWantedDetail opens the detail a Restore asked for once its case is
// the one selected (the rows have loaded), auditing the view as a key
// press would; a case no longer shown drops the wish.
func (c *cases) openWantedDetail() tea.Cmd {
	if c.wantDetail == "" || c.site == nil {
		return nil
	}
	want := c.wantDetail
	if c.list.SelectedKey() != want {
		if c.list.Place().Key != want { // the user moved, or the case is gone for good
			c.wantDetail = ""
		}
		return nil
	}
	c.wantDetail = ""
	lc := c.selected()
	if lc == nil {
		return nil
	}
	c.detail = true
	return c.auditDetailCmd(*lc)
}
