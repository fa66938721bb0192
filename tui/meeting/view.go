package meeting

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/triage"
)

// The layout is fixed so that moving through the agenda repaints only
// what changed: a header line, the agenda list in a fixed region with a
// marker glyph on the viewed item, a rule, the item pane in a fixed region
// (context above, notes below), the presence line, the status line.

func (m *Model) agendaRows() int {
	if m.height >= 34 {
		return 12
	}
	return 7
}

func (m *Model) notesRows() int {
	if m.height >= 34 {
		return 7
	}
	return 4
}

// View renders exactly the screen's height in lines. A frame asked for
// again with nothing changed (another pane's message, a change that only
// starts a read) is the one made before: see viewcache.go.
func (m *Model) View() string {
	return m.cachedView()
}

func (m *Model) render() string {
	var lines []string
	switch {
	case m.joined:
		lines = m.meetingView()
	case m.minutes != nil && m.form == nil:
		lines = m.minutesView()
	default:
		lines = m.lobbyView()
	}
	return strings.Join(common.Lines(lines, m.width, m.height), "\n")
}

func (m *Model) lobbyView() []string {
	st := m.ctx.St()
	out := []string{st.Title.Render("Meeting")}
	if !m.shared() {
		return append(out, "", "  "+st.Muted.Render("Meetings are "+store.NotShared+": the Reports tab has the aggregates."))
	}
	if !m.loaded {
		return append(out, "", st.Muted.Render("  loading..."))
	}
	rows := m.lobbyRows()
	sel := m.lobbyIndex(rows)
	mark := func(i int) string {
		if i == sel && m.form == nil {
			return st.Accent.Render(st.Cursor) + " "
		}
		return "  "
	}
	if mt, ok := m.openMeeting(); ok {
		out = append(out, "", mark(0)+fmt.Sprintf("%s is open: %s, facilitator %s, %s", mt.ID, store.FormatDate(mt.Date), common.Line(mt.Facilitator), count(len(mt.Items), "item", "items")),
			"  "+st.Accent.Render("enter")+" join and follow the facilitator")
	} else {
		out = append(out, "", "  No meeting is open.")
		if canRun(m.ctx.Actor.Role) {
			out = append(out, "  "+st.Accent.Render("n")+" start a meeting: the agenda is built from the data")
		}
	}
	if m.form != nil {
		out = append(out, m.estimateLine())
		out = append(out, strings.Split(m.form.f.View(), "\n")...)
		return m.withStatus(out)
	}
	past := rows
	first := 0 // the row of past[0] in rows
	if len(rows) > 0 && rows[0].Status == store.MeetingOpen {
		past, first = rows[1:], 1
	}
	head := st.Title.Render("Past meetings")
	if len(past) > 0 {
		head += st.Muted.Render("  j/k mark one, enter reads its minutes")
	}
	out = append(out, "", head)
	// a window of the list that holds the marked meeting
	win := max(m.height-10, 3)
	off := 0
	if i := sel - first; i >= win {
		off = i - win + 1
	}
	n := 0
	for i := off; i < len(past) && n < win; i++ {
		mt := past[i]
		n++
		out = append(out, mark(first+i)+fmt.Sprintf("%-7s %s  %-7s %s  %s  facilitator %s", mt.ID, store.FormatDate(mt.Date), mt.Status,
			pad(count(len(mt.Items), "item", "items"), 8), pad(count(len(mt.ActionItems), "action item", "action items"), 15), common.Line(mt.Facilitator)))
	}
	if n == 0 {
		out = append(out, st.Muted.Render("  none yet"))
	}
	return m.withStatus(out)
}

// estimateLine is the start form's first line: the agenda a meeting on
// the date given would start with ("~85 min, 31 items").
func (m *Model) estimateLine() string {
	st := m.ctx.St()
	if m.form == nil || m.form.kind != formStart {
		return ""
	}
	switch {
	case m.estErr != nil:
		return st.StatusErr.Render("  agenda: " + common.Line(m.estErr.Error()))
	case m.est == nil:
		return st.Muted.Render("  agenda: estimating...")
	}
	return st.Accent.Render(fmt.Sprintf("  Agenda for %s: %s (of %d)%s", store.FormatDate(m.estDay), EstimateText(*m.est), m.est.Budget, reviewsText(*m.est)))
}

// timeLine says the minutes used and left, from the items' budgets: the
// items discussed or skipped and those passed count as used. It changes
// only when the items do (nothing ticks).
func (m *Model) timeLine() string {
	used, planned := 0, 0
	for i := range m.mt.Items {
		it := &m.mt.Items[i] // (hundreds of items at a large site: no copies)
		switch {
		case it.Status == store.ItemDiscussed || it.Status == store.ItemSkipped || i < m.mt.Current:
			used += it.Minutes
		default:
			planned += it.Minutes
		}
	}
	budget := m.ctx.Protocol.Meeting.Minutes
	left := budget - used
	s := fmt.Sprintf("%d/%d min, %d left", used, budget, left)
	if planned > left {
		s += fmt.Sprintf(" (%d planned)", planned)
	}
	return s
}

// timeRule is the rule under the agenda with the minutes used and left
// at its start ("49/90 min, 41 left"): it changes only with the items.
func (m *Model) timeRule() string {
	st := m.ctx.St()
	t := " " + m.timeLine() + " "
	if st.Bare {
		return st.Muted.Render(strings.TrimSpace(t))
	}
	lead := m.memo.border.Render(st, st.Border, strings.Repeat(st.HLine, 2))
	rest := max(m.width-2-len([]rune(t)), 1)
	return lead + m.memo.muted.Render(st, st.Muted, t) + m.memo.border.Render(st, st.Border, strings.Repeat(st.HLine, rest))
}

// withStatus puts the status at the foot of the screen (the lobby and
// the minutes, which have room): wrapped to the width, up to three lines,
// so a long one (how to read the minutes just saved) is read whole.
func (m *Model) withStatus(lines []string) []string {
	st := m.ctx.St()
	var foot []string
	if m.jumping || m.status == "" || (m.room && m.joined) {
		foot = []string{m.statusLine()}
	} else {
		style := st.StatusErr
		if m.statusOK {
			style = st.StatusOK
		}
		for _, l := range wrapLine(common.Line(m.status), m.width, 2) {
			foot = append(foot, style.Render(l))
		}
		foot = foot[:min(len(foot), 3, max(m.height-1, 1))]
	}
	out := common.Lines(lines, m.width, max(m.height-len(foot), 0))
	return append(out, foot...)
}

func (m *Model) statusLine() string {
	st := m.ctx.St()
	if m.jumping {
		return st.Accent.Render(fmt.Sprintf("jump to item # (1-%d): %s_", len(m.mt.Items), m.jumpBuf))
	}
	if m.room && m.joined {
		s := roomStatus
		if m.status != "" && m.status != roomStatus {
			s += " · " + m.status
		}
		if m.statusOK || m.status == "" {
			return st.StatusOK.Render(common.Line(s))
		}
		return st.StatusErr.Render(common.Line(s))
	}
	if m.status == "" {
		return ""
	}
	if m.statusOK {
		return st.StatusOK.Render(common.Line(m.status))
	}
	return st.StatusErr.Render(common.Line(m.status))
}

func (m *Model) meetingView() []string {
	st := m.ctx.St()
	mt := m.mt
	mode := "browsing (f: follow)"
	switch {
	case mt.Status != store.MeetingOpen:
		mode = string(mt.Status)
	case m.drives() && m.room:
		mode = "facilitating, room view"
	case m.drives():
		mode = "facilitating"
	case m.following:
		mode = "following"
	}
	head := m.memo.title.Render(st, st.Title, "Meeting "+mt.ID) + fmt.Sprintf(" %s  facilitator %s  item %d of %d  ", store.FormatDate(mt.Date),
		common.Line(mt.Facilitator), m.view+1, len(mt.Items)) + m.memo.accent.Render(st, st.Accent, mode)
	out := []string{head}
	out = append(out, m.agendaLines()...)
	out = append(out, m.timeRule())
	paneH := max(m.height-len(out)-2, 1)
	out = append(out, common.Lines(m.paneLines(paneH), m.width, paneH)...)
	out = append(out, m.presenceLine(), m.statusLine())
	return out
}

// agendaLines renders the agenda window: pages of agendaRows items, so
// the window moves only when the view leaves the page.
func (m *Model) agendaLines() []string {
	st := m.ctx.St()
	rows := m.agendaRows()
	off := (m.view / rows) * rows
	out := make([]string, 0, rows)
	for i := off; i < len(m.mt.Items) && len(out) < rows; i++ {
		it := m.mt.Items[i]
		marker := "  "
		switch {
		case i == m.view:
			marker = m.memo.accent.Render(st, st.Accent, st.Cursor) + " "
		case i == m.mt.Current:
			marker = m.memo.muted.Render(st, st.Muted, st.Bullet) + " "
		}
		title, reason := m.heading(it)
		out = append(out, marker+fmt.Sprintf("%2d. %s %-8s %s", i+1, m.statusGlyph(it.Status), kindLabel(it.Kind), common.Line(title))+
			m.memo.muted.Render(st, st.Muted, "  "+common.Line(reason)))
	}
	if len(m.mt.Items) == 0 {
		out = append(out, st.Muted.Render("  the agenda is empty: i adds an item"))
	}
	return common.Lines(out, m.width, rows)
}

func (m *Model) statusGlyph(s store.ItemStatus) string {
	switch s {
	case store.ItemDiscussed:
		return m.ctx.St().Check
	case store.ItemSkipped:
		return "-"
	}
	return " "
}

func kindLabel(k store.ItemKind) string {
	switch k {
	case store.ItemActionItems:
		return "actions"
	case store.ItemReferral:
		return "referral"
	case store.ItemCase:
		return "case"
	case store.ItemGoalReview:
		return "review"
	case store.ItemReferralSummary:
		return "more"
	}
	return "other"
}

// presenceLine shows who is in the meeting and with which role.
func (m *Model) presenceLine() string {
	st := m.ctx.St()
	// fifty people make a long line, cut to the width: it is made again
	// only when who is present, the meeting's facilitator, this viewer's
	// following or the width changed
	k := presenceKey{people: m.peopleGen, meeting: m.mt.ID, facilitator: m.mt.Facilitator, following: m.following, width: m.width, st: st}
	if k == m.presenceKey && m.presenceMemo.st == st {
		return m.presenceMemo.out
	}
	m.presenceKey = k
	var parts []string
	seen := map[string]bool{}
	for _, p := range m.people {
		if p.MeetingID != m.mt.ID || seen[p.User] {
			continue
		}
		seen[p.User] = true
		parts = append(parts, presenceText(m.mt, p))
	}
	if !seen[m.ctx.Actor.User] {
		parts = append([]string{presenceText(m.mt, person{User: m.ctx.Actor.User, Role: m.ctx.Actor.Role, MeetingID: m.mt.ID, Following: m.following})}, parts...)
	}
	line := "In meeting: " + strings.Join(parts, ", ")
	if m.width > 0 {
		line = common.Fit(line, m.width)
	}
	return m.presenceMemo.render(st, line)
}

// presenceKey is what the presence line is made of.
type presenceKey struct {
	people               int
	meeting, facilitator string
	following            bool
	width                int
	st                   *common.Styles
}

// viewMemo keeps what the meeting view's styles rendered (common.StyleMemo).
type viewMemo struct {
	accent, muted, border, title common.StyleMemo
}

// renderMemo keeps one styled line: a frame whose line did not change
// (fifty people in the room make it long) is not styled again.
type renderMemo struct {
	st      *common.Styles
	in, out string
}

func (r *renderMemo) render(st *common.Styles, in string) string {
	if r.st != st || r.in != in {
		r.st, r.in, r.out = st, in, st.Muted.Render(in)
	}
	return r.out
}

func presenceText(mt store.Meeting, p person) string {
	s := common.Line(p.User) + " (" + string(p.Role)
	switch {
	case p.User == mt.Facilitator:
		s += ", facilitating"
	case !p.Following:
		s += ", browsing"
	}
	return s + ")"
}

// paneLines renders the viewed item: a form when one is open, else the
// item's context above and its notes, decisions and action items below.
func (m *Model) paneLines(h int) []string {
	if m.decide != nil {
		return strings.Split(m.decide.View(), "\n")
	}
	if m.form != nil {
		return strings.Split(m.form.f.View(), "\n")
	}
	it, ok := m.item()
	if !ok {
		return []string{m.ctx.St().Muted.Render("no item")}
	}
	st := m.ctx.St()
	lines, rec, ch := m.paneDoc(it, h)
	off := min(m.scroll, scrollEnd(len(lines), ch))
	// the lines above and below the window are counted on lines of their
	// own, never over a line of the item
	var shown []string
	avail := ch
	if off > 0 && ch > 1 {
		shown = append(shown, st.Muted.Render(fmt.Sprintf("   ... %s above: [ or pgup", count(off, "line", "lines"))))
		avail--
	}
	if len(lines)-off > avail && avail > 1 {
		avail--
		shown = append(shown, lines[off:off+avail]...)
		shown = append(shown, st.Muted.Render(fmt.Sprintf("   ... %s: ] or pgdn scrolls", count(len(lines)-off-avail, "more line", "more lines"))))
	} else {
		shown = append(shown, lines[off:min(off+avail, len(lines))]...)
	}
	ctx := common.Lines(shown, m.width, ch)
	return append(ctx, rec...)
}

// scrollEnd is the furthest a part of ch rows scrolls n lines: the last
// line on its last row, under the "lines above" line.
func scrollEnd(n, ch int) int {
	if n <= ch {
		return 0
	}
	return max(n-(ch-1), 0)
}

// paneDoc is the item pane of h rows: the scrolling part's lines (the
// context, the detail when open, then the entries the notes rows cannot
// hold), the notes rows, and the scrolling part's height.
func (m *Model) paneDoc(it store.AgendaItem, h int) (lines, rec []string, ch int) {
	st := m.ctx.St()
	nh := min(m.notesRows(), max(h-2, 0))
	if m.detail {
		nh = 0 // the detail takes the whole pane
	}
	// every line is wrapped to the width (a hanging indent under its
	// text), never cut: what does not fit scrolls (] and [)
	lines = wrapLines(m.contextLines(it), m.width, st.Bullet)
	if m.detail {
		lines = append(lines, wrapLines(m.detailLines(it), m.width, st.Bullet)...)
	}
	if nh > 0 {
		var earlier []string
		rec, earlier = m.recordPane(it, nh)
		if len(earlier) > 0 {
			// the entries the notes rows cannot hold are read by scrolling
			lines = append(lines, "", st.Muted.Render("Earlier notes, decisions, action items"))
			lines = append(lines, earlier...)
		}
	}
	return lines, rec, max(h-nh, 1)
}

// maxScroll is the furthest the item pane scrolls: its last line at the
// bottom of the scrolling part.
func (m *Model) maxScroll() int {
	it, ok := m.item()
	if !ok || m.form != nil || m.decide != nil {
		return 0
	}
	lines, _, ch := m.paneDoc(it, m.paneHeight())
	return scrollEnd(len(lines), ch)
}

// paneHeight is the rows of the item pane.
func (m *Model) paneHeight() int { return max(m.height-m.agendaRows()-4, 1) }

// detailLines is the full detail of a case or referral item (enter): every
// hearing and field the viewer may see, the whole ranking breakdown.
func (m *Model) detailLines(it store.AgendaItem) []string {
	st := m.ctx.St()
	ic := m.ctxs[it.Subject]
	out := []string{"", st.Title.Render("   Detail") + st.Muted.Render("  (enter or esc closes)")}
	switch it.Kind {
	case store.ItemCase:
		if ic.pv == nil || ic.kase == nil {
			return append(out, notShared(st))
		}
		c := *ic.kase
		out = append(out, "   case "+m.caseSummary(c, ic.pv.CaseAccess))
		if ic.pv.CaseAccess != store.Shown {
			return out
		}
		for _, h := range c.Hearings {
			out = append(out, fmt.Sprintf("   hearing %s %s", store.FormatDate(h.Date), common.Line(h.Outcome)))
		}
		if !c.IntakeDeadline.IsZero() {
			out = append(out, "   intake deadline "+store.FormatDate(c.IntakeDeadline))
		}
	case store.ItemReferral:
		if ic.ref == nil {
			return append(out, notShared(st))
		}
		r := *ic.ref
		if store.ReferralAccess(m.ctx.Actor, r) == store.OwnOnly && !m.room {
			return out
		}
		out = append(out, fmt.Sprintf("   referred by %s (%s) · %s", common.Line(r.Referrer), common.Line(r.Agency), store.KindLabel(r.Kind)))
		if r.Offense != "" {
			out = append(out, "   offense "+store.PlainWords(common.Line(r.Offense)))
		}
		if r.Location != "" {
			out = append(out, "   location "+common.Line(r.Location))
		}
		if m.td != nil {
			for _, rr := range m.td.ranking.Ranked {
				if rr.Referral.ID == r.ID {
					out = append(out, "   why this rank:")
					out = append(out, triage.FactorLines(rr, min(m.width, 40))...)
				}
			}
		}
	}
	return out
}

// reasonFor is why an item is on the agenda. A referral's rank, decision
// and capacity come from the live ranking (reloaded after every decision,
// for everyone in the meeting), never from the text frozen at the start;
// a referral decided since says so.
func (m *Model) reasonFor(it store.AgendaItem) string {
	if it.Kind == store.ItemActionItems && m.open != nil {
		// the open action items as they stand now, not when the meeting began
		owners, late := map[string]bool{}, 0
		for _, a := range m.open {
			owners[a.Owner] = true
			if a.OverdueOn(m.mt.Date) {
				late++
			}
		}
		s := fmt.Sprintf("%d open, %d owner", len(m.open), len(owners))
		if len(owners) != 1 {
			s += "s"
		}
		if late > 0 {
			s += fmt.Sprintf(", %d past due", late)
		}
		return s
	}
	if it.Kind != store.ItemReferral || m.td == nil {
		return it.Reason
	}
	rk := m.td.ranking
	for _, rr := range rk.Ranked {
		if rr.Referral.ID != it.Subject {
			continue
		}
		s := fmt.Sprintf("rank %d of %d, score %d, ", rr.Rank, len(rk.Ranked), rr.Score)
		if rr.Decision == store.DecisionWaitlist {
			s += fmt.Sprintf("waitlist #%d", rr.WaitlistPos)
			if rr.Held {
				s += ", held by the OWG's decision"
			}
		} else {
			s += "offer"
		}
		s += fmt.Sprintf(" (capacity %d)", rk.Capacity)
		if p := m.ctx.Protocol; store.Unacknowledged(p, rr.Referral, m.ctx.Time()) {
			s += fmt.Sprintf("; not acknowledged within %d minutes", p.AckLimitMinutes)
		}
		return s
	}
	for _, rr := range rk.ReReferrals {
		if rr.Referral.ID == it.Subject {
			return it.Reason
		}
	}
	if ic := m.ctxs[it.Subject]; ic.ref != nil && ic.ref.Status != store.RefNew && ic.ref.Status != store.RefWaitlisted {
		return "decided: " + store.PlainWords(string(ic.ref.Status))
	}
	if _, queued := m.td.refs[it.Subject]; !queued && strings.HasPrefix(it.Subject, "R-") {
		return "decided"
	}
	return it.Reason
}

// itemActions returns the action items recorded on item it.
func (m *Model) itemActions(it store.AgendaItem) []store.ActionItem {
	var out []store.ActionItem
	for _, a := range m.mt.ActionItems {
		if a.ItemID == it.ID {
			out = append(out, a)
		}
	}
	return out
}

// ItemLines renders what viewer sees of the viewed agenda item (context,
// notes, decisions, action items) as plain lines; tests and the live
// benchmarks read it.
func (m *Model) ItemLines() []string {
	it, ok := m.item()
	if !ok {
		return nil
	}
	head, entries := m.recordEntries(it)
	return append(append(m.contextLines(it), m.ctx.St().Muted.Render(head)), entries...)
}

func (m *Model) contextLines(it store.AgendaItem) []string {
	st := m.ctx.St()
	title, reason := m.heading(it)
	head := st.Title.Render(fmt.Sprintf("%d. %s", m.view+1, common.Line(title)))
	if it.Presenter != "" {
		head += st.Muted.Render("  presenter " + common.Line(it.Presenter))
	}
	out := []string{head}
	if reason != "" {
		out = append(out, st.Muted.Render("   "+common.Line(reason)))
	}
	ic, ok := m.ctxs[it.Subject]
	if it.Subject != "" && it.Kind != store.ItemActionItems && it.Kind != store.ItemOther && (!ok || !ic.loaded) {
		return append(out, st.Muted.Render("   loading..."))
	}
	if ic.err != nil {
		return append(out, st.StatusErr.Render("   "+common.Line(ic.err.Error())))
	}
	switch it.Kind {
	case store.ItemGoalReview:
		out = append(out, m.participantLines(ic.pv)...)
	case store.ItemCase:
		out = append(out, m.caseLines(ic)...)
	case store.ItemReferral:
		out = append(out, m.referralLines(it, ic)...)
	case store.ItemActionItems:
		out = append(out, m.previousActions(it)...)
	}
	return out
}

func notShared(st *common.Styles) string { return "   " + st.Muted.Render(store.NotShared) }

func (m *Model) participantLines(pv *store.ParticipantView) []string {
	st := m.ctx.St()
	if pv == nil {
		return nil
	}
	switch pv.Access {
	case store.Shown:
	case store.DeIdentified:
		return []string{"   " + pv.Label() + fmt.Sprintf(" · status %s", pv.Participant.Status),
			st.Muted.Render("   identity, goals and notes are not shared with your role")}
	default:
		return []string{notShared(st)}
	}
	p := pv.Participant
	now := m.ctx.Time()
	who := pv.Label()
	if p.Pronouns != "" {
		who += " (" + common.Line(p.Pronouns) + ")"
	}
	line := fmt.Sprintf("   %s · %s · case manager %s", who, p.Status, common.Line(p.CaseManager))
	if p.Housing != "" {
		line += " · housing " + common.Line(p.Housing)
	}
	out := []string{line}
	lc := "   last contact: none"
	if !p.LastContact.IsZero() {
		d := store.DaysBetween(p.LastContact, now)
		lc = fmt.Sprintf("   last contact %s (%d days ago)", store.FormatDate(p.LastContact), d)
		if store.Overdue(m.ctx.Protocol, p, now) {
			lc += " " + st.Warn.Render("overdue")
		}
	}
	if p.FlaggedBy != "" {
		lc += " · flagged by " + common.Line(p.FlaggedBy)
	}
	out = append(out, lc)
	for _, g := range pv.Goals {
		if g.Status != store.GoalActive {
			continue
		}
		gl := fmt.Sprintf("   %s [%s] \"%s\" %s", st.Bullet, g.Domain, common.Line(g.Words), m.trend(g.Progress))
		if n := len(g.Progress); n > 0 {
			last := g.Progress[n-1]
			gl += fmt.Sprintf(" last %s %s", store.FormatDate(last.Date), last.Step)
			if last.Note != "" {
				gl += ": " + common.Line(last.Note)
			}
		}
		out = append(out, gl)
	}
	if pv.HiddenGoals > 0 {
		out = append(out, st.Muted.Render("   "+store.HeldByCaseManagement(pv.HiddenGoals)))
	} else if len(pv.Goals) == 0 {
		out = append(out, st.Muted.Render("   no goals yet"))
	}
	out = append(out, m.pendingCases(pv)...)
	return out
}

// trend is a compact line of the last steps (forward, no change, setback).
func (m *Model) trend(ps []store.ProgressEntry) string {
	st := m.ctx.St()
	var b strings.Builder
	for _, p := range ps[max(len(ps)-8, 0):] {
		switch p.Step {
		case store.StepForward:
			b.WriteString(st.Up)
		case store.StepSetback:
			b.WriteString(st.Down)
		default:
			b.WriteString(st.Flat)
		}
	}
	return b.String()
}

func (m *Model) pendingCases(pv *store.ParticipantView) []string {
	if pv.CaseAccess != store.Shown && pv.CaseAccess != store.StatusOnly {
		return nil
	}
	var out []string
	for _, c := range pv.Cases {
		if c.Status != store.CaseOpen {
			continue
		}
		out = append(out, "   case "+m.caseSummary(c, pv.CaseAccess))
	}
	return out
}

func (m *Model) caseSummary(c store.LegalCase, a store.Access) string {
	s := fmt.Sprintf("%s %s %s", c.ID, c.Kind, c.Status)
	if !c.NextCourtDate.IsZero() {
		s += " · next court " + store.FormatDate(c.NextCourtDate)
	}
	if a != store.Shown {
		return s
	}
	if c.Court != "" {
		s += " · " + common.Line(c.Court)
	}
	if !c.IntakeDeadline.IsZero() && c.IntakeCompleted.IsZero() {
		s += " · intake by " + store.FormatDate(c.IntakeDeadline)
	}
	if c.Position != store.PositionNone {
		s += " · position " + string(c.Position)
	}
	return s
}

func (m *Model) caseLines(ic itemCtx) []string {
	st := m.ctx.St()
	if ic.pv == nil || ic.kase == nil {
		return []string{notShared(st)}
	}
	c := *ic.kase
	out := []string{"   " + m.caseSummary(c, ic.pv.CaseAccess), "   participant " + ic.pv.Label()}
	if ic.pv.CaseAccess != store.Shown {
		return out
	}
	if c.Charges != "" {
		out = append(out, "   charges "+common.Line(c.Charges))
	}
	if c.CaseNumber != "" {
		out = append(out, "   case number "+common.Line(c.CaseNumber))
	}
	if c.PositionNote != "" {
		out = append(out, "   position note: "+common.Line(c.PositionNote))
	}
	for _, h := range c.Hearings[max(len(c.Hearings)-2, 0):] {
		out = append(out, fmt.Sprintf("   hearing %s %s", store.FormatDate(h.Date), common.Line(h.Outcome)))
	}
	return out
}

func (m *Model) referralLines(it store.AgendaItem, ic itemCtx) []string {
	st := m.ctx.St()
	if ic.ref == nil {
		return []string{notShared(st)}
	}
	r := *ic.ref
	if store.ReferralAccess(m.ctx.Actor, r) == store.OwnOnly {
		return []string{fmt.Sprintf("   your referral %s · status %s", r.ID, r.Status)}
	}
	out := []string{fmt.Sprintf("   %s · %s · received %s · status %s", common.Line(r.Person.Name), store.KindLabel(r.Kind), store.FormatDate(r.Received), r.Status)}
	if m.td == nil {
		return out
	}
	capLine := fmt.Sprintf("   capacity: %s", triage.Gauge(st, m.td.ranking.Capacity, m.td.total))
	for _, rr := range m.td.ranking.Ranked {
		if rr.Referral.ID == r.ID {
			out = append(out, capLine+fmt.Sprintf(" · rank %d of %d · score %d · %s", rr.Rank, len(m.td.ranking.Ranked), rr.Score, triage.Decision(rr)))
			return append(out, triage.FactorLines(rr, m.width)...)
		}
	}
	for _, rr := range m.td.ranking.ReReferrals {
		if rr.Referral.ID == r.ID {
			return append(out, fmt.Sprintf("   re-referral of %s: to case manager %s, uses no capacity", rr.ParticipantID, common.Line(m.td.parts[rr.ParticipantID].CaseManager)))
		}
	}
	if r.Status != store.RefNew && r.Status != store.RefWaitlisted {
		return append(out, capLine)
	}
	return append(out, capLine, st.Muted.Render("   not in the ranking"))
}

// previousActions lists every open action item of the earlier
// meetings, grouped by owner, overdue first (the agenda's first item).
func (m *Model) previousActions(it store.AgendaItem) []string {
	st := m.ctx.St()
	if m.open == nil {
		return []string{st.Muted.Render("   loading the open action items...")}
	}
	if len(m.open) == 0 {
		return []string{st.Muted.Render("   every action item is closed")}
	}
	var out []string
	owner := ""
	for _, a := range m.open {
		if a.Owner != owner {
			owner = a.Owner
			out = append(out, "   "+st.Accent.Render(common.Line(owner)))
		}
		line := "     " + m.actionText(a.ActionItem, m.seesAction(a.FollowsSubject(), a.ActionItem)) + st.Muted.Render(" ("+a.MeetingID+")")
		if a.OverdueOn(m.mt.Date) {
			line += " " + st.Warn.Render("overdue")
		}
		out = append(out, line)
	}
	if m.drives() || store.CanCloseAction(m.ctx.Actor, store.ActionItem{}) {
		out = append(out, st.Muted.Render("   D marks one done or drops it"))
	}
	return out
}

func (m *Model) actionText(a store.ActionItem, showText bool) string {
	box := "[ ]"
	switch a.State() {
	case store.ActionDone:
		box = "[x]"
	case store.ActionDropped:
		box = "[-]"
	}
	s := fmt.Sprintf("%s %s owner %s", box, common.Line(a.ID), common.Line(a.Owner))
	if !a.Due.IsZero() {
		s += " due " + store.FormatDate(a.Due)
	}
	if showText {
		s += ": " + common.Line(a.Text)
	}
	return s
}

// recordEntries renders the item's notes (only those the viewer may
// see), decisions and action items, one line each (unwrapped), after
// their heading; a last entry says when some are not shared.
func (m *Model) recordEntries(it store.AgendaItem) (head string, entries []string) {
	st := m.ctx.St()
	subject := itemSubject(it)
	hidden := false
	for _, note := range it.Notes {
		s := note.Sensitivity
		if s == "" {
			s = store.General
		}
		if !m.seesNote(subject, s) {
			hidden = true
			continue
		}
		tag := ""
		if s == store.Clinical {
			tag = st.Warn.Render("[clinical] ")
		}
		entries = append(entries, fmt.Sprintf("   %s note %s: %s%s", st.Bullet, common.Line(note.Author), tag, common.Line(note.Text)))
	}
	// decisions and action items may name or describe the subject: they
	// follow the rule of general notes on it (store.Minutes does the same)
	showText := m.seesText(subject)
	for _, d := range it.Decisions {
		if !showText {
			hidden = true
			continue
		}
		entries = append(entries, fmt.Sprintf("   %s decision %s: %s", st.Bullet, common.Line(d.Author), common.Line(d.Text)))
	}
	for _, a := range m.itemActions(it) {
		entries = append(entries, "   "+st.Bullet+" action "+m.actionText(a, m.seesAction(actionSubject(a, m.mt.Items), a)))
	}
	head = fmt.Sprintf("Notes, decisions, action items (%d)", len(entries))
	if hidden {
		entries = append(entries, "   "+st.Muted.Render("(others "+store.NotShared+")"))
	}
	return head, entries
}

// recordPane is the item's notes rows (n lines): the heading and the
// newest entries that fit whole, wrapped to the width; earlier holds the
// entries that do not fit (wrapped), which the pane's scrolling reaches.
// A newest entry longer than the rows shows its start there and is read
// whole in earlier.
func (m *Model) recordPane(it store.AgendaItem, n int) (rows, earlier []string) {
	st := m.ctx.St()
	if n <= 0 {
		return nil, nil
	}
	head, entries := m.recordEntries(it)
	wrapped := make([][]string, len(entries))
	for i, e := range entries {
		wrapped[i] = wrapLines([]string{e}, m.width, st.Bullet)
	}
	first, used := len(wrapped), 0
	for first > 0 && used+len(wrapped[first-1]) <= n-1 {
		first--
		used += len(wrapped[first])
	}
	var body []string
	for _, w := range wrapped[first:] {
		body = append(body, w...)
	}
	split := first
	if first == len(wrapped) && first > 0 {
		// the newest alone is longer than the rows: its start here, all
		// of it above
		newest := wrapped[first-1]
		body = append(slices.Clone(newest[:max(n-2, 0)]), st.Muted.Render("   ... the rest: ] scrolls"))
		head += " · read whole above: ] scrolls"
	} else if split > 0 {
		head += fmt.Sprintf(" · %d earlier above", split)
	}
	for _, w := range wrapped[:split] {
		earlier = append(earlier, w...)
	}
	return append([]string{st.Muted.Render(head)}, body...), earlier
}

// ShortHelp returns the bindings of the current state.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch {
	case m.form != nil || m.decide != nil || m.jumping:
		return []key.Binding{k.Cancel}
	case !m.shared():
		return nil
	case !m.joined && m.minutes != nil:
		return m.minutesHelp()
	case !m.joined:
		return m.lobbyKeys()
	case m.drives():
		return []key.Binding{k.Next, k.Prev, k.Note, k.Decide, k.Action, k.Mark, k.Room, k.End}
	}
	bs := []key.Binding{k.Next, k.Prev, k.Follow, k.Open}
	if canNote(m.ctx.Actor.Role) {
		bs = append(bs, k.Note)
	}
	if canAction(m.ctx.Actor.Role) {
		bs = append(bs, k.Action)
	}
	return bs
}

// lobbyKeys offers start when no meeting is open (to those who run one)
// and join when one is.
func (m *Model) lobbyKeys() []key.Binding {
	k := m.keys
	_, open := m.openMeeting()
	k.Start.SetEnabled(!open && canRun(m.ctx.Actor.Role))
	k.Join.SetEnabled(open || len(m.lobbyRows()) > 0)
	if !open {
		k.Join.SetHelp("enter", "read minutes")
	}
	return []key.Binding{k.Start, k.Join, k.LobbyDown, k.Reload}
}

// FullHelp returns every binding of the current state.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	if !m.joined && m.minutes != nil && m.form == nil {
		return [][]key.Binding{m.minutesHelp()}
	}
	if !m.joined {
		return [][]key.Binding{m.lobbyKeys()}
	}
	walk := []key.Binding{k.Next, k.Prev, k.Jump, k.Follow, k.Open, k.ScrollDown, k.ScrollUp, k.Reload, k.Leave}
	record := []key.Binding{k.Note, k.Decide, k.Action, k.Close}
	run := []key.Binding{k.Mark, k.MoveUp, k.MoveDown, k.Skip, k.Expand, k.AddItem, k.Room, k.TakeOver, k.End}
	return slices.DeleteFunc([][]key.Binding{walk, record, run}, func(b []key.Binding) bool { return len(b) == 0 })
}
