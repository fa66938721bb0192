package store

import (
	"errors"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ErrNamesParticipant is returned when general (unattached) free text
// typed in a meeting names a participant.
var ErrNamesParticipant = errors.New("names a participant: attach it to them instead")

// NamedError is ErrNamesParticipant for one field of a meeting
// ("action item", "note", "title", "decision").
type NamedError struct{ Field string }

// Error says which text was refused and why.
func (e *NamedError) Error() string { return e.Field + " " + ErrNamesParticipant.Error() }

// Unwrap makes errors.Is(err, ErrNamesParticipant) hold.
func (e *NamedError) Unwrap() error { return ErrNamesParticipant }

// FoldWords splits s into its words, folded for comparison: lower case,
// accents removed (NFD, combining marks dropped), split at every character
// that is not a letter or a digit ("O'Brien" is "o", "brien").
func FoldWords(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining mark: "é" folds to "e"
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// ParticipantNames returns the names a free text must not carry: each
// participant's full name and every alias. A name of three words or more
// also counts as its first and last word ("Ana María López" is also
// "Ana López"), and a name of two or more as its first word and the
// initial of its last ("Aaliyah W." for Aaliyah Washington).
func ParticipantNames(ps []Participant) []string {
	var out []string
	for _, p := range ps {
		if n := strings.TrimSpace(p.Name); n != "" {
			out = append(out, n)
			w := FoldWords(n)
			if len(w) >= 3 {
				out = append(out, w[0]+" "+w[len(w)-1])
			}
			if len(w) >= 2 {
				if last := []rune(w[len(w)-1]); len(last) > 0 && len([]rune(w[0])) > 1 {
					out = append(out, w[0]+" "+string(last[0]))
				}
			}
		}
		for _, a := range p.Aliases {
			if a = strings.TrimSpace(a); a != "" {
				out = append(out, a)
			}
		}
	}
	return out
}

// NamesAny reports whether text contains one of names as whole words,
// case- and accent-insensitively ("José Ruiz" is found in "plan for jose
// RUIZ", never in "Josette Ruizton"), and returns the name found.
//
// A record id that leads to a person (a participant's P-, a case's L-, a
// referral's R-) names them as surely as their name does, so it is found
// too, and returned as it was written.
func NamesAny(text string, names []string) (string, bool) {
	words := FoldWords(text)
	if len(words) == 0 {
		return "", false
	}
	for i := 0; i+1 < len(words); i++ {
		switch words[i] {
		case "p", "l", "r":
			if d := words[i+1]; len(d) <= 9 && strings.Trim(d, "0123456789") == "" {
				return strings.ToUpper(words[i]) + "-" + d, true
			}
		}
	}
	for _, n := range names {
		nw := FoldWords(n)
		if len(nw) == 0 {
			continue
		}
		for i := 0; i+len(nw) <= len(words); i++ {
			match := true
			for j, w := range nw {
				if words[i+j] != w {
					match = false
					break
				}
			}
			if match {
				return n, true
			}
		}
	}
	return "", false
}

// IsParticipantSubject reports whether an agenda item's subject makes its
// free text follow a participant's visibility: a participant, a case or a
// referral id (the last meeting's action items, M-, are general).
func IsParticipantSubject(id string) bool {
	return strings.HasPrefix(id, "P-") || strings.HasPrefix(id, "L-") || strings.HasPrefix(id, "R-")
}

// itemAttached reports whether an item's free text follows a subject.
func itemAttached(it AgendaItem) bool {
	return it.Kind != ItemActionItems && IsParticipantSubject(it.Subject)
}

// actionAttached reports whether an action item's text follows a subject:
// its own, or the one of the item it was recorded on.
func actionAttached(a ActionItem, items []AgendaItem) bool {
	if IsParticipantSubject(a.Subject) {
		return true
	}
	for _, it := range items {
		if it.ID == a.ItemID {
			return itemAttached(it)
		}
	}
	return false
}

// CheckGeneralText checks the free text written on meeting m since old
// (nil: all of it) that follows no participant: the titles typed for
// unattached items, the text of unattached action items and the notes and
// decisions on unattached items. One that names a participant (NamesAny
// over names) is refused with ErrNamesParticipant, naming the field.
// Text already stored is not checked again.
func CheckGeneralText(old *Meeting, m Meeting, names []string) error {
	if len(names) == 0 {
		return nil
	}
	oldItems := map[string]AgendaItem{}
	oldActions := map[string]ActionItem{}
	if old != nil {
		for _, it := range old.Items {
			oldItems[it.ID] = it
		}
		for _, a := range old.ActionItems {
			if a.ID != "" {
				oldActions[a.ID] = a
			}
		}
	}
	refuse := func(field string) error { return &NamedError{Field: field} }
	for _, it := range m.Items {
		if itemAttached(it) {
			continue
		}
		prev, had := oldItems[it.ID]
		if had && itemAttached(prev) {
			had = false // detached since: all its text is new to the general view
		}
		if (!had || prev.Title != it.Title) && it.Typed {
			if _, ok := NamesAny(it.Title, names); ok {
				return refuse("title of item " + it.ID)
			}
		}
		for j, n := range it.Notes {
			if had && j < len(prev.Notes) && prev.Notes[j].Text == n.Text {
				continue
			}
			if _, ok := NamesAny(n.Text, names); ok {
				return refuse("note on item " + it.ID)
			}
		}
		for j, d := range it.Decisions {
			if had && j < len(prev.Decisions) && prev.Decisions[j].Text == d.Text {
				continue
			}
			if _, ok := NamesAny(d.Text, names); ok {
				return refuse("decision on item " + it.ID)
			}
		}
	}
	for _, a := range m.ActionItems {
		if actionAttached(a, m.Items) {
			continue
		}
		if prev, had := oldActions[a.ID]; had && prev.Text == a.Text && !actionAttached(prev, old.Items) {
			continue
		}
		if _, ok := NamesAny(a.Text, names); ok {
			return refuse("action item")
		}
	}
	return nil
}
