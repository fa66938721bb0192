package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/intake"
)

// todayLoadedMsg carries a Today read.
type todayLoadedMsg struct {
	site *site
	err  error
}

// today is the signed-in user's day: next meeting, what is due, capacity.
type today struct {
	audited listAudited // what the last view event named
	ctx     *common.Ctx
	list    *common.List
	site    *site
	width   int
	height  int
	err     error
	// on-call notices (set by the root): field referrals waiting for a handoff
	notices   []intake.Notice
	noticesOn bool
	ack       key.Binding
	done      key.Binding // marks the selected action item done
	index     todayIndex  // rendered rows and sections of the last site shown
	// handoffs the viewer took and has not closed, one key per step
	handoffs   []intake.Handoff
	arrived    key.Binding
	completed  key.Binding
	notLocated key.Binding
	styled     todayStyled
	// the view drawn last, and from what (View)
	view    string
	viewKey todayViewKey
	viewOK  bool
}

// todayStyled keeps what Today's styles rendered (common.StyleMemo): the
// section titles, "none", the notices' flags and the title lines come out
// the same on almost every rebuild and frame, and styling them again was
// much of what a session spent on each store change.
type todayStyled struct {
	accent, muted, bad, title, base common.StyleMemo
	titles                          map[string]titleRow // by section title (a handful)
	notices                         noticeRowsMemo
}

func newToday(ctx *common.Ctx) *today {
	t := &today{ctx: ctx, list: common.NewList(),
		ack:        key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "take handoff")),
		done:       key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "action item done")),
		arrived:    key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "on scene")),
		completed:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "handoff completed")),
		notLocated: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "could not locate"))}
	t.ack.SetEnabled(false)
	t.setHandoffKeys()
	return t
}

// setNotices shows the pending field referrals (on: the viewer gets them)
// and the handoffs the viewer took.
func (t *today) setNotices(ns []intake.Notice, on bool, mine []intake.Handoff) {
	t.notices, t.noticesOn, t.handoffs = ns, on, mine
	t.ack.SetEnabled(on && len(ns) > 0)
	t.setHandoffKeys()
	t.rebuild()
}

func (t *today) setHandoffKeys() {
	open := len(t.handoffs) > 0
	taken := slices.ContainsFunc(t.handoffs, func(h intake.Handoff) bool { return h.State == store.HandoffTaken })
	t.arrived.SetEnabled(taken)
	t.completed.SetEnabled(open)
	t.notLocated.SetEnabled(open)
}

// handoffTarget is the handoff a step key applies to: the selected one,
// else the oldest.
func (t *today) handoffTarget() string {
	if k, ok := strings.CutPrefix(t.list.SelectedKey(), "handoff:"); ok {
		return k
	}
	return t.handoffs[0].ID
}

// handoffRows lists the viewer's open handoffs with what they need to
// find the person: state and time taken, then location, description and
// the callback number.
func (t *today) handoffRows(st *common.Styles, now time.Time) []common.Row {
	rows := make([]common.Row, 0, len(t.handoffs))
	for _, h := range t.handoffs {
		text := common.Pad(common.Line(h.ID), 7) + " " + common.Pad(store.HandoffLabel(h.State), 9) + " " +
			common.Pad("taken "+h.TakenAt.In(now.Location()).Format("15:04"), 12) + " " + h.Facts()
		rows = append(rows, common.Row{Key: "handoff:" + h.ID, Text: text, Filter: h.ID})
	}
	return rows
}

// noticeRows lists the notices: id, kind, agency, minutes since received,
// flagged past the protocol's acknowledgement limit. Never the name.
func (t *today) noticeRows(st *common.Styles, now time.Time) []common.Row {
	limit := ackLimit(protocolOf(t.ctx))
	// kept while the notices, the styles and every row's minutes and flag
	// stand (a rebuild for a store change draws them again otherwise)
	m := &t.styled.notices
	same := m.ok && m.st == st && m.limit == limit && len(m.ages) == len(t.notices) && sameNotices(m.of, t.notices)
	for i, n := range t.notices {
		d := now.Sub(n.Received)
		a := noticeAge{mins: int(d / time.Minute), over: d > time.Duration(limit)*time.Minute}
		if same && m.ages[i] != a {
			same = false
		}
		if !same {
			break
		}
	}
	if same {
		return slices.Clone(m.rows)
	}
	rows := make([]common.Row, 0, len(t.notices))
	ages := make([]noticeAge, 0, len(t.notices))
	for _, n := range t.notices {
		d := now.Sub(n.Received)
		a := noticeAge{mins: int(d / time.Minute), over: d > time.Duration(limit)*time.Minute}
		ages = append(ages, a)
		text := common.Pad(common.Line(n.ID), 7) + " " + common.Pad(store.KindLabel(n.Kind), 17) + " " +
			common.Pad(common.Line(n.Agency), 16) + " " + common.Pad(intake.Ago(n.Received, now), 16)
		if a.over {
			text += t.styled.bad.Render(st, st.Bad, fmt.Sprintf("! over %d min", limit))
		}
		rows = append(rows, common.Row{Key: "notice:" + n.ID, Text: text, Filter: n.ID + " " + n.Agency})
	}
	*m = noticeRowsMemo{ok: true, of: slices.Clone(t.notices), st: st, limit: limit, ages: ages, rows: rows}
	return slices.Clone(rows)
}

// noticeRowsMemo is the notice rows drawn last and what they show.
type noticeRowsMemo struct {
	ok    bool
	of    []intake.Notice
	st    *common.Styles
	limit int
	ages  []noticeAge
	rows  []common.Row
}

// noticeAge is what a notice row shows of the time since it came: its
// minutes (intake.Ago) and whether it is past the limit.
type noticeAge struct {
	mins int
	over bool
}

// sameNotices reports whether two notice lists show the same (the fields
// a row draws).
func sameNotices(a, b []intake.Notice) bool {
	return slices.EqualFunc(a, b, func(x, y intake.Notice) bool {
		return x.ID == y.ID && x.Kind == y.Kind && x.Agency == y.Agency && x.Received.Equal(y.Received)
	})
}

// noticeRowsShown is how many rows the notice block has under its title.
const noticeRowsShown = 3

// noticeBlock is the "Field referrals waiting for a handoff" section for
// a viewer who gets notices: always 1+noticeRowsShown rows (padded, the
// overflow summed up as "+N more"), so a notice arriving or acknowledged
// repaints the block alone, never the sections below it.
func (t *today) noticeBlock(st *common.Styles, now time.Time) []common.Row {
	all := t.noticeRows(st, now)
	rows := []common.Row{{Header: true, Text: t.styled.accent.Render(st, st.Accent, fmt.Sprintf("Field referrals waiting for a handoff (%d)", len(all)))}}
	switch {
	case len(all) == 0:
		rows = append(rows, common.Row{Header: true, Text: "    " + t.styled.muted.Render(st, st.Muted, "none")})
	case len(all) <= noticeRowsShown:
		rows = append(rows, all...)
	default:
		rows = append(rows, all[:noticeRowsShown-1]...)
		rows = append(rows, common.Row{Header: true, Text: "    " + t.styled.muted.Render(st, st.Muted, fmt.Sprintf("+%d more, newer", len(all)-noticeRowsShown+1))})
	}
	for len(rows) < 1+noticeRowsShown {
		rows = append(rows, common.Row{Header: true})
	}
	return rows
}

func (t *today) Init() tea.Cmd { return t.loadCmd() }

func (t *today) loadCmd() tea.Cmd {
	ctx := t.ctx
	return func() tea.Msg {
		s, err := loadSite(ctx)
		return todayLoadedMsg{site: s, err: err}
	}
}

// Capturing reports whether the filter is taking text.
func (t *today) Capturing() bool { return t.list.Filtering() }

func (t *today) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	switch msg := msg.(type) {
	case todayLoadedMsg:
		if msg.err != nil {
			t.err = msg.err
			return t, common.StatusCmd("today: "+msg.err.Error(), true)
		}
		if stale(t.site, msg.site) {
			return t, nil
		}
		t.site, t.err = msg.site, nil
		t.rebuild()
		return t, t.auditShown()
	case ChangedMsg:
		if !touchesSite(msg.Changes, true) {
			return t, nil
		}
		return t, t.loadCmd()
	case common.RestyleMsg:
		t.rebuild()
	case tea.KeyPressMsg:
		if !t.list.Filtering() && key.Matches(msg, t.ack) && len(t.notices) > 0 {
			id := t.notices[0].ID
			if k, ok := strings.CutPrefix(t.list.SelectedKey(), "notice:"); ok {
				id = k
			}
			return t, intake.AcknowledgeCmd(t.ctx, id)
		}
		if !t.list.Filtering() && len(t.handoffs) > 0 {
			for _, b := range []struct {
				k    key.Binding
				step store.HandoffStep
			}{{t.arrived, store.StepArrived}, {t.completed, store.StepDone}, {t.notLocated, store.StepNotLocated}} {
				if key.Matches(msg, b.k) {
					return t, intake.AdvanceCmd(t.ctx, t.handoffTarget(), b.step)
				}
			}
		}
		if id, ok := strings.CutPrefix(t.list.SelectedKey(), "action:"); ok && !t.list.Filtering() && key.Matches(msg, t.done) {
			return t, closeActionCmd(t.ctx, id)
		}
		if _, open := t.list.Update(msg); open {
			if id, ok := todayRowParticipant(t.list.SelectedKey()); ok {
				return t, func() tea.Msg { return common.OpenParticipantMsg{ID: id} }
			}
		}
	}
	return t, nil
}

// todayRowParticipant is the participant a Today row opens: the id after
// the row's kind ("overdue:P-0001", "roi:P-0001"), before any record id
// the row also names ("court:P-0001:L-0015", "intake:P-0002:L-0003").
// Rows about no participant (action items, notices, handoffs) open none.
func todayRowParticipant(k string) (string, bool) {
	_, rest, ok := strings.Cut(k, ":")
	if !ok {
		return "", false
	}
	id, _, _ := strings.Cut(rest, ":")
	return id, store.ValidParticipantID(id)
}

func (t *today) SetSize(w, h int) {
	t.width, t.height = w, h
	t.list.SetSize(w, max(h-3, 1))
}

// section appends a titled section of rows; an empty one says "none".
func (t *today) section(rows []common.Row, st *common.Styles, title string, items []common.Row) []common.Row {
	rows = t.sectionTitle(rows, st, title, len(items))
	return append(rows, items...)
}

// sectionTitle appends a section's title with its count, and "none" for
// an empty section.
func (t *today) sectionTitle(rows []common.Row, st *common.Styles, title string, n int) []common.Row {
	// kept by title: a section's count changes now and then, its title
	// never (so the memo is not searched by the whole text each rebuild)
	k, ok := t.styled.titles[title]
	if !ok || k.n != n || k.st != st {
		k = titleRow{n: n, st: st, text: t.styled.accent.Render(st, st.Accent, title+" ("+strconv.Itoa(n)+")"),
			none: "    " + t.styled.muted.Render(st, st.Muted, "none")}
		if t.styled.titles == nil {
			t.styled.titles = map[string]titleRow{}
		}
		t.styled.titles[title] = k
	}
	rows = append(rows, common.Row{Header: true, Text: k.text})
	if n == 0 {
		rows = append(rows, common.Row{Header: true, Text: k.none})
	}
	return rows
}

// titleRow is a section title as drawn for a count and styles.
type titleRow struct {
	n          int
	st         *common.Styles
	text, none string
}

func (t *today) rebuild() {
	s, st, c := t.site, t.ctx.St(), t.ctx
	if s == nil {
		return
	}
	idx := t.indexFor(s, st)
	var actions []common.Row
	for _, a := range store.OpenActions(s.meetings, s.today) {
		if a.Owner != c.Actor.User {
			continue
		}
		due := "no due date"
		if !a.Due.IsZero() {
			due = "due " + store.FormatDate(a.Due)
		}
		flag := common.Pad("", 8)
		if a.OverdueOn(s.today) {
			flag = t.styled.bad.Render(st, st.Bad, common.Pad("OVERDUE", 8))
		}
		var covers store.Coverage
		if subj := a.FollowsSubject(); subj != "" {
			pid := subj
			if strings.HasPrefix(subj, "L-") {
				for _, lc := range s.cases {
					if lc.ID == subj {
						pid = lc.ParticipantID
					}
				}
			}
			if i, ok := s.byID[pid]; ok {
				covers = s.parts[i].Coverage
			}
		}
		text := common.Line(a.Text)
		if !store.ActionTextVisible(c.Actor, a, covers) {
			text = t.styled.muted.Render(st, st.Muted, "("+store.NotShared+")")
		}
		actions = append(actions, common.Row{Key: "action:" + a.ID, Text: common.Pad(a.ID, 7) + " " + flag + common.Pad(due, 14) + " " + text})
	}
	rows := make([]common.Row, 0, len(idx.overdue)+len(idx.court)+len(idx.intake)+len(idx.roi)+len(actions)+len(t.handoffs)+16)
	if t.noticesOn {
		rows = append(rows, t.noticeBlock(st, c.Time())...)
	}
	if len(t.handoffs) > 0 {
		rows = t.section(rows, st, "Your handoffs (o on scene, c completed, x could not locate)", t.handoffRows(st, c.Time()))
	}
	if store.CanWrite(c.Actor.Role, store.DataGeneralContacts) {
		rows = t.datedSection(rows, st, "Overdue contacts", idx.overdue)
	}
	rows = t.datedSection(rows, st, "Court in the next "+strconv.Itoa(s.proto.CourtWindowDays)+" days", idx.court)
	if store.CanWrite(c.Actor.Role, store.DataGeneralContacts) {
		rows = t.datedSection(rows, st, "ROIs expiring within "+strconv.Itoa(s.proto.ROIExpiringDays)+" days", idx.roi)
	}
	rows = t.datedSection(rows, st, "Diverted arrests near the intake deadline", idx.intake)
	rows = t.section(rows, st, "My open action items", actions)
	t.list.SetRows(rows)
}

// auditShown records the view of the rows shown (listAudited). After a
// patch, only the re-rendered participants can be new on the screen: when
// the pane's last event already named each of them, nothing is written
// and the rows are not scanned.
func (t *today) auditShown() tea.Cmd {
	if ch := t.index.patched; ch != nil && t.audited.current(t.ctx) {
		fresh := false
		for id := range ch {
			r, ok := t.index.rows[id]
			if !ok {
				continue
			}
			for _, sec := range r.sections(&t.index) {
				for _, d := range sec.ds {
					for _, pid := range shownIDs([]string{d.row.Key}) {
						fresh = fresh || !t.audited.ids[pid]
					}
				}
			}
		}
		if !fresh {
			return nil
		}
	}
	return t.audited.cmd(t.ctx, "today", shownIDs(t.list.RowKeys()))
}

// backupLine is the state of the server's backups for the pm and
// supervisors, or "" (not served, no backups, or another role).
func (t *today) backupLine() string {
	r := t.ctx.Actor.Role
	if t.ctx.LastBackup == nil || (r != store.RolePM && r != store.RoleSupervisor) {
		return ""
	}
	st := t.ctx.St()
	last, err := t.ctx.LastBackup()
	text := "Last backup: none yet"
	if !last.IsZero() {
		text = "Last backup: " + last.Local().Format("2006-01-02 15:04")
	}
	if err != nil {
		return t.styled.bad.Render(st, st.Bad, text+" · the last backup FAILED (see the server log)")
	}
	return t.styled.muted.Render(st, st.Muted, text)
}

// dated is a Today row with the day and participant it sorts by.
type dated struct {
	day time.Time
	pid string
	row common.Row
}

// partRows are the Today rows of one participant.
type partRows struct {
	overdue               []dated // day unset: by participant id
	roiD, courtD, intakeD []dated
}

// todayRowsOf builds one participant's Today rows.
func todayRowsOf(c *common.Ctx, st *common.Styles, s *site, p pinfo, warn *common.StyleMemo) partRows {
	const labelW = 22
	var r partRows
	// the padded id and label, made for the first row (most participants
	// have none, and padding measures every character's width)
	var name, id string
	padded := func() {
		if name == "" {
			id, name = paddedIDLabel(p, labelW)
		}
	}
	if mine(c, p.P) && p.Shown() {
		if o := contactOverdueOf(p.P, s.proto, s.today); o.overdue {
			padded()
			r.overdue = append(r.overdue, dated{pid: p.P.ID, row: common.Row{Key: "overdue:" + p.P.ID,
				Text: id + " " + name + " " + warnText(st, warn, o.long()), Filter: p.P.ID + " " + p.Label}})
		}
		if day, ok := roiExpiring(p.ROIs, s.today, s.proto.ROIExpiringDays); ok {
			padded()
			r.roiD = append(r.roiD, dated{day, p.P.ID, common.Row{Key: "roi:" + p.P.ID,
				Text: store.FormatDate(day) + " " + common.Pad(daysText(s.today, day), 8) + id + " " + name, Filter: p.P.ID + " " + p.Label}})
		}
	}
	if !p.CaseAccess.Allowed() || (c.Actor.Role == store.RoleCaseManager && !mine(c, p.P)) {
		return r
	}
	for _, lc := range p.Cases {
		if !lc.NextCourtDate.IsZero() {
			if d := store.DaysBetween(s.today, lc.NextCourtDate); d >= 0 && d <= s.proto.CourtWindowDays {
				padded()
				r.courtD = append(r.courtD, dated{lc.NextCourtDate, p.P.ID, common.Row{Key: "court:" + p.P.ID + ":" + lc.ID,
					Text:   store.FormatDate(lc.NextCourtDate) + " " + common.Pad(daysText(s.today, lc.NextCourtDate), 8) + id + " " + name + " " + kindText(lc.Kind),
					Filter: p.P.ID + " " + p.Label}})
			}
		}
		if lc.Kind == store.CaseDivertedArrest && lc.IntakeCompleted.IsZero() && !lc.IntakeDeadline.IsZero() && p.CaseAccess == store.Shown {
			if d := store.DaysBetween(s.today, lc.IntakeDeadline); d <= s.proto.DeadlineNearDays {
				padded()
				r.intakeD = append(r.intakeD, dated{lc.IntakeDeadline, p.P.ID, common.Row{Key: "intake:" + p.P.ID + ":" + lc.ID,
					Text:   store.FormatDate(lc.IntakeDeadline) + " " + common.Pad(daysText(s.today, lc.IntakeDeadline), 8) + id + " " + name,
					Filter: p.P.ID + " " + p.Label}})
			}
		}
	}
	return r
}

// warnText is text in the warning style, remembered in memo (nil: not).
func warnText(st *common.Styles, memo *common.StyleMemo, text string) string {
	if memo == nil {
		return st.Warn.Render(text)
	}
	return memo.Render(st, st.Warn, text)
}

// paddedIDLabel is a participant's id (blank when not shown) and label,
// padded to Today's columns.
func paddedIDLabel(p pinfo, labelW int) (id, name string) {
	id = common.Pad(p.P.ID, 7)
	if !p.Shown() {
		id = strings.Repeat(" ", 7)
	}
	return id, common.Pad(p.Label, labelW)
}

// todayIndex keeps each participant's rendered Today rows and the
// sections they make, in order, between loads of the site.
type todayIndex struct {
	version                     uint64
	today                       time.Time
	styles                      *common.Styles
	rows                        map[string]partRows // nil: not chained (read from the store)
	overdue, court, intake, roi sectionRows
	// patched names the participants the last build re-rendered when it
	// patched the rows before (empty: the same site again); nil when it
	// built every row
	patched map[string]bool
}

// sectionRows is one section's rows in order: by day, then participant id
// (overdue: by participant id alone).
type sectionRows []dated

// datedSection is section for rows kept in order: they are appended
// straight from the index, with no copy in between.
func (t *today) datedSection(rows []common.Row, st *common.Styles, title string, items sectionRows) []common.Row {
	rows = t.sectionTitle(rows, st, title, len(items))
	for _, d := range items {
		rows = append(rows, d.row)
	}
	return rows
}

// compareIDs orders record ids numerically (P-9999 before P-10000), as
// the store and the snapshot list them.
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

func compareDated(a, b dated) int {
	if c := a.day.Compare(b.day); c != 0 {
		return c
	}
	return compareIDs(a.pid, b.pid)
}

// insert adds one participant's rows (in their order) where they sort.
func (s *sectionRows) insert(ds []dated) {
	for k, d := range ds {
		i, _ := slices.BinarySearchFunc(*s, d, func(x, d dated) int {
			if c := compareDated(x, d); c != 0 {
				return c
			}
			return -1 // after rows of the same day and participant already in
		})
		*s = slices.Insert(*s, i, ds[k])
	}
}

// remove drops one participant's rows, found where they sort.
func (s *sectionRows) remove(ds []dated) {
	for _, d := range ds {
		i, _ := slices.BinarySearchFunc(*s, d, compareDated)
		for j := i; j < len(*s) && compareDated((*s)[j], d) == 0; j++ {
			if (*s)[j].row.Key == d.row.Key {
				*s = slices.Delete(*s, j, j+1)
				break
			}
		}
	}
}

func (r partRows) sections(idx *todayIndex) []struct {
	s  *sectionRows
	ds []dated
} {
	return []struct {
		s  *sectionRows
		ds []dated
	}{{&idx.overdue, r.overdue}, {&idx.court, r.courtD}, {&idx.intake, r.intakeD}, {&idx.roi, r.roiD}}
}

// indexFor returns Today's sections for s. When s is the projection just
// after the one shown (the snapshot says which participants changed),
// only those participants' rows are built again and moved; a contact
// re-renders one participant's rows, not everyone's, and does no work in
// proportion to the site beyond copying the rows out.
func (t *today) indexFor(s *site, st *common.Styles) *todayIndex {
	old := &t.index
	sameView := old.rows != nil && s.version != 0 && old.today.Equal(s.today) && old.styles == st
	if sameView && old.version == s.version {
		old.patched = map[string]bool{}
		return old // a restyle-free rebuild of the same site
	}
	if sameView && s.changed != nil && old.version == s.prev {
		old.patched = s.changed
		for id := range s.changed {
			prev, had := old.rows[id]
			if had {
				for _, sec := range prev.sections(old) {
					sec.s.remove(sec.ds)
				}
				delete(old.rows, id)
			}
			i, ok := s.byID[id]
			if !ok {
				continue
			}
			r := todayRowsOf(t.ctx, st, s, *s.parts[i], nil)
			old.rows[id] = r
			for _, sec := range r.sections(old) {
				sec.s.insert(sec.ds)
			}
		}
		old.version = s.version
		return old
	}
	next := todayIndex{version: s.version, today: s.today, styles: st}
	if s.version != 0 {
		next.rows = make(map[string]partRows, len(s.parts))
	}
	// every participant's rows, rendered on every CPU, then put in their
	// sections in order
	all := make([]partRows, len(s.parts))
	common.Parallel(len(s.parts), func(lo, hi int) {
		var warn common.StyleMemo // a few hundred rows share a few dozen day counts
		for i := lo; i < hi; i++ {
			all[i] = todayRowsOf(t.ctx, st, s, *s.parts[i], &warn)
		}
	})
	for i, p := range s.parts {
		r := all[i]
		if next.rows != nil {
			next.rows[p.P.ID] = r
		}
		for _, sec := range r.sections(&next) {
			*sec.s = append(*sec.s, sec.ds...)
		}
	}
	for _, sec := range []*sectionRows{&next.overdue, &next.court, &next.intake, &next.roi} {
		slices.SortStableFunc(*sec, compareDated)
	}
	t.index = next
	return &t.index
}

func kindText(k store.CaseKind) string { return strings.ReplaceAll(string(k), "_", " ") }

func (t *today) View() string {
	st := t.ctx.St()
	// kept while nothing it is drawn from changed (a store change Today
	// only starts a load for is drawn again right after)
	k := todayViewKey{st: st, day: store.Today(t.ctx.Time()), site: t.site, backup: t.backupLine(),
		filtering: t.list.Filtering(), filter: t.list.FilterText(), list: t.list.ViewKey(st, "")}
	if t.err != nil {
		k.err = t.err.Error()
	}
	if t.viewOK && t.viewKey == k {
		return t.view
	}
	t.view, t.viewKey, t.viewOK = t.render(st), k, true
	return t.view
}

// todayViewKey is everything Today's view is drawn from.
type todayViewKey struct {
	st          *common.Styles
	day         time.Time
	site        *site // never changed once projected
	err, backup string
	filtering   bool
	filter      string
	list        any // common.List.ViewKey
}

func (t *today) render(st *common.Styles) string {
	title := t.styled.title.Render(st, st.Title, "Today") + t.styled.muted.Render(st, st.Muted, " · "+store.Today(t.ctx.Time()).Format("Mon 2006-01-02"))
	if f := t.list.FilterLine(st); f != "" {
		title += "  " + f
	}
	if t.site == nil {
		msg := "loading…"
		if t.err != nil {
			msg = "could not load: " + t.err.Error()
		}
		return title + "\n\n  " + t.styled.muted.Render(st, st.Muted, msg)
	}
	meet := "not scheduled"
	if d, ok := t.site.nextMeeting(); ok {
		meet = store.FormatDate(d) + " (" + daysText(t.site.today, d) + ")"
	}
	capLine := fmt.Sprintf("Next meeting %s · capacity %d open slots across %d case managers",
		meet, t.site.capacity(), len(t.site.caseManagers()))
	lines := []string{title, t.styled.base.Render(st, st.Base, capLine)}
	if b := t.backupLine(); b != "" {
		lines = append(lines, b)
	}
	lines = append(lines, "")
	lines = append(lines, t.list.View(st, "")...)
	return strings.Join(lines, "\n")
}

func (t *today) ShortHelp() []key.Binding {
	l := t.list.Keys
	done := t.done
	done.SetEnabled(strings.HasPrefix(t.list.SelectedKey(), "action:"))
	return []key.Binding{l.Open, t.ack, t.arrived, t.completed, t.notLocated, done, l.Filter, l.Up, l.Down}
}

func (t *today) FullHelp() [][]key.Binding {
	return [][]key.Binding{t.list.FullHelp(), {t.ack, t.arrived, t.completed, t.notLocated, t.done}}
}

// closeActionCmd marks action item id done (store.CloseAction: its owner
// or the pm); the result goes to the status line, and the list reloads on
// the meeting change it causes.
func closeActionCmd(c *common.Ctx, id string) tea.Cmd {
	return func() tea.Msg {
		a, err := store.CloseAction(c.Context(), c.Store, c.Actor, id, store.ActionDone, "", c.Time())
		if err != nil {
			return common.StatusMsg{Text: id + ": " + err.Error(), Err: true}
		}
		return common.StatusMsg{Text: a.ID + " done (from " + a.MeetingID + ")"}
	}
}

// Loading reports whether Today still shows its placeholder (an error is
// an answer, not loading).
func (t *today) Loading() bool { return t.site == nil && t.err == nil }
