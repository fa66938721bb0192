package meeting

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/triage"
)

type formKind int

const (
	formStart formKind = iota
	formNote
	formAction
	formDecision
	formReferralVerb
	formItem
	formEnd
	formClose
)

// formVals holds the values a form writes (a pointer, so the huh fields
// keep writing to the same place).
type formVals struct {
	date, text, sens, owner, due, verb, title, kind, subject, attach, reason string
	attendees                                                                []string
	confirm                                                                  bool
}

// form is an embedded huh form (never form.Run) and what it is for.
type form struct {
	kind   formKind
	f      *huh.Form
	v      *formVals
	itemID string
	// keep keeps a note's or a decision's input as its author's draft
	keep *common.DraftKeeper
	// esc asks before esc discards typed input
	esc common.EscGuard
}

// restored reports whether the form was reopened from a draft (its own
// question then asks before esc discards it).
func (f *form) restored() bool { return f.keep != nil && !f.keep.Restored.IsZero() }

func (f *form) setWidth(w int) { f.f.WithWidth(max(w, 20)) }

// fit sizes the form to the h rows it is given on screen: huh then
// scrolls the focused field into view instead of it being cut off below.
func (f *form) fit(w, h int) {
	if mdl, _ := f.f.Update(tea.WindowSizeMsg{Width: max(w, 20), Height: max(h, 3)}); mdl != nil {
		if hf, ok := mdl.(*huh.Form); ok {
			f.f = hf
		}
	}
}

// update passes msg to the huh form: done once submitted or aborted.
func (f *form) update(msg tea.Msg) (cmd tea.Cmd, done, submit bool) {
	cmd = common.UpdateForm(f.f, msg)
	switch f.f.State {
	case huh.StateCompleted:
		return nil, true, true
	case huh.StateAborted:
		return nil, true, false
	}
	return cmd, false, false
}

func (m *Model) newForm(kind formKind, v *formVals, itemID string, groups ...*huh.Group) *form {
	f := huh.NewForm(groups...).WithShowHelp(false).WithTheme(common.FormTheme(m.ctx.St()))
	fm := &form{kind: kind, f: f, v: v, itemID: itemID}
	fm.setWidth(m.width)
	fm.fit(m.width, m.formHeight())
	return fm
}

// formHeight is the rows a form gets: the item pane in a meeting, the
// space under the lobby's header otherwise.
func (m *Model) formHeight() int {
	if m.joined {
		return m.height - m.agendaRows() - 4
	}
	return m.height - 6
}

func (m *Model) openForm(f *form) tea.Cmd {
	if f == nil {
		return nil
	}
	m.form = f
	return f.f.Init()
}

func required(what string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(what + " is required")
		}
		return nil
	}
}

// validDue checks an optional due date: a date, not before the meeting's.
func (m *Model) validDue() func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		d, err := store.ParseDate(s)
		if err != nil {
			return fmt.Errorf("due: %w", err)
		}
		if d.Before(store.DateOf(m.mt.Date)) {
			return fmt.Errorf("due: %s is before the meeting date %s", store.FormatDate(d), store.FormatDate(m.mt.Date))
		}
		return nil
	}
}

func validDate(optional bool) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" && optional {
			return nil
		}
		_, err := store.ParseDate(s)
		return err
	}
}

// general returns a validator refusing text that names a participant
// (store.NamesAny), for text that follows no participant; attached tells
// at validation time whether the text is attached after all.
func (m *Model) general(what string, attached func() bool) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(what + " is required")
		}
		if attached != nil && attached() {
			return nil
		}
		if m.td == nil {
			return nil
		}
		if _, ok := store.NamesAny(s, m.td.names); ok {
			return errors.New(what + " " + store.ErrNamesParticipant.Error())
		}
		return nil
	}
}

// validSubject checks an optional participant id to attach text to.
func validSubject(s string) error {
	s = strings.TrimSpace(s)
	if s == "" || store.ValidParticipantID(strings.ToUpper(s)) {
		return nil
	}
	return fmt.Errorf("%q is not a participant id (P-0001)", s)
}

// startForm asks for the meeting date and attendees.
func (m *Model) startForm() *form {
	v := &formVals{date: store.FormatDate(store.Today(m.ctx.Time()))}
	var opts []huh.Option[string]
	for _, u := range m.users {
		if u.Active && u.Name != m.ctx.Actor.User {
			opts = append(opts, huh.NewOption(fmt.Sprintf("%s (%s)", common.Line(u.Name), u.Role), u.Name))
		}
	}
	today := store.Today(m.ctx.Time())
	fields := []huh.Field{huh.NewInput().Title("Meeting date (YYYY-MM-DD)").Value(&v.date).Validate(func(s string) error {
		d, err := store.ParseDate(s)
		if err != nil {
			return fmt.Errorf("meeting date: %w", err)
		}
		if store.DaysBetween(d, today) > store.MeetingPastDays {
			return fmt.Errorf("meeting date: %s is more than %d days past", store.FormatDate(d), store.MeetingPastDays)
		}
		return nil
	})}
	if len(opts) > 0 {
		fields = append(fields, huh.NewMultiSelect[string]().Title("Attendees (space to pick)").Options(opts...).
			Value(&v.attendees).Height(min(len(opts)+2, 8)))
	}
	return m.newForm(formStart, v, "", huh.NewGroup(fields...))
}

// noteForm asks for a note and, for roles that may write clinical notes,
// its sensitivity.
func (m *Model) noteForm(it store.AgendaItem) *form {
	return m.noteFormWith(it, &formVals{sens: string(store.General)})
}

// noteFormWith is the note form filled in from v (a restored draft).
func (m *Model) noteFormWith(it store.AgendaItem, v *formVals) *form {
	check := required("a note")
	if itemSubject(it) == "" {
		check = m.general("a note on a general item", nil)
	}
	fields := []huh.Field{huh.NewText().Title("Note on " + m.itemNumber(it.ID)).Value(&v.text).Lines(3).Validate(check)}
	if sens := m.sensitivityField(v); sens != nil {
		fields = append(fields, sens)
	}
	f := m.newForm(formNote, v, it.ID, huh.NewGroup(fields...))
	m.keepDraft(f, NoteDraftForm)
	return f
}

// sensitivityField asks whether a note's or an action item's text is
// clinical, for the roles that write clinical text (nil for the others:
// theirs is general).
func (m *Model) sensitivityField(v *formVals) huh.Field {
	if !store.CanWrite(m.ctx.Actor.Role, store.DataClinicalContacts) {
		return nil
	}
	return huh.NewSelect[string]().Title("Sensitivity").
		Options(huh.NewOption("general", string(store.General)), huh.NewOption("clinical (never shown to law enforcement)", string(store.Clinical))).
		Value(&v.sens)
}

// writtenSensitivity is the sensitivity a form's text is saved with:
// clinical only when asked for by a role that writes clinical text.
func writtenSensitivity(c *common.Ctx, v *formVals) store.Sensitivity {
	if store.Sensitivity(v.sens) == store.Clinical && store.CanWrite(c.Actor.Role, store.DataClinicalContacts) {
		return store.Clinical
	}
	return store.General
}

// actionForm asks for an action item: text, owner, due date, and (for
// the roles that write clinical text) its sensitivity.
func (m *Model) actionForm(it store.AgendaItem) *form {
	v := &formVals{owner: m.ctx.Actor.User}
	owners := []string{m.mt.Facilitator}
	owners = append(owners, m.mt.Attendees...)
	users := m.users
	if m.td != nil {
		users = m.td.users
	}
	for _, u := range users {
		if u.Active {
			owners = append(owners, u.Name)
		}
	}
	owners = append(owners, m.ctx.Actor.User)
	slices.Sort(owners)
	owners = slices.Compact(owners)
	opts := make([]huh.Option[string], 0, len(owners))
	for _, o := range owners {
		if o != "" {
			opts = append(opts, huh.NewOption(common.Line(o), o))
		}
	}
	attached := func() bool { return itemSubject(it) != "" || strings.TrimSpace(v.attach) != "" }
	fields := []huh.Field{}
	if itemSubject(it) == "" {
		// asked first, so the text can be checked knowing whether it is attached
		fields = append(fields, huh.NewInput().Title("Attach to participant (P- id; empty: general)").Value(&v.attach).Validate(validSubject))
	}
	fields = append(fields,
		huh.NewInput().Title("Action item on "+m.itemNumber(it.ID)).Value(&v.text).Validate(m.general("the action item", attached)),
		huh.NewSelect[string]().Title("Owner").Options(opts...).Value(&v.owner).Height(min(len(opts)+2, 6)),
		huh.NewInput().Title("Due (YYYY-MM-DD, optional)").Value(&v.due).Validate(m.validDue()),
	)
	if sens := m.sensitivityField(v); sens != nil {
		fields = append(fields, sens)
	}
	return m.newForm(formAction, v, it.ID, huh.NewGroup(fields...))
}

// decisionForm asks accept/waitlist/decline on a referral item the viewer
// may decide, else a decision in words.
func (m *Model) decisionForm(it store.AgendaItem) *form {
	v := &formVals{verb: string(triage.Accept)}
	if it.Kind == store.ItemReferral && m.td != nil {
		if _, ok := m.td.refs[it.Subject]; ok {
			return m.newForm(formReferralVerb, v, it.ID, huh.NewGroup(
				huh.NewSelect[string]().Title("Decision on "+it.Subject).Options(
					huh.NewOption("accept (assign a case manager)", string(triage.Accept)),
					huh.NewOption("waitlist", string(triage.Waitlist)),
					huh.NewOption("decline (with a reason)", string(triage.Decline)),
				).Value(&v.verb)))
		}
	}
	return m.decisionTextForm(it, v)
}

// decisionTextForm asks for a decision in words, filled in from v.
func (m *Model) decisionTextForm(it store.AgendaItem, v *formVals) *form {
	f := m.newForm(formDecision, v, it.ID, huh.NewGroup(
		huh.NewInput().Title("Decision on "+m.itemNumber(it.ID)).Value(&v.text).Validate(required("the decision"))))
	m.keepDraft(f, triage.DraftForm)
	return f
}

// itemForm asks for a new agenda item, added after the current one.
func (m *Model) itemForm() *form {
	v := &formVals{kind: string(store.ItemOther)}
	return m.newForm(formItem, v, "", huh.NewGroup(
		huh.NewSelect[string]().Title("Kind").Options(
			huh.NewOption("other", string(store.ItemOther)),
			huh.NewOption("goal review (participant id)", string(store.ItemGoalReview)),
			huh.NewOption("referral (referral id)", string(store.ItemReferral)),
			huh.NewOption("case (case id)", string(store.ItemCase)),
		).Value(&v.kind),
		huh.NewInput().Title("Subject id (P-, R-, L-; attaches the item to them)").Value(&v.subject),
		huh.NewInput().Title("Title (names only when attached)").Value(&v.title).Validate(func(s string) error {
			if strings.TrimSpace(s) == "" {
				return nil
			}
			return m.general("the title", func() bool { return store.IsParticipantSubject(strings.ToUpper(strings.TrimSpace(v.subject))) })(s)
		}),
	))
}

// closeForm asks which open action item to close (those the viewer may:
// their own, or any for the pm), done or dropped, and why when dropped.
func (m *Model) closeForm(it store.AgendaItem) *form {
	v := &formVals{verb: string(store.ActionDone)}
	var opts []huh.Option[string]
	for _, a := range m.open {
		if !store.CanCloseAction(m.ctx.Actor, a.ActionItem) {
			continue
		}
		label := a.ID + " " + common.Line(a.Owner)
		if m.seesAction(a.FollowsSubject(), a.ActionItem) {
			label += ": " + common.Line(a.Text)
		}
		opts = append(opts, huh.NewOption(label, a.ID))
	}
	if len(opts) == 0 {
		m.setStatus("no open action item you may close", false)
		return nil
	}
	v.subject = opts[0].Value
	return m.newForm(formClose, v, it.ID, huh.NewGroup(
		huh.NewSelect[string]().Title("Close action item").Options(opts...).Value(&v.subject).Height(min(len(opts)+2, 6)),
		huh.NewSelect[string]().Title("As").Options(huh.NewOption("done", string(store.ActionDone)),
			huh.NewOption("dropped (give a reason)", string(store.ActionDropped))).Value(&v.verb),
		huh.NewInput().Title("Reason (required to drop)").Value(&v.reason).Validate(func(s string) error {
			if v.verb == string(store.ActionDropped) && strings.TrimSpace(s) == "" {
				return errors.New("reason: required to drop an action item")
			}
			return nil
		}),
	))
}

// endForm shows what was not reached (it comes back at the next
// meeting) before asking to confirm.
func (m *Model) endForm() *form {
	v := &formVals{}
	var open []string
	for i, it := range m.mt.Items {
		if it.Status == store.ItemPending || it.Status == "" || it.Status == store.ItemSkipped {
			open = append(open, fmt.Sprintf("%d. %s", i+1, common.Line(m.titleFor(it))))
		}
	}
	desc := "Every item was discussed."
	if len(open) > 0 {
		shown := open[:min(len(open), 4)]
		desc = fmt.Sprintf("%d not reached (back on the next agenda): %s", len(open), strings.Join(shown, "; "))
		if len(open) > len(shown) {
			desc += fmt.Sprintf("; and %d more", len(open)-len(shown))
		}
	}
	return m.newForm(formEnd, v, "", huh.NewGroup(
		huh.NewConfirm().Title("End meeting "+m.mt.ID+" and save the minutes?").Description(desc).
			Affirmative("End").Negative("Keep going").Value(&v.confirm)))
}

// submit acts on a completed form.
func (m *Model) submit(f *form) tea.Cmd {
	c, v, now, user := m.ctx, f.v, m.ctx.Time(), m.ctx.Actor.User
	switch f.kind {
	case formStart:
		day, err := store.ParseDate(v.date)
		if err != nil {
			m.setStatus("date: "+err.Error(), false)
			return nil
		}
		return m.startCmd(day, v.attendees)
	case formNote:
		n := store.Note{Time: now, Author: user, Text: strings.TrimSpace(store.Clean(v.text, true)), Sensitivity: writtenSensitivity(c, v)}
		id := f.itemID
		return m.writeKept("note on "+m.itemNumber(id), f.keep, func(mt *store.Meeting) error {
			i := indexOf(mt.Items, id)
			if i < 0 {
				return fmt.Errorf("item %s was removed", id)
			}
			mt.Items[i].Notes = append(mt.Items[i].Notes, n)
			mt.Items[i].Status = store.ItemDiscussed
			return nil
		})
	case formAction:
		a := store.ActionItem{ItemID: f.itemID, Text: store.CleanLine(v.text), Owner: v.owner, Status: store.ActionOpen,
			Subject: strings.ToUpper(strings.TrimSpace(v.attach)), Sensitivity: writtenSensitivity(c, v)}
		if v.due != "" {
			a.Due, _ = store.ParseDate(v.due)
		}
		return m.write("action item for "+common.Line(v.owner), func(mt *store.Meeting) error {
			mt.ActionItems = append(mt.ActionItems, a)
			discussed(mt, a.ItemID)
			return nil
		})
	case formDecision:
		d := store.Decision{Time: now, Author: user, Text: store.CleanLine(v.text)}
		id := f.itemID
		return m.writeKept("decision on "+m.itemNumber(id), f.keep, func(mt *store.Meeting) error {
			i := indexOf(mt.Items, id)
			if i < 0 {
				return fmt.Errorf("item %s was removed", id)
			}
			mt.Items[i].Decisions = append(mt.Items[i].Decisions, d)
			mt.Items[i].Status = store.ItemDiscussed
			return nil
		})
	case formReferralVerb:
		it := m.mt.Items[m.clamp(indexOf(m.mt.Items, f.itemID))]
		r, ok := m.td.refs[it.Subject]
		if !ok {
			m.setStatus(it.Subject+" is no longer in the queue", false)
			return nil
		}
		in, err := triage.InputFor(m.td.ranking, r, m.td.parts, m.td.loads, triage.Verb(v.verb), m.mt.ID)
		if err != nil {
			m.setStatus(err.Error(), false)
			return nil
		}
		d, cmd := triage.NewDecide(c, in, m.width)
		m.decide = d
		d.Fit(m.width, m.formHeight())
		return cmd
	case formItem:
		kind := store.ItemKind(v.kind)
		subject := strings.ToUpper(store.CleanLine(v.subject))
		title := store.CleanLine(v.title)
		typed := title != ""
		if title == "" {
			title = itemTitle(kind, subject)
		}
		after := ""
		if it, ok := m.item(); ok {
			after = it.ID
		}
		return m.write("item added", func(mt *store.Meeting) error {
			n := 0
			for _, it := range mt.Items {
				if x, err := strconv.Atoi(it.ID); err == nil && x > n {
					n = x
				}
			}
			it := store.AgendaItem{ID: strconv.Itoa(n + 1), Kind: kind, Subject: subject, Title: title, Reason: "added in the meeting", Status: store.ItemPending, Typed: typed,
				Minutes: store.ItemMinutes(c.Protocol.Meeting, kind, 0)}
			at := indexOf(mt.Items, after) + 1
			mt.Items = slices.Insert(mt.Items, at, it)
			if at <= mt.Current && len(mt.Items) > 1 {
				mt.Current++
			}
			return nil
		})
	case formClose:
		id, status, reason, itemID, mid := v.subject, store.ActionStatus(v.verb), v.reason, f.itemID, m.mt.ID
		return m.enqueue(func() tea.Msg {
			a, err := store.CloseAction(c.Context(), c.Store, c.Actor, id, status, reason, now)
			if err != nil {
				return savedMsg{err: err}
			}
			// closing it counts as something recorded on the item
			mt, err := c.Store.MutateMeeting(c.Context(), c.Actor, mid, func(mt *store.Meeting) error {
				discussed(mt, itemID)
				return nil
			})
			return savedMsg{mt: mt, what: fmt.Sprintf("%s %s (from %s)", a.ID, a.State(), a.MeetingID), err: err, reload: true}
		})
	case formEnd:
		if !v.confirm {
			return nil
		}
		return m.enqueue(m.endCmd())
	}
	return nil
}

// itemTitle is a title built from the kind and id: never a name.
func itemTitle(kind store.ItemKind, subject string) string {
	switch kind {
	case store.ItemGoalReview:
		return "Goal review " + subject
	case store.ItemReferral:
		return "Referral " + subject
	case store.ItemCase:
		return "Case " + subject
	case store.ItemActionItems:
		return "Action items from the last meeting"
	}
	if subject != "" {
		return "Item " + subject
	}
	return "Other business"
}
