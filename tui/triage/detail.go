package triage

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// The referral detail (enter on a ranked, re-referred or screened-out
// row): every field of the referral the viewer may see, by
// store.ReferralAccess (only the roles that see referrals in full open
// it; a referrer's own outcome stays the label on its row), with the
// ranking breakdown under it. It scrolls; esc goes back.

// detailHeight is the rows the detail gets: the screen below the title,
// above the status line.
func (m *Model) detailHeight() int { return max(m.height-2, 3) }

// openDetail opens the detail of the selected referral and records the
// view (ids only).
func (m *Model) openDetail() tea.Cmd {
	id := m.list.SelectedKey()
	r, ok := m.d.refs[id]
	if !ok || store.ReferralAccess(m.ctx.Actor, r) != store.Shown {
		return nil
	}
	m.detail, m.detailOff = id, 0
	c := m.ctx
	if c.Store == nil {
		return nil
	}
	return func() tea.Msg {
		err := c.Store.Record(c.Context(), store.AuditEvent{User: c.Actor.User, Role: c.Actor.Role, Action: store.AuditView,
			Subject: id, Detail: "referral detail", Addr: c.Actor.Addr})
		if err != nil {
			return common.StatusMsg{Text: "referrals: " + err.Error(), Err: true}
		}
		return nil
	}
}

// detailKey handles a key while the detail is open: handled false lets
// the screen's own keys (the decisions, reload) act on the referral.
func (m *Model) detailKey(k tea.KeyPressMsg) (handled bool) {
	page := max(m.detailHeight()-2, 1)
	switch k.String() {
	case "esc", "enter":
		m.detail = ""
	case "down", "j":
		m.detailOff++
	case "up", "k":
		m.detailOff--
	case "pgdown", "]", " ":
		m.detailOff += page
	case "pgup", "[":
		m.detailOff -= page
	case "home", "g":
		m.detailOff = 0
	default:
		return false
	}
	m.detailOff = max(m.detailOff, 0)
	return true
}

// detailLines is the referral's detail, the ranking breakdown last.
func (m *Model) detailLines(r store.Referral) []string {
	st := m.ctx.St()
	w := max(m.width-16, 20)
	out := []string{st.Title.Render("Referral "+r.ID) + st.Muted.Render("  (esc back, ↑/↓ scroll)")}
	if store.ReferralAccess(m.ctx.Actor, r) != store.Shown {
		return append(out, "  "+st.Muted.Render(store.NotShared))
	}
	field := func(name, v string) {
		v = strings.TrimSpace(v)
		if v == "" {
			return
		}
		for i, l := range strings.Split(ansi.Wrap(v, w, " "), "\n") {
			if i > 0 {
				name = ""
			}
			out = append(out, "  "+st.Muted.Render(common.Pad(name, 13))+l)
		}
	}
	loc := m.ctx.Time().Location()
	field("received", r.Received.In(loc).Format("2006-01-02 15:04"))
	field("kind", store.KindLabel(r.Kind))
	status := strings.ReplaceAll(string(r.Status), "_", " ")
	if r.Status == store.RefWaitlisted && r.WaitlistPos > 0 {
		status += fmt.Sprintf(" #%d", r.WaitlistPos)
	}
	if r.Reason != "" {
		status += ": " + store.PlainWords(common.Line(r.Reason))
	}
	field("status", status)
	referrer := common.Line(r.Referrer)
	if a := common.Line(r.Agency); a != "" {
		referrer = strings.TrimSpace(referrer + " (" + a + ")")
	}
	field("referrer", referrer)
	field("callback", common.Line(r.Callback))
	if h := store.HandoffOf(r); h != "" {
		field("handoff", store.HandoffLabel(h))
	}
	person := common.Line(r.Person.Name)
	if len(r.Person.Aliases) > 0 {
		aka := make([]string, len(r.Person.Aliases))
		for i, a := range r.Person.Aliases {
			aka[i] = common.Line(a)
		}
		person += " · aka " + strings.Join(aka, ", ")
	}
	switch {
	case !r.Person.DOB.IsZero():
		person += fmt.Sprintf(" · born %s (%d)", store.FormatDate(r.Person.DOB), store.AgeOn(r.Person.DOB, m.ctx.Time()))
	case r.Person.ApproxAge > 0:
		person += fmt.Sprintf(" · about %d", r.Person.ApproxAge)
	}
	field("person", person)
	if r.Offense != "" {
		field("offense", store.OffenseLabel(r.Offense))
	}
	field("location", common.Line(r.Location))
	field("indicators", indicatorText(r.Indicators))
	field("notes", store.Clean(r.Notes, false))
	if r.ReReferralOf != "" {
		field("enrolled as", r.ReReferralOf)
	}
	if store.SeesDecisionNote(m.ctx.Actor.Role) {
		field("decision note", common.Line(r.DecisionNote))
	}
	if pane := m.breakdownFor(r.ID); len(pane) > 0 {
		out = append(out, "")
		out = append(out, pane...)
	}
	return out
}

// indicatorText is the prioritization inputs in plain words.
func indicatorText(in store.Indicators) string {
	var parts []string
	if in.Unsheltered {
		parts = append(parts, "unsheltered")
	}
	if in.Contacts12m > 0 {
		parts = append(parts, fmt.Sprintf("%d contacts in 12 months", in.Contacts12m))
	}
	if in.Impairment > 0 {
		parts = append(parts, fmt.Sprintf("impairment %d", in.Impairment))
	}
	if in.VictimizationRisk {
		parts = append(parts, "victimization risk")
	}
	if in.Warrant {
		parts = append(parts, "warrant")
	}
	if !in.NextCourtDate.IsZero() {
		parts = append(parts, "court "+store.FormatDate(in.NextCourtDate))
	}
	if len(parts) == 0 {
		return "none recorded"
	}
	return strings.Join(parts, " · ")
}

// detailView renders the open detail in h rows from its offset (kept in
// range), with a marker line when more is above or below.
func (m *Model) detailView(r store.Referral, h int) []string {
	st := m.ctx.St()
	all := m.detailLines(r)
	title, body := all[0], all[1:]
	room := max(h-1, 2)
	if len(body) <= room {
		m.detailOff = 0
		return all
	}
	// with the "above" marker, room-1 lines fit: the last offset shows
	// the end of the body under it
	m.detailOff = min(m.detailOff, len(body)-(room-1))
	var shown []string
	avail := room
	if m.detailOff > 0 {
		shown = append(shown, st.Muted.Render(fmt.Sprintf("  ... %d above: ↑ scrolls back", m.detailOff)))
		avail--
	}
	rest := body[m.detailOff:]
	if len(rest) > avail {
		shown = append(shown, rest[:avail-1]...)
		shown = append(shown, st.Muted.Render(fmt.Sprintf("  ... %d more: ↓ scrolls", len(rest)-(avail-1))))
	} else {
		shown = append(shown, rest...)
	}
	return append([]string{title}, shown...)
}
