package triage

import (
	"fmt"
	"strings"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// seesNames reports whether the viewer sees referral person names.
func (m *Model) seesNames() bool { return m.mode == modeView || m.mode == modeDecide }

func (m *Model) name(r store.Referral) string {
	if !m.seesNames() {
		return ""
	}
	return common.Line(r.Person.Name)
}

func shortKind(k store.ReferralKind) string {
	switch k {
	case store.KindArrestDiversion:
		return "arrest"
	case store.KindSocialContact:
		return "social"
	case store.KindCommunity:
		return "community"
	}
	return common.Line(string(k))
}

// Decision renders a ranked referral's decision: "offer" or "waitlist #n".
func Decision(rr store.RankedReferral) string {
	switch {
	case rr.Held:
		return fmt.Sprintf("held #%d", rr.WaitlistPos)
	case rr.Decision == store.DecisionWaitlist:
		return fmt.Sprintf("waitlist #%d", rr.WaitlistPos)
	}
	return rr.Decision
}

// rows builds the list: ranked referrals with the cut line where capacity
// ends, then re-referrals, then screened-out referrals.
func (m *Model) rows() []common.Row {
	st := m.ctx.St()
	var rows []common.Row
	if m.mode == modeOwn {
		for _, r := range m.d.own {
			// what a referrer may read: the coded label, never the note; a
			// re-referral reads as a new referral would
			o := store.ReferrerView(m.ctx.Protocol, r, false)
			text := fmt.Sprintf("%-7s %-10s %-9s %s", r.ID, store.FormatDate(r.Received), shortKind(r.Kind), o.Status)
			if o.Reason != "" {
				text += ": " + common.Line(o.Reason)
			}
			if o.Status == store.RefWaitlisted && r.WaitlistPos > 0 {
				text += fmt.Sprintf(" #%d", r.WaitlistPos)
			}
			rows = append(rows, common.Row{Key: r.ID, Text: text})
		}
		return rows
	}
	rk := m.d.ranking
	cut := false
	last := rk.LastOffered()
	decW := decisionWidth(rk)
	for i, rr := range rk.Ranked {
		if i > last && !cut {
			cut = true
			rows = append(rows, common.Row{Header: true, Text: st.Warn.Render(cutLine(rk.Capacity))})
		}
		r := rr.Referral
		text := fmt.Sprintf("%4d %-7s %5d %s %-10s %-9s %s", rr.Rank, r.ID, rr.Score, common.Pad(Decision(rr), decW),
			store.FormatDate(r.Received), shortKind(r.Kind), m.name(r))
		rows = append(rows, common.Row{Key: r.ID, Text: text, Filter: r.ID + " " + m.name(r)})
	}
	if !cut && len(rk.Ranked) > 0 {
		rows = append(rows, common.Row{Header: true, Text: st.Muted.Render(cutLine(rk.Capacity) + " (all offered)")})
	}
	if len(rk.ReReferrals) > 0 {
		rows = append(rows, common.Row{Header: true, Text: st.Title.Render(fmt.Sprintf("Re-referrals (%d): no capacity used", len(rk.ReReferrals)))})
		for _, rr := range rk.ReReferrals {
			r := rr.Referral
			text := fmt.Sprintf("     %-7s -> %-7s %-10s %-9s %s", r.ID, rr.ParticipantID, store.FormatDate(r.Received), shortKind(r.Kind), m.name(r))
			rows = append(rows, common.Row{Key: r.ID, Text: text, Filter: r.ID + " " + m.name(r)})
		}
	}
	if len(rk.ScreenedOut) > 0 {
		rows = append(rows, common.Row{Header: true, Text: st.Title.Render(fmt.Sprintf("Screened out (%d): never ranked", len(rk.ScreenedOut)))})
		for _, so := range rk.ScreenedOut {
			r := so.Referral
			text := fmt.Sprintf("     %-7s %-16s %-10s %-9s %s", r.ID, common.Line(so.Reason), store.FormatDate(r.Received), shortKind(r.Kind), m.name(r))
			rows = append(rows, common.Row{Key: r.ID, Text: text, Filter: r.ID + " " + m.name(r)})
		}
	}
	return rows
}

// decisionWidth is the width of the decision column: its longest value
// ("waitlist #10" is wider than the 11 cells it had), so the columns
// after it stay in line.
func decisionWidth(rk store.Ranking) int {
	w := 11
	for _, rr := range rk.Ranked {
		w = max(w, len(Decision(rr)))
	}
	return w
}

func cutLine(capacity int) string {
	return fmt.Sprintf("  ---- cut line: capacity %d ----", capacity)
}

// Gauge renders "open slots N of M [###.......]" at a fixed width.
func Gauge(st *common.Styles, open, total int) string {
	const w = 10
	filled := 0
	if total > 0 {
		filled = min(w, (open*w+total-1)/total)
	}
	on, off := st.BarFull, st.Dot
	if st.Theme.ASCII || st.Theme.Mono {
		on, off = "#", "."
	}
	return fmt.Sprintf("open slots %d of %d [%s%s]", open, total, strings.Repeat(on, filled), strings.Repeat(off, w-filled))
}

// View renders exactly the screen's height in lines.
func (m *Model) View() string {
	st := m.ctx.St()
	lines := make([]string, 0, m.height)
	switch m.mode {
	case modeNone:
		lines = append(lines, st.Title.Render("Referrals"), "", "  "+st.Muted.Render(store.NotShared))
		return strings.Join(common.Lines(lines, m.width, m.height), "\n")
	case modeOwn:
		lines = append(lines, st.Title.Render("Your referrals")+st.Muted.Render("  (status of the referrals you made)"),
			st.Muted.Render("  id      received   kind      status"))
		lines = append(lines, m.list.View(st, "you have made no referrals")...)
		lines = append(lines, "", m.statusLine())
		return strings.Join(common.Lines(lines, m.width, m.height), "\n")
	}
	rk := m.d.ranking
	title := st.Title.Render("Referrals")
	if m.loaded {
		title += st.Muted.Render("  as of "+store.FormatDate(rk.AsOf)+"  ") + Gauge(st, rk.Capacity, m.d.total)
		title += st.Muted.Render(fmt.Sprintf("  %d ranked", len(rk.Ranked)))
	}
	lines = append(lines, title)
	if m.decide != nil {
		lines = append(lines, "")
		lines = append(lines, strings.Split(m.decide.View(), "\n")...)
		out := common.Lines(lines, m.width, m.height-1)
		return strings.Join(append(out, m.statusLine()), "\n")
	}
	if r, ok := m.d.refs[m.detail]; ok && m.detail != "" {
		lines = append(lines, m.detailView(r, m.detailHeight())...)
		out := common.Lines(lines, m.width, m.height-1)
		return strings.Join(append(out, m.statusLine()), "\n")
	}
	lines = append(lines, st.Muted.Render("  rank id      score "+common.Pad("decision", decisionWidth(rk)+1)+"received   kind      name"))
	empty := "loading..."
	if m.loaded {
		empty = "no referrals in the queue"
	}
	lines = append(lines, m.list.View(st, empty)...)
	lines = append(lines, st.Rule(m.width))
	var pane []string
	if m.equity {
		pane = m.equityPane()
	} else {
		pane = m.breakdownPane()
	}
	lines = append(lines, common.Lines(scrollPane(st, pane, m.paneOff, m.paneHeight()), m.width, m.paneHeight())...)
	lines = append(lines, m.statusLine())
	return strings.Join(common.Lines(lines, m.width, m.height), "\n")
}

func (m *Model) statusLine() string {
	st := m.ctx.St()
	if f := m.list.FilterLine(st); f != "" {
		return f
	}
	if m.status == "" {
		return ""
	}
	if m.statusOK {
		return st.StatusOK.Render(common.Line(m.status))
	}
	return st.StatusErr.Render(common.Line(m.status))
}

// scrollPane shows the h lines of pane from off (kept in range), the
// title always first, with a marker line when more is below or above.
func scrollPane(st *common.Styles, pane []string, off, h int) []string {
	if len(pane) <= h || h < 3 {
		return pane
	}
	title, body := pane[0], pane[1:]
	room := h - 1
	off = min(off, max(len(body)-(room-1), 0))
	shown := body[off:]
	if len(shown) > room {
		shown = append(shown[:room-1:room-1], st.Muted.Render(fmt.Sprintf("  ... %d more: ] scrolls", len(shown)-(room-1))))
	} else if off > 0 {
		shown = append([]string{st.Muted.Render(fmt.Sprintf("  ... %d above: [ scrolls back", off))}, shown[:room-1]...)
	}
	return append([]string{title}, shown...)
}

// breakdownPane explains the selected referral: every factor by name and
// points, or why it is not ranked.
func (m *Model) breakdownPane() []string { return m.breakdownFor(m.list.SelectedKey()) }

// breakdownFor is the breakdown pane of referral id.
func (m *Model) breakdownFor(id string) []string {
	st := m.ctx.St()
	if id == "" {
		return []string{st.Muted.Render("Why this rank: select a referral")}
	}
	rk := m.d.ranking
	for _, rr := range rk.Ranked {
		if rr.Referral.ID != id {
			continue
		}
		// rank, score, decision and name are on the selected row already:
		// the pane adds only the factors, so a move repaints little
		title := st.Title.Render("Why this rank: " + id)
		if v := rk.ProtocolVersion; v != "" {
			title += st.Muted.Render(" · protocol " + v) // the criteria the rank was computed with
		}
		return append([]string{title}, FactorLines(rr, m.width)...)
	}
	for _, rr := range rk.ReReferrals {
		if rr.Referral.ID == id {
			cm := common.Line(m.d.parts[rr.ParticipantID].CaseManager)
			// one line under the title: crossing into this section
			// repaints little
			return []string{
				st.Title.Render("Re-referral " + id),
				fmt.Sprintf("  enrolled as %s, case manager %s: no capacity used, accept links it", rr.ParticipantID, cm),
			}
		}
	}
	for _, so := range rk.ScreenedOut {
		if so.Referral.ID == id {
			return []string{
				st.Title.Render("Screened out " + id),
				"  " + common.Line(so.Reason) + ": " + store.ScreenOutMessage(m.ctx.Protocol, so.Referral, so.Reason) + " (never ranked)",
			}
		}
	}
	return nil
}

// FactorLines renders every factor of a ranked referral by name and
// points, two columns when the width allows.
func FactorLines(rr store.RankedReferral, width int) []string {
	cells := make([]string, 0, len(rr.Factors)+1)
	for _, f := range rr.Factors {
		cells = append(cells, fmt.Sprintf("%-18s %4d", f.Name, f.Points))
	}
	cells = append(cells, fmt.Sprintf("%-18s %4d", "total", rr.Score))
	cols := 1
	if width >= 60 {
		cols = 2
	}
	if width >= 100 {
		cols = 3
	}
	rowsN := (len(cells) + cols - 1) / cols
	out := make([]string, rowsN)
	for i, c := range cells {
		r := i % rowsN
		if out[r] == "" {
			out[r] = "  " + c
		} else {
			out[r] += "    " + c
		}
	}
	return out
}

// equityPane renders the equity check: the share offered per group.
func (m *Model) equityPane() []string {
	st := m.ctx.St()
	out := []string{st.Title.Render("Equity: share offered per group (groups with 5+ ranked)"),
		st.Muted.Render(fmt.Sprintf("  %-24s %6s %7s %6s  %s", "group", "ranked", "offered", "share", "flag"))}
	if len(m.d.ranking.Equity) == 0 {
		return append(out, st.Muted.Render("  no group has enough ranked referrals"))
	}
	for _, e := range m.d.ranking.Equity {
		flag := ""
		if e.Flag {
			flag = st.Bad.Render("below 0.8 x top share")
		}
		out = append(out, fmt.Sprintf("  %-24s %6d %7d %5.0f%%  %s", common.Fit(common.Line(e.Group), 24), e.Ranked, e.Offered, e.Share*100, flag))
	}
	return out
}
