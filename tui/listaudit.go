package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// shownIDs returns the participant ids the keys name ("P-0001",
// "overdue:P-0001", "court:P-0001:L-0002": "P-" and four or more digits),
// each once, in order.
func shownIDs(keys []string) []string {
	seen := make(map[string]bool, len(keys))
	var out []string
	for _, k := range keys {
		for i := 0; i+6 <= len(k); {
			if k[i] != 'P' || k[i+1] != '-' {
				i++
				continue
			}
			j := i + 2
			for j < len(k) && k[j] >= '0' && k[j] <= '9' {
				j++
			}
			if j-i-2 < 4 {
				i++
				continue
			}
			if id := k[i:j]; !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
			i = j
		}
	}
	return out
}

// auditListCmd records one view event for a list screen's load, naming
// every participant it shows (store.AuditList), not one event per row.
// A failure shows on the status line.
func auditListCmd(c *common.Ctx, screen string, ids []string) tea.Cmd {
	if len(ids) == 0 {
		return nil
	}
	return func() tea.Msg {
		if err := c.Store.AuditList(c.Context(), c.Actor, screen, ids); err != nil {
			return common.StatusMsg{Text: screen + ": recording the view in the audit trail failed: " + err.Error(), Err: true}
		}
		return nil
	}
}

// listAudited is what a list pane's last view event named, so a reload
// that shows nobody new (a contact logged elsewhere repaints every
// supervisor's Today) does not write another event naming the same
// participants: every participant a session was shown on a screen is in
// an event of that screen, that session and that day.
type listAudited struct {
	day time.Time
	ids map[string]bool
}

// cmd is auditListCmd for ids unless the pane's last event, today,
// already named every one of them (then nil).
func (a *listAudited) cmd(c *common.Ctx, screen string, ids []string) tea.Cmd {
	day := store.Today(c.Time())
	if a.ids != nil && a.day.Equal(day) && subsetOf(ids, a.ids) {
		return nil
	}
	if len(ids) == 0 {
		return nil
	}
	a.day, a.ids = day, make(map[string]bool, len(ids))
	for _, id := range ids {
		a.ids[id] = true
	}
	return auditListCmd(c, screen, ids)
}

// current reports whether the pane has recorded a view today.
func (a *listAudited) current(c *common.Ctx) bool {
	return a.ids != nil && a.day.Equal(store.Today(c.Time()))
}

func subsetOf(ids []string, set map[string]bool) bool {
	for _, id := range ids {
		if !set[id] {
			return false
		}
	}
	return true
}
