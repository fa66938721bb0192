package meeting

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/export"
	"github.com/leadtable/owg/tui/common"
)

// The minutes of a past meeting, read in the lobby (enter on it): the
// text `owg export minutes --meeting ID --format text` writes for this
// viewer, made and audited by the same function (export.MinutesExport:
// store.MinutesFor with the viewer's audience and ROI coverage), shown
// read-only in a scrolling pane. The local TUI holds the store, so the
// command cannot run beside it: this is how the operator reads them.

// minutesPane is one meeting's minutes on screen.
type minutesPane struct {
	id     string
	room   bool // as every attendee may see them (room view was on)
	loaded bool
	err    error
	text   []string // cleaned lines, the re-disclosure notice last
	// lines is text wrapped to width
	width int
	lines []string
	off   int // first line shown
}

// minutesMsg carries a meeting's minutes as this viewer may read them.
type minutesMsg struct {
	gen  int
	id   string
	text string
	err  error
}

// minutesCmd reads meeting id's minutes for the session's viewer exactly
// as `owg export minutes --format text` does (with room, as `--room`:
// what the viewer, the facilitator and every attendee may all see), audit
// included.
func minutesCmd(c *common.Ctx, gen int, id string, room bool) tea.Cmd {
	return func() tea.Msg {
		text, err := export.MinutesExport(c.Context(), c.Store, c.Actor, id, c.Time(),
			export.MinutesOptions{Format: store.MinutesText, Room: room, Sensitive: c.Protocol.SensitiveGoalDomains})
		return minutesMsg{gen: gen, id: id, text: text, err: err}
	}
}

// minutesLines cleans the export's text for the terminal, line by line
// (control and escape sequences removed), and moves the re-disclosure
// notice the export starts with to the end, under a first line that says
// it applies: the minutes themselves are on the first screen.
func minutesLines(text string) []string {
	body, notice := text, ""
	if strings.HasPrefix(text, "> ") {
		if n, b, ok := strings.Cut(text, "\n\n---\n\n"); ok {
			body, notice = b, n
		}
	}
	var out []string
	if notice != "" {
		out = append(out, "Protected by 42 CFR part 2: no re-disclosure (the notice is at the end: G).", "")
	}
	for _, l := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
		out = append(out, common.Line(l))
	}
	if notice != "" {
		out = append(out, "", "---", "")
		for _, l := range strings.Split(notice, "\n") {
			out = append(out, common.Line(l))
		}
	}
	return out
}

// openMinutes shows meeting id's minutes, reading them. A facilitator
// who left room view on (the screen on a projector) gets the room's
// minutes, never their own view.
func (m *Model) openMinutes(id string) tea.Cmd {
	m.minutes = &minutesPane{id: id, room: m.room}
	m.minutesGen++
	return minutesCmd(m.ctx, m.minutesGen, id, m.room)
}

func (m *Model) onMinutes(msg minutesMsg) {
	p := m.minutes
	if p == nil || msg.gen != m.minutesGen || msg.id != p.id {
		return // closed, or another asked for since
	}
	p.loaded, p.err = true, msg.err
	if msg.err != nil {
		if store.IsNotFound(msg.err) {
			p.err = fmt.Errorf("no meeting %s", msg.id)
		}
		return
	}
	p.text, p.width, p.lines = minutesLines(msg.text), 0, nil
}

// minutesRows is the rows the minutes' text takes: all but the title and
// the status line.
func (m *Model) minutesRows() int { return max(m.height-2, 1) }

// wrapped returns the minutes wrapped to the width (kept per width).
func (p *minutesPane) wrapped(width int) []string {
	if p.lines == nil || p.width != width {
		p.width, p.lines = width, wrapLines(p.text, width, "")
	}
	return p.lines
}

// minutesOff is the first line shown: off, kept within the text.
func (m *Model) minutesOff() int {
	p := m.minutes
	return min(max(p.off, 0), max(len(p.wrapped(m.width))-m.minutesRows(), 0))
}

// minutesKey scrolls the minutes (j/k a line, pgdn/pgup a page, g/G the
// start and the end) and closes them (esc).
func (m *Model) minutesKey(k tea.KeyPressMsg) tea.Cmd {
	p := m.minutes
	page := max(m.minutesRows()-1, 1)
	p.off = m.minutesOff()
	switch {
	case key.Matches(k, m.keys.MinutesBack):
		m.minutes = nil
		return nil
	case key.Matches(k, m.keys.MinutesDown):
		p.off++
	case key.Matches(k, m.keys.MinutesUp):
		p.off--
	case key.Matches(k, m.keys.MinutesPageDown):
		p.off += page
	case key.Matches(k, m.keys.MinutesPageUp):
		p.off -= page
	case key.Matches(k, m.keys.MinutesTop):
		p.off = 0
	case key.Matches(k, m.keys.MinutesEnd):
		p.off = len(p.wrapped(m.width))
	case key.Matches(k, m.keys.Reload):
		return m.openMinutes(p.id)
	}
	p.off = m.minutesOff()
	return nil
}

// minutesView is the minutes pane: a title with where the view is, the
// text, the status line.
func (m *Model) minutesView() []string {
	st := m.ctx.St()
	p := m.minutes
	title := st.Title.Render("Minutes " + common.Line(p.id))
	if p.room {
		title += st.Accent.Render(" (room view)") // as every attendee sees them
	}
	switch {
	case !p.loaded:
		return m.withStatus([]string{title, "", st.Muted.Render("  loading...")})
	case p.err != nil:
		return m.withStatus([]string{title, "", st.StatusErr.Render("  could not read the minutes: " + common.Line(p.err.Error())),
			"", st.Muted.Render("  esc back")})
	}
	lines := p.wrapped(m.width)
	rows := m.minutesRows()
	off := m.minutesOff()
	end := min(off+rows, len(lines))
	where := fmt.Sprintf("  read-only · lines %d-%d of %d · esc back", off+1, end, len(lines))
	out := []string{title + st.Muted.Render(where)}
	out = append(out, lines[off:end]...)
	return m.withStatus(out)
}

// minutesHelp are the minutes pane's keys.
func (m *Model) minutesHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.MinutesDown, k.MinutesUp, k.MinutesPageDown, k.MinutesPageUp, k.MinutesTop, k.MinutesEnd, k.MinutesBack}
}

// lobbyRows are the meetings the lobby lists, in its order: the open
// meeting, then the past ones, newest first.
func (m *Model) lobbyRows() []store.Meeting {
	var out []store.Meeting
	if mt, ok := m.openMeeting(); ok {
		out = append(out, mt)
	}
	for i := len(m.meetings) - 1; i >= 0; i-- {
		if m.meetings[i].Status != store.MeetingOpen {
			out = append(out, m.meetings[i])
		}
	}
	return out
}

// lobbyIndex is the position of the marked meeting in lobbyRows (the
// first when the one marked is gone).
func (m *Model) lobbyIndex(rows []store.Meeting) int {
	for i, mt := range rows {
		if mt.ID == m.lobbySel {
			return i
		}
	}
	return 0
}

// lobbyMove marks the meeting d rows down (up when negative).
func (m *Model) lobbyMove(d int) {
	rows := m.lobbyRows()
	if len(rows) == 0 {
		return
	}
	i := min(max(m.lobbyIndex(rows)+d, 0), len(rows)-1)
	m.lobbySel = rows[i].ID
}

// lobbyEnter joins the open meeting, or opens a past one's minutes.
func (m *Model) lobbyEnter() tea.Cmd {
	rows := m.lobbyRows()
	if len(rows) == 0 {
		m.setStatus("no meeting is open", false)
		return nil
	}
	mt := rows[m.lobbyIndex(rows)]
	switch mt.Status {
	case store.MeetingOpen:
		return m.join(mt.ID)
	case store.MeetingEnded:
		return m.openMinutes(mt.ID)
	}
	m.setStatus(fmt.Sprintf("%s is %s: it has no minutes yet", mt.ID, mt.Status), false)
	return nil
}
