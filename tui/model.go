package tui

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"charm.land/bubbles/v2/cursor"
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/snapshot"
	"github.com/leadtable/owg/themes"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/intake"
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
	TabReferrals // police: My referrals
	TabCases
	TabMeeting
	TabReports
	tabCount
)

// model is the root model: it routes global keys, resizes and store
// notifications, and hands everything else to the page on screen.
type model struct {
	ctx         *common.Ctx
	opts        Options
	keys        globalKeys
	help        help.Model
	names       [tabCount]string
	tabs        [tabCount]common.Component
	active      int
	participant common.Component // open Participant screen, or nil
	overlay     common.Component // New referral form or Settings over the tabs, or nil
	form        common.Component // the session's New referral form, kept while closed
	resumed     bool             // opened where a dropped session was (Options.Resume)
	settings    *settings
	sessions    *sessionsPane // the pm's Sessions screen
	drafts      *draftsPane   // the user's unsent drafts (U)
	draftCount  int           // drafts kept when last read: U shows in the footer
	prefs       Prefs
	prefsSet    bool // changed in this session: a late load must not undo it
	on          notices
	width       int
	height      int
	status      string
	statusErr   bool
	statusAt    int // when the status was set, in seq ticks (vs on.at)
	seq         int
	showHelp    bool
	confirmQuit bool
	announced   string // the open meeting already announced on the status line
	// ownSnapshot: the program made its own snapshot (no shared one was
	// given) and keeps it current from the changes it is told about.
	ownSnapshot bool
	// pending holds the store changes hidden tabs get when shown (deferred.go).
	pending [tabCount]pendingChanges
	// started marks the tabs whose Init has run: the one the session opens
	// on and the meeting (it follows a live meeting); the others start when
	// first shown, so signing in reads only what the first screen shows.
	started [tabCount]bool
	// frame keeps the tab bar and help line of the last frame (viewcache.go)
	frame frameMemo
}

// New returns the root model of one session.
func New(opts Options) tea.Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	if opts.Theme.Name == "" && !opts.Theme.Mono {
		opts.Theme = themes.Default
	}
	ctx := &common.Ctx{
		Ctx:          opts.Context,
		Store:        opts.Store,
		Actor:        opts.Actor,
		Protocol:     opts.Protocol,
		Theme:        opts.Theme,
		IsDark:       true,
		LowBandwidth: opts.LowBandwidth,
		Remote:       opts.Remote,
		Now:          opts.Now,
		DisplayName:  opts.DisplayName,
		LastBackup:   opts.LastBackup,
		Sessions:     opts.Sessions,
		Snapshot:     opts.Snapshot,
		SiteMemo:     &common.Memo{},
		FrameBarrier: opts.FrameBarrier,
		Audience:     opts.Audience,
	}
	ownSnapshot := false
	if ctx.Snapshot == nil {
		if r, ok := opts.Store.(snapshot.Reader); ok {
			ctx.Snapshot, ownSnapshot = snapshot.New(r), true
		}
	}
	if on := opts.OnPresence; on != nil {
		actor := opts.Actor
		ctx.OnPresence = func(meetingID string, following bool) {
			on(Presence{User: actor.User, Role: actor.Role, Agency: actor.Agency, MeetingID: meetingID, Following: following})
		}
	}
	m := &model{ctx: ctx, opts: opts, ownSnapshot: ownSnapshot, help: help.New(), width: 80, height: 24,
		prefs: Prefs{Theme: opts.Theme.Name, LowBandwidth: opts.LowBandwidth}}
	if ownSnapshot {
		// The program's own snapshot hears of every committed write at
		// once, on the writer's goroutine (Observe never reads), so a read
		// just after the session's own write is never older than it; the
		// ChangedMsgs the program receives are observed too (a batch with
		// no changes invalidates it). It stops listening once the model is
		// gone.
		unsub := opts.Store.Subscribe(ctx.Snapshot.Observe)
		runtime.AddCleanup(m, func(unsub func()) { unsub() }, unsub)
	}
	m.applyStyles()
	m.names = tabNamesFor(opts.Actor.Role)
	m.keys = newGlobalKeys(m.names)
	m.keys.Ack.SetEnabled(false)
	m.keys.Sessions.SetEnabled(opts.Sessions != nil && opts.Actor.Role == store.RolePM)
	m.sessions = newSessionsPane(ctx)
	m.drafts = newDraftsPane(ctx)
	m.tabs = newTabs(ctx)
	m.form = intake.New(ctx)
	m.settings = newSettings(ctx, func() Prefs { return m.prefs }, m.setPrefs)
	m.active = TabToday
	resumed := m.resume(opts.Resume)
	m.restore(opts.Resume)
	if opts.OnTab != nil {
		opts.OnTab(m.names[m.active])
	}
	if opensOnForm(opts.Actor.Role) && !resumed {
		m.overlay = m.form
	}
	m.layout()
	return m
}

// Init loads every tab, the on-call notices and the user's preferences,
// and asks the terminal for its background colour.
func (m *model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.form.Init(), m.loadNoticesCmd(), loadPrefsCmd(m.ctx), loadOpenMeetingCmd(m.ctx), intake.LoadDraftCmd(m.ctx)}
	if !m.opts.BackgroundAsked {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	if m.resumed {
		m.setStatus("reconnected", false)
	}
	cmds = append(cmds, m.initTabs()...)
	if m.participant != nil {
		cmds = append(cmds, m.participant.Init()) // reopened by a reconnect (resume.go)
	}
	return tea.Batch(cmds...)
}

// Update routes: global keys, resize, session messages, then the page.
func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := m.draftMsg(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if cmd, done := m.globalKey(msg); done {
			return m, cmd
		}
		return m, m.updatePage(msg)
	case tea.PasteMsg:
		return m, m.updatePage(msg) // pasted text belongs to the page on screen only
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, m.layout()
	case tea.BackgroundColorMsg:
		m.ctx.IsDark = msg.IsDark()
		m.applyStyles()
		return m, m.broadcast(common.RestyleMsg{})
	case cursor.BlinkMsg:
		return m, nil // no blinking: nothing repaints while idle
	case common.StatusMsg:
		m.setStatus(msg.Text, msg.Err)
		return m, nil
	case NoticeMsg:
		m.setStatus(msg.Text, false)
		return m, nil
	case common.OpenParticipantMsg:
		return m, m.openParticipant(msg.ID)
	case PresenceMsg:
		return m, m.sendTo(TabMeeting, msg)
	case ChangedMsg:
		if m.ownSnapshot {
			observeChanges(m.ctx.Snapshot, msg.Changes)
		}
		cmd := m.deliverChanged(msg)
		if touchesNotices(msg.Changes) {
			cmd = tea.Batch(cmd, m.loadNoticesCmd())
		}
		if touchesMeetings(msg.Changes) {
			cmd = tea.Batch(cmd, loadOpenMeetingCmd(m.ctx))
		}
		return m, cmd
	case meetingOpenMsg:
		m.onMeetingOpen(msg)
		return m, nil
	case noticesMsg:
		return m, m.onNotices(msg)
	case noticeTickMsg:
		m.on.ticking = false
		m.on.remind = true
		return m, m.loadNoticesCmd()
	case intake.DraftMsg:
		return m, m.onDraft(msg)
	case intake.AcknowledgedMsg:
		text, isErr := msg.StatusLine()
		m.setStatus(text, isErr)
		return m, m.loadNoticesCmd()
	case prefsLoadedMsg:
		if msg.err == nil && !m.prefsSet {
			m.prefs = msg.prefs
			if m.prefs.Theme == "" {
				m.prefs.Theme = themes.Default.Name
			}
		}
		return m, nil
	case prefsSavedMsg:
		if msg.err != nil {
			m.setStatus("settings not saved: "+msg.err.Error(), true)
		} else {
			m.setStatus(prefsText(msg.prefs)+": saved, used on every login", false)
		}
		return m, nil
	}
	// Store changes, load replies and save replies go to every pane: each
	// recognises its own (replies carry the asking pane's id).
	return m, m.broadcast(msg)
}

func (m *model) setStatus(text string, isErr bool) {
	m.seq++
	m.status, m.statusErr, m.statusAt = text, isErr, m.seq
}

// globalKey handles keys that mean the same on every screen. done is false
// when the key belongs to the page.
func (m *model) globalKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if m.confirmQuit {
		m.confirmQuit = false
		if key.Matches(msg, m.keys.Confirm, m.keys.ForceQ) {
			return tea.Quit, true
		}
		m.setStatus("", false)
		return nil, true
	}
	if key.Matches(msg, m.keys.ForceQ) {
		return m.quit(), true
	}
	// esc on the New referral form with nothing typed goes back; with
	// input, the form asks before discarding it.
	if m.overlay != nil && m.overlay == m.form && key.Matches(msg, m.keys.Back) && !isDirty(m.form) {
		m.overlay = nil
		return nil, true
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
		return m.switchTab((m.active + 1) % tabCount), true
	case key.Matches(msg, m.keys.Prev):
		return m.switchTab((m.active + tabCount - 1) % tabCount), true
	case key.Matches(msg, m.keys.NewReferral):
		return m.openOverlay(m.form), true
	case key.Matches(msg, m.keys.Settings):
		return m.openOverlay(m.settings), true
	case key.Matches(msg, m.keys.Sessions):
		return m.openOverlay(m.sessions), true
	case key.Matches(msg, m.keys.Drafts):
		return tea.Batch(m.openOverlay(m.drafts), m.drafts.Init()), true
	case key.Matches(msg, m.keys.Ack):
		if len(m.on.list) > 0 {
			return intake.AcknowledgeCmd(m.ctx, m.on.list[0].ID), true
		}
		return nil, true
	case key.Matches(msg, m.keys.Back) && m.overlay != nil:
		m.overlay = nil
		return nil, true
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
	switch {
	case m.overlay != nil:
		return m.overlay
	case m.participant != nil:
		return m.participant
	}
	return m.tabs[m.active]
}

// Settled reports whether the screen shows what it is for: not a
// "loading…" placeholder, nor a screen still waiting for the on-call
// notices (sshserve holds a session's first frame until it does, so the
// placeholder does not cost a second full frame on the link).
func (m *model) Settled() bool {
	if !m.on.answered {
		// the notices and handoffs come in their own load: a frame drawn
		// before them is followed by another that inserts their section
		return false
	}
	if l, ok := m.page().(interface{ Loading() bool }); ok {
		return !l.Loading()
	}
	return true
}

func (m *model) capturing() bool {
	c, ok := m.page().(common.Capturing)
	return ok && c.Capturing()
}

func isDirty(c common.Component) bool {
	d, ok := c.(common.Dirty)
	return ok && d.Dirty()
}

func (m *model) dirty() bool {
	for _, c := range append(m.tabs[:], m.participant, m.form) {
		if isDirty(c) {
			return true
		}
	}
	return false
}

func (m *model) quit() tea.Cmd {
	if m.dirty() {
		m.confirmQuit = true
		m.setStatus("unsaved input: press y to quit, any other key to stay", true)
		return nil
	}
	return tea.Quit
}

func (m *model) switchTab(i int) tea.Cmd {
	if i != m.active && m.opts.OnTab != nil {
		m.opts.OnTab(m.names[i])
	}
	m.participant, m.overlay = nil, nil
	m.showHelp = false
	if m.active != i && m.status != "" {
		m.setStatus("", false) // a message belongs to the screen it came from
	}
	m.active = i
	if !m.started[i] {
		// first shown: its first load covers the changes it missed
		m.started[i], m.pending[i] = true, pendingChanges{}
		return tea.Batch(m.tabs[i].Init(), m.sendTo(i, common.ShownMsg{}))
	}
	return tea.Batch(m.flushPending(i), m.sendTo(i, common.ShownMsg{}))
}

func (m *model) openOverlay(c common.Component) tea.Cmd {
	c.SetSize(m.bodySize())
	m.overlay = c
	m.showHelp = false
	return nil
}

func (m *model) openParticipant(id string) tea.Cmd {
	p := newParticipant(m.ctx, id)
	p.SetSize(m.bodySize())
	m.participant, m.overlay = p, nil
	m.showHelp = false
	return p.Init()
}

func (m *model) updatePage(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case m.overlay != nil:
		m.overlay, cmd = m.overlay.Update(msg)
	case m.participant != nil:
		m.participant, cmd = m.participant.Update(msg)
	default:
		m.tabs[m.active], cmd = m.tabs[m.active].Update(msg)
	}
	return cmd
}

func (m *model) sendTo(i int, msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.tabs[i], cmd = m.tabs[i].Update(msg)
	return cmd
}

// broadcast gives msg to every mounted pane.
func (m *model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(m.tabs)+2)
	for i := range m.tabs {
		var cmd tea.Cmd
		m.tabs[i], cmd = m.tabs[i].Update(msg)
		cmds = append(cmds, cmd)
	}
	var cmd tea.Cmd
	m.form, cmd = m.form.Update(msg)
	cmds = append(cmds, cmd)
	if m.participant != nil {
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
	m.form.SetSize(w, h)
	m.settings.SetSize(w, h)
	m.sessions.SetSize(w, h)
	m.drafts.SetSize(w, h)
	if m.participant != nil {
		m.participant.SetSize(w, h)
	}
	return m.broadcast(tea.WindowSizeMsg{Width: w, Height: h})
}

// applyStyles rebuilds the session's styles from its theme, background
// and low-bandwidth mode.
func (m *model) applyStyles() {
	st := common.NewStyles(m.ctx.Theme, m.ctx.IsDark)
	st.Bare = m.ctx.LowBandwidth
	m.ctx.Styles = st
	m.help.Styles = help.Styles{
		Ellipsis: st.Muted, ShortKey: st.Accent, ShortDesc: st.Muted, ShortSeparator: st.Muted,
		FullKey: st.Accent, FullDesc: st.Base, FullSeparator: st.Muted,
	}
	m.help.Ellipsis = st.Ellipsis
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
	var page string
	if m.showHelp {
		page = m.fullHelpView(m.fullHelp())
	} else {
		page = m.page().View()
	}
	lines := make([]string, 0, m.height)
	lines = append(lines, m.tabBar())
	lines = append(lines, m.frame.bodyLines(page, w, h)...)
	lines = append(lines, m.statusLine(w), m.helpLine(w))
	v.SetContent(st.Plain(strings.Join(lines, "\n")))
	return v
}

// inRoomView reports whether the meeting tab is shown in room view.
func (m *model) inRoomView() bool {
	if m.active != TabMeeting {
		return false
	}
	r, ok := m.tabs[TabMeeting].(interface{ InRoomView() bool })
	return ok && r.InRoomView()
}

// statusLine is the newest of the status message and the on-call notice.
func (m *model) statusLine(w int) string {
	st := m.ctx.St()
	f := &m.frame
	if len(m.on.list) > 0 && m.on.at > m.statusAt && m.inRoomView() {
		// on the projector: a referral's kind and agency are not every
		// attendee's (prosecutors, defenders and providers see no referrals)
		s := "! 1 field referral waits for a handoff"
		if n := len(m.on.list); n > 1 {
			s = fmt.Sprintf("! %d field referrals wait for a handoff", n)
		}
		return f.warn.Render(st, st.Warn, common.Fit(s+st.Sep()+"A: take handoff", w))
	}
	if len(m.on.list) > 0 && m.on.at > m.statusAt {
		n := m.on.list[0]
		k := noticeKey{id: n.ID, kind: n.Kind, agency: n.Agency, ago: intake.Ago(n.Received, m.ctx.Time()), more: len(m.on.list) - 1, w: w, st: st}
		if !f.noticeOK || f.noticeKey != k {
			f.notice, f.noticeKey, f.noticeOK = f.warn.Render(st, st.Warn, common.Fit(m.noticeLine(), w)), k, true
		}
		return f.notice
	}
	if m.statusErr {
		return f.statusErr.Render(st, st.StatusErr, common.Fit(common.Line(m.status), w))
	}
	return f.statusOK.Render(st, st.StatusOK, common.Fit(common.Line(m.status), w))
}

// tabBar renders the tabs at fixed positions; the active one is bracketed
// (visible without colour) and styled. Over an overlay no tab is active.
func (m *model) tabBar() string {
	return m.frame.tabBar(tabKey{active: m.active, overlay: m.overlay != nil, width: m.width, st: m.ctx.St()}, m.renderTabBar)
}

func (m *model) renderTabBar() string {
	st := m.ctx.St()
	var b strings.Builder
	for i, name := range m.names {
		label := fmt.Sprintf("%d %s", i+1, name)
		if i == m.active && m.overlay == nil {
			b.WriteString("[" + st.TabActive.Render(label) + "]")
		} else {
			b.WriteString(" " + st.TabInactive.Render(label) + " ")
		}
	}
	name := common.Line(m.ctx.Actor.User)
	if d := common.Line(m.ctx.DisplayName); d != "" {
		name = d + " (" + name + ")"
	}
	who := name + st.Sep() + string(m.ctx.Actor.Role)
	left := b.String()
	gap := m.width - ansi.StringWidth(left) - ansi.StringWidth(who) - 1
	if gap < 1 { // no room for the role: the name alone
		who = name
		gap = m.width - ansi.StringWidth(left) - ansi.StringWidth(who) - 1
	}
	if gap < 1 { // nor for the display name: the sign-in name alone
		who = common.Line(m.ctx.Actor.User)
		gap = m.width - ansi.StringWidth(left) - ansi.StringWidth(who) - 1
	}
	if gap >= 1 {
		left += strings.Repeat(" ", gap) + st.Muted.Render(who)
	}
	return common.Fit(left, m.width)
}

// helpLine is the page's short help, cut to the room left, then the
// global keys, which always show; in low bandwidth, the page's first two
// keys and ? only.
func (m *model) helpLine(w int) string {
	page := m.page().ShortHelp()
	global := m.keys.ShortHelp()
	if m.draftCount > 0 && m.overlay != m.drafts {
		global = append([]key.Binding{m.keys.Drafts}, global...) // drafts are kept: say where
	}
	switch {
	case m.ctx.LowBandwidth:
		page, global = page[:min(len(page), 2)], []key.Binding{m.keys.Help}
	case m.capturing():
		// a form or filter takes the keys: ?, q and N would be typed, so
		// only the keys that still work are offered
		global = []key.Binding{m.keys.ForceQ}
	case m.overlay != nil && m.overlay == m.form:
		global = []key.Binding{m.keys.Help, m.keys.Quit} // N is the form itself
	}
	return m.frame.helpLine(helpKeyOf(page, global, w), m.ctx.St(), func() string { return m.renderHelpLine(page, global, w) })
}

func (m *model) renderHelpLine(page, global []key.Binding, w int) string {
	right := m.helpItems(global, w)
	sep := m.help.Styles.ShortSeparator.Render(m.help.ShortSeparator)
	left := m.helpItems(page, w-ansi.StringWidth(right)-ansi.StringWidth(sep))
	if left == "" {
		return common.Fit(right, w)
	}
	return common.Fit(left+sep+right, w)
}

// helpItems renders the enabled bindings that fit in width cells whole,
// with an ellipsis when some were left out (dropping one more item when
// that is what makes room for it).
func (m *model) helpItems(bs []key.Binding, width int) string {
	st := m.help.Styles
	sep := st.ShortSeparator.Render(m.help.ShortSeparator)
	var items []string
	for _, kb := range bs {
		if !kb.Enabled() {
			continue
		}
		item := st.ShortKey.Render(kb.Help().Key) + " " + st.ShortDesc.Render(kb.Help().Desc)
		if len(items) > 0 {
			item = sep + item
		}
		items = append(items, item)
	}
	total := 0
	for _, it := range items {
		total += ansi.StringWidth(it)
	}
	if total <= width {
		return strings.Join(items, "")
	}
	tail := " " + st.Ellipsis.Render(m.help.Ellipsis)
	for n := len(items) - 1; n > 0; n-- {
		total -= ansi.StringWidth(items[n])
		if total+ansi.StringWidth(tail) <= width {
			return strings.Join(items[:n], "") + tail
		}
	}
	return ""
}

// fullHelpView lays the full help's columns out in bands that fit the
// width: a column that does not fit on the row starts a new band below,
// so no key is cut off on a narrow terminal.
func (m *model) fullHelpView(groups [][]key.Binding) string {
	sep := m.help.Styles.FullSeparator.Inline(true).Render(m.help.FullSeparator)
	sepW := lipgloss.Width(sep)
	var bands, row []string
	used := 0
	for _, g := range groups {
		col := m.help.FullHelpView([][]key.Binding{g})
		if col == "" {
			continue
		}
		w := lipgloss.Width(col)
		if used > 0 && used+sepW+w > m.width {
			bands = append(bands, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, used = nil, 0
		}
		if used > 0 {
			row, used = append(row, sep), used+sepW
		}
		row, used = append(row, col), used+w
	}
	if len(row) > 0 {
		bands = append(bands, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	}
	return strings.Join(bands, "\n\n")
}

func (m *model) fullHelp() [][]key.Binding {
	return append(m.page().FullHelp(), m.keys.FullHelp()...)
}
