package tui

import (
	"regexp"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/tui/common"
)

// participantIDRe finds participant ids in list row keys ("P-0001",
// "overdue:P-0001", "court:P-0001:L-0002").
var participantIDRe = regexp.MustCompile(`P-[0-9]{4,}`)

// shownIDs returns the participant ids the keys name, each once, in order.
func shownIDs(keys []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range keys {
		for _, id := range participantIDRe.FindAllString(k, -1) {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
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
