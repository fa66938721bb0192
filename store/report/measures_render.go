package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// Table is one table behind a chart of the measures: a file name (for
// --csv), a header and rows of rendered cells ("<5" when suppressed).
type Table struct {
	Name   string
	Header []string
	Rows   [][]string
}

// WriteCSV writes t as CSV.
func (t Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	if err := cw.WriteAll(t.Rows); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func shareCells(s Share) []string {
	return []string{s.Count.String(), s.Of.String(), s.Share.Percent()}
}

// blockRows are the participant measures of one block as (measure, value) rows.
func blockRows(b Block) [][]string {
	rows := [][]string{{"participants", b.Participants.String()}}
	add := func(name string, v string) { rows = append(rows, []string{name, v}) }
	for _, w := range []struct {
		n string
		w Window
	}{{"6m", b.Legal.Months6}, {"12m", b.Legal.Months12}} {
		add("legal.new_cases_"+w.n+".participants", w.w.Participants.String())
		add("legal.new_cases_"+w.n+".before", w.w.Before.String())
		add("legal.new_cases_"+w.n+".after", w.w.After.String())
		add("legal.new_cases_"+w.n+".per_participant_before", w.w.PerBefore.String())
		add("legal.new_cases_"+w.n+".per_participant_after", w.w.PerAfter.String())
	}
	add("legal.any_new_case_after", b.Legal.AnyNewCase.Share.Percent())
	add("legal.days_to_first_new_case.median", b.Legal.DaysToFirstCase.Median.String())
	add("legal.court_dates_kept", b.Legal.CourtDatesKept.Share.Percent())
	for _, c := range HousingCategories {
		add("housing.at_entry."+c, b.Housing.AtEntry[c].String())
		add("housing.at_6_months."+c, b.Housing.At6Months[c].String())
		add("housing.at_12_months."+c, b.Housing.At12Months[c].String())
	}
	add("housing.ever_sheltered", b.Housing.EverSheltered.Share.Percent())
	add("housing.ever_permanently_housed", b.Housing.EverPermanent.Share.Percent())
	add("housing.improved", b.Housing.ImprovedShare.Share.Percent())
	add("dose.contacts_per_participant_month", b.Dose.ContactsPerMonth.String())
	add("dose.housing_improved", b.Dose.DoseImproved.String())
	add("dose.housing_not_improved", b.Dose.DoseNotImproved.String())
	add("dose.days_referral_to_first_contact.median", b.Dose.ReferralToContact.Median.String())
	add("dose.days_referral_to_intake.median", b.Dose.ReferralToIntake.Median.String())
	for _, s := range statusKeys() {
		add("engagement.at_3_months."+s, b.Engagement.At3Months[s].String())
		add("engagement.at_6_months."+s, b.Engagement.At6Months[s].String())
		add("engagement.at_12_months."+s, b.Engagement.At12Months[s].String())
	}
	for _, g := range b.Goals {
		add("goals."+g.Domain+".set", g.Set.String())
		add("goals."+g.Domain+".achieved", g.Achieved.Count.String())
		add("goals."+g.Domain+".forward", g.Forward.Share.Percent())
		add("goals."+g.Domain+".no_change", g.NoChange.Share.Percent())
		add("goals."+g.Domain+".setback", g.Setback.Share.Percent())
	}
	return rows
}

func funnelCells(f FunnelRow) []string {
	return []string{f.Received.String(), f.ScreenedOut.String(), f.Offered.String(), f.Accepted.String(), f.Waitlisted.String(),
		f.WaitlistDays.Median.String(), f.Declined.String(), f.Withdrawn.String()}
}

var funnelHeader = []string{"received", "screened_out", "offered", "accepted", "waitlisted", "waitlist_days_median", "declined", "withdrawn"}

// Tables are the tables behind every chart and figure of the measures.
func (m Measures) Tables() []Table {
	var out []Table
	pm := Table{Name: "participant_measures", Header: []string{"measure", "cohort", "overall"}}
	c, o := blockRows(m.Cohort), blockRows(m.Overall)
	for i := range c {
		pm.Rows = append(pm.Rows, []string{c[i][0], c[i][1], o[i][1]})
	}
	out = append(out, pm)

	eng := Table{Name: "engagement_by_month", Header: append([]string{"month"}, statusKeys()...)}
	for _, mo := range m.Overall.Engagement.Months {
		row := []string{mo.Month}
		for _, s := range statusKeys() {
			row = append(row, mo.ByStatus[s].String())
		}
		eng.Rows = append(eng.Rows, row)
	}
	out = append(out, eng)

	fk := Table{Name: "funnel_by_kind", Header: append([]string{"kind"}, funnelHeader...)}
	fk.Rows = append(fk.Rows, append([]string{"all"}, funnelCells(m.Funnel.Total)...))
	for _, k := range kinds() {
		fk.Rows = append(fk.Rows, append([]string{k}, funnelCells(m.Funnel.ByKind[k])...))
	}
	out = append(out, fk)

	fm := Table{Name: "funnel_by_month", Header: append([]string{"month", "kind"}, funnelHeader...)}
	for _, mo := range m.Funnel.ByMonth {
		fm.Rows = append(fm.Rows, append([]string{mo.Month, "all"}, funnelCells(mo.Total)...))
		for _, k := range kinds() {
			fm.Rows = append(fm.Rows, append([]string{mo.Month, k}, funnelCells(mo.ByKind[k])...))
		}
	}
	out = append(out, fm)

	so := Table{Name: "screened_out_by_reason", Header: []string{"reason", "referrals"}}
	for _, k := range sortedKeys(m.Funnel.Total.ScreenedOutByReason) {
		so.Rows = append(so.Rows, []string{k, m.Funnel.Total.ScreenedOutByReason[k].String()})
	}
	out = append(out, so)

	nw := Table{Name: "net_widening_by_month", Header: []string{"month", "social_contact_and_community", "no_prior_legal_contact", "share", "social_contact_no_prior", "community_no_prior"}}
	for _, n := range m.NetWidening {
		nw.Rows = append(nw.Rows, []string{n.Month, n.NonArrest.String(), n.NoPriorContact.Count.String(), n.NoPriorContact.Share.Percent(), n.SocialContact.String(), n.CommunityNoPrio.String()})
	}
	out = append(out, nw)

	eq := Table{Name: "equity", Header: []string{"group", "measure", "cohort", "overall"}}
	for _, g := range m.Equity {
		c, o := blockRows(g.Cohort), blockRows(g.Overall)
		for i := range c {
			eq.Rows = append(eq.Rows, []string{g.Group, c[i][0], c[i][1], o[i][1]})
		}
		for i, h := range funnelHeader {
			eq.Rows = append(eq.Rows, []string{g.Group, "funnel." + h, funnelCells(g.Funnel)[i], ""})
		}
	}
	out = append(out, eq)
	return out
}

// Text renders the measures for a terminal: trends as sparklines, shares
// as bars, with '#' and '.' when ascii.
func (m Measures) Text(width int, ascii bool) string { return m.Render(width, ascii, Paint{}) }

// Render is Text with parts painted by p.
func (m Measures) Render(width int, ascii bool, p Paint) string {
	w := &writer{width: min(max(width, 48), 120), ascii: ascii, p: p, dot: " · "}
	if ascii {
		w.dot = " / "
	}
	t := "owg LEAD measures"
	if m.Site != "" {
		t += ": " + m.Site
	}
	w.line(apply(w.p.Title, t))
	w.line(fmt.Sprintf("Cohort: enrolled %s to %s; as of %s", m.From, m.To, m.AsOf))
	if m.SmallCellSuppression {
		w.line(w.muted(fmt.Sprintf("Counts of 1 to 4 people are shown as %s for the %s role.", SuppressedText, m.Role)))
	}
	for _, blk := range []struct {
		name string
		b    Block
	}{{"cohort", m.Cohort}, {"overall", m.Overall}} {
		b := blk.b
		w.title("Legal ("+blk.name+")", b.Participants.String()+" participants")
		for _, win := range []struct {
			n string
			w Window
		}{{"6 mo", b.Legal.Months6}, {"12 mo", b.Legal.Months12}} {
			w.line(w.label("new cases, "+win.n), fmt.Sprintf("before %s%safter %s%s(%s followed)", win.w.Before, w.dot, win.w.After, w.dot, win.w.Participants))
		}
		w.line(w.label("days to new case"), w.distLine(b.Legal.DaysToFirstCase))
		w.shareRow("court dates kept", b.Legal.CourtDatesKept)
		w.title("Housing ("+blk.name+")", "by category: entry, 6 months, 12 months")
		for _, cat := range HousingCategories {
			w.line(w.label(kindLabel(cat)), fmt.Sprintf("%6s %6s %6s", b.Housing.AtEntry[cat], b.Housing.At6Months[cat], b.Housing.At12Months[cat]))
		}
		w.shareRow("ever sheltered", b.Housing.EverSheltered)
		w.shareRow("ever permanent", b.Housing.EverPermanent)
		w.shareRow("housing improved", b.Housing.ImprovedShare)
		w.title("Dose ("+blk.name+")", "")
		w.line(w.label("contacts / month"), b.Dose.ContactsPerMonth.String(), w.dot, "improved "+b.Dose.DoseImproved.String(), w.dot, "not "+b.Dose.DoseNotImproved.String())
		w.line(w.label("referral→contact, d"), w.distLine(b.Dose.ReferralToContact))
		w.line(w.label("referral→intake, d"), w.distLine(b.Dose.ReferralToIntake))
		w.title("Goals ("+blk.name+")", "set, achieved, and progress forward / no change / setback")
		for _, g := range b.Goals {
			w.line(w.label(kindLabel(g.Domain)), fmt.Sprintf("%4s %4s  %5s %5s %5s  ", g.Set, g.Achieved.Count, g.Forward.Share.Percent(), g.NoChange.Share.Percent(), g.Setback.Share.Percent()),
				apply(w.p.Bar, Bar(g.Forward.Share.Value, 1, max(4, w.width-labelW-32), w.ascii)))
		}
	}
	w.title("Engagement by month", "everyone enrolled by each month's end")
	for _, s := range statusKeys() {
		var cs []Cell
		for _, mo := range m.Overall.Engagement.Months {
			cs = append(cs, mo.ByStatus[s])
		}
		last := Cell{}
		if len(cs) > 0 {
			last = cs[len(cs)-1]
		}
		w.line(w.label(kindLabel(s)), apply(w.p.Bar, Sparkline(cs, w.ascii)), " ", last.String())
	}
	w.title("Referral funnel", "received in the period")
	f := m.Funnel.Total
	labels := []string{"received", "screened out", "offered", "accepted", "waitlisted", "declined", "withdrawn"}
	w.barRows(labels, []Cell{f.Received, f.ScreenedOut, f.Offered, f.Accepted, f.Waitlisted, f.Declined, f.Withdrawn})
	w.line(w.label("days waitlisted"), w.distLine(f.WaitlistDays))
	for _, k := range kinds() {
		var cs []Cell
		for _, mo := range m.Funnel.ByMonth {
			cs = append(cs, mo.ByKind[k].Received)
		}
		w.line(w.label(map[string]string{"arrest_diversion": "arrests /month", "social_contact": "social /month", "community": "community /month"}[k]), apply(w.p.Bar, Sparkline(cs, w.ascii)), " ", m.Funnel.ByKind[k].Received.String())
	}
	w.title("Net-widening watch", "social-contact and community referrals with no prior legal contact, by month")
	var cs []Cell
	for _, n := range m.NetWidening {
		cs = append(cs, n.NoPriorContact.Count)
	}
	w.line(w.label("no prior contact"), apply(w.p.Bar, Sparkline(cs, w.ascii)))
	w.title("Equity of outcomes", "overall, by race/ethnicity group")
	w.line(w.label("group"), "   people   improved   new case       kept  accepted")
	for _, g := range m.Equity {
		o := g.Overall
		name := g.Group
		if runewidth.StringWidth(name) > labelW-2 {
			w.line("  " + name) // a line of its own, never clipped
			name = ""
		}
		w.line(w.label(name), fmt.Sprintf("%9s  %9s  %9s  %9s  %8s", o.Participants, o.Housing.ImprovedShare.Share.Percent(),
			o.Legal.AnyNewCase.Share.Percent(), o.Legal.CourtDatesKept.Share.Percent(), g.Funnel.Accepted))
	}
	return strings.TrimRight(w.b.String(), "\n") + "\n"
}
