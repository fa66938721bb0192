package meeting

import (
	"slices"
	"strings"

	"github.com/leadtable/owg/store"
)

// Who the screen is drawn for: the viewer alone, or in room view (the
// facilitator's key R) every attendee present, so that a screen on the
// projector shows only what everyone in the room may see.

// attendees returns the actors present in the meeting: this viewer and
// every session the hub reports in it, sorted by user.
func (m *Model) attendees() []store.Actor {
	out := []store.Actor{{User: m.ctx.Actor.User, Role: m.ctx.Actor.Role, Agency: m.ctx.Actor.Agency}}
	seen := map[string]bool{m.ctx.Actor.User: true}
	for _, p := range m.people {
		if p.MeetingID != m.mt.ID || seen[p.User] {
			continue
		}
		seen[p.User] = true
		out = append(out, store.Actor{User: p.User, Role: p.Role, Agency: p.Agency})
	}
	slices.SortFunc(out, func(a, b store.Actor) int { return strings.Compare(a.User, b.User) })
	return out
}

// roomKey identifies the room's make-up: the room view is recomputed when
// it changes (someone joins or leaves).
func roomKey(as []store.Actor) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString(a.User + "\x00" + string(a.Role) + "\x00" + a.Agency + "\x01")
	}
	return b.String()
}

// setPeople takes the hub's presence list; in room view a change in who
// is present drops the loaded contexts, which are loaded again for the
// new room.
func (m *Model) setPeople(ps []person) {
	m.people = ps
	m.peopleGen++
	if !m.room || !m.joined {
		return
	}
	if k := roomKey(m.attendees()); k != m.roomKey {
		m.roomKey = k
		m.dropCtxs()
	}
}

// viewers returns who a subject's free text must be fit for, each with
// their coverage: the viewer alone, or the room. A participant or case
// subject uses the coverage its loaded context found; a referral is
// covered for the roles that see referrals in full; anything else (other
// business, the last meetings' action items) only for roles needing no ROI.
func (m *Model) viewers(subject string) []store.RoomViewer {
	var as []store.Actor
	if m.room {
		as = m.attendees()
	} else {
		as = []store.Actor{m.ctx.Actor}
	}
	if ic, ok := m.ctxs[subject]; ok && ic.loaded && ic.pv != nil && (strings.HasPrefix(subject, "P-") || strings.HasPrefix(subject, "L-")) {
		if m.room && len(ic.room) > 0 {
			return ic.room
		}
		if !m.room {
			return []store.RoomViewer{{Actor: m.ctx.Actor, Coverage: ic.pv.Coverage}}
		}
	}
	out := make([]store.RoomViewer, len(as))
	for i, a := range as {
		c := store.NoSubjectCoverage(a.Role)
		if strings.HasPrefix(subject, "R-") && store.Visible(a.Role, 0, store.DataReferrals) != store.Shown {
			c = 0
		}
		out[i] = store.RoomViewer{Actor: a, Coverage: c}
	}
	return out
}

// seesNote reports whether a note of sensitivity s on subject reaches the
// screen's audience.
func (m *Model) seesNote(subject string, s store.Sensitivity) bool {
	return store.RoomCanSeeNote(m.viewers(subject), s)
}

// seesText reports whether decisions and action items on subject reach
// the screen's audience.
func (m *Model) seesText(subject string) bool {
	return store.RoomCanSeeItemText(m.viewers(subject))
}

// seesAction reports whether the readers may see action item a's text,
// which follows subject as a note of its sensitivity would.
func (m *Model) seesAction(subject string, a store.ActionItem) bool {
	return store.RoomCanSeeNote(m.viewers(subject), a.TextSensitivity())
}

// itemSubject is the subject an item's free text follows ("" for general
// items: the last meeting's action items carry a meeting id).
func itemSubject(it store.AgendaItem) string {
	if it.Kind == store.ItemActionItems || !store.IsParticipantSubject(it.Subject) {
		return ""
	}
	return it.Subject
}

// actionSubject is the subject an action item's text follows: its own,
// else its item's.
func actionSubject(a store.ActionItem, items []store.AgendaItem) string {
	if store.IsParticipantSubject(a.Subject) {
		return a.Subject
	}
	if i := indexOf(items, a.ItemID); i >= 0 {
		return itemSubject(items[i])
	}
	return ""
}

// heading is the item's title and reason as this screen's readers (the
// viewer, or everyone in the room) may read them: store.ItemHeading, the
// reason as it stands now (reasonFor) where the heading is shown.
func (m *Model) heading(it store.AgendaItem) (title, reason string) {
	hidden := store.NotShared
	if m.room {
		hidden = store.NotSharedRoom
	}
	acc := m.headingAccess(it)
	title, _, _ = store.ItemHeading(it, acc, hidden)
	if acc == store.Shown {
		reason = m.reasonFor(it)
	}
	return title, reason
}

// titleFor is the item title the audience may read (heading).
func (m *Model) titleFor(it store.AgendaItem) string {
	t, _ := m.heading(it)
	return t
}

// headingAccess is what the readers may see of an item's subject
// (store.HeadingAccess): the identity of its participant as their
// consents stand (an item whose context has not loaded yet counts as
// covered by none), and of a referral what ReferralAccess gives: a
// referrer's own only on their own screen, never in a room.
func (m *Model) headingAccess(it store.AgendaItem) store.Access {
	vs := m.viewers(it.Subject)
	identity := store.RoomAccess(vs, store.DataIdentity)
	referral := store.RoomAccess(vs, store.DataReferrals)
	if referral == store.OwnOnly {
		ic, ok := m.ctxs[it.Subject]
		if m.room || !ok || !ic.loaded || ic.ref == nil || store.ReferralAccess(m.ctx.Actor, *ic.ref) != store.OwnOnly {
			referral = store.Redacted
		}
	}
	return store.HeadingAccess(it, identity, referral)
}
