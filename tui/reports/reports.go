// Package reports is the Reports screen: the site's aggregate report
// (store/report) drawn as terminal charts (bars, sparklines, gauges) in a
// scrollable viewport, with a plain-text rendering in the monochrome and
// ASCII themes. Small-cell suppression follows the session's role, since
// report.Build applies it.
package reports

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/report"
	"github.com/leadtable/owg/tui/common"
)

// Periods returns the periods the screen switches between, in days (a
// fresh slice each call: no package-level state).
func Periods() []int { return []int{30, 90, 365} }

// DefaultPeriod is the period the screen opens on, in days.
const DefaultPeriod = 90

type keyMap struct {
	Month, Quarter, Year, Cycle, Reload, Measures key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Month:   key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "30 days")),
		Quarter: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "90 days")),
		Year:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "365 days")),
		Cycle:   key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "next period")),
		Reload:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
		// e switches to the LEAD measures (from history) and back
		Measures: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "LEAD measures")),
	}
}

// loadedMsg carries one load of the report input, tagged with the load
// that asked for it so that a stale answer is dropped.
type loadedMsg struct {
	gen int
	in  report.Input
	err error
}

// Model is the Reports screen.
type Model struct {
	ctx    *common.Ctx
	keys   keyMap
	vp     viewport.Model
	width  int
	height int

	days   int
	gen    int
	loaded bool
	// loading: a load is on its way (the first one starts when shown)
	loading bool
	in      report.Input
	rep     report.Report
	err     error
	// measures is on when the screen shows the LEAD measures (e).
	measures bool
	meas     report.Measures
}

// New returns the Reports screen for the session's actor, on the last
// DefaultPeriod days.
func New(ctx *common.Ctx) common.Component {
	m := &Model{ctx: ctx, keys: newKeyMap(), days: DefaultPeriod, width: 80, height: 20}
	m.vp = viewport.New(viewport.WithWidth(80), viewport.WithHeight(19))
	m.vp.KeyMap.Left.SetEnabled(false)
	m.vp.KeyMap.Right.SetEnabled(false)
	m.layout()
	return m
}

// Init loads nothing: the report input is read when the tab is first
// shown (common.ShownMsg), not at sign-in in every session.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the screen's size in cells.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(width, 20), max(height, 3)
	m.layout()
	m.render()
}

func (m *Model) layout() {
	m.vp.SetWidth(m.width)
	m.vp.SetHeight(m.height - 2) // title and rule
}

// loadCmd reads everything once; switching the period only rebuilds. The
// read is audited as a view of the aggregate report.
func (m *Model) loadCmd() tea.Cmd {
	m.gen++
	gen, c := m.gen, m.ctx
	return func() tea.Msg {
		ctx, now := c.Context(), c.Time()
		in, err := report.Load(ctx, c.Store, report.LastDays(DefaultPeriod, now), now, c.Protocol)
		if err == nil {
			err = c.Store.Record(ctx, store.AuditEvent{User: c.Actor.User, Role: c.Actor.Role, Action: store.AuditView,
				Subject: "report", Detail: "aggregate", Addr: c.Actor.Addr})
		}
		return loadedMsg{gen: gen, in: in, err: err}
	}
}

// Update handles loads, period keys and scrolling.
func (m *Model) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RestyleMsg:
		m.render()
		return m, nil
	case common.ShownMsg:
		if !m.loaded && !m.loading {
			m.loading = true
			return m, m.loadCmd()
		}
		return m, nil
	case loadedMsg:
		m.loading = false
		if msg.gen != m.gen {
			return m, nil
		}
		if msg.err != nil {
			m.err = msg.err
			m.render()
			return m, common.StatusCmd("reports: "+msg.err.Error(), true)
		}
		m.in, m.loaded, m.err = msg.in, true, nil
		m.rebuild()
		return m, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Month):
			return m, m.setPeriod(30)
		case key.Matches(msg, m.keys.Quarter):
			return m, m.setPeriod(90)
		case key.Matches(msg, m.keys.Year):
			return m, m.setPeriod(365)
		case key.Matches(msg, m.keys.Cycle):
			periods := Periods()
			next := periods[0]
			for i, d := range periods {
				if d == m.days {
					next = periods[(i+1)%len(periods)]
				}
			}
			return m, m.setPeriod(next)
		case key.Matches(msg, m.keys.Reload):
			return m, m.loadCmd()
		case key.Matches(msg, m.keys.Measures):
			m.measures = !m.measures
			m.rebuild()
			m.vp.GotoTop()
			return m, nil
		}
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return m, cmd
}

func (m *Model) setPeriod(days int) tea.Cmd {
	if days == m.days {
		return nil
	}
	m.days = days
	m.rebuild()
	m.vp.GotoTop()
	return nil
}

// rebuild computes the report for the chosen period from the loaded input.
func (m *Model) rebuild() {
	if !m.loaded {
		return
	}
	in := m.in
	in.Period = report.LastDays(m.days, in.AsOf)
	m.rep = report.Build(in, m.ctx.Actor)
	if m.measures {
		m.meas = report.Measure(in, m.ctx.Actor)
	}
	m.render()
}

func (m *Model) render() {
	st := m.ctx.St()
	switch {
	case m.err != nil:
		m.vp.SetContent(st.Bad.Render("Could not load the report: " + store.CleanLine(m.err.Error())))
	case !m.loaded:
		m.vp.SetContent(st.Muted.Render("Loading the report..."))
	case m.measures && st.Theme.Mono:
		m.vp.SetContent(m.meas.Text(m.width-1, st.Theme.ASCII))
	case m.measures:
		m.vp.SetContent(m.meas.Render(m.width-1, st.Theme.ASCII, report.Paint{
			Title: paint(st.Title), Muted: paint(st.Muted), Bar: paint(st.Accent),
			Good: paint(st.Good), Warn: paint(st.Warn), Bad: paint(st.Bad),
		}))
	case st.Theme.Mono:
		// plain-text fallback: no colour, block glyphs only when the theme allows
		m.vp.SetContent(m.rep.Text(m.width-1, st.Theme.ASCII))
	default:
		m.vp.SetContent(m.rep.Render(m.width-1, st.Theme.ASCII, report.Paint{
			Title: paint(st.Title), Muted: paint(st.Muted), Bar: paint(st.Accent),
			Good: paint(st.Good), Warn: paint(st.Warn), Bad: paint(st.Bad),
		}))
	}
}

// View draws the title line, a rule and the scrolled report.
func (m *Model) View() string {
	st := m.ctx.St()
	title := st.Title.Render("Reports")
	if m.measures {
		title = st.Title.Render("LEAD measures")
	}
	period := fmt.Sprintf("last %d days", m.days)
	if m.loaded {
		period += fmt.Sprintf(" (%s to %s)", store.FormatDate(report.LastDays(m.days, m.in.AsOf).From), store.FormatDate(m.in.AsOf))
	}
	pct := ""
	if m.loaded && m.vp.TotalLineCount() > m.vp.Height() {
		pct = fmt.Sprintf("  %3.0f%%", m.vp.ScrollPercent()*100)
	}
	head := title + "  " + st.Muted.Render(period+pct)
	rule := st.Rule(m.width)
	return head + "\n" + rule + "\n" + m.vp.View()
}

func paint(st lipgloss.Style) func(string) string {
	return func(s string) string { return st.Render(s) }
}

// ShortHelp is the one-line help.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Month, m.keys.Quarter, m.keys.Year, m.vp.KeyMap.Down, m.vp.KeyMap.PageDown, m.keys.Reload}
}

// FullHelp is the expanded help.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.vp.KeyMap
	return [][]key.Binding{
		{m.keys.Month, m.keys.Quarter, m.keys.Year, m.keys.Cycle},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfPageUp, k.HalfPageDown},
		{m.keys.Reload, m.keys.Measures},
	}
}

// AsOf returns the time the shown report was computed as of (zero before
// the first load).
func (m *Model) AsOf() time.Time { return m.in.AsOf }
