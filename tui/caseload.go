package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// caseloadLoadedMsg carries a caseload read.
type caseloadLoadedMsg struct {
	site *site
	err  error
}

// caseload lists participants by urgency, for everyone or one case manager.
type caseload struct {
	audited listAudited // what the last view event named
	ctx     *common.Ctx
	list    *common.List
	site    *site
	cm      string // "" = all case managers
	cycle   key.Binding
	width   int
	height  int
	err     error
	// pick is the case-manager picker m opens (nil when closed)
	pick *cmPicker
}

func newCaseload(ctx *common.Ctx) *caseload {
	c := &caseload{ctx: ctx, list: common.NewList(),
		cycle: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "case manager"))}
	if ctx.Actor.Role == store.RoleCaseManager {
		c.cm = ctx.Actor.User
	}
	return c
}

func (c *caseload) Init() tea.Cmd { return c.loadCmd() }

func (c *caseload) loadCmd() tea.Cmd {
	ctx := c.ctx
	return func() tea.Msg {
		s, err := loadSite(ctx)
		return caseloadLoadedMsg{site: s, err: err}
	}
}

// Capturing reports whether the filter or the picker is taking text.
func (c *caseload) Capturing() bool { return c.list.Filtering() || c.pick != nil }

func (c *caseload) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	switch msg := msg.(type) {
	case caseloadLoadedMsg:
		if msg.err != nil {
			c.err = msg.err
			return c, common.StatusCmd("caseload: "+msg.err.Error(), true)
		}
		if stale(c.site, msg.site) {
			return c, nil
		}
		c.site, c.err = msg.site, nil
		c.rebuild()
		if c.pick != nil {
			c.pick.setRows(c) // loads and caps change while it is open
		}
		return c, c.audited.cmd(c.ctx, "caseload", shownIDs(c.list.RowKeys()))
	case ChangedMsg:
		if !touchesSite(msg.Changes, false) {
			return c, nil
		}
		return c, c.loadCmd()
	case common.RestyleMsg:
		c.rebuild()
	case tea.KeyPressMsg:
		if c.pick != nil {
			chosen, done := c.pick.key(msg, c)
			if !done {
				return c, nil
			}
			c.pick = nil
			if chosen == nil {
				return c, nil
			}
			c.cm = *chosen
			c.rebuild()
			return c, c.audited.cmd(c.ctx, "caseload", shownIDs(c.list.RowKeys()))
		}
		if !c.list.Filtering() && key.Matches(msg, c.cycle) {
			c.openPicker()
			return c, nil
		}
		handled, open := c.list.Update(msg)
		if open {
			id := c.list.SelectedKey()
			return c, func() tea.Msg { return common.OpenParticipantMsg{ID: id} }
		}
		_ = handled
	}
	return c, nil
}

// columns returns the name and reason column widths for the current width.
func (c *caseload) columns() (nameW int) {
	return min(max(c.width-56, 14), 36)
}

func (c *caseload) rebuild() {
	if c.site == nil {
		return
	}
	ps := make([]pinfo, 0, len(c.site.parts))
	for _, p := range c.site.parts {
		if c.cm == "" || p.P.CaseManager == c.cm {
			ps = append(ps, *p)
		}
	}
	sortByUrgency(ps)
	nameW := c.columns()
	st := c.ctx.St()
	rows := make([]common.Row, 0, len(ps))
	for _, p := range ps {
		if p.Access == store.Redacted {
			continue
		}
		var b strings.Builder
		if p.Shown() {
			b.WriteString(common.Pad(p.P.ID, 7) + " ")
		} else {
			b.WriteString(strings.Repeat(" ", 8))
		}
		b.WriteString(common.Pad(p.Label, nameW) + " ")
		b.WriteString(common.Pad(statusText(p.P.Status), 16) + " ")
		if p.Shown() {
			b.WriteString(common.PadLeft(daysAgo(c.site.today, p.P.LastContact), 5) + "  ")
			why := p.Urg.why
			if p.Urg.n > 1 {
				why += fmt.Sprintf(" +%d", p.Urg.n-1)
			}
			if p.Urg.rank <= 2 {
				why = st.Warn.Render(why)
			}
			b.WriteString(why)
		}
		filter := p.Label + " " + string(p.P.Status)
		if p.Shown() {
			filter = p.P.ID + " " + filter // the id is never matched for a viewer who may not see it
		}
		rows = append(rows, common.Row{Key: p.P.ID, Text: b.String(), Filter: filter})
	}
	c.list.SetRows(rows)
	c.resizeList()
	if c.pick != nil {
		c.pick.list.SetSize(c.width, c.pickHeight())
	}
}

// redacted counts the participants in scope the viewer may not see.
func (c *caseload) redacted() int {
	n := 0
	for _, p := range c.site.parts {
		if (c.cm == "" || p.P.CaseManager == c.cm) && p.Access == store.Redacted {
			n++
		}
	}
	return n
}

func statusText(s store.ParticipantStatus) string {
	return strings.ReplaceAll(string(s), "_", " ")
}

func (c *caseload) SetSize(w, h int) {
	c.width, c.height = w, h
	c.rebuild()
	c.resizeList()
}

// gaugeLines renders the caseload-cap gauges, several per line.
func (c *caseload) gaugeLines() []string {
	if c.site == nil {
		return nil
	}
	var cells []string
	for _, u := range c.site.caseManagers() {
		if c.cm != "" && u.Name != c.cm {
			continue
		}
		cells = append(cells, c.gauge(u))
	}
	per := max(1, (c.width-2)/40)
	room := c.gaugeRows()
	var out []string
	for i := 0; i < len(cells); i += per {
		if len(out) == room {
			out[room-1] += fmt.Sprintf("  +%d more (m)", len(cells)-i)
			break
		}
		out = append(out, "  "+strings.Join(cells[i:min(i+per, len(cells))], "  "))
	}
	return out
}

// gaugeRows is the most lines the gauges take, so the participants stay
// in view on a site with many case managers: a quarter of the rows, at
// least 3; 2 below 30 rows, as before.
func (c *caseload) gaugeRows() int {
	if c.height < 30 {
		return 2
	}
	return max(3, c.height/4)
}

// gauge draws one case manager's load against the soft and hard caps in a
// fixed 38 cells.
func (c *caseload) gauge(u store.User) string {
	st := c.ctx.St()
	load, soft, hard := c.site.load(u.Name), c.site.softCap(u), max(c.site.proto.HardCap, c.site.softCap(u))
	const barW = 12
	full, empty, mark := st.BarFull, st.BarEmpty, st.VLine
	filled := min(barW, (load*barW+hard-1)/max(hard, 1))
	softPos := min(barW-1, soft*barW/max(hard, 1))
	var bar strings.Builder
	for i := range barW {
		switch {
		case i < filled:
			bar.WriteString(full)
		case i == softPos:
			bar.WriteString(mark)
		default:
			bar.WriteString(empty)
		}
	}
	style := st.Good
	switch {
	case load >= hard:
		style = st.Bad
	case load >= soft:
		style = st.Warn
	}
	text := common.Pad(fmt.Sprintf("%d/%d max %d", load, soft, hard), 14)
	return common.Pad(common.Line(u.Name), 10) + " " + style.Render(bar.String()) + " " + text
}

func (c *caseload) header() []string {
	st := c.ctx.St()
	scope := "all case managers"
	if c.cm != "" {
		scope = "case manager " + common.Line(c.cm)
	}
	n := 0
	if c.site != nil {
		n = c.list.Len()
	}
	title := st.Title.Render("Caseload") + st.Muted.Render(fmt.Sprintf(" · %s · %d shown", scope, n))
	if f := c.list.FilterLine(st); f != "" {
		title += "  " + f
	}
	lines := []string{title}
	lines = append(lines, c.gaugeLines()...)
	cols := "  " + common.Pad("ID", 8) + common.Pad("NAME", c.columns()+1) + common.Pad("STATUS", 17) + common.PadLeft("LAST", 5) + "  URGENT"
	lines = append(lines, st.Muted.Render(cols))
	return lines
}

func (c *caseload) resizeList() {
	c.list.SetSize(c.width, max(c.height-len(c.header())-1, 1))
}

func (c *caseload) View() string {
	st := c.ctx.St()
	if c.site == nil {
		msg := "loading…"
		if c.err != nil {
			msg = "could not load: " + c.err.Error()
		}
		return st.Title.Render("Caseload") + "\n\n  " + st.Muted.Render(msg)
	}
	if c.pick != nil {
		return c.pick.view(c)
	}
	lines := c.header()
	empty := "no participants"
	if f := c.list.FilterText(); f != "" {
		empty = fmt.Sprintf("no participant matches %q", common.Line(f))
	}
	lines = append(lines, c.list.View(st, empty)...)
	foot := ""
	if n := c.redacted(); n > 0 {
		foot = st.Muted.Render(fmt.Sprintf("  %d more: %s", n, store.NotShared))
	}
	lines = append(lines, foot)
	return strings.Join(lines, "\n")
}

func (c *caseload) ShortHelp() []key.Binding {
	if c.pick != nil {
		return pickerKeys()
	}
	l := c.list.Keys
	return []key.Binding{l.Open, c.cycle, l.Filter, l.Up, l.Down}
}

func (c *caseload) FullHelp() [][]key.Binding {
	return [][]key.Binding{c.list.FullHelp(), {c.cycle}}
}

// Loading reports whether Caseload still shows its placeholder.
func (c *caseload) Loading() bool { return c.site == nil && c.err == nil }
