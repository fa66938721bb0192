// Package intake is the "New referral" form of owg (issue 9): an officer's
// or partner's referral from the field, with the protocol's eligibility
// shown before submitting, re-referrals routed at entry, and one synced
// write on submit. It also holds the on-call notice helpers.
package intake

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/cursor"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// MsgEnrolled is the sentence a referrer who may see the participant is
// told about a re-referral. The participant's id and name are never shown
// to the referrer; one who may not see them is told nothing more than for
// a new referral.
const MsgEnrolled = "already enrolled in LEAD"

type state int

const (
	editing state = iota
	reviewing
	saving
	done
)

// Model is the New referral screen. Use New.
type Model struct {
	ctx    *common.Ctx
	keys   keyMap
	v      *values
	form   *huh.Form
	theme  huh.ThemeFunc
	fields []huh.Field           // the form's fields, in order
	labels []string              // their titles, drawn by View in a column of their own
	limits map[string]fieldLimit // the text fields' limits, by key
	state  state
	width  int
	height int

	kindFixed   bool // provider and community: kind community, no kind field
	seenOffense bool // eligibility is shown once the offense field was reached
	confirmEsc  bool // esc pressed once: the next esc discards
	errMsg      string

	// the draft: dirty input not saved yet, a save timer armed, and when
	// the draft this form was restored from was saved
	dirty    bool
	armed    bool
	restored time.Time
	writes   *common.DraftWrites // saves and deletes land in the order decided

	// review and result
	draft    store.Referral
	checking bool
	reMsg    string // MsgEnrolled for a re-referral the referrer may know of
	saved    store.Referral
	seq      int // bumps on every check and submit; stale replies are dropped
}

// formMsg wraps a message huh produced for this form, so that when the
// root broadcasts it, only the form that asked handles it (other panes may
// hold huh forms too).
type formMsg struct {
	owner *Model
	msg   tea.Msg
}

// checkedMsg is the re-referral check of a draft.
type checkedMsg struct {
	owner *Model
	seq   int
	reMsg string
	err   error
}

// SavedMsg reports a submitted referral (as stored) to the form that
// submitted it; the root may also use it to refresh other panes.
type SavedMsg struct {
	owner    *Model
	seq      int
	reMsg    string
	Referral store.Referral
	Err      error
}

// New returns the New referral form for the session's actor.
func New(ctx *common.Ctx) common.Component {
	m := &Model{ctx: ctx, keys: newKeyMap(), v: &values{}, width: 80, height: 20}
	m.kindFixed = ctx.Actor.Role == store.RoleProvider || ctx.Actor.Role == store.RoleCommunity
	m.reset()
	return m
}

// kinds returns the kinds the actor may choose.
func (m *Model) kinds() []store.ReferralKind {
	switch m.ctx.Actor.Role {
	case store.RolePolice:
		return []store.ReferralKind{store.KindArrestDiversion, store.KindSocialContact}
	case store.RoleProvider, store.RoleCommunity:
		return []store.ReferralKind{store.KindCommunity}
	}
	return store.ReferralKinds
}

// reset starts a new, empty referral.
func (m *Model) reset() {
	m.v = &values{kind: m.kinds()[0]}
	m.state = editing
	m.seenOffense, m.confirmEsc, m.errMsg = false, false, ""
	m.dirty, m.restored = false, time.Time{}
	m.draft, m.saved, m.reMsg, m.checking = store.Referral{}, store.Referral{}, "", false
	m.theme = leanTheme(m.ctx.St())
	// The huh form is built when first shown or used (ensureForm): most
	// sessions never open it, and building it was a sixth of a
	// supervisor's sign-in.
	m.form, m.fields, m.labels = nil, nil, nil
}

// ensureForm builds the form over the current values if it is not built.
func (m *Model) ensureForm() {
	if m.form == nil {
		m.buildForm()
	}
}

// buildForm (re)builds the huh form over the current values, focused on
// the first field.
func (m *Model) buildForm() {
	v := m.v
	// Fields carry no titles: huh draws an inline select's title on a line
	// of its own, so View draws the titles column itself and every field
	// takes exactly one line.
	var labels []string
	limits := map[string]fieldLimit{}
	in := func(key, title string, val *string, limit int, placeholder string, validate func(string) error) huh.Field {
		labels = append(labels, title)
		limits[key] = fieldLimit{title, limit}
		f := huh.NewInput().Key(key).Value(val).Prompt("").CharLimit(limit).Placeholder(placeholder)
		if validate != nil {
			f.Validate(validate)
		}
		return f
	}
	yesNo := func(key, title string, val *bool) huh.Field {
		labels = append(labels, title)
		return huh.NewSelect[bool]().Key(key).Inline(true).
			Options(huh.NewOption("no", false), huh.NewOption("yes", true)).Value(val)
	}
	var fields []huh.Field
	if !m.kindFixed {
		opts := make([]huh.Option[store.ReferralKind], 0, 3)
		for _, k := range m.kinds() {
			opts = append(opts, huh.NewOption(store.KindLabel(k), k))
		}
		labels = append(labels, fieldKind)
		fields = append(fields, huh.NewSelect[store.ReferralKind]().Key("kind").Inline(true).Options(opts...).Value(&v.kind))
	}
	fields = append(fields,
		in("name", fieldName, &v.name, maxNameLen, "", validateLen(fieldName, maxNameLen)),
		in("dob", fieldDOBAge, &v.dobOrAge, 10, "YYYY-MM-DD or age", func(s string) error {
			_, _, err := parseDOBOrAge(s, m.ctx.Time())
			return err
		}),
		in("location", fieldLocation, &v.location, maxLocationLen, "", nil),
	)
	labels = append(labels, fieldOffense)
	fields = append(fields,
		huh.NewSelect[string]().Key("offense").Inline(true).Options(m.offenseOptions()...).Value(&v.offense),
		yesNo("unsheltered", fieldUnshelt, &v.unsheltered),
	)
	labels = append(labels, fieldImpair)
	fields = append(fields,
		huh.NewSelect[int]().Key("impairment").Inline(true).
			Options(huh.NewOption("0 none observed", 0), huh.NewOption("1 some", 1), huh.NewOption("2 severe", 2)).Value(&v.impairment),
		yesNo("victim", fieldVictim, &v.victim),
		yesNo("warrant", fieldWarrant, &v.warrant),
		in("court", fieldCourt, &v.court, 10, "YYYY-MM-DD", func(s string) error { _, err := parseCourtDate(s); return err }),
		in("contacts", fieldContacts, &v.contacts, 4, "0", func(s string) error { _, err := parseContacts(s); return err }),
		in("note", fieldNote, &v.note, maxNoteLen, "short, general: no clinical detail", nil),
		in("callback", fieldCallback, &v.callback, maxCallbackLen, "optional, for the handoff", nil),
	)
	// race/ethnicity: HUD's categories, one or more (space toggles, up and
	// down move, one line like every field); never free text
	labels = append(labels, fieldRace)
	raceOpts := make([]huh.Option[string], 0, len(store.RaceCategories)+len(store.RaceNoneCategories))
	for _, c := range append(append([]store.RaceCategory{}, store.RaceCategories...), store.RaceNoneCategories...) {
		raceOpts = append(raceOpts, huh.NewOption(c.Label, c.Label).Selected(slices.Contains(v.race, c.Label)))
	}
	fields = append(fields, huh.NewMultiSelect[string]().Key("race").Options(raceOpts...).Value(&v.race).Height(1).Filterable(false).
		Validate(func(s []string) error { _, err := (&values{race: s}).raceValue(); return err }))
	m.fields, m.labels, m.limits = fields, labels, limits
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithDisabled()) // the screen handles esc; the root ctrl+c
	addKeys := func(b *key.Binding, keys ...string) { b.SetKeys(append(b.Keys(), keys...)...) }
	addKeys(&km.Input.Next, "down")
	addKeys(&km.Input.Prev, "up")
	addKeys(&km.Select.Next, "down")
	addKeys(&km.Select.Prev, "up")
	m.form = huh.NewForm(huh.NewGroup(fields...)).
		WithTheme(m.theme).
		WithKeyMap(km).
		WithShowHelp(false).
		WithShowErrors(false).
		WithWidth(m.fieldWidth()).
		WithHeight(m.formRows())
	// Init focuses the first field synchronously; its commands (a cursor
	// blink, a window-size query that would repaint the whole screen, a
	// title refresh for dynamic titles we do not use) are not needed.
	_ = m.form.Init()
}

func (m *Model) offenseOptions() []huh.Option[string] {
	p := m.ctx.Protocol
	opts := []huh.Option[string]{huh.NewOption("none / not applicable", offenseNone)}
	seen := map[string]bool{"": true, offenseOther: true}
	for _, list := range [][]string{p.DivertibleOffenses, p.ExcludedOffenses} {
		for _, o := range list {
			o = store.NormalizeOffense(o)
			if seen[o] {
				continue
			}
			seen[o] = true
			opts = append(opts, huh.NewOption(store.OffenseLabel(o), o))
		}
	}
	return append(opts, huh.NewOption("Other", offenseOther))
}

// pad pads a field title to the titles column.
func pad(title string) string {
	if n := titleWidth - len(title); n > 0 {
		return title + strings.Repeat(" ", n)
	}
	return title
}

// formRows is the number of field lines shown (the form scrolls to the
// focused field when the screen is shorter than the form).
func (m *Model) formRows() int { return max(min(len(m.fields), m.height-5), 1) }

// fieldWidth is the width of the fields column, right of the titles.
func (m *Model) fieldWidth() int { return max(m.width-titleWidth-2, 10) }

// formLines renders the form with the titles column and the focus marker:
// moving the focus repaints the two markers and titles, typing only the
// typed cell and the cursor.
func (m *Model) formLines() []string {
	st := m.ctx.St()
	focused := 0
	if f := m.form.GetFocusedField(); f != nil {
		for i, x := range m.fields {
			if x == f {
				focused = i
			}
		}
	}
	rows := strings.Split(m.form.View(), "\n")
	off := min(max(focused, 0), max(len(m.fields)-len(rows), 0))
	out := make([]string, 0, len(rows))
	for i, row := range rows {
		j := off + i
		if j >= len(m.labels) {
			break
		}
		if j == focused {
			out = append(out, st.Accent.Render(st.Cursor+" "+pad(m.labels[j]))+row)
		} else {
			out = append(out, "  "+pad(m.labels[j])+row)
		}
	}
	return out
}

// Init does nothing: the form is ready on construction.
func (m *Model) Init() tea.Cmd { return nil }

// wrap tags every message huh's commands produce with this form, and drops
// cursor blinks (nothing repaints while idle). Bubble Tea's own messages
// (window-size queries, clipboard reads) pass through untouched.
func (m *Model) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		switch msg := msg.(type) {
		case nil, cursor.BlinkMsg:
			return nil
		case tea.BatchMsg:
			out := make(tea.BatchMsg, 0, len(msg))
			for _, c := range msg {
				if c != nil {
					out = append(out, m.wrap(c))
				}
			}
			return out
		}
		if t := reflect.TypeOf(msg); t.PkgPath() == "charm.land/bubbletea/v2" {
			return msg
		}
		return formMsg{owner: m, msg: msg}
	}
}

// Update handles keys while the screen is shown and the replies it asked for.
func (m *Model) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RestyleMsg:
		m.theme = leanTheme(m.ctx.St())
		if m.form != nil {
			m.form.WithTheme(m.theme)
		}
		return m, nil
	case formMsg:
		if msg.owner != m || m.state != editing {
			return m, nil
		}
		m.ensureForm()
		return m, m.updateForm(msg.msg)
	case checkedMsg:
		if msg.owner != m || msg.seq != m.seq || m.state != reviewing {
			return m, nil
		}
		m.checking = false
		if msg.err != nil {
			m.errMsg = "could not check for an enrolled participant: " + msg.err.Error()
		}
		m.reMsg = msg.reMsg
		return m, nil
	case SavedMsg:
		if msg.owner != m || msg.seq != m.seq || m.state != saving {
			return m, nil
		}
		if msg.Err != nil {
			m.state = reviewing
			m.errMsg = "not saved: " + msg.Err.Error()
			return m, common.StatusCmd("referral not saved: "+msg.Err.Error(), true)
		}
		m.state, m.saved, m.reMsg = done, msg.Referral, msg.reMsg
		return m, tea.Batch(common.StatusCmd(m.receivedLine(), false), m.dropDraftCmd())
	case draftDueMsg:
		if msg.owner != m {
			return m, nil
		}
		m.armed = false
		if !m.dirty || m.state == done {
			return m, nil
		}
		return m, m.saveDraftCmd()
	case draftSavedMsg:
		if msg.owner == m && msg.err != nil {
			return m, common.StatusCmd("draft not kept: "+msg.err.Error(), true)
		}
		return m, nil
	case tea.PasteMsg:
		if m.state == editing {
			m.ensureForm()
			return m, tea.Batch(m.updateLimited(msg, strings.ReplaceAll(msg.Content, "\r\n", "\n")), m.touched())
		}
	case tea.KeyPressMsg:
		m.ensureForm()
		cmd := m.key(msg)
		if m.state == editing || m.state == reviewing {
			cmd = tea.Batch(cmd, m.touched())
		}
		return m, cmd
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	switch m.state {
	case editing:
		if key.Matches(msg, m.keys.Discard) && !m.filtering() {
			if m.v.empty() || m.confirmEsc {
				restored := !m.restored.IsZero()
				m.reset()
				text := "referral discarded: nothing was saved"
				if restored {
					text = "restored draft discarded: nothing was saved"
				}
				return tea.Batch(common.StatusCmd(text, false), m.dropDraftCmd())
			}
			m.confirmEsc = true
			return common.StatusCmd(common.EscAgain, true)
		}
		if m.confirmEsc {
			// any other key clears the question; enter only goes on editing
			m.confirmEsc = false
			clear := common.StatusCmd("", false)
			if msg.String() == "enter" {
				return clear
			}
			return tea.Batch(clear, m.key(msg))
		}
		if key.Matches(msg, m.keys.Review) {
			return m.review()
		}
		return m.updateLimited(msg, msg.Text)
	case reviewing:
		if msg.String() == "esc" && !m.v.empty() && !m.confirmEsc {
			// esc is also "back": the first one only asks
			m.confirmEsc = true
			return common.StatusCmd(common.EscAgain, true)
		}
		if m.confirmEsc && msg.String() != "esc" {
			m.confirmEsc = false
			clear := common.StatusCmd("", false)
			if msg.String() == "enter" {
				return clear // enter goes on reviewing; it never submits on the way
			}
			return tea.Batch(clear, m.key(msg))
		}
		switch {
		case key.Matches(msg, m.keys.Submit):
			if m.checking {
				return nil
			}
			return m.submit()
		case key.Matches(msg, m.keys.Edit):
			m.state, m.errMsg = editing, ""
			m.buildForm()
		case key.Matches(msg, m.keys.Cancel):
			m.reset()
			return tea.Batch(common.StatusCmd("referral cancelled: nothing was saved", false), m.dropDraftCmd())
		}
	case done:
		if key.Matches(msg, m.keys.New) {
			m.reset()
		}
	}
	return nil
}

// filtering reports whether the focused select is filtering (esc ends the
// filter there, it does not discard the form).
func (m *Model) filtering() bool {
	f, ok := m.form.GetFocusedField().(interface{ GetFiltering() bool })
	return ok && f.GetFiltering()
}

// fieldLimit is a text field's title and the most characters it holds.
type fieldLimit struct {
	title string
	limit int
}

// updateLimited is updateForm for input that adds text to the focused
// field: a field at its limit keeps only what fits (huh cuts a paste and
// drops keys past it without a word), and the form says so, on its own
// line and the status line, naming the field and the limit.
func (m *Model) updateLimited(msg tea.Msg, text string) tea.Cmd {
	f := m.form.GetFocusedField()
	lim, ok := fieldLimit{}, false
	var before int
	if f != nil && text != "" {
		lim, ok = m.limits[f.GetKey()]
		if v, isStr := f.GetValue().(string); ok && isStr {
			before = len([]rune(v))
		} else {
			ok = false
		}
	}
	cmd := m.updateForm(msg)
	if !ok || m.state != editing {
		return cmd
	}
	after, _ := f.GetValue().(string)
	lost := before + len([]rune(text)) - len([]rune(after))
	if lost <= 0 || len([]rune(after)) < lim.limit {
		return cmd
	}
	note := fmt.Sprintf("%s: cut to its %d-character limit (%d pasted characters not kept)", lim.title, lim.limit, lost)
	if _, typed := msg.(tea.KeyPressMsg); typed {
		note = fmt.Sprintf("%s: full at its %d-character limit (keys past it are not kept)", lim.title, lim.limit)
	}
	m.errMsg = note
	return tea.Batch(cmd, common.StatusCmd(note, true))
}

// updateForm hands msg to the form and moves to review when it completes.
// Field moves are resolved at once (common.UpdateForm), so keys typed
// right after tab land in the next field even over a slow link. Other
// commands run as usual, tagged with this form.
func (m *Model) updateForm(msg tea.Msg) tea.Cmd {
	async := common.UpdateForm(m.form, msg)
	if f := m.form.GetFocusedField(); f != nil && f.GetKey() == "offense" {
		m.seenOffense = true
	}
	if m.form.State == huh.StateCompleted {
		return m.review()
	}
	if errs := m.form.Errors(); len(errs) > 0 {
		m.errMsg = errs[0].Error()
	} else if _, ok := msg.(tea.KeyPressMsg); ok {
		m.errMsg = ""
	}
	return m.wrap(async)
}

// review validates every field and, when all are good, shows the draft
// with its eligibility and starts the re-referral check.
func (m *Model) review() tea.Cmd {
	r, errs := m.v.build(m.ctx.Actor, m.ctx.Time())
	if len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Error()
		}
		m.errMsg = strings.Join(msgs, "; ")
		if m.form.State != huh.StateNormal {
			m.buildForm()
		}
		return nil
	}
	m.state, m.draft, m.errMsg, m.reMsg, m.checking = reviewing, r, "", "", true
	m.seq++
	return checkCmd(m, m.seq, r)
}

func (m *Model) submit() tea.Cmd {
	m.state, m.errMsg = saving, ""
	m.seq++
	return submitCmd(m, m.seq, *m.v)
}

// eligibilityLine says whether the protocol would screen the referral out.
func (m *Model) eligibilityLine(r store.Referral) string {
	st := m.ctx.St()
	ok, reason := store.Eligibility(m.ctx.Protocol, r)
	if ok {
		return st.Good.Render("Eligible under this site's protocol.")
	}
	return st.Warn.Render("Would be screened out: " + store.ScreenOutMessage(m.ctx.Protocol, r, reason) + ".")
}

// liveDraft is the referral as typed so far, for the live eligibility
// line: a field that does not parse yet counts as empty, and the age is
// left out while it is being typed.
func (m *Model) liveDraft() store.Referral {
	v := *m.v
	now := m.ctx.Time()
	f := m.form.GetFocusedField()
	if h, ok := f.(interface{ Hovered() (string, bool) }); ok && f.GetKey() == "offense" {
		if o, ok := h.Hovered(); ok {
			v.offense = o // while filtering, the option under the cursor
		}
	}
	if f != nil && f.GetKey() == "dob" {
		if _, err := time.Parse(store.DateLayout, strings.TrimSpace(v.dobOrAge)); err != nil {
			v.dobOrAge = "" // an age or a date half typed: wait for it
		}
	}
	if _, _, err := parseDOBOrAge(v.dobOrAge, now); err != nil {
		v.dobOrAge = ""
	}
	r, _ := v.build(m.ctx.Actor, now)
	return r
}

func (m *Model) receivedLine() string {
	return fmt.Sprintf("%s received %s", m.saved.ID, m.saved.Received.Format("15:04"))
}

// View renders the screen in at most width x height cells.
func (m *Model) View() string {
	m.ensureForm()
	st := m.ctx.St()
	who := common.Line(m.ctx.Actor.User)
	if a := common.Line(m.ctx.Actor.Agency); a != "" {
		who += ", " + a
	}
	lines := []string{st.Title.Render("New referral") + st.Muted.Render(" by "+who)}
	if m.kindFixed {
		lines[0] += st.Muted.Render(" · kind community")
	}
	lines = append(lines, "")
	switch m.state {
	case editing:
		lines = append(lines, m.formLines()...)
		lines = append(lines, "")
		if m.seenOffense {
			lines = append(lines, m.eligibilityLine(m.liveDraft()))
		} else {
			lines = append(lines, "")
		}
		switch {
		case m.confirmEsc:
			if !m.restored.IsZero() {
				lines = append(lines, st.Warn.Render("Press esc again to discard the restored draft, any other key to keep editing."))
			} else {
				lines = append(lines, st.Warn.Render("Press esc again to discard this referral, any other key to keep editing."))
			}
		case m.errMsg != "":
			lines = append(lines, st.Bad.Render(m.errMsg))
		}
	case reviewing, saving:
		lines = append(lines, m.summary()...)
		lines = append(lines, "", m.eligibilityLine(m.draft))
		if m.reMsg != "" {
			lines = append(lines, st.Accent.Render(sentence(m.reMsg)))
		}
		lines = append(lines, "")
		switch {
		case m.state == saving:
			lines = append(lines, st.Muted.Render("Saving…"))
		case m.checking:
			lines = append(lines, st.Muted.Render("Checking…"))
		case m.confirmEsc:
			lines = append(lines, st.Warn.Render("Press esc again to discard this referral, enter to go on reviewing."))
		case m.errMsg != "":
			lines = append(lines, st.Bad.Render(m.errMsg))
		default:
			if ok, _ := store.Eligibility(m.ctx.Protocol, m.draft); ok {
				lines = append(lines, "Press enter to submit, e to edit, esc to cancel.")
			} else {
				lines = append(lines, "You can still submit it for the record: enter submits, e edits, esc cancels.")
			}
		}
	case done:
		lines = append(lines, st.Good.Render(m.receivedLine()))
		if m.saved.Status == store.RefScreenedOut {
			lines = append(lines, st.Warn.Render("Screened out: "+store.ScreenOutMessage(m.ctx.Protocol, m.saved, m.saved.Reason)+" (kept for the record)."))
		}
		if m.reMsg != "" {
			lines = append(lines, st.Accent.Render(sentence(m.reMsg)))
		}
		lines = append(lines, "", st.Muted.Render("Press n for a new referral."))
	}
	return strings.Join(common.Lines(lines, m.width, min(len(lines), m.height)), "\n")
}

// summary lists the draft in plain words, one line per field.
func (m *Model) summary() []string {
	r, v := m.draft, m.v
	dob := v.dobOrAge
	if dob == "" {
		dob = "unknown"
	}
	yn := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	offense := store.OffenseLabel(r.Offense)
	if offense == "" {
		offense = "none"
	}
	court := store.FormatDate(r.Indicators.NextCourtDate)
	if court == "" {
		court = "none"
	}
	rows := [][2]string{
		{fieldKind, store.KindLabel(r.Kind)},
		{fieldName, r.Person.Name},
		{fieldDOBAge, strings.TrimSpace(dob)},
		{fieldLocation, r.Location},
		{fieldOffense, offense},
		{fieldUnshelt, yn(r.Indicators.Unsheltered)},
		{fieldImpair, fmt.Sprint(r.Indicators.Impairment)},
		{fieldVictim, yn(r.Indicators.VictimizationRisk)},
		{fieldWarrant, yn(r.Indicators.Warrant)},
		{fieldCourt, court},
		{fieldContacts, fmt.Sprint(r.Indicators.Contacts12m)},
		{fieldNote, r.Notes},
		{fieldCallback, r.Callback},
		{fieldRace, raceSummary(r.RaceEthnicity)},
	}
	out := make([]string, len(rows))
	st := m.ctx.St()
	for i, row := range rows {
		out[i] = "  " + st.Muted.Render(pad(row[0])) + common.Line(row[1])
	}
	return out
}

// raceSummary is the review's race/ethnicity: the categories chosen, or
// "not recorded".
func raceSummary(s string) string {
	if s == "" {
		return "not recorded"
	}
	return s
}

func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// SetSize sets the screen's size in cells.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	if m.form != nil {
		m.form.WithWidth(m.fieldWidth()).WithHeight(m.formRows())
	}
}

// ShortHelp returns the bindings of the current state.
func (m *Model) ShortHelp() []key.Binding {
	switch m.state {
	case editing:
		return []key.Binding{m.keys.Next, m.keys.Review, m.keys.Change, m.keys.Discard, m.keys.Prev}
	case reviewing:
		return []key.Binding{m.keys.Submit, m.keys.Edit, m.keys.Cancel}
	case done:
		return []key.Binding{m.keys.New}
	}
	return nil
}

// FullHelp returns every binding of the current state.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Capturing reports whether keys belong to the form (typing or reviewing).
func (m *Model) Capturing() bool { return m.state != done }

// Dirty reports whether the form holds input that is not saved.
func (m *Model) Dirty() bool {
	return m.state == saving || ((m.state == editing || m.state == reviewing) && !m.v.empty())
}

// Saved returns the last referral this form submitted (zero before).
func (m *Model) Saved() store.Referral { return m.saved }
