package export

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/leadtable/owg/store"
)

// SubjectDeidentifiedCSV is the subject of the audit event of a
// de-identified CSV export.
const SubjectDeidentifiedCSV = "deidentified-csv"

// Audit records that viewer exported subject (an id, or
// SubjectDeidentifiedCSV); detail is a code, never content.
func Audit(ctx context.Context, s store.Store, viewer store.Actor, action store.AuditAction, subject, detail string) error {
	return s.Record(ctx, store.AuditEvent{User: viewer.User, Role: viewer.Role, Action: action, Subject: subject, Detail: detail, Addr: viewer.Addr})
}

// recentContacts is how many contacts a case-conference summary lists.
const recentContacts = 10

// ParticipantMarkdown returns the case-conference summary of participant
// id as viewer may see it, built from store.ViewParticipant (which audits
// the read) exactly as the participant screen is; sensitive is the
// protocol's SensitiveGoalDomains. It starts with the re-disclosure notice
// and is audited as an export. A viewer who may not see the participant
// gets the notice and "not shared with your role"; community sees the
// status only; goals the viewer may not see are counted ("N more goals
// held by case management"), never described.
func ParticipantMarkdown(ctx context.Context, s store.Store, viewer store.Actor, id string, now time.Time, sensitive []store.GoalDomain) (string, error) {
	v, err := store.ViewParticipant(ctx, s, viewer, id, now, sensitive)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	switch v.Access {
	case store.Shown:
		line("# Case conference summary: %s (%s)", md(v.Label()), md(v.ID))
	default:
		line("# Case conference summary: %s", md(v.Label()))
	}
	line("")
	line("Prepared for %s (%s) on %s.", md(viewer.User), viewer.Role, store.FormatDate(store.Today(now)))
	detail := "participant-markdown"
	switch v.Access {
	case store.Shown:
		writeShown(&b, v, viewer, now)
	case store.DeIdentified:
		line("")
		line("- Status: %s", v.Participant.Status)
		line("")
		line("Identity, goals, contacts and legal cases are %s.", store.NotShared)
		detail += ":de-identified"
	default:
		line("")
		line("This participant's record is %s.", store.NotShared)
		detail += ":redacted"
	}
	if err := Audit(ctx, s, viewer, store.AuditExport, id, detail); err != nil {
		return "", err
	}
	return withNotice(b.String()), nil
}

func writeShown(b *strings.Builder, v store.ParticipantView, viewer store.Actor, now time.Time) {
	p := v.Participant
	line := func(format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	line("")
	line("## Participant")
	line("")
	if p.Pronouns != "" {
		line("- Pronouns: %s", md(p.Pronouns))
	}
	if !p.DOB.IsZero() {
		line("- Age: %d", store.AgeOn(p.DOB, now))
	}
	line("- Status: %s", p.Status)
	line("- Enrolled: %s", orDash(store.FormatDate(p.EnrolledOn)))
	line("- Case manager: %s", orDash(md(p.CaseManager)))
	if p.Housing != "" {
		line("- Housing: %s", md(p.Housing))
	}
	if len(p.Flags) > 0 {
		flags := make([]string, len(p.Flags))
		for i, f := range p.Flags {
			flags[i] = md(f)
		}
		line("- Flags: %s", strings.Join(flags, ", "))
	}
	line("- Last contact: %s", orDash(store.FormatDate(p.LastContact)))
	line("- Last OWG review: %s", orDash(store.FormatDate(p.LastReview)))

	line("")
	line("## Releases of information")
	line("")
	if len(v.ROIs) == 0 {
		line("None you may see.")
	}
	for _, r := range v.ROIs {
		state := r.StateText(now)
		if state != "" {
			state = " [" + md(state) + "]"
		}
		line("- %s %s%s", md(r.ID), md(r.Describe()), state)
	}

	line("")
	line("## Goals")
	line("")
	if len(v.Goals) == 0 && v.HiddenGoals == 0 {
		line("No goals recorded.")
	}
	for _, g := range v.Goals {
		var fwd, same, back int
		for _, e := range g.Progress {
			switch e.Step {
			case store.StepForward:
				fwd++
			case store.StepNoChange:
				same++
			case store.StepSetback:
				back++
			}
		}
		line("- **%s** (%s, %s): \"%s\"", md(string(g.Domain)), g.Status, trend(g.Progress), md(g.Words))
		line("  - progress: %d forward, %d no change, %d setback", fwd, same, back)
		for _, e := range lastN(g.Progress, 3) {
			note := ""
			if e.Note != "" {
				note = ": " + md(e.Note)
			}
			tag := ""
			if e.Sensitivity == store.Clinical {
				tag = " [clinical]"
			}
			line("  - %s %s%s (%s)%s", store.FormatDate(e.Date), stepWord(e.Step), tag, md(e.Author), note)
		}
	}
	if v.HiddenGoals > 0 {
		line("- %s", store.HeldByCaseManagement(v.HiddenGoals))
	}

	line("")
	line("## Recent contacts")
	line("")
	if len(v.Contacts) == 0 {
		line("No contacts you may see.")
	}
	for i, c := range v.Contacts {
		if i == recentContacts {
			line("- (%d earlier contacts not listed)", len(v.Contacts)-recentContacts)
			break
		}
		note := ""
		if c.Note != "" {
			note = ": " + md(c.Note)
		}
		line("- %s %s, %s (%s)%s", store.FormatDate(c.Date), strings.ReplaceAll(string(c.Kind), "_", " "), c.Sensitivity, md(c.Author), note)
	}

	line("")
	line("## Legal cases")
	line("")
	switch {
	case v.CaseAccess != store.Shown && v.CaseAccess != store.StatusOnly:
		line("Legal cases are %s.", store.NotShared)
	case len(v.Cases) == 0:
		line("No legal cases.")
	}
	for _, c := range v.Cases {
		court := ""
		if !c.NextCourtDate.IsZero() {
			court = ", next court date " + store.FormatDate(c.NextCourtDate)
		}
		if v.CaseAccess == store.StatusOnly {
			line("- %s: %s%s", kindWord(string(c.Kind)), c.Status, court)
			continue
		}
		num := ""
		if c.CaseNumber != "" {
			num = " " + md(c.CaseNumber)
		}
		line("- %s%s: %s%s", kindWord(string(c.Kind)), num, c.Status, court)
		if c.Court != "" {
			line("  - court: %s", md(c.Court))
		}
		if c.Charges != "" {
			line("  - charges: %s", md(c.Charges))
		}
		if c.Position != store.PositionNone {
			pos := kindWord(string(c.Position))
			if c.PositionNote != "" {
				pos += ": " + md(c.PositionNote)
			}
			line("  - prosecution position: %s", pos)
		}
		if !c.IntakeDeadline.IsZero() {
			line("  - intake deadline: %s; completed: %s", store.FormatDate(c.IntakeDeadline), orDash(store.FormatDate(c.IntakeCompleted)))
		}
		// Defender notes are the defense's: only a defender exports them
		// (store.CanSeeCaseNote, as on the Cases screen).
		for _, n := range c.DefenderNotes {
			if !store.CanSeeCaseNote(viewer.Role, v.CaseAccess, n) {
				continue
			}
			who := "defender"
			if n.Role != "" {
				who = string(n.Role)
			}
			line("  - %s note %s (%s): %s", who, store.FormatDate(n.Time), md(n.Author), md(n.Text))
		}
	}
}

// trend says which way the last progress entries go, never pass/fail.
func trend(es []store.ProgressEntry) string {
	score := 0
	for _, e := range lastN(es, 3) {
		switch e.Step {
		case store.StepForward:
			score++
		case store.StepSetback:
			score--
		}
	}
	switch {
	case len(es) == 0:
		return "no progress entries yet"
	case score > 0:
		return "moving forward"
	case score < 0:
		return "recent setbacks"
	}
	return "steady"
}

func stepWord(s store.Step) string {
	switch s {
	case store.StepForward:
		return "step forward"
	case store.StepNoChange:
		return "no change"
	case store.StepSetback:
		return "setback"
	}
	return md(string(s))
}

func kindWord(s string) string { return md(strings.ReplaceAll(s, "_", " ")) }

func lastN[T any](s []T, n int) []T {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// md cleans untrusted text to one line and escapes the Markdown characters
// that could restructure the document or hide a link.
func md(s string) string {
	s = store.CleanLine(s)
	r := strings.NewReplacer("\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]", "<", "&lt;", ">", "&gt;", "#", "\\#", "|", "\\|", "\"", "&quot;")
	return r.Replace(s)
}

// MinutesOptions says how minutes are exported.
type MinutesOptions struct {
	// Room writes the minutes for circulating to every attendee: only what
	// every one of them (facilitator, attendees and the exporting viewer)
	// may see.
	Room   bool
	Format store.MinutesFormat // markdown (default) or text
	// Sensitive is the protocol's SensitiveGoalDomains (nil: the default).
	Sensitive []store.GoalDomain
}

// MinutesMarkdown returns meeting id's minutes as viewer may see them, in
// Markdown (MinutesExport with default options).
func MinutesMarkdown(ctx context.Context, s store.Store, viewer store.Actor, id string, now time.Time) (string, error) {
	return MinutesExport(ctx, s, viewer, id, now, MinutesOptions{})
}

// MinutesExport returns meeting id's minutes (store.MinutesFor with
// subject labels and ROI coverage computed for the audience: the viewer,
// or with Room every attendee), preceded by the re-disclosure notice, and
// audits the export. Evaluators, who see aggregate reports only, are
// refused with store.ErrDenied (and audited).
func MinutesExport(ctx context.Context, s store.Store, viewer store.Actor, id string, now time.Time, o MinutesOptions) (string, error) {
	detail := "minutes-markdown"
	if o.Format == store.MinutesText {
		detail = "minutes-text"
	}
	if o.Room {
		detail += ":room"
	}
	if !store.SeesMeetings(viewer.Role) {
		if err := Audit(ctx, s, viewer, store.AuditDenied, id, detail); err != nil {
			return "", err
		}
		return "", store.ErrDenied
	}
	m, err := s.GetMeeting(ctx, id)
	if err != nil {
		return "", err
	}
	audience := []store.Actor{viewer}
	if o.Room {
		if audience, err = RoomAudience(ctx, s, viewer, m); err != nil {
			return "", err
		}
	}
	labels, covers, shown, err := audienceLabels(ctx, s, audience, m, now, o.Sensitive)
	if err != nil {
		return "", err
	}
	all, err := s.ListMeetings(ctx)
	if err != nil {
		return "", err
	}
	in := store.MinutesInput{Meeting: m, Audience: audience, Labels: labels, Covers: covers, Earlier: all, Format: o.Format}
	out := withNotice(store.MinutesFor(in))
	// the minutes disclose each subject's name, notes and attached action
	// items: a view of each participant (and referral) by the viewer, as
	// the minutes show them (denied where they are withheld), and the
	// export, committed as one batch
	evs := make([]store.AuditEvent, 0, len(shown)+1)
	for _, sh := range shown {
		e := store.ViewEvent(viewer, sh.id, sh.access)
		e.Detail = detail + ":" + m.ID
		evs = append(evs, e)
	}
	evs = append(evs, store.AuditEvent{User: viewer.User, Role: viewer.Role, Action: store.AuditExport, Subject: id, Detail: detail, Addr: viewer.Addr})
	if err := store.RecordAll(ctx, s, evs); err != nil {
		return "", err
	}
	return out, nil
}

// shownSubject is a participant or referral the minutes are about, with
// what the minutes' audience may see of it.
type shownSubject struct {
	id     string
	access store.Access
}

// RoomAudience returns who room minutes are for: the viewer, the
// facilitator and every attendee, as registered users. A name that is no
// longer a user counts as a community member (who sees no identities),
// so an unknown reader never widens what the room sees.
func RoomAudience(ctx context.Context, s store.Store, viewer store.Actor, m store.Meeting) ([]store.Actor, error) {
	out := []store.Actor{viewer}
	seen := map[string]bool{viewer.User: true}
	for _, name := range append([]string{m.Facilitator}, m.Attendees...) {
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		u, err := s.GetUser(ctx, name)
		switch {
		case store.IsNotFound(err):
			out = append(out, store.Actor{User: name, Role: store.RoleCommunity})
		case err != nil:
			return nil, err
		default:
			out = append(out, store.ActorFor(u))
		}
	}
	return out, nil
}

// audienceLabels returns, for every participant, case and referral
// subject of m (items and action items), the label the whole audience may
// see and each member's ROI coverage of it, and every participant (a
// case's participant) and referral they are about, once each in order,
// with what the audience may see of it (Shown, else withheld).
func audienceLabels(ctx context.Context, s store.Store, audience []store.Actor, m store.Meeting, now time.Time, sensitive []store.GoalDomain) (map[string]string, map[string][]store.RoomViewer, []shownSubject, error) {
	labels := map[string]string{}
	covers := map[string][]store.RoomViewer{}
	var shown []shownSubject
	at := map[string]int{} // index in shown
	saw := func(id string, access store.Access) {
		i, ok := at[id]
		if !ok {
			at[id] = len(shown)
			shown = append(shown, shownSubject{id: id, access: access})
			return
		}
		if access == store.Shown {
			shown[i].access = store.Shown
		}
	}
	participant := func(subj, pid string) error {
		v, vs, err := store.PeekRoom(ctx, s, audience, pid, now, sensitive)
		if store.IsNotFound(err) {
			labels[subj] = store.NotShared
			return nil
		}
		if err != nil {
			return err
		}
		labels[subj], covers[subj] = v.Label(), vs
		saw(pid, v.Access)
		return nil
	}
	subjects := []string{}
	for _, it := range m.Items {
		if it.Kind != store.ItemActionItems {
			subjects = append(subjects, it.Subject)
		}
	}
	for _, a := range m.ActionItems {
		subjects = append(subjects, a.Subject)
	}
	for _, subj := range subjects {
		if _, done := labels[subj]; done || subj == "" {
			continue
		}
		var err error
		switch {
		case strings.HasPrefix(subj, "P-"):
			err = participant(subj, subj)
		case strings.HasPrefix(subj, "L-"):
			var c store.LegalCase
			if c, err = s.GetCase(ctx, subj); err == nil {
				err = participant(subj, c.ParticipantID)
			} else if store.IsNotFound(err) {
				labels[subj], err = store.NotShared, nil
			}
		case strings.HasPrefix(subj, "R-"):
			var r store.Referral
			if r, err = s.GetReferral(ctx, subj); err == nil {
				labels[subj] = store.CleanLine(r.Person.Name)
				access := store.Shown
				for _, a := range audience {
					if store.ReferralAccess(a, r) != store.Shown {
						labels[subj], access = store.NotShared, store.Redacted
					}
				}
				saw(r.ID, access)
			} else if store.IsNotFound(err) {
				labels[subj], err = store.NotShared, nil
			}
		}
		if err != nil {
			return nil, nil, nil, err
		}
	}
	return labels, covers, shown, nil
}

// Labels returns the viewer-safe labels of the subjects of m's agenda
// items, for store.Minutes: a participant's (or a case's participant's)
// label, store.NotShared when the viewer may not see them; a referral's
// person's name only for the roles that see referrals in full. covers
// holds what the valid ROIs of each participant subject (or a case's
// participant) release to viewer.
func Labels(ctx context.Context, s store.Store, viewer store.Actor, m store.Meeting, now time.Time) (labels map[string]string, covers map[string]store.Coverage, err error) {
	labels, covers = map[string]string{}, map[string]store.Coverage{}
	participant := func(subj, pid string) (string, error) {
		p, err := s.GetParticipant(ctx, pid)
		if err != nil {
			if store.IsNotFound(err) {
				return store.NotShared, nil
			}
			return "", err
		}
		rois, err := s.ListROIs(ctx, pid)
		if err != nil {
			return "", err
		}
		covers[subj] = store.ROICoverage(rois, viewer, now)
		label, _ := store.ParticipantLabel(p, rois, viewer, now)
		return label, nil
	}
	for _, it := range m.Items {
		subj := it.Subject
		if _, done := labels[subj]; done || subj == "" {
			continue
		}
		var label string
		var err error
		switch {
		case strings.HasPrefix(subj, "P-"):
			label, err = participant(subj, subj)
		case strings.HasPrefix(subj, "L-"):
			var c store.LegalCase
			if c, err = s.GetCase(ctx, subj); err == nil {
				label, err = participant(subj, c.ParticipantID)
			} else if store.IsNotFound(err) {
				label, err = store.NotShared, nil
			}
		case strings.HasPrefix(subj, "R-"):
			var r store.Referral
			if r, err = s.GetReferral(ctx, subj); err == nil {
				label = store.NotShared
				if store.ReferralAccess(viewer, r) == store.Shown {
					label = store.CleanLine(r.Person.Name)
				}
			} else if store.IsNotFound(err) {
				label, err = store.NotShared, nil
			}
		default:
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		labels[subj] = label
	}
	return labels, covers, nil
}
