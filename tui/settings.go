package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/themes"
	"github.com/leadtable/owg/tui/common"
)

// settingsKeys are the Settings page's keys.
type settingsKeys struct {
	Theme, PrevTheme, LowBandwidth key.Binding
	Back                           key.Binding // the root's esc, named here for the help line
}

// settings is the Settings page (opened with S from every screen): the
// theme and the low-bandwidth mode, saved per user.
type settings struct {
	ctx    *common.Ctx
	keys   settingsKeys
	prefs  func() Prefs        // the root's current preferences
	set    func(Prefs) tea.Cmd // applies at once and saves
	width  int
	height int
}

func newSettings(ctx *common.Ctx, prefs func() Prefs, set func(Prefs) tea.Cmd) *settings {
	return &settings{ctx: ctx, prefs: prefs, set: set, keys: settingsKeys{
		Theme:        key.NewBinding(key.WithKeys("t", "right", "l"), key.WithHelp("t", "next theme")),
		PrevTheme:    key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←", "previous theme")),
		LowBandwidth: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "low bandwidth")),
		Back:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}}
}

func (s *settings) Init() tea.Cmd { return nil }

func (s *settings) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s, nil
	}
	p := s.prefs()
	cur, ok := themes.ByName(p.Theme)
	if !ok {
		cur = themes.Default
	}
	switch {
	case key.Matches(k, s.keys.Theme):
		p.Theme = themes.Next(cur).Name
	case key.Matches(k, s.keys.PrevTheme):
		for range len(themes.All) - 1 {
			cur = themes.Next(cur)
		}
		p.Theme = cur.Name
	case key.Matches(k, s.keys.LowBandwidth):
		p.LowBandwidth = !p.LowBandwidth
	default:
		return s, nil
	}
	// applied now, not through a message: two quick presses step twice
	return s, s.set(p)
}

func (s *settings) View() string {
	st := s.ctx.St()
	p := s.prefs()
	name := p.Theme
	if name == "" {
		name = themes.Default.Name
	}
	onOff := "off"
	if p.LowBandwidth {
		onOff = "on"
	}
	lines := []string{
		st.Title.Render("Settings") + st.Muted.Render(st.Sep()+"saved for "+common.Line(s.ctx.Actor.User)+", used on every login"),
		"",
		"  " + common.Pad("theme", 16) + st.Accent.Render(common.Pad(name, 15)) + st.Muted.Render("t next, ← previous ("+strconv.Itoa(len(themes.All))+" themes)"),
		"  " + common.Pad("low bandwidth", 16) + st.Accent.Render(common.Pad(onOff, 15)) + st.Muted.Render("b: no borders, short help, ASCII"),
		"",
	}
	if eff := s.ctx.Theme; eff.Name != name || eff.ASCII != mustTheme(name).ASCII {
		why := "this terminal's settings"
		switch {
		case p.LowBandwidth:
			why = "low bandwidth"
		case eff.Mono && !mustTheme(name).Mono:
			why = "NO_COLOR"
		case eff.ASCII:
			why = "a terminal without Unicode (TERM)"
		}
		glyphs := ""
		if eff.ASCII {
			glyphs = " with ASCII glyphs"
		}
		lines = append(lines, "  "+st.Warn.Render(fmt.Sprintf("shown as %s%s here because of %s", eff.Name, glyphs, why)), "")
	}
	lines = append(lines, "  "+st.Title.Render("Sample"),
		"  "+st.Accent.Render(st.Cursor)+" "+st.Base.Render("selected row")+"   "+st.Muted.Render("muted")+"   "+
			st.Good.Render("good "+st.Up)+"   "+st.Warn.Render("warning "+st.Down)+"   "+st.Bad.Render("problem"),
		"  "+st.Rule(40),
		"  "+st.TabActive.Render("1 Active tab")+"  "+st.TabInactive.Render("2 Other tab")+"  "+st.StatusErr.Render("error"))
	return strings.Join(lines, "\n")
}

func mustTheme(name string) themes.Theme {
	t, ok := themes.ByName(name)
	if !ok {
		return themes.Default
	}
	return t
}

func (s *settings) SetSize(w, h int) { s.width, s.height = w, h }

func (s *settings) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Theme, s.keys.LowBandwidth, s.keys.Back}
}

func (s *settings) FullHelp() [][]key.Binding {
	return [][]key.Binding{{s.keys.Theme, s.keys.PrevTheme, s.keys.LowBandwidth}}
}
