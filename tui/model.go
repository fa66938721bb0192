package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/cursor"
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/themes"
	"github.com/leadtable/owg/tui/common"
)

// MinWidth and MinHeight are the smallest terminal owg lays out in.
const (
	MinWidth  = 60
	MinHeight = 16
)

// Tab indexes.
const (
	TabToday = iota
	TabCaseload
	TabReferrals
	TabCases
	TabMeeting
)

var tabNames = [5]string{"Today", "Caseload", "Referrals", "Cases", "Meeting"}

// model is the root model: it routes global keys, resizes and store
// notifications, and hands everything else to the page on screen.
type model struct {
	ctx         *common.Ctx
	keys        globalKeys
	help        help.Model
	tabs        [5]common.Component
	active      int
	participant common.Component // open Participant screen, or nil
	width       int
	height      int
	status      string
	statusErr   bool
	showHelp    bool
	confirmQuit bool
}

// New returns the root model of one session.
func New(opts Options) tea.Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Theme.Name == "" && !opts.Theme.Mono {
		opts.Theme = themes.Default
	}
	ctx := &common.Ctx{
		Ctx:          context.Background(),
		Store:        opts.Store,
		Actor:        opts.Actor,
		Protocol:     opts.Protocol,
		Theme:        opts.Theme,
		IsDark:       true,
		LowBandwidth: opts.LowBandwidth,
		Remote:       opts.Remote,
		Now:          opts.Now,
	}
	ctx.Styles = common.NewStyles(ctx.Theme, ctx.IsDark)
	m := &model{ctx: ctx, keys: newGlobalKeys(), help: help.New(), width: 80, height: 24}
	m.tabs = newTabs(ctx, opts)
	m.active = TabToday
	m.restyle()
	m.layout()
	return m
}

// Init loads every tab and asks the terminal for its background colour.
func (m *model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor}
	for _, t := range m.tabs {
		cmds = append(cmds, t.Init())
	}
	return tea.Batch(cmds...)
}

// Update routes: global keys, resize, session messages, then the page.
func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if cmd, done := m.globalKey(msg); done {
			return m, cmd
		}
		return m, m.updatePage(msg)
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, m.layout()
	case tea.BackgroundColorMsg:
		m.ctx.IsDark = msg.IsDark()
		m.ctx.Styles = common.NewStyles(m.ctx.Theme, m.ctx.IsDark)
		m.restyle()
		return m, m.broadcast(msg)
	case cursor.BlinkMsg:
		return m, nil // no blinking: nothing repaints while idle
	case common.StatusMsg:
		m.status, m.statusErr = msg.Text, msg.Err
		return m, nil
	case NoticeMsg:
		m.status, m.statusErr = msg.Text, false
		return m, nil
	case common.OpenParticipantMsg:
		return m, m.openParticipant(msg.ID)
	case PresenceMsg:
		return m, m.sendTo(m.tabs[TabMeeting], msg)
	}
	// Store changes, load replies and save replies go to every pane: each
	// recognises its own (replies carry the asking pane's id).
	return m, m.broadcast(msg)
}

// globalKey handles keys that mean the same on every screen. done is false
// when the key belongs to the page.
func (m *model) globalKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if m.confirmQuit {
		m.confirmQuit = false
		if key.Matches(msg, m.keys.Confirm, m.keys.ForceQ) {
			return tea.Quit, true
		}
		m.status, m.statusErr = "", false
		return nil, true
	}
	if key.Matches(msg, m.keys.ForceQ) {
		return m.quit(), true
	}
	if m.capturing() {
		return nil, false
	}
	if m.showHelp && key.Matches(msg, m.keys.Help, m.keys.Back) {
		m.showHelp = false
		return nil, true
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.quit(), true
	case key.Matches(msg, m.keys.Help):
		m.showHelp = true
		return nil, true
	case key.Matches(msg, m.keys.Next):
		return m.switchTab((m.active + 1) % len(m.tabs)), true
	case key.Matches(msg, m.keys.Prev):
		return m.switchTab((m.active + len(m.tabs) - 1) % len(m.tabs)), true
	case key.Matches(msg, m.keys.Back) && m.participant != nil:
		m.participant = nil
		return nil, true
	}
	for i, b := range m.keys.Tabs {
		if key.Matches(msg, b) {
			return m.switchTab(i), true
		}
	}
	return nil, false
}

// page is the component on screen.
func (m *model) page() common.Component {
	if m.participant != nil {
		return m.participant
	}
	return m.tabs[m.active]
}

func (m *model) capturing() bool {
	c, ok := m.page().(common.Capturing)
	return ok && c.Capturing()
}

func (m *model) dirty() bool {
	for _, c := range append(m.tabs[:], m.participant) {
		if d, ok := c.(common.Dirty); ok && d.Dirty() {
			return true
		}
	}
	return false
}

func (m *model) quit() tea.Cmd {
	if m.dirty() {
		m.confirmQuit = true
		m.status, m.statusErr = "unsaved input: press y to quit, any other key to stay", true
		return nil
	}
	return tea.Quit
}

func (m *model) switchTab(i int) tea.Cmd {
	m.participant = nil
	m.showHelp = false
	m.active = i
	return nil
}

func (m *model) openParticipant(id string) tea.Cmd {
	p := newParticipant(m.ctx, id)
	p.SetSize(m.bodySize())
	m.participant = p
	m.showHelp = false
	return p.Init()
}

func (m *model) updatePage(msg tea.Msg) tea.Cmd {
	if m.participant != nil {
		var cmd tea.Cmd
		m.participant, cmd = m.participant.Update(msg)
		return cmd
	}
	var cmd tea.Cmd
	m.tabs[m.active], cmd = m.tabs[m.active].Update(msg)
	return cmd
}

func (m *model) sendTo(c common.Component, msg tea.Msg) tea.Cmd {
	for i := range m.tabs {
		if m.tabs[i] == c {
			var cmd tea.Cmd
			m.tabs[i], cmd = c.Update(msg)
			return cmd
		}
	}
	return nil
}

// broadcast gives msg to every mounted pane.
func (m *model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(m.tabs)+1)
	for i := range m.tabs {
		var cmd tea.Cmd
		m.tabs[i], cmd = m.tabs[i].Update(msg)
		cmds = append(cmds, cmd)
	}
	if m.participant != nil {
		var cmd tea.Cmd
		m.participant, cmd = m.participant.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// bodySize is the area a page gets: all but the tab bar, status and help lines.
func (m *model) bodySize() (int, int) { return m.width, max(m.height-3, 1) }

func (m *model) layout() tea.Cmd {
	w, h := m.bodySize()
	m.help.SetWidth(m.width)
	for _, t := range m.tabs {
		t.SetSize(w, h)
	}
	if m.participant != nil {
		m.participant.SetSize(w, h)
	}
	return m.broadcast(tea.WindowSizeMsg{Width: w, Height: h})
}

func (m *model) restyle() {
	st := m.ctx.St()
	m.help.Styles = help.Styles{
		Ellipsis: st.Muted, ShortKey: st.Accent, ShortDesc: st.Muted, ShortSeparator: st.Muted,
		FullKey: st.Accent, FullDesc: st.Base, FullSeparator: st.Muted,
	}
}

// View draws the tab bar, the page, the status line and the help line, each
// at a fixed row.
func (m *model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = "owg"
	if m.width < MinWidth || m.height < MinHeight {
		v.SetContent(fmt.Sprintf("terminal too small (need %dx%d)\nnow %dx%d", MinWidth, MinHeight, m.width, m.height))
		return v
	}
	st := m.ctx.St()
	w, h := m.bodySize()
	var body []string
	if m.showHelp {
		body = strings.Split(m.help.FullHelpView(m.fullHelp()), "\n")
	} else {
		body = strings.Split(m.page().View(), "\n")
	}
	lines := make([]string, 0, m.height)
	lines = append(lines, m.tabBar())
	lines = append(lines, common.Lines(body, w, h)...)
	status := m.status
	if m.statusErr {
		status = st.StatusErr.Render(common.Fit(common.Line(status), w))
	} else {
		status = st.StatusOK.Render(common.Fit(common.Line(status), w))
	}
	lines = append(lines, status, common.Fit(m.help.ShortHelpView(m.shortHelp()), w))
	v.SetContent(strings.Join(lines, "\n"))
	return v
}

// tabBar renders the tabs at fixed positions; the active one is bracketed
// (visible without colour) and styled.
func (m *model) tabBar() string {
	st := m.ctx.St()
	var b strings.Builder
	for i, name := range tabNames {
		label := fmt.Sprintf("%d %s", i+1, name)
		if i == m.active {
			b.WriteString("[" + st.TabActive.Render(label) + "]")
		} else {
			b.WriteString(" " + st.TabInactive.Render(label) + " ")
		}
	}
	who := common.Line(m.ctx.Actor.User) + " · " + string(m.ctx.Actor.Role)
	left := b.String()
	gap := m.width - ansi.StringWidth(left) - ansi.StringWidth(who) - 1
	if gap >= 2 {
		left += strings.Repeat(" ", gap) + st.Muted.Render(who)
	}
	return common.Fit(left, m.width)
}

func (m *model) shortHelp() []key.Binding {
	return append(m.page().ShortHelp(), m.keys.ShortHelp()...)
}

func (m *model) fullHelp() [][]key.Binding {
	return append(m.page().FullHelp(), m.keys.FullHelp()...)
}
