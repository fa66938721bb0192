package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// casesLoadedMsg carries a docket read.
type casesLoadedMsg struct {
	site *site
	err  error
}

// casesKeys are the Cases screen's own keys.
type casesKeys struct {
	Detail, Position, Note key.Binding
}

// cases is the docket: court dates, warrants, post-enrollment cases and
// diverted arrests by date. The prosecutor records positions, the
// defender adds notes.
type cases struct {
	audited listAudited // what the last view event named
	ctx     *common.Ctx
	list    *common.List
	site    *site
	keys    casesKeys
	form    *formHost
	detail  bool
	// wantDetail is the case whose detail a reconnect opens once it is
	// loaded and selected ("" = none)
	wantDetail string
	hidden     int
	width      int
	height     int
	err        error
}

func newCases(ctx *common.Ctx) *cases {
	c := &cases{ctx: ctx, list: common.NewList(), form: &formHost{ctx: ctx, owner: "cases"},
		keys: casesKeys{
			Detail:   key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "case detail")),
			Position: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "record position")),
			Note:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "add case note")),
		}}
	// the keys follow the rule the store enforces (store.MayWrite)
	c.keys.Position.SetEnabled(store.MayWrite(ctx.Actor, store.WritePosition, store.Relation{}) == nil && !ctx.Actor.System)
	c.keys.Note.SetEnabled(store.MayWrite(ctx.Actor, store.WriteCaseNote, store.Relation{}) == nil && !ctx.Actor.System)
	return c
}

func (c *cases) Init() tea.Cmd { return c.loadCmd() }

func (c *cases) loadCmd() tea.Cmd {
	ctx := c.ctx
	return func() tea.Msg {
		s, err := loadSite(ctx)
		return casesLoadedMsg{site: s, err: err}
	}
}

// Capturing reports whether a form or the filter is taking input.
func (c *cases) Capturing() bool { return c.form.active() || c.list.Filtering() }

// Dirty reports whether a form is open.
func (c *cases) Dirty() bool { return c.form.active() }

func (c *cases) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	switch msg := msg.(type) {
	case casesLoadedMsg:
		if msg.err != nil {
			c.err = msg.err
			return c, common.StatusCmd("cases: "+msg.err.Error(), true)
		}
		if stale(c.site, msg.site) {
			return c, nil
		}
		c.site, c.err = msg.site, nil
		c.rebuild()
		return c, tea.Batch(c.audited.cmd(c.ctx, "cases", c.shownIDs()), c.openWantedDetail())
	case ChangedMsg:
		if !touchesSite(msg.Changes, false) {
			return c, nil
		}
		return c, c.loadCmd()
	case common.RestyleMsg:
		c.rebuild()
		return c, nil
	case savedMsg:
		if msg.owner != "cases" {
			return c, nil
		}
		cmd, reload := c.form.done(msg)
		if reload {
			return c, tea.Batch(cmd, c.loadCmd())
		}
		return c, cmd
	case tea.KeyPressMsg:
		if c.form.active() {
			return c, c.form.update(msg)
		}
		return c, c.key(msg)
	}
	if c.form.active() {
		return c, c.form.update(msg)
	}
	return c, nil
}

func (c *cases) key(msg tea.KeyPressMsg) tea.Cmd {
	if c.detail && !c.list.Filtering() && (msg.String() == "esc" || key.Matches(msg, c.keys.Detail)) {
		c.detail = false
		return nil
	}
	if !c.list.Filtering() {
		switch {
		case key.Matches(msg, c.keys.Detail):
			lc := c.selected()
			c.detail = lc != nil
			if lc == nil {
				return nil
			}
			return c.auditDetailCmd(*lc)
		case key.Matches(msg, c.keys.Position):
			return c.positionForm()
		case key.Matches(msg, c.keys.Note):
			return c.noteForm()
		}
	}
	if _, open := c.list.Update(msg); open {
		if lc := c.selected(); lc != nil {
			id := lc.ParticipantID
			return func() tea.Msg { return common.OpenParticipantMsg{ID: id} }
		}
	}
	return nil
}

// selected returns the selected case when the viewer sees it in full or
// status only.
func (c *cases) selected() *store.LegalCase {
	if c.site == nil {
		return nil
	}
	k := c.list.SelectedKey()
	for i := range c.site.cases {
		if c.site.cases[i].ID == k {
			return &c.site.cases[i]
		}
	}
	return nil
}

// access returns the viewer's access to a case's participant data.
func (c *cases) pinfo(lc store.LegalCase) (pinfo, bool) {
	i, ok := c.site.byID[lc.ParticipantID]
	if !ok {
		return pinfo{}, false
	}
	return *c.site.parts[i], true
}

// docketDate is the date a case sits at on the docket, and what that date
// is: its next court date; a diverted arrest's intake deadline; else
// (a warrant, a case with no court date yet) the day it was opened in
// owg. The docket labels every date with what, so an opened date never
// reads as a court date.
func docketDate(lc store.LegalCase) (day time.Time, what string) {
	switch {
	case !lc.NextCourtDate.IsZero():
		return lc.NextCourtDate, "court"
	case lc.Kind == store.CaseDivertedArrest && !lc.IntakeDeadline.IsZero():
		return lc.IntakeDeadline, "intake"
	}
	return lc.Created, "opened"
}

// docketDateW is the width of the docket's date cell: what, the date and
// how far it is ("court  2026-03-06 in 4d     ").
const docketDateW = 6 + 1 + 10 + 1 + 8 + 1

// docketLabelW is the width of the docket's participant column.
func docketLabelW(width int) int { return min(max(width-73, 10), 30) }

func onDocket(lc store.LegalCase) bool {
	if lc.Status != store.CaseOpen {
		return false
	}
	switch lc.Kind {
	case store.CaseWarrant, store.CasePostEnrollment, store.CaseDivertedArrest:
		return true
	}
	return !lc.NextCourtDate.IsZero()
}

func (c *cases) rebuild() {
	if c.site == nil {
		return
	}
	var docket []store.LegalCase
	c.hidden = 0
	for _, lc := range c.site.cases {
		if !onDocket(lc) {
			continue
		}
		p, ok := c.pinfo(lc)
		if !ok {
			continue // exited participant
		}
		if !p.CaseAccess.Allowed() || p.Access != store.Shown {
			c.hidden++
			continue
		}
		docket = append(docket, lc)
	}
	slices.SortStableFunc(docket, func(a, b store.LegalCase) int {
		da, _ := docketDate(a)
		db, _ := docketDate(b)
		return cmp.Or(da.Compare(db), cmp.Compare(a.ID, b.ID))
	})
	labelW := docketLabelW(c.width)
	rows := make([]common.Row, 0, len(docket))
	for _, lc := range docket {
		p, _ := c.pinfo(lc)
		day, what := docketDate(lc)
		var b strings.Builder
		b.WriteString(common.Pad(what, 6) + " " + store.FormatDate(day) + " " + common.Pad(daysText(c.site.today, day), 8) + " ")
		b.WriteString(common.Pad(kindText(lc.Kind), 15) + " ")
		b.WriteString(common.Pad(p.Label, labelW) + " ")
		if p.CaseAccess == store.Shown {
			b.WriteString(common.Pad(common.Line(lc.CaseNumber), 12) + " ")
			pos := "no position"
			if lc.Position != store.PositionNone {
				pos = kindText(store.CaseKind(lc.Position))
			}
			b.WriteString(pos)
		} else {
			b.WriteString("status: " + string(lc.Status))
		}
		filter := lc.ID + " " + p.Label + " " + string(lc.Kind)
		if p.CaseAccess == store.Shown {
			filter += " " + lc.CaseNumber // never matched for a status-only viewer
		}
		rows = append(rows, common.Row{Key: lc.ID, Text: b.String(), Filter: filter})
	}
	c.list.SetRows(rows)
}

// shownIDs returns the participants whose cases the docket shows.
func (c *cases) shownIDs() []string {
	owner := make(map[string]string, len(c.site.cases))
	for _, lc := range c.site.cases {
		owner[lc.ID] = lc.ParticipantID
	}
	seen := map[string]bool{}
	var out []string
	for _, k := range c.list.RowKeys() {
		if pid := owner[k]; pid != "" && !seen[pid] {
			seen[pid] = true
			out = append(out, pid)
		}
	}
	return out
}

func (c *cases) SetSize(w, h int) {
	c.width, c.height = w, h
	c.list.SetSize(w, max(h-3, 1))
	c.form.setSize(w, h)
	c.rebuild()
}

func (c *cases) View() string {
	st := c.ctx.St()
	if c.form.active() {
		return c.form.view()
	}
	title := st.Title.Render("Cases") + st.Muted.Render(" · docket by date (court date; intake deadline; else opened)")
	if f := c.list.FilterLine(st); f != "" {
		title += "  " + f
	}
	if c.site == nil {
		msg := "loading…"
		if c.err != nil {
			msg = "could not load: " + c.err.Error()
		}
		return title + "\n\n  " + st.Muted.Render(msg)
	}
	if c.detail {
		if lc := c.selected(); lc != nil {
			return strings.Join(c.detailLines(*lc), "\n")
		}
	}
	labelW := docketLabelW(c.width)
	who := "PARTICIPANT"
	if labelW < len(who) {
		who = "NAME"
	}
	head := "  " + common.Pad("DATE: court/intake/opened", docketDateW) + common.Pad("KIND", 16) + common.Pad(who, labelW+1) + common.Pad("NUMBER", 13) + "POSITION"
	lines := []string{title, st.Muted.Render(head)}
	empty := "no pending cases"
	if c.hidden > 0 && c.list.Len() == 0 {
		empty = ""
	}
	lines = append(lines, c.list.View(st, empty)...)
	foot := ""
	if c.hidden > 0 {
		foot = st.Muted.Render(fmt.Sprintf("  %d cases: %s", c.hidden, store.NotShared))
	}
	return strings.Join(append(lines, foot), "\n")
}

// auditDetailCmd records the opening of a case's detail, a read of its
// participant's record: ids and codes only.
func (c *cases) auditDetailCmd(lc store.LegalCase) tea.Cmd {
	ctx := c.ctx
	return func() tea.Msg {
		err := ctx.Store.Record(ctx.Context(), store.AuditEvent{User: ctx.Actor.User, Role: ctx.Actor.Role, Action: store.AuditView,
			Subject: lc.ParticipantID, Detail: "case:" + lc.ID, Addr: ctx.Actor.Addr})
		if err != nil {
			return common.StatusMsg{Text: "cases: " + err.Error(), Err: true}
		}
		return nil
	}
}

// detailLines shows one case in full (or its status only, for police).
func (c *cases) detailLines(lc store.LegalCase) []string {
	st := c.ctx.St()
	p, _ := c.pinfo(lc)
	lines := []string{st.Title.Render("Case "+lc.ID) + st.Muted.Render(" · "+p.Label+" · esc to go back"), ""}
	add := func(k, v string) {
		if v != "" {
			lines = append(lines, "  "+st.Muted.Render(common.Pad(k, 16))+common.Line(v))
		}
	}
	add("kind", kindText(lc.Kind))
	add("status", string(lc.Status))
	add("next court date", store.FormatDate(lc.NextCourtDate))
	if p.CaseAccess != store.Shown {
		return lines
	}
	add("case number", lc.CaseNumber)
	add("court", lc.Court)
	add("charges", lc.Charges)
	add("intake deadline", store.FormatDate(lc.IntakeDeadline))
	add("intake completed", store.FormatDate(lc.IntakeCompleted))
	pos := "none recorded"
	if lc.Position != store.PositionNone {
		pos = kindText(store.CaseKind(lc.Position))
	}
	add("position", pos)
	add("position note", lc.PositionNote)
	for _, h := range lc.Hearings {
		add("hearing", store.FormatDate(h.Date)+" "+h.Outcome)
	}
	// the defense's notes reach defenders only (store.CanSeeCaseNote)
	var notes []string
	for _, n := range lc.DefenderNotes {
		if store.CanSeeCaseNote(c.ctx.Actor.Role, p.CaseAccess, n) {
			notes = append(notes, "  "+store.FormatDate(n.Time)+" "+common.Line(n.Author)+" ("+string(n.Role)+"): "+common.Line(n.Text))
		}
	}
	if len(notes) > 0 {
		lines = append(lines, "", "  "+st.Accent.Render("Notes"))
		lines = append(lines, notes...)
	}
	return lines
}

// editable returns the selected case when the viewer may change it.
func (c *cases) editable() (*store.LegalCase, tea.Cmd) {
	lc := c.selected()
	if lc == nil {
		return nil, common.StatusCmd("select a case first", true)
	}
	if p, ok := c.pinfo(*lc); !ok || p.CaseAccess != store.Shown {
		return nil, common.StatusCmd(store.NotShared, true)
	}
	return lc, nil
}

type positionValues struct {
	Position store.Position
	Note     string
}

func (c *cases) positionForm() tea.Cmd {
	lc, cmd := c.editable()
	if lc == nil {
		return cmd
	}
	base := *lc
	v := &positionValues{Position: base.Position, Note: base.PositionNote}
	if v.Position == store.PositionNone {
		v.Position = store.PositionHoldFiling
	}
	opts := make([]huh.Option[store.Position], 0, len(store.Positions))
	for _, p := range store.Positions {
		opts = append(opts, huh.NewOption(kindText(store.CaseKind(p)), p))
	}
	build := func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			huh.NewSelect[store.Position]().Title("position").Options(opts...).Value(&v.Position),
			huh.NewText().Title("note").ExternalEditor(false).Lines(3).Value(&v.Note),
		))
	}
	ctx, actor := c.ctx, c.ctx.Actor
	save := func() tea.Cmd {
		return saveCmd("cases", "position on "+base.ID, func() error {
			up := base
			up.Position, up.PositionNote = v.Position, store.Clean(v.Note, true)
			_, err := ctx.Store.UpdateCase(ctx.Context(), actor, up)
			return err
		})
	}
	return c.form.open("Prosecution position · "+base.ID, build, save)
}

type noteValues struct{ Text string }

func (c *cases) noteForm() tea.Cmd {
	lc, cmd := c.editable()
	if lc == nil {
		return cmd
	}
	base := *lc
	v := &noteValues{}
	build := func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			huh.NewText().Title("note").ExternalEditor(false).Lines(4).Validate(required("note")).Value(&v.Text),
		))
	}
	ctx, actor := c.ctx, c.ctx.Actor
	save := func() tea.Cmd {
		return saveCmd("cases", "note on "+base.ID, func() error {
			up := base
			up.DefenderNotes = append(slices.Clone(base.DefenderNotes),
				store.CaseNote{Time: ctx.Time(), Author: actor.User, Role: actor.Role, Text: store.Clean(v.Text, true)})
			_, err := ctx.Store.UpdateCase(ctx.Context(), actor, up)
			return err
		})
	}
	return c.form.open("Case note · "+base.ID, build, save)
}

// ShortHelp puts the role's actions before the list keys, so a narrow
// help line still shows them.
func (c *cases) ShortHelp() []key.Binding {
	if c.form.active() {
		return []key.Binding{cancelKey()}
	}
	l := c.list.Keys
	return []key.Binding{l.Open, c.keys.Position, c.keys.Note, c.keys.Detail, l.Filter, l.Up, l.Down}
}

func (c *cases) FullHelp() [][]key.Binding {
	if c.form.active() {
		return [][]key.Binding{{cancelKey()}}
	}
	return [][]key.Binding{c.list.FullHelp(), {c.keys.Detail, c.keys.Position, c.keys.Note}}
}

// Loading reports whether Cases still shows its placeholder.
func (c *cases) Loading() bool { return c.site == nil && c.err == nil }
