package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// participantLoadedMsg carries a participant read for the screen of id.
type participantLoadedMsg struct {
	id   string
	view store.ParticipantView
	err  error
}

// participantKeys are the Participant screen's keys; actions are enabled
// only for roles store.CanWrite allows.
type participantKeys struct {
	Up, Down, PageUp, PageDown, Back                        key.Binding
	Contact, Goal, Progress, Case, Court, ROI, Revoke, Flag key.Binding
	Timeline                                                key.Binding
	// Record changes the status (and exit), housing and case manager;
	// GoalStatus a goal's status (participant_record.go).
	Record, GoalStatus key.Binding
}

// participant is the Participant screen: one record as the viewer may see it.
type participant struct {
	ctx    *common.Ctx
	id     string
	owner  string
	keys   participantKeys
	view   store.ParticipantView
	loaded bool
	err    error
	form   *formHost
	// timeline is on when the screen shows the participant's history (t).
	timeline bool
	tl       *timelineView
	// pending is a draft to reopen once the record is loaded
	pending *store.Draft
	offset  int
	width   int
	height  int

	// wantOffset is the first line to show once loaded (a reconnect)
	wantOffset int
}

func newParticipant(ctx *common.Ctx, id string) *participant {
	p := &participant{ctx: ctx, id: id, owner: "participant:" + id}
	p.form = &formHost{ctx: ctx, owner: p.owner}
	p.keys = participantKeys{
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:     key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:   key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("pgdn", "page down")),
		Back:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")), // the root's, named here for the help
		Contact:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "log contact")),
		Goal:       key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add goal")),
		Progress:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "goal progress")),
		Case:       key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "add legal case")),
		Court:      key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "court date/status")),
		ROI:        key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "record ROI")),
		Revoke:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "revoke ROI")),
		Flag:       key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "flag for meeting")),
		Timeline:   key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "timeline")),
		Record:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "status/housing")),
		GoalStatus: key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "goal status")),
	}
	p.enableKeys()
	return p
}

// enableKeys turns the action keys on for what the viewer may see and
// the store will let them write (store.MayWrite, the rule the store checks).
func (p *participant) enableKeys() {
	shown := p.loaded && p.view.Access == store.Shown
	rel := store.Relation{OwnCaseload: shown && p.view.Participant.CaseManager == p.ctx.Actor.User, Covered: shown}
	may := func(a store.WriteAction) bool { return shown && store.MayWrite(p.ctx.Actor, a, rel) == nil }
	legal := p.view.CaseAccess == store.Shown && may(store.WriteCase)
	p.keys.Contact.SetEnabled(may(store.WriteContact))
	p.keys.Goal.SetEnabled(may(store.WriteGoal))
	p.keys.Progress.SetEnabled(may(store.WriteGoal) && len(p.activeGoals()) > 0)
	p.keys.Case.SetEnabled(legal)
	p.keys.Court.SetEnabled(legal && len(p.view.Cases) > 0)
	p.keys.ROI.SetEnabled(may(store.WriteROI))
	p.keys.Revoke.SetEnabled(may(store.WriteROI) && len(p.validROIs()) > 0)
	// Any partner who may see the participant can flag them for the next
	// meeting's goal review (DOMAIN.md rule 3: "everyone flagged by a partner").
	p.keys.Flag.SetEnabled(may(store.WriteFlag))
	p.keys.Timeline.SetEnabled(shown)
	p.keys.Record.SetEnabled(may(store.WriteParticipant))
	p.keys.GoalStatus.SetEnabled(may(store.WriteGoal) && len(p.view.Goals) > 0)
}

func (p *participant) Init() tea.Cmd { return p.loadCmd(true) }

// loadCmd reads the record; audit is true for the opening read (ViewParticipant
// audits it), false for refreshes of a record already opened.
func (p *participant) loadCmd(audit bool) tea.Cmd {
	ctx, id := p.ctx, p.id
	return func() tea.Msg {
		var v store.ParticipantView
		var err error
		if audit {
			v, err = store.ViewParticipant(ctx.Context(), ctx.Store, ctx.Actor, id, ctx.Time(), ctx.Protocol.SensitiveGoalDomains)
		} else {
			v, err = store.PeekParticipant(ctx.Context(), ctx.Store, ctx.Actor, id, ctx.Time(), ctx.Protocol.SensitiveGoalDomains)
		}
		return participantLoadedMsg{id: id, view: v, err: err}
	}
}

// Capturing reports whether a form is taking input.
func (p *participant) Capturing() bool { return p.form.active() }

// Dirty reports whether a form is open.
func (p *participant) Dirty() bool { return p.form.active() }

func (p *participant) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	switch msg := msg.(type) {
	case participantLoadedMsg:
		if msg.id != p.id {
			return p, nil
		}
		if msg.err != nil {
			p.err = msg.err
			return p, common.StatusCmd("participant: "+msg.err.Error(), true)
		}
		p.view, p.loaded, p.err = msg.view, true, nil
		if p.wantOffset > 0 {
			p.offset, p.wantOffset = p.wantOffset, 0
		}
		p.enableKeys()
		return p, p.restorePending()
	case recordLoadsMsg:
		if msg.id != p.id || p.form.active() {
			return p, nil
		}
		if msg.err != nil {
			return p, common.StatusCmd("case managers: "+msg.err.Error(), true)
		}
		return p, p.recordFormWith(msg.loads)
	case historyLoadedMsg:
		if msg.id != p.id {
			return p, nil
		}
		p.tl = &timelineView{events: msg.events, err: msg.err}
		return p, nil
	case ChangedMsg:
		for _, ch := range msg.Changes {
			if ch.Subject == p.id || ch.ID == p.id {
				if p.timeline {
					return p, tea.Batch(p.loadCmd(false), p.historyCmd())
				}
				return p, p.loadCmd(false)
			}
		}
		return p, nil
	case savedMsg:
		if msg.owner != p.owner {
			return p, nil
		}
		cmd, reload := p.form.done(msg)
		if reload {
			return p, tea.Batch(cmd, p.loadCmd(false))
		}
		return p, cmd
	case tea.KeyPressMsg:
		if p.form.active() {
			return p, p.form.update(msg)
		}
		return p, p.key(msg)
	}
	if p.form.active() {
		return p, p.form.update(msg)
	}
	return p, nil
}

func (p *participant) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.keys
	switch {
	case key.Matches(msg, k.Up):
		p.scroll(-1)
	case key.Matches(msg, k.Down):
		p.scroll(1)
	case key.Matches(msg, k.PageUp):
		p.scroll(-p.height + 1)
	case key.Matches(msg, k.PageDown):
		p.scroll(p.height - 1)
	case key.Matches(msg, k.Contact):
		return p.contactForm()
	case key.Matches(msg, k.Goal):
		return p.goalForm()
	case key.Matches(msg, k.Progress):
		return p.progressForm()
	case key.Matches(msg, k.Case):
		return p.caseForm()
	case key.Matches(msg, k.Court):
		return p.courtForm()
	case key.Matches(msg, k.ROI):
		return p.roiForm()
	case key.Matches(msg, k.Revoke):
		return p.revokeForm()
	case key.Matches(msg, k.Flag):
		return p.flag()
	case key.Matches(msg, k.Record):
		return p.recordForm()
	case key.Matches(msg, k.GoalStatus):
		return p.goalStatusForm()
	case key.Matches(msg, k.Timeline):
		p.timeline, p.offset = !p.timeline, 0
		if p.timeline {
			return p.historyCmd()
		}
	}
	return nil
}

func (p *participant) scroll(d int) {
	total := len(p.lines())
	p.offset = max(0, min(p.offset+d, total-p.height))
}

func (p *participant) SetSize(w, h int) {
	p.width, p.height = w, h
	p.form.setSize(w, h)
}

func (p *participant) View() string {
	if p.form.active() {
		return p.form.view()
	}
	lines := p.lines()
	p.offset = max(0, min(p.offset, len(lines)-p.height))
	return strings.Join(lines[p.offset:], "\n")
}

// lines renders the whole record; View shows a window of it.
func (p *participant) lines() []string {
	st := p.ctx.St()
	if !p.loaded {
		msg := "loading…"
		if p.err != nil {
			msg = "could not load: " + p.err.Error()
		}
		return []string{st.Title.Render("Participant"), "", "  " + st.Muted.Render(msg)}
	}
	v := p.view
	if p.timeline && v.Access == store.Shown {
		return p.timelineLines()
	}
	switch v.Access {
	case store.Shown:
	case store.DeIdentified:
		return []string{st.Title.Render(v.Label()), "", "  status " + statusText(v.Participant.Status)}
	default:
		return []string{st.Title.Render("Participant"), "", "  " + st.Muted.Render(store.NotShared)}
	}
	today := store.Today(p.ctx.Time())
	pp := v.Participant
	head := st.Title.Render(v.Label()) + st.Muted.Render(" · "+pp.ID)
	if pp.Pronouns != "" {
		head += st.Muted.Render(" · " + common.Line(pp.Pronouns))
	}
	if !pp.DOB.IsZero() {
		head += st.Muted.Render(fmt.Sprintf(" · born %s (%d)", store.FormatDate(pp.DOB), store.AgeOn(pp.DOB, today)))
	}
	lines := []string{head}
	info := "status " + statusText(pp.Status) + " · case manager " + common.Line(pp.CaseManager) + " · enrolled " + store.FormatDate(pp.EnrolledOn)
	if pp.Housing != "" {
		info += " · housing " + common.Line(pp.Housing)
	}
	lines = append(lines, p.wrap("  "+info, 4)...)
	last := "last contact " + daysAgo(today, pp.LastContact)
	if !pp.LastContact.IsZero() {
		last = "last contact " + store.FormatDate(pp.LastContact) + " (" + daysText(today, pp.LastContact) + ")"
	}
	if pp.FlaggedBy != "" {
		last += " · " + st.Warn.Render("flagged for the next meeting by "+common.Line(pp.FlaggedBy))
	}
	lines = append(lines, p.wrap("  "+last, 4)...)
	lines = append(lines, p.roiLines(today)...)
	lines = append(lines, "", st.Accent.Render(fmt.Sprintf("Goals (%d)", len(v.Goals))))
	lines = append(lines, p.goalLines()...)
	lines = append(lines, "", st.Accent.Render(fmt.Sprintf("Contacts (%d)", len(v.Contacts))))
	lines = append(lines, p.contactLines()...)
	lines = append(lines, "", st.Accent.Render(fmt.Sprintf("Legal cases (%d)", len(v.Cases))))
	lines = append(lines, p.caseLines(today)...)
	return lines
}

func (p *participant) roiLines(today time.Time) []string {
	st := p.ctx.St()
	if len(p.view.ROIs) == 0 {
		return []string{"  ROI " + st.Warn.Render("none on file: partners see nothing")}
	}
	var out []string
	for _, r := range p.view.ROIs {
		// one line each: who receives what, until when, and why
		s := "ROI " + r.ID + " " + r.Describe()
		switch state := r.StateText(today); {
		case state != "":
			s = st.Muted.Render(s + " · " + state)
		default:
			s += " · " + daysText(today, r.Expires)
		}
		out = append(out, p.wrap("  "+s, 4)...)
	}
	return out
}

// trend draws a goal's progress as one glyph per entry: a step forward,
// no change or a setback. It never says pass or fail.
func (p *participant) trend(g store.Goal, n int) string {
	st := p.ctx.St()
	es := g.Progress
	if len(es) > n {
		es = es[len(es)-n:]
	}
	var b strings.Builder
	for _, e := range es {
		switch e.Step {
		case store.StepForward:
			b.WriteString(st.Good.Render(st.Up))
		case store.StepSetback:
			b.WriteString(st.Warn.Render(st.Down))
		default:
			b.WriteString(st.Muted.Render(st.Flat))
		}
	}
	if len(es) == 0 {
		return st.Muted.Render("no progress logged yet")
	}
	return b.String()
}

func stepText(s store.Step) string {
	switch s {
	case store.StepForward:
		return "step forward"
	case store.StepSetback:
		return "setback"
	}
	return "no change"
}

func (p *participant) goalLines() []string {
	st := p.ctx.St()
	var held []string
	if n := p.view.HiddenGoals; n > 0 {
		// the count only: never a held goal's domain or wording
		held = []string{"  " + st.Muted.Render(store.HeldByCaseManagement(n))}
	}
	if len(p.view.Goals) == 0 {
		if held != nil {
			return held
		}
		return []string{"  " + st.Muted.Render("no goals yet")}
	}
	var out []string
	for _, g := range p.view.Goals {
		head := fmt.Sprintf("  %s %s · %s · ", g.ID, kindText(store.CaseKind(g.Domain)), kindText(store.CaseKind(g.Status)))
		out = append(out, p.wrap(head+p.trend(g, 16)+"  "+st.Base.Render("“"+common.Line(g.Words)+"”"), 4)...)
		es := g.Progress
		if len(es) > 3 {
			es = es[len(es)-3:]
		}
		for i := len(es) - 1; i >= 0; i-- {
			e := es[i]
			tag := ""
			if e.Sensitivity == store.Clinical {
				tag = st.Warn.Render("[clinical]") + " "
			}
			out = append(out, p.wrap(fmt.Sprintf("      %s %-12s %s%s (%s)", store.FormatDate(e.Date), stepText(e.Step), tag, common.Line(e.Note), common.Line(e.Author)), 30)...)
		}
	}
	return append(out, held...)
}

func (p *participant) contactLines() []string {
	st := p.ctx.St()
	if len(p.view.Contacts) == 0 {
		return []string{"  " + st.Muted.Render("none you may see")}
	}
	var out []string
	for _, c := range p.view.Contacts {
		sens := common.Pad(string(c.Sensitivity), 8)
		if c.Sensitivity == store.Clinical {
			sens = st.Warn.Render(sens)
		}
		out = append(out, p.wrap(fmt.Sprintf("  %s %s %s %s (%s)", store.FormatDate(c.Date), common.Pad(kindText(store.CaseKind(c.Kind)), 15), sens,
			common.Line(c.Note), common.Line(c.Author)), contactIndent)...)
	}
	return out
}

func (p *participant) caseLines(today time.Time) []string {
	st := p.ctx.St()
	if p.view.CaseAccess != store.Shown && p.view.CaseAccess != store.StatusOnly {
		return []string{"  " + st.Muted.Render(store.NotShared)}
	}
	if len(p.view.Cases) == 0 {
		return []string{"  " + st.Muted.Render("none")}
	}
	var out []string
	for _, c := range p.view.Cases {
		s := fmt.Sprintf("  %s %s · %s", c.ID, kindText(c.Kind), c.Status)
		if c.CaseNumber != "" {
			s += " · " + common.Line(c.CaseNumber)
		}
		if !c.NextCourtDate.IsZero() {
			s += " · next court " + store.FormatDate(c.NextCourtDate) + " (" + daysText(today, c.NextCourtDate) + ")"
		}
		if c.Kind == store.CaseDivertedArrest && !c.IntakeDeadline.IsZero() && c.IntakeCompleted.IsZero() {
			s += " · intake by " + store.FormatDate(c.IntakeDeadline)
		}
		if p.view.CaseAccess == store.Shown {
			pos := "no position"
			if c.Position != store.PositionNone {
				pos = "position " + kindText(store.CaseKind(c.Position))
			}
			s += " · " + pos
		}
		out = append(out, p.wrap(s, 4)...)
		if p.view.CaseAccess == store.Shown && c.PositionNote != "" {
			out = append(out, p.wrap("      "+st.Muted.Render("position note: ")+common.Line(c.PositionNote), 8)...)
		}
	}
	return out
}

// contactIndent is where a contact's note starts: date, kind, sensitivity.
const contactIndent = 2 + 10 + 1 + 15 + 1 + 8 + 1

// wrap breaks a long line at word boundaries to the screen width, so a
// note is read whole, not cut off; continuation lines are indented by
// indent cells, under the text they continue.
func (p *participant) wrap(s string, indent int) []string {
	w := p.width
	if w <= 0 || ansi.StringWidth(s) <= w {
		return []string{s}
	}
	indent = min(indent, w/2)
	first, _, _ := strings.Cut(ansi.Wrap(s, w, ""), "\n")
	rest := ansi.Cut(s, ansi.StringWidth(first), ansi.StringWidth(s))
	out := []string{first}
	pad := strings.Repeat(" ", indent)
	for _, l := range strings.Split(ansi.Wrap(strings.TrimLeft(rest, " "), w-indent, ""), "\n") {
		out = append(out, pad+l)
	}
	return out
}

// ShortHelp puts the actions first: scrolling is what a user tries anyway.
func (p *participant) ShortHelp() []key.Binding {
	if p.form.active() {
		return []key.Binding{cancelKey()}
	}
	k := p.keys
	return []key.Binding{k.Back, k.Contact, k.Record, k.Goal, k.Progress, k.GoalStatus, k.Flag, k.Down}
}

func (p *participant) FullHelp() [][]key.Binding {
	if p.form.active() {
		return [][]key.Binding{{cancelKey()}}
	}
	k := p.keys
	// the full help says what the record and goal forms change
	record, goal := k.Record, k.GoalStatus
	record.SetHelp("s", "status, exit, housing")
	if store.MayMoveCaseload(p.ctx.Actor) {
		record.SetHelp("s", "status, exit, housing, case manager")
	}
	goal.SetHelp("g", "goal achieved/set aside/active")
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown},
		{k.Contact, record, k.Goal, k.Progress, goal, k.Flag},
		{k.Case, k.Court, k.ROI, k.Revoke, k.Timeline},
	}
}
