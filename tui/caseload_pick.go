package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/tui/common"
)

// everyoneKey is the picker row of all case managers (a key no user name
// has: names are cleaned of control characters).
const everyoneKey = "\x00everyone"

// cmPicker picks the case manager whose caseload Caseload shows: everyone,
// or one of the active case managers with their caseload against the cap.
// Typing filters by name (on a site with a hundred case managers, m used
// to step through them one per press).
type cmPicker struct {
	list   *common.List
	filter string
}

func pickerKeys() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "show")),
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move")),
		key.NewBinding(key.WithKeys("a"), key.WithHelp("type", "filter")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter / back")),
	}
}

func (c *caseload) openPicker() {
	if c.site == nil {
		return
	}
	c.pick = &cmPicker{list: common.NewList()}
	c.pick.setRows(c)
	c.pick.list.SetSize(c.width, c.pickHeight())
	if c.cm == "" {
		c.pick.list.Select(everyoneKey)
	} else {
		c.pick.list.Select(c.cm)
	}
}

// pickHeight is the picker's list rows: the pane less its title, filter
// line and blank line.
func (c *caseload) pickHeight() int { return max(c.height-3, 1) }

// setRows lists everyone, then the case managers matching the filter.
func (p *cmPicker) setRows(c *caseload) {
	f := strings.ToLower(p.filter)
	rows := []common.Row{}
	if f == "" || strings.Contains("everyone", f) {
		rows = append(rows, common.Row{Key: everyoneKey, Text: fmt.Sprintf("%-10s all case managers, %d open slots", "everyone", c.site.capacity())})
	}
	for _, u := range c.site.caseManagers() {
		if f != "" && !strings.Contains(strings.ToLower(common.Line(u.Name)), f) {
			continue
		}
		rows = append(rows, common.Row{Key: u.Name, Text: c.gauge(u)})
	}
	p.list.SetRows(rows)
}

// key handles a key in the picker: done when it closes, chosen the case
// manager picked ("" for everyone; nil when closed without a choice).
func (p *cmPicker) key(k tea.KeyPressMsg, c *caseload) (chosen *string, done bool) {
	switch k.String() {
	case "enter":
		key := p.list.SelectedKey()
		if key == "" {
			return nil, false // nothing matches: type less
		}
		if key == everyoneKey {
			key = ""
		}
		return &key, true
	case "esc":
		if p.filter == "" {
			return nil, true
		}
		p.filter = ""
	case "backspace":
		r := []rune(p.filter)
		if len(r) == 0 {
			return nil, false
		}
		p.filter = string(r[:len(r)-1])
	case "up", "down", "pgup", "pgdown", "home", "end":
		p.list.Update(k)
		return nil, false
	default:
		if k.Text == "" {
			return nil, false
		}
		p.filter += common.Line(k.Text)
	}
	p.setRows(c)
	return nil, false
}

func (p *cmPicker) view(c *caseload) string {
	st := c.ctx.St()
	title := st.Title.Render("Caseload") + st.Muted.Render(" · show whose caseload? load/cap, max the hard cap")
	filter := st.Muted.Render("  type to filter: ") + st.Accent.Render(p.filter+"_")
	empty := fmt.Sprintf("no case manager matches %q", common.Line(p.filter))
	lines := append([]string{title, filter, ""}, p.list.View(st, empty)...)
	return strings.Join(lines, "\n")
}
