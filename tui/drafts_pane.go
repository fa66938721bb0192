package tui

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// draftsPane is the user's own unsent drafts (U from every screen): each
// form, where it was typed (ids only, never a name) and when it was
// saved; enter reopens one, d discards it after asking. A draft that
// cannot go back into its form (its meeting has ended) is shown whole
// here, to read and copy.
type draftsPane struct {
	ctx     *common.Ctx
	keys    draftsKeys
	width   int
	height  int
	gen     int
	loaded  bool
	err     error
	drafts  []store.Draft
	sel     int
	confirm bool         // d pressed: y discards the selected draft
	detail  *store.Draft // shown whole
	why     string       // why the draft in detail cannot be reopened
}

type draftsKeys struct {
	Up, Down, Open, Discard, Yes, Back key.Binding
}

func newDraftsPane(ctx *common.Ctx) *draftsPane {
	return &draftsPane{ctx: ctx, keys: draftsKeys{
		Up:      key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:    key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "reopen")),
		Discard: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "discard")),
		Yes:     key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes, discard")),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}}
}

// draftsMsg is a load of the user's drafts, tagged with the asking load.
type draftsMsg struct {
	gen    int
	drafts []store.Draft
	err    error
}

// openDraftMsg asks the root to reopen d in its form.
type openDraftMsg struct{ d store.Draft }

// draftDiscardedMsg reports a discard from the Drafts list.
type draftDiscardedMsg struct {
	d   store.Draft
	err error
}

// draftMaxAge is the protocol's draft_days as an age.
func draftMaxAge(p store.Protocol) time.Duration {
	days := p.DraftDays
	if days <= 0 {
		days = 7
	}
	return time.Duration(days) * 24 * time.Hour
}

// Init loads the drafts.
func (p *draftsPane) Init() tea.Cmd {
	p.gen++
	p.confirm = false
	if p.ctx.Store == nil {
		p.loaded = true
		return nil
	}
	gen, c := p.gen, p.ctx
	return func() tea.Msg {
		ds, err := c.Store.Drafts(c.Context(), c.Actor, draftMaxAge(c.Protocol))
		return draftsMsg{gen: gen, drafts: ds, err: err}
	}
}

// show opens d whole, saying why it cannot go back into its form.
func (p *draftsPane) show(d store.Draft, why string) {
	p.detail, p.why, p.confirm = &d, why, false
}

// Capturing: the detail view and the discard question take esc and y.
func (p *draftsPane) Capturing() bool { return p.detail != nil || p.confirm }

func (p *draftsPane) selected() (store.Draft, bool) {
	if p.detail != nil {
		return *p.detail, true
	}
	if p.sel < 0 || p.sel >= len(p.drafts) {
		return store.Draft{}, false
	}
	return p.drafts[p.sel], true
}

func (p *draftsPane) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	switch msg := msg.(type) {
	case draftsMsg:
		if msg.gen == p.gen {
			p.drafts, p.err, p.loaded = msg.drafts, msg.err, true
			p.sel = min(p.sel, max(len(p.drafts)-1, 0))
		}
		return p, nil
	case draftDiscardedMsg:
		if msg.err != nil {
			return p, common.StatusCmd("draft not discarded: "+msg.err.Error(), true)
		}
		p.drafts = slices.DeleteFunc(p.drafts, func(d store.Draft) bool { return sameDraft(d, msg.d) })
		p.sel = min(p.sel, max(len(p.drafts)-1, 0))
		return p, tea.Batch(common.StatusCmd("discarded your unsent "+store.DraftNoun(msg.d.Form)+" from "+p.clock(msg.d.Saved), false), p.Init())
	case tea.KeyPressMsg:
		return p, p.key(msg)
	}
	return p, nil
}

func (p *draftsPane) key(k tea.KeyPressMsg) tea.Cmd {
	if p.confirm {
		p.confirm = false
		d, ok := p.selected()
		if !ok || !key.Matches(k, p.keys.Yes) {
			return common.StatusCmd("kept", false)
		}
		p.detail = nil
		c := p.ctx
		return func() tea.Msg {
			return draftDiscardedMsg{d: d, err: c.Store.DeleteDraftOf(c.Context(), c.Actor, d.Form, d.Subject)}
		}
	}
	switch {
	case key.Matches(k, p.keys.Back) && p.detail != nil:
		p.detail, p.why = nil, ""
	case key.Matches(k, p.keys.Up):
		p.sel = max(p.sel-1, 0)
	case key.Matches(k, p.keys.Down):
		p.sel = min(p.sel+1, max(len(p.drafts)-1, 0))
	case key.Matches(k, p.keys.Discard):
		if d, ok := p.selected(); ok {
			p.confirm = true
			return common.StatusCmd(fmt.Sprintf("discard your unsent %s from %s? y discards it, any other key keeps it",
				store.DraftNoun(d.Form), p.clock(d.Saved)), true)
		}
	case key.Matches(k, p.keys.Open) && p.detail == nil:
		if d, ok := p.selected(); ok {
			return func() tea.Msg { return openDraftMsg{d: d} }
		}
	}
	return nil
}

func sameDraft(a, b store.Draft) bool { return a.Form == b.Form && a.Subject == b.Subject }

func (p *draftsPane) clock(t time.Time) string {
	now := p.ctx.Time()
	t = t.In(now.Location())
	if store.DateOf(t).Equal(store.DateOf(now)) {
		return t.Format("15:04")
	}
	return t.Format("2006-01-02 15:04")
}

func (p *draftsPane) View() string {
	st := p.ctx.St()
	if p.detail != nil {
		return p.detailView()
	}
	lines := []string{st.Title.Render("Your unsent drafts") + st.Muted.Render(st.Sep()+"only you see them; each is kept "+
		fmt.Sprint(int(draftMaxAge(p.ctx.Protocol).Hours()/24))+" days"), ""}
	switch {
	case p.err != nil:
		lines = append(lines, st.StatusErr.Render("could not read your drafts: "+common.Line(p.err.Error())))
	case !p.loaded:
		lines = append(lines, st.Muted.Render("  loading…"))
	case len(p.drafts) == 0:
		lines = append(lines, st.Muted.Render("  no unsent drafts"))
	default:
		lines = append(lines, "  "+st.Muted.Render(common.Pad("FORM", 24)+common.Pad("WHERE", 34)+"SAVED"))
		for i, d := range p.drafts {
			mark := "  "
			if i == p.sel {
				mark = "> "
			}
			lines = append(lines, mark+common.Pad(store.DraftNoun(d.Form), 24)+common.Pad(common.Line(store.DraftWhere(d)), 34)+p.clock(d.Saved))
		}
	}
	return strings.Join(lines, "\n")
}

// detailView shows one draft's text whole, to read and copy.
func (p *draftsPane) detailView() string {
	st := p.ctx.St()
	d := *p.detail
	lines := []string{st.Title.Render("Unsent "+store.DraftNoun(d.Form)) + st.Muted.Render(st.Sep()+common.Line(store.DraftWhere(d))+st.Sep()+"saved "+p.clock(d.Saved))}
	w := max(p.width-4, 20)
	if p.why != "" {
		why := common.Line(p.why) + ": it cannot go back into its form. It is kept here to read and copy until you discard it (d)."
		for _, l := range strings.Split(ansi.Wordwrap(why, w+2, ""), "\n") {
			lines = append(lines, st.Warn.Render(l))
		}
	}
	if n := len(p.drafts) - 1; n > 0 {
		lines = append(lines, st.Muted.Render(fmt.Sprintf("%d more unsent draft%s kept: esc lists them", n, plural(n))))
	}
	lines = append(lines, "")
	for _, f := range draftTexts(d) {
		lines = append(lines, st.Muted.Render(f[0]))
		for _, l := range strings.Split(ansi.Wordwrap(f[1], w, ""), "\n") {
			lines = append(lines, "  "+l)
		}
	}
	return strings.Join(lines, "\n")
}

// draftTexts are the words a draft holds, labelled, control sequences
// stripped: what a user would copy out of it.
func draftTexts(d store.Draft) [][2]string {
	labels := [][2]string{{"text", "text"}, {"reason", "note"}, {"note", "note"}, {"name", "name"}, {"location", "location"}}
	var out [][2]string
	for _, l := range labels {
		if v := strings.TrimSpace(d.Fields[l[0]]); v != "" {
			out = append(out, [2]string{l[1], store.Clean(v, true)})
		}
	}
	if j := d.Fields["json"]; j != "" {
		var vals map[string]any
		if json.Unmarshal([]byte(j), &vals) == nil {
			keys := make([]string, 0, len(vals))
			for k := range vals {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if s, ok := vals[k].(string); ok && strings.TrimSpace(s) != "" {
					out = append(out, [2]string{strings.ToLower(k), store.Clean(s, true)})
				}
			}
		}
	}
	return out
}

func (p *draftsPane) SetSize(w, h int) { p.width, p.height = w, h }

func (p *draftsPane) ShortHelp() []key.Binding {
	if p.detail != nil {
		return []key.Binding{p.keys.Discard, p.keys.Back}
	}
	return []key.Binding{p.keys.Open, p.keys.Discard, p.keys.Up, p.keys.Down, p.keys.Back}
}

func (p *draftsPane) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.keys.Up, p.keys.Down, p.keys.Open, p.keys.Discard, p.keys.Back}}
}
