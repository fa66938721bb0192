package store

import (
	"fmt"
	"regexp"

	"strings"
	"time"
)

// MinutesFormat is how minutes are written.
type MinutesFormat string

// Minutes formats.
const (
	MinutesMarkdown MinutesFormat = "markdown"
	MinutesText     MinutesFormat = "text" // plain text, for pasting into an email
)

// MinutesInput is everything MinutesFor reads.
type MinutesInput struct {
	Meeting Meeting
	// Audience is who the minutes are written for: the exporting viewer,
	// or (room minutes, --room) every attendee, so that they hold only what
	// all of them may see.
	Audience []Actor
	// Labels maps subject ids (participant, referral, case) to display
	// labels already filtered for the whole audience (may be nil); a
	// subject with no label is shown by its id.
	Labels map[string]string
	// Covers maps a participant or case subject to each audience member
	// with their ROI coverage of it. A subject missing here is covered,
	// for each member, by NoSubjectCoverage only (nothing for roles that
	// need an ROI).
	Covers map[string][]RoomViewer
	// Earlier holds the meetings before this one: their action items
	// closed while this one ran are summarised as closed.
	Earlier []Meeting
	Format  MinutesFormat
}

// Minutes renders meeting m as Markdown minutes for viewer (MinutesFor
// with one viewer and no earlier meetings).
//
// covers maps subject ids to what the valid ROIs of the subject's
// participant release to viewer (ROICoverage; may be nil).
func Minutes(m Meeting, viewer Actor, labels map[string]string, covers map[string]Coverage) string {
	in := MinutesInput{Meeting: m, Audience: []Actor{viewer}, Labels: labels}
	if covers != nil {
		in.Covers = make(map[string][]RoomViewer, len(covers))
		for subj, c := range covers {
			in.Covers[subj] = []RoomViewer{{Actor: viewer, Coverage: c}}
		}
	}
	return MinutesFor(in)
}

// MinutesFor renders minutes people would circulate: a summary (date,
// facilitator, attendees, decisions, new and closed action items, what is
// carried over), then only the items discussed, each with its notes,
// decisions and action items. Plain words throughout (no snake_case codes;
// in Markdown, escapes only where a character would format). Every piece
// of free text follows its subject's rule for every member of the
// audience (RoomCanSeeNote); titles never carry names unless typed on an
// attached item the whole audience may identify. Pure: reads nothing,
// audits nothing.
func MinutesFor(in MinutesInput) string {
	m := in.Meeting
	w := &minutesWriter{format: in.Format, hidden: NotShared}
	if len(in.Audience) > 1 {
		w.hidden = NotSharedRoom
	}
	if w.format == "" {
		w.format = MinutesMarkdown
	}
	viewers := func(subject string) []RoomViewer {
		if vs, ok := in.Covers[subject]; ok && IsParticipantSubject(subject) {
			return vs
		}
		// A subject with no coverage given is covered for nothing a consent
		// would have to release: roles that need no ROI see what they see
		// of any participant, the others nothing.
		out := make([]RoomViewer, len(in.Audience))
		for i, a := range in.Audience {
			c := NoSubjectCoverage(a.Role)
			if strings.HasPrefix(subject, "R-") && Visible(a.Role, 0, DataReferrals) != Shown {
				c = 0
			}
			out[i] = RoomViewer{Actor: a, Coverage: c}
		}
		return out
	}
	itemSubj := func(it AgendaItem) string {
		if itemAttached(it) {
			return it.Subject
		}
		return ""
	}
	actionSubj := func(a ActionItem, items []AgendaItem) string {
		if IsParticipantSubject(a.Subject) {
			return a.Subject
		}
		for _, it := range items {
			if it.ID == a.ItemID {
				return itemSubj(it)
			}
		}
		return ""
	}
	seesText := func(subject string) bool { return RoomCanSeeItemText(viewers(subject)) }
	// an action item's text follows its subject as a note of its
	// sensitivity would
	seesAction := func(a ActionItem, items []AgendaItem) bool {
		return RoomCanSeeNote(viewers(actionSubj(a, items)), a.TextSensitivity())
	}
	// headings follow HeadingAccess; a referrer's own referral reads as
	// any other they may not see (the minutes do not say who referred;
	// their own referrals' outcomes are in My referrals)
	heading := func(it AgendaItem) (title, reason, subject string) {
		vs := viewers(it.Subject)
		ref := RoomAccess(vs, DataReferrals)
		if ref == OwnOnly {
			ref = Redacted
		}
		return ItemHeading(it, HeadingAccess(it, RoomAccess(vs, DataIdentity), ref), w.hidden)
	}
	title := func(it AgendaItem) string {
		t, _, _ := heading(it)
		return t
	}

	w.heading(1, fmt.Sprintf("OWG meeting %s, %s", CleanLine(m.ID), dateOrUnknown(m.Date)))
	w.blank()
	w.field("Facilitator", orNone(CleanLine(m.Facilitator)))
	att := make([]string, 0, len(m.Attendees))
	for _, a := range m.Attendees {
		if a = CleanLine(a); a != "" {
			att = append(att, a)
		}
	}
	w.field("Attendees", orNone(strings.Join(att, ", ")))
	status := string(m.Status)
	if m.Status == MeetingEnded && !m.EndedAt.IsZero() {
		status += " " + m.EndedAt.UTC().Format("2006-01-02 15:04") + " UTC"
	}
	w.field("Status", orNone(status))

	// Summary.
	w.blank()
	w.heading(2, "Summary")
	var decisions []string
	hiddenDecisions := 0
	for _, it := range m.Items {
		for _, d := range it.Decisions {
			if !seesText(itemSubj(it)) {
				hiddenDecisions++
				continue
			}
			decisions = append(decisions, w.text(title(it))+": "+w.text(d.Text))
		}
	}
	w.list("Decisions", decisions, hiddenDecisions)
	var added []string
	hiddenAdded := 0
	for _, a := range m.ActionItems {
		if !seesAction(a, m.Items) {
			hiddenAdded++
			continue
		}
		added = append(added, w.action(a))
	}
	w.list("New action items", added, hiddenAdded)
	var closed []string
	hiddenClosed := 0
	from, to := m.Created, m.EndedAt
	for _, e := range in.Earlier {
		if e.ID == m.ID {
			continue
		}
		for _, a := range e.ActionItems {
			if a.IsOpen() || a.DoneAt.IsZero() || (!from.IsZero() && a.DoneAt.Before(from)) || (!to.IsZero() && a.DoneAt.After(to)) {
				continue
			}
			if !seesAction(a, e.Items) {
				hiddenClosed++
				continue
			}
			closed = append(closed, w.action(a)+" from "+CleanLine(e.ID))
		}
	}
	w.list("Closed action items", closed, hiddenClosed)
	var carried []string
	for _, it := range m.Items {
		if it.Status == ItemDiscussed {
			continue
		}
		carried = append(carried, fmt.Sprintf("%s (%s)", w.text(title(it)), statusWord(it.Status, m.Status)))
	}
	stillOpen := 0
	for _, a := range m.ActionItems {
		if a.IsOpen() {
			stillOpen++
		}
	}
	for _, e := range in.Earlier {
		if e.ID == m.ID {
			continue
		}
		for _, a := range e.ActionItems {
			if a.IsOpen() {
				stillOpen++
			}
		}
	}
	if stillOpen > 0 {
		carried = append(carried, fmt.Sprintf("%d open action item%s (back on every agenda until closed)", stillOpen, rkPlural(stillOpen)))
	}
	w.list("Carried over to the next meeting", carried, 0)

	// Items discussed.
	byItem := map[string][]ActionItem{}
	known := map[string]bool{}
	for _, it := range m.Items {
		known[it.ID] = true
	}
	var loose []ActionItem
	for _, a := range m.ActionItems {
		if a.ItemID != "" && known[a.ItemID] {
			byItem[a.ItemID] = append(byItem[a.ItemID], a)
		} else {
			loose = append(loose, a)
		}
	}
	w.blank()
	w.heading(2, "Items discussed")
	n := 0
	for i, it := range m.Items {
		if it.Status != ItemDiscussed {
			continue
		}
		n++
		w.blank()
		w.heading(3, fmt.Sprintf("%d. %s", i+1, w.text(title(it))))
		w.blank()
		w.bullet("Kind: " + ItemKindWord(it.Kind))
		subject := itemSubj(it)
		_, reason, shownSubject := heading(it)
		if shownSubject != "" && it.Kind != ItemActionItems {
			subj := CleanLine(shownSubject)
			if label, ok := in.Labels[shownSubject]; ok && label != "" {
				subj += " (" + w.text(label) + ")"
			}
			w.bullet("Subject: " + subj)
		}
		if reason != "" {
			w.bullet("Why on the agenda: " + w.text(reason))
		}
		if it.Presenter != "" {
			w.bullet("Presenter: " + w.text(it.Presenter))
		}
		var notes []string
		hidden := 0
		for _, nt := range it.Notes {
			s := nt.Sensitivity
			if s == "" {
				s = General
			}
			if !RoomCanSeeNote(viewers(subject), s) {
				hidden++
				continue
			}
			tag := ""
			if s == Clinical {
				tag = "(clinical) "
			}
			notes = append(notes, fmt.Sprintf("%s%s: %s", tag, w.text(nt.Author), w.text(nt.Text)))
		}
		w.sublist("Notes", notes, hidden)
		var ds []string
		hidden = 0
		for _, d := range it.Decisions {
			if !seesText(subject) {
				hidden++
				continue
			}
			ds = append(ds, w.text(d.Author)+": "+w.text(d.Text))
		}
		w.sublist("Decisions", ds, hidden)
		var as []string
		hidden = 0
		for _, a := range byItem[it.ID] {
			if !seesAction(a, m.Items) {
				hidden++
				continue
			}
			as = append(as, w.action(a))
		}
		w.sublist("Action items", as, hidden)
	}
	if n == 0 {
		w.blank()
		w.line("No item was discussed.")
	}
	var others []string
	for _, a := range loose {
		if seesAction(a, m.Items) {
			others = append(others, w.action(a))
		}
	}
	if len(others) > 0 {
		w.blank()
		w.heading(2, "Other action items")
		w.blank()
		for _, o := range others {
			w.bullet(o)
		}
	}
	return w.b.String()
}

// minutesWriter writes Markdown or plain text.
type minutesWriter struct {
	b      strings.Builder
	format MinutesFormat
	hidden string // the placeholder for what the audience may not see
}

// NotSharedRoom is the placeholder in room minutes: what some attendee may
// not see.
const NotSharedRoom = "not shared with everyone in the room"

func (w *minutesWriter) md() bool { return w.format == MinutesMarkdown }

func (w *minutesWriter) line(s string) { w.b.WriteString(s + "\n") }
func (w *minutesWriter) blank()        { w.b.WriteString("\n") }

func (w *minutesWriter) heading(level int, s string) {
	if w.md() {
		w.line(strings.Repeat("#", level) + " " + s)
		return
	}
	w.line(s)
	if level <= 2 {
		ch := "="
		if level == 2 {
			ch = "-"
		}
		w.line(strings.Repeat(ch, max(len([]rune(s)), 3)))
	}
}

func (w *minutesWriter) field(name, value string) {
	if w.md() {
		w.line("- " + name + ": " + value)
		return
	}
	w.line(name + ": " + value)
}

func (w *minutesWriter) bullet(s string) { w.line("- " + s) }

// list writes a summary list: "Name: none", or the name and its entries.
func (w *minutesWriter) list(name string, entries []string, hidden int) {
	w.blank()
	if len(entries) == 0 && hidden == 0 {
		w.line(name + ": none")
		return
	}
	w.line(name + ":")
	w.blank()
	for _, e := range entries {
		w.bullet(e)
	}
	if hidden > 0 {
		w.bullet(fmt.Sprintf("%d more %s", hidden, w.hidden))
	}
}

// sublist writes an item's notes, decisions or action items, if any.
func (w *minutesWriter) sublist(name string, entries []string, hidden int) {
	if len(entries) == 0 && hidden == 0 {
		return
	}
	w.blank()
	w.line(name + ":")
	w.blank()
	for _, e := range entries {
		w.bullet(e)
	}
	if hidden > 0 {
		w.bullet("(" + plural(hidden, "more") + " " + w.hidden + ")")
	}
}

func plural(n int, s string) string { return fmt.Sprintf("%d %s", n, s) }

// text cleans untrusted text to one line of plain words (snake_case codes
// become words) and, in Markdown, escapes only what would format.
func (w *minutesWriter) text(s string) string {
	s = PlainWords(CleanLine(s))
	if !w.md() {
		return s
	}
	return mdEscape(s)
}

func (w *minutesWriter) action(a ActionItem) string {
	s := ""
	if a.ID != "" {
		s = CleanLine(a.ID) + " "
	}
	s += w.text(a.Text) + " (owner " + orNone(w.text(a.Owner))
	if !a.Due.IsZero() {
		s += ", due " + FormatDate(a.Due)
	}
	s += ")"
	switch a.State() {
	case ActionDone:
		s += ": done"
		if !a.DoneAt.IsZero() {
			s += " " + FormatDate(a.DoneAt)
		}
	case ActionDropped:
		s += ": dropped, " + w.text(a.Reason)
	}
	return s
}

var snakeRe = regexp.MustCompile(`\b[a-z]+(?:_[a-z0-9]+)+\b`)

// PlainWords turns snake_case codes in s into words ("not_yet_engaged"
// is "not yet engaged").
func PlainWords(s string) string {
	return snakeRe.ReplaceAllStringFunc(s, func(c string) string { return strings.ReplaceAll(c, "_", " ") })
}

// mdEscape escapes the Markdown characters that format inline text:
// backslash, backtick, emphasis stars, brackets and angle brackets, and an
// underscore at a word edge. A "#" never starts a line here (every line
// has a prefix), so it is left alone.
func mdEscape(s string) string {
	var b strings.Builder
	rs := []rune(s)
	isWord := func(i int) bool {
		if i < 0 || i >= len(rs) {
			return false
		}
		r := rs[i]
		return r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127
	}
	for i, r := range rs {
		switch r {
		case '\\', '`', '*', '[', ']', '<', '>':
			b.WriteRune('\\')
		case '_':
			if !isWord(i-1) || !isWord(i+1) {
				b.WriteRune('\\')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ItemKindWord names an agenda item kind in plain words.
func ItemKindWord(k ItemKind) string {
	switch k {
	case ItemActionItems:
		return "action items"
	case ItemReferral:
		return "referral"
	case ItemCase:
		return "case"
	case ItemGoalReview:
		return "goal review"
	case ItemReferralSummary:
		return "more referrals"
	}
	return "other business"
}

// statusWord names an item's status in plain words; in an ended meeting a
// pending item was not reached.
func statusWord(s ItemStatus, ms MeetingStatus) string {
	switch s {
	case ItemDiscussed:
		return "discussed"
	case ItemSkipped:
		return "skipped"
	case ItemNotReached:
		return "not reached"
	}
	if ms == MeetingEnded {
		return "not reached"
	}
	return "pending"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func dateOrUnknown(t time.Time) string {
	if t.IsZero() {
		return "date unknown"
	}
	return FormatDate(t)
}
