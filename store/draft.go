package store

import (
	"context"
	"strings"
	"time"
)

// Draft is one user's unsent input in one form (issue 18): kept for its
// author alone, never listed, reported or exported, and gone when the
// form is sent or discarded, or after the protocol's draft_days.
type Draft struct {
	User   string `json:"user"`
	Form   string `json:"form"`             // "referral", "contact", ...
	Screen string `json:"screen,omitempty"` // where the form was open (tab, participant id)
	// Subject is what the draft is about (a participant, goal, case,
	// agenda item or referral id): a user keeps one draft per form and
	// subject, so a note on one item never replaces a note on another.
	Subject string            `json:"subject,omitempty"`
	Fields  map[string]string `json:"fields"`
	Saved   time.Time         `json:"saved"`
}

// DraftForms names the forms that keep drafts, in the words the
// "restored your unsent ..." line uses.
var DraftForms = map[string]string{
	"referral": "referral", "contact": "contact", "progress": "progress entry", "court": "court date",
	"roi": "release of information", "meeting_note": "meeting note", "decision": "decision",
}

// DraftNoun is the form in words ("referral").
func DraftNoun(form string) string {
	if n, ok := DraftForms[form]; ok {
		return n
	}
	return form
}

// DraftExpired reports whether a draft saved at saved is past the
// protocol's draft_days (7 when unset) at now.
func (p Protocol) DraftExpired(saved, now time.Time) bool {
	days := p.DraftDays
	if days <= 0 {
		days = 7
	}
	return now.Sub(saved) > time.Duration(days)*24*time.Hour
}

// Drafts stores unsent form input, each draft readable and writable by
// its author only (WriteDraft with Relation.Self).
type Drafts interface {
	// SaveDraft keeps d for a.User (d.User is set to it; Saved to now).
	SaveDraft(ctx context.Context, a Actor, d Draft) (Draft, error)
	// Drafts lists a.User's drafts not past maxAge, newest first; older
	// ones are deleted.
	Drafts(ctx context.Context, a Actor, maxAge time.Duration) ([]Draft, error)
	// DeleteDraft drops a.User's draft of form with no subject (none is
	// no error).
	DeleteDraft(ctx context.Context, a Actor, form string) error
	// DeleteDraftOf drops a.User's draft of form about subject (none is
	// no error).
	DeleteDraftOf(ctx context.Context, a Actor, form, subject string) error
}

// MaxDraftSubject bounds a draft's subject (an id, never text).
const MaxDraftSubject = 64

// DraftWhere is where a draft was typed, in ids only (never a name, never
// its text): what the Drafts list shows beside the form and the time.
func DraftWhere(d Draft) string {
	var parts []string
	if m := d.Fields["meeting"]; m != "" {
		parts = append(parts, "meeting "+m)
	}
	if it := d.Fields["item"]; it != "" {
		parts = append(parts, "item "+it)
	}
	switch id := d.Subject; {
	case id != "" && !strings.Contains(id, "/"): // a meeting's subject is meeting/item, said above
		parts = append(parts, id)
	case id == "" && recordID(d.Screen):
		parts = append(parts, d.Screen)
	}
	return strings.Join(parts, ", ")
}

// recordID reports whether s is a participant, referral or case id.
func recordID(s string) bool {
	return strings.HasPrefix(s, "P-") || strings.HasPrefix(s, "R-") || strings.HasPrefix(s, "L-")
}
