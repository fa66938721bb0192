package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/tui/common"
)

// sessionsPane is the pm's Sessions screen (W from every screen, served
// only): who is connected now, from where, since when and in which
// meeting. It reads the server's live list each time it draws, and it
// redraws when someone joins or leaves (a PresenceMsg).
type sessionsPane struct {
	ctx    *common.Ctx
	back   key.Binding
	width  int
	height int
}

func newSessionsPane(ctx *common.Ctx) *sessionsPane {
	return &sessionsPane{ctx: ctx, back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))}
}

func (s *sessionsPane) Init() tea.Cmd { return nil }

func (s *sessionsPane) Update(tea.Msg) (common.Component, tea.Cmd) { return s, nil }

func (s *sessionsPane) View() string {
	st := s.ctx.St()
	var rows []common.SessionRow
	if s.ctx.Sessions != nil {
		rows = s.ctx.Sessions()
	}
	lines := []string{st.Title.Render("Sessions") + st.Muted.Render(fmt.Sprintf("%s%d connected now", st.Sep(), len(rows))), ""}
	lines = append(lines, "  "+st.Muted.Render(common.Pad("USER", 16)+common.Pad("ROLE", 14)+common.Pad("ADDRESS", 23)+common.Pad("SINCE", 7)+common.Pad("TAB", 12)+"MEETING"))
	for _, r := range rows {
		m := r.MeetingID
		if m == "" {
			m = "-"
		}
		lines = append(lines, "  "+common.Pad(common.Line(r.User), 16)+common.Pad(string(r.Role), 14)+
			common.Pad(r.Addr, 23)+common.Pad(r.Since.In(time.Local).Format("15:04"), 7)+common.Pad(r.Tab, 12)+m)
	}
	if s.height > 0 && len(lines) > s.height {
		lines = append(lines[:s.height-1], st.Muted.Render(fmt.Sprintf("  +%d more (owg who lists all)", len(rows)-(s.height-4))))
	}
	return strings.Join(lines, "\n")
}

func (s *sessionsPane) SetSize(w, h int) { s.width, s.height = w, h }

func (s *sessionsPane) ShortHelp() []key.Binding { return []key.Binding{s.back} }

func (s *sessionsPane) FullHelp() [][]key.Binding { return [][]key.Binding{{s.back}} }
