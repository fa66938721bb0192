package report

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/leadtable/owg/store"
)

// Paint colours parts of a rendered report. A nil function leaves its
// text as it is; Text uses no paint at all. Widths are measured before
// painting, so paint may add escape sequences freely.
type Paint struct {
	Title, Muted, Bar, Good, Warn, Bad func(string) string
}

func apply(f func(string) string, s string) string {
	if f == nil || s == "" {
		return s
	}
	return f(s)
}

// Text renders the report as plain text for a terminal of width columns:
// headings, tables and simple bar charts, sparklines and gauges drawn with
// block glyphs, or with '#', '.' and '|' when ascii is true.
func (r Report) Text(width int, ascii bool) string { return r.Render(width, ascii, Paint{}) }

// Render is Text with parts painted by p (the TUI's colour view).
func (r Report) Render(width int, ascii bool, p Paint) string {
	w := &writer{width: min(max(width, 48), 120), ascii: ascii, p: p, dot: " · "}
	if ascii {
		w.dot = " / "
	}
	w.header(r)
	w.referrals(r.Referrals)
	w.decisions(r.Decisions)
	w.waitlist(r.Waitlist)
	w.timeliness(r.Timeliness)
	w.capacity(r.Capacity)
	w.engagement(r.Engagement)
	w.goals(r.Goals)
	w.legal(r.Legal)
	w.equity(r.Equity)
	w.netWidening(r.NetWidening)
	w.intake(r.IntakeResponse)
	return strings.TrimRight(w.b.String(), "\n") + "\n"
}

const labelW = 22 // label column, including the two-space indent

type writer struct {
	b     strings.Builder
	width int
	ascii bool
	p     Paint
	dot   string // separator between inline figures
}

func (w *writer) line(parts ...string) {
	w.b.WriteString(strings.TrimRight(strings.Join(parts, ""), " "))
	w.b.WriteByte('\n')
}

func (w *writer) title(t, note string) {
	w.b.WriteByte('\n')
	s := apply(w.p.Title, strings.ToUpper(t))
	switch {
	case note == "":
	case len(t)+2+runewidth.StringWidth(note) <= w.width:
		s += "  " + apply(w.p.Muted, note)
	default:
		w.line(s)
		s = apply(w.p.Muted, "  "+note)
	}
	w.line(s)
}

func (w *writer) muted(s string) string { return apply(w.p.Muted, s) }

// pad pads s with spaces to n terminal cells, truncating it if longer.
func pad(s string, n int) string {
	s = store.CleanLine(s)
	if runewidth.StringWidth(s) > n {
		s = runewidth.Truncate(s, n, "~")
	}
	return s + strings.Repeat(" ", max(0, n-runewidth.StringWidth(s)))
}

// rpad right-aligns s in n cells.
func rpad(s string, n int) string {
	return strings.Repeat(" ", max(0, n-runewidth.StringWidth(s))) + s
}

func (w *writer) label(s string) string { return "  " + pad(s, labelW-2) }

// barWidth is what is left for a chart after the label and a value column.
func (w *writer) barWidth(valueW int) int { return max(8, w.width-labelW-valueW-2) }

var eighths = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// Bar draws value out of maxv as a horizontal bar of at most width cells:
// full blocks and an eighth-block tail, or '#' when ascii.
func Bar(value, maxv float64, width int, ascii bool) string {
	if maxv <= 0 || value <= 0 || width <= 0 {
		return ""
	}
	cells := math.Min(value/maxv, 1) * float64(width)
	if ascii {
		n := int(math.Round(cells))
		if n == 0 {
			n = 1
		}
		return strings.Repeat("#", n)
	}
	full := int(cells)
	rest := int(math.Round((cells - float64(full)) * 8))
	if rest == 8 {
		full, rest = full+1, 0
	}
	s := strings.Repeat("█", full) + eighths[rest]
	if s == "" {
		s = "▏"
	}
	return s
}

// Gauge draws a share (0..1) as a bracketed gauge of width cells.
func Gauge(share float64, width int, ascii bool) string {
	inner := max(1, width-2)
	n := int(math.Round(math.Max(0, math.Min(share, 1)) * float64(inner)))
	fill, empty := "█", "░"
	if ascii {
		fill, empty = "#", "."
	}
	return "[" + strings.Repeat(fill, n) + strings.Repeat(empty, inner-n) + "]"
}

// Sparkline draws one glyph per cell scaled to the largest shown value;
// a suppressed cell is drawn as "?" so that its height reveals nothing.
func Sparkline(cs []Cell, ascii bool) string {
	levels := []rune("▁▂▃▄▅▆▇█")
	if ascii {
		levels = []rune("_.:-=+*#")
	}
	top := 0
	for _, c := range cs {
		if !c.Suppressed {
			top = max(top, c.Value)
		}
	}
	var b strings.Builder
	for _, c := range cs {
		switch {
		case c.Suppressed:
			b.WriteByte('?')
		case top == 0:
			b.WriteRune(levels[0])
		default:
			b.WriteRune(levels[int(math.Round(float64(c.Value)/float64(top)*float64(len(levels)-1)))])
		}
	}
	return b.String()
}

func (w *writer) header(r Report) {
	t := "owg report"
	if r.Site != "" {
		t += ": " + r.Site
	}
	w.line(apply(w.p.Title, t))
	w.line(fmt.Sprintf("Period %s to %s, as of %s", r.From, r.To, r.AsOf))
	if r.SmallCellSuppression {
		w.line(w.muted(fmt.Sprintf("Counts of 1 to 4 people are shown as %s for the %s role.", SuppressedText, r.Role)))
	}
}

// barRows draws one bar per cell scaled to the largest shown value.
func (w *writer) barRows(labels []string, cs []Cell) {
	top := 0
	for _, c := range cs {
		if !c.Suppressed {
			top = max(top, c.Value)
		}
	}
	bw := w.barWidth(6)
	for i, c := range cs {
		bar := ""
		if !c.Suppressed {
			bar = Bar(float64(c.Value), float64(top), bw, w.ascii)
		}
		w.line(w.label(labels[i]), apply(w.p.Bar, bar), strings.Repeat(" ", bw-runewidth.StringWidth(bar)), rpad(c.String(), 6))
	}
}

func kindLabel(k string) string { return strings.ReplaceAll(k, "_", " ") }

func (w *writer) referrals(s Referrals) {
	w.title("Referrals per week", fmt.Sprintf("total %s, weeks from Monday", s.Total))
	labels := make([]string, len(s.Weeks))
	cs := make([]Cell, len(s.Weeks))
	for i, wk := range s.Weeks {
		labels[i], cs[i] = wk.Start, wk.Total
	}
	w.barRows(labels, cs)
	if len(s.Weeks) == 0 {
		w.line(w.muted("  no weeks in the period"))
		return
	}
	w.line(w.muted("  by kind, week by week:"))
	for _, k := range kinds() {
		series := make([]Cell, len(s.Weeks))
		for i, wk := range s.Weeks {
			series[i] = wk.ByKind[k]
		}
		sp := Sparkline(series, w.ascii)
		bw := w.barWidth(6)
		sp = tail(sp, bw)
		w.line(w.label(kindLabel(k)), apply(w.p.Bar, sp), strings.Repeat(" ", max(0, bw-runewidth.StringWidth(sp))), rpad(s.ByKind[k].String(), 6))
	}
}

func (w *writer) decisions(d Decisions) {
	w.title("Decisions", fmt.Sprintf("on the %s referrals received in the period", d.Referrals))
	w.barRows([]string{"offered (accepted)", "waitlisted", "declined", "withdrawn", "pending", "screened out"},
		[]Cell{d.Offered, d.Waitlisted, d.Declined, d.Withdrawn, d.Pending, d.ScreenedOut})
	if len(d.ScreenedOutByReason) > 0 {
		w.line(w.muted("  screened out by reason:"))
		for _, k := range sortedKeys(d.ScreenedOutByReason) {
			w.line("    ", pad(kindLabel(k), labelW-4), rpad(d.ScreenedOutByReason[k].String(), 6))
		}
	}
	w.line(fmt.Sprintf("  re-referrals %s%soverrides %s%smeetings held %d", d.ReReferrals, w.dot, d.Overrides, w.dot, d.MeetingsHeld))
}

func (w *writer) waitlist(s Waitlist) {
	w.title("Waitlist", "referrals waiting for a slot at the end of each week")
	cs := make([]Cell, len(s.Weeks))
	for i, wk := range s.Weeks {
		cs[i] = wk.Waiting
	}
	sp := Sparkline(cs, w.ascii)
	bw := w.barWidth(6)
	sp = tail(sp, bw)
	w.line(w.label("week by week"), apply(w.p.Bar, sp), strings.Repeat(" ", max(0, bw-runewidth.StringWidth(sp))), rpad(s.Waiting.String(), 6))
	w.line(w.label("waiting now"), rpad(s.Waiting.String(), 6), w.muted(fmt.Sprintf("   of which on the waitlist: %s", s.Waitlisted)))
}

// distLine renders a distribution; with its count suppressed, only that
// it is withheld (never "median <5", which reads as under five days).
func (w *writer) distLine(d Dist) string {
	if d.N.Suppressed {
		return WithheldDistText
	}
	return fmt.Sprintf("median %s%sp90 %s%sn %s", d.Median, w.dot, d.P90, w.dot, d.N)
}

func (w *writer) timeliness(t Timeliness) {
	w.title("Timeliness", "days from referral received")
	w.line(w.label("to first contact"), w.distLine(t.ReferralToFirstContactDays))
	w.line(w.label("to intake"), w.distLine(t.ReferralToIntakeDays))
}

func (w *writer) capacity(c Capacity) {
	w.title("Capacity", fmt.Sprintf("active caseload per case manager; soft cap %d, hard cap %d", c.SoftCap, c.HardCap))
	if len(c.CaseManagers) == 0 {
		w.line(w.muted("  no case managers"))
	}
	gw := max(10, w.width-labelW-18)
	for _, cm := range c.CaseManagers {
		scale := max(cm.HardCap, cm.SoftCap, 1)
		var g string
		if cm.Active.Suppressed {
			g = strings.Repeat(" ", gw)
		} else {
			g = capGauge(cm.Active.Value, cm.SoftCap, scale, gw, w.ascii)
		}
		paint := w.p.Bar
		switch {
		case cm.AtHard:
			paint = w.p.Bad
		case cm.OverSoft:
			paint = w.p.Warn
		}
		val := fmt.Sprintf("%s/%d", cm.Active, cm.SoftCap)
		w.line(w.label(cm.Name), apply(paint, g), " ", rpad(val, 7), w.muted(fmt.Sprintf(" %s open", cm.OpenSlots)))
	}
	w.line(fmt.Sprintf("  active %s%sopen slots %s", c.Active, w.dot, c.OpenSlots))
}

// capGauge draws a caseload on a scale of the hard cap, with the soft cap
// marked.
func capGauge(load, soft, scale, width int, ascii bool) string {
	fill, empty, mark := "█", "░", "│"
	if ascii {
		fill, empty, mark = "#", ".", "|"
	}
	inner := width - 2
	n := min(inner, int(math.Round(float64(load)/float64(scale)*float64(inner))))
	m := min(inner-1, int(math.Round(float64(soft)/float64(scale)*float64(inner))))
	var b strings.Builder
	b.WriteString("[")
	for i := range inner {
		switch {
		case i < n:
			b.WriteString(fill)
		case i == m && soft > 0:
			b.WriteString(mark)
		default:
			b.WriteString(empty)
		}
	}
	b.WriteString("]")
	return b.String()
}

func (w *writer) shareRow(label string, s Share) {
	gw := max(10, w.width-labelW-22)
	g := strings.Repeat(" ", gw)
	if s.Share.Valid {
		g = Gauge(s.Share.Value, gw, w.ascii)
	}
	w.line(w.label(label), apply(w.p.Bar, g), " ", rpad(s.Share.Percent(), 4), w.muted(fmt.Sprintf(" (%s of %s)", s.Count, s.Of)))
}

func (w *writer) engagement(e Engagement) {
	w.title("Engagement", fmt.Sprintf("%s active participants", e.Active))
	w.shareRow("contact in 14 days", e.Contact14d)
	w.shareRow("contact in 30 days", e.Contact30d)
	w.line(w.label("unable to locate"), rpad(e.UnableToLocate.String(), 6))
}

func (w *writer) goals(g Goals) {
	w.title("Goals", "set, achieved and progress entries in the period")
	head := "  " + pad("domain", labelW-2) + rpad("set", 6) + rpad("achieved", 10) + rpad("forward", 9) + rpad("no change", 11) + rpad("setback", 9)
	w.line(w.muted(head))
	row := func(name string, c GoalCounts) {
		w.line(w.label(name), rpad(c.Set.String(), 6), rpad(c.Achieved.String(), 10), rpad(c.Forward.String(), 9), rpad(c.NoChange.String(), 11), rpad(c.Setback.String(), 9))
	}
	row("all domains", g.GoalCounts)
	for _, d := range store.GoalDomains {
		row(kindLabel(string(d)), g.ByDomain[string(d)])
	}
	fw, nc, sb := g.Forward, g.NoChange, g.Setback
	if !fw.Suppressed && !nc.Suppressed && !sb.Suppressed && fw.Value+nc.Value+sb.Value > 0 {
		w.line(w.muted("  progress entries:"))
		w.barRows([]string{"step forward", "no change", "setback"}, []Cell{fw, nc, sb})
	}
}

func (w *writer) legal(l Legal) {
	w.title("Legal", "")
	w.shareRow("court dates kept", l.CourtDatesKept)
	w.shareRow("intakes on time", l.DivertedIntakesOnTime)
	w.line(w.label("warrants resolved"), rpad(l.WarrantsResolved.String(), 6), w.muted(fmt.Sprintf("   open now %s", l.WarrantsOpen)))
	w.line(w.label("post-enroll cases"), rpad(l.PostEnrollmentCases.String(), 6))
	w.line(w.label("intakes overdue now"), rpad(l.DivertedIntakesLate.String(), 6))
}

func (w *writer) equity(e Equity) {
	flag := "⚑ below 4/5"
	if w.ascii {
		flag = "! below 4/5"
	}
	w.title("Equity", fmt.Sprintf("offer share = offers/decided; flagged under %.0f%% of the top (%d+ decided)", e.Threshold*100, e.MinDecided))
	head := "  " + pad("race/ethnicity", labelW-2) + rpad("refs", 6) + rpad("decided", 8) + rpad("offers", 7) + rpad("share", 10) + rpad("enrolled", 9) + rpad("exits", 6)
	w.line(w.muted(head))
	if len(e.Groups) == 0 {
		w.line(w.muted("  no referrals in the period"))
	}
	for _, g := range e.Groups {
		f := ""
		if g.Flag {
			f = "  " + apply(w.p.Bad, flag)
		}
		name := g.Group
		if runewidth.StringWidth(name) > labelW-2 {
			// HUD's labels are long: a group that does not fit has a line
			// of its own rather than a clipped, ambiguous name
			w.line("  " + name)
			name = ""
		}
		w.line(w.label(name), rpad(g.Referrals.String(), 6), rpad(g.Decided.String(), 8), rpad(g.Offers.String(), 7),
			rpad(g.OfferShare.Percent(), 10), rpad(g.Enrollments.String(), 9), rpad(g.Exits.String(), 6), f)
	}
	w.line(w.muted(fmt.Sprintf("  top share %s; %q is never flagged and never the top share", e.TopShare.Percent(), NotRecorded)))
}

func (w *writer) netWidening(n NetWidening) {
	w.title("Net-widening watch", "no criminal-legal contact in 12 months, no warrant or court date")
	w.shareRow("all kinds", n.NoRecentContact)
	for _, k := range kinds() {
		w.shareRow(kindLabel(k), n.ByKind[k])
	}
}

func (w *writer) intake(ir IntakeResponse) {
	w.title("Intake response", "minutes from referral received; arrest diversion and social contact")
	w.line(w.label("to acknowledgement"), w.distLine(ir.ToAck))
	w.line(w.label("to first contact"), w.distLine(ir.ToFirstContact))
	w.line(w.label("unacknowledged"), rpad(ir.Unacknowledged.String(), 6), w.muted(fmt.Sprintf("   of %s referrals", ir.Referrals)))
	if len(ir.Handoff) > 0 {
		parts := make([]string, len(ir.Handoff))
		for i, h := range ir.Handoff {
			parts[i] = store.HandoffLabel(h.State) + " " + h.Referrals.String()
		}
		w.line(w.label("handoffs"), strings.Join(parts, ", "))
	}
	medians := make([]Cell, len(ir.ByHour))
	for i, h := range ir.ByHour {
		switch {
		case h.ToAck.Median.Suppressed:
			medians[i] = Cell{Suppressed: true}
		case h.ToAck.Median.Valid:
			medians[i] = Cell{Value: int(math.Round(h.ToAck.Median.Value))}
		}
	}
	w.line(w.label("median ack by hour"), apply(w.p.Bar, Sparkline(medians, w.ascii)), w.muted(" 00-23h"))
	head := "  " + pad("received", labelW-2) + rpad("refs", 6) + rpad("ack med", 9) + rpad("ack p90", 9) + rpad("contact med", 13) + rpad("contact p90", 13)
	row := func(name string, x ResponseBucket) {
		w.line(w.label(name), rpad(x.Referrals.String(), 6), rpad(x.ToAck.Median.String(), 9), rpad(x.ToAck.P90.String(), 9),
			rpad(x.ToFirstContact.Median.String(), 13), rpad(x.ToFirstContact.P90.String(), 13))
	}
	w.line(w.muted(head))
	for _, d := range ir.ByWeekday {
		row(d.Bucket, d)
	}
	w.line(w.muted("  by hour of day (hours with referrals):"))
	for _, h := range ir.ByHour {
		if h.Referrals.Suppressed || h.Referrals.Value > 0 {
			row(h.Bucket+":00", h)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// tail keeps the last n glyphs of a sparkline (one cell each).
func tail(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[len(r)-n:]
	}
	return string(r)
}
