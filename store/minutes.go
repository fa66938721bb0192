package store

import (
	"fmt"
	"strings"
	"time"
)

// Minutes renders meeting m as Markdown minutes for viewer: date,
// facilitator, attendees, then each agenda item in order with its notes,
// decisions and action items, and the action items not tied to an item.
//
// labels maps subject ids (participant, referral, case) to display labels
// the caller has already filtered by visibility for viewer (may be nil);
// a subject with no label is shown by its id. Titles never carry names.
// covers maps subject ids to what the valid ROIs of the subject's
// participant release to viewer (ROICoverage; may be nil: a subject not in
// it is covered for nothing). A note is shown only when CanSeeNote allows
// it under that coverage; an item with no subject is judged by
// NoSubjectCoverage. Minutes is pure: it reads nothing and audits nothing.
func Minutes(m Meeting, viewer Actor, labels map[string]string, covers map[string]Coverage) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# OWG meeting %s, %s\n\n", CleanLine(m.ID), dateOrUnknown(m.Date))
	fmt.Fprintf(&b, "- Facilitator: %s\n", orNone(CleanLine(m.Facilitator)))
	att := make([]string, 0, len(m.Attendees))
	for _, a := range m.Attendees {
		if a = CleanLine(a); a != "" {
			att = append(att, a)
		}
	}
	fmt.Fprintf(&b, "- Attendees: %s\n", orNone(strings.Join(att, ", ")))
	status := string(m.Status)
	if m.Status == MeetingEnded && !m.EndedAt.IsZero() {
		status += " " + m.EndedAt.UTC().Format("2006-01-02 15:04") + " UTC"
	}
	fmt.Fprintf(&b, "- Status: %s\n", orNone(status))

	byItem := map[string][]ActionItem{}
	var loose []ActionItem
	known := map[string]bool{}
	for _, it := range m.Items {
		known[it.ID] = true
	}
	for _, a := range m.ActionItems {
		if a.ItemID != "" && known[a.ItemID] {
			byItem[a.ItemID] = append(byItem[a.ItemID], a)
		} else {
			loose = append(loose, a)
		}
	}

	b.WriteString("\n## Agenda\n")
	if len(m.Items) == 0 {
		b.WriteString("\nNo agenda items.\n")
	}
	for i, it := range m.Items {
		fmt.Fprintf(&b, "\n### %d. %s\n\n", i+1, mdLine(it.Title))
		fmt.Fprintf(&b, "- Kind: %s; status: %s\n", it.Kind, orNone(string(it.Status)))
		covered := NoSubjectCoverage(viewer.Role)
		if it.Subject != "" {
			covered = covers[it.Subject]
			label, ok := labels[it.Subject]
			subj := CleanLine(it.Subject)
			if ok && label != "" {
				subj += " (" + mdLine(label) + ")"
			}
			fmt.Fprintf(&b, "- Subject: %s\n", subj)
		}
		if it.Reason != "" {
			fmt.Fprintf(&b, "- Reason: %s\n", mdLine(it.Reason))
		}
		if it.Presenter != "" {
			fmt.Fprintf(&b, "- Presenter: %s\n", mdLine(it.Presenter))
		}
		var notes []string
		hidden := false
		for _, n := range it.Notes {
			s := n.Sensitivity
			if s == "" {
				s = General
			}
			if !CanSeeNote(viewer.Role, covered, s) {
				hidden = true
				continue
			}
			notes = append(notes, fmt.Sprintf("- [%s] %s: %s", s, mdLine(n.Author), mdLine(n.Text)))
		}
		if len(notes) > 0 || hidden {
			b.WriteString("\nNotes:\n\n")
			for _, n := range notes {
				b.WriteString(n + "\n")
			}
			if hidden {
				b.WriteString("- (other notes " + NotShared + ")\n")
			}
		}
		// Decisions and action items are free text that may identify the
		// subject: they follow the rule of general notes on that subject.
		freeText := CanSeeItemText(viewer.Role, covered)
		if len(it.Decisions) > 0 {
			b.WriteString("\nDecisions:\n\n")
			if !freeText {
				b.WriteString("- (" + NotShared + ")\n")
			}
			for _, d := range it.Decisions {
				if freeText {
					fmt.Fprintf(&b, "- %s: %s\n", mdLine(d.Author), mdLine(d.Text))
				}
			}
		}
		if as := byItem[it.ID]; len(as) > 0 {
			b.WriteString("\nAction items:\n\n")
			if !freeText {
				b.WriteString("- (" + NotShared + ")\n")
			}
			for _, a := range as {
				if freeText {
					b.WriteString(actionLine(a) + "\n")
				}
			}
		}
	}
	if len(loose) > 0 && CanSeeItemText(viewer.Role, CoverageOf(LegacyROIClasses...)) {
		b.WriteString("\n## Other action items\n\n")
		for _, a := range loose {
			b.WriteString(actionLine(a) + "\n")
		}
	}
	return b.String()
}

func actionLine(a ActionItem) string {
	box := "[ ]"
	if a.Done {
		box = "[x]"
	}
	due := ""
	if !a.Due.IsZero() {
		due = ", due " + FormatDate(a.Due)
	}
	id := ""
	if a.ID != "" {
		id = CleanLine(a.ID) + " "
	}
	return fmt.Sprintf("- %s %s%s (owner %s%s)", box, id, mdLine(a.Text), orNone(mdLine(a.Owner)), due)
}

// mdLine cleans untrusted text to one line and escapes the Markdown
// characters that could restructure the document.
func mdLine(s string) string {
	s = CleanLine(s)
	r := strings.NewReplacer("\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]", "<", "&lt;", ">", "&gt;", "#", "\\#", "|", "\\|")
	return r.Replace(s)
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
