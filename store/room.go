package store

import "time"

// RoomViewer is one attendee present in the room, with the classes valid
// ROIs of the subject at hand release to them (Coverage, from ROICoverage).
type RoomViewer struct {
	Actor    Actor
	Coverage Coverage
}

// accessRank orders Access from the most to the least open: the room sees
// the lowest rank any attendee has.
func accessRank(a Access) int {
	switch a {
	case Shown:
		return 4
	case StatusOnly:
		return 3
	case OwnOnly:
		return 2
	case DeIdentified:
		return 1
	}
	return 0
}

// MostRestrictive returns the more restrictive of a and b.
func MostRestrictive(a, b Access) Access {
	if accessRank(b) < accessRank(a) {
		return b
	}
	return a
}

// RoomAccess is what a screen shown to the whole room may show of one class
// of data about one subject: the most restrictive of what each attendee
// present sees (store.Visible for each). OwnOnly (police: their own
// referrals) is not "own" for anyone else in the room, so it counts as
// Redacted. No viewer at all is Redacted.
func RoomAccess(vs []RoomViewer, data DataKind) Access {
	if len(vs) == 0 {
		return Redacted
	}
	out := Shown
	for _, v := range vs {
		out = MostRestrictive(out, Visible(v.Actor.Role, v.Coverage, data))
	}
	if out == OwnOnly && len(vs) > 1 {
		return Redacted
	}
	return out
}

// RoomView answers RoomAccess for every data class.
func RoomView(vs []RoomViewer) map[DataKind]Access {
	out := make(map[DataKind]Access, len(DataKinds))
	for _, k := range DataKinds {
		out[k] = RoomAccess(vs, k)
	}
	return out
}

// RoomCanSeeNote reports whether every attendee may see a meeting note of
// sensitivity s on the subject (CanSeeNote for each).
func RoomCanSeeNote(vs []RoomViewer, s Sensitivity) bool {
	if len(vs) == 0 {
		return false
	}
	for _, v := range vs {
		if !CanSeeNote(v.Actor.Role, v.Coverage, s) {
			return false
		}
	}
	return true
}

// RoomCanSeeItemText reports whether every attendee may see the free text
// (decisions, action items) recorded on an item about the subject.
func RoomCanSeeItemText(vs []RoomViewer) bool { return RoomCanSeeNote(vs, General) }

// RoomViewers pairs each attendee with their ROI coverage of a subject
// whose ROIs are rois (nil for a subject that is no participant: then only
// roles that need no ROI count as covered).
func RoomViewers(attendees []Actor, rois []ROI, day time.Time) []RoomViewer {
	out := make([]RoomViewer, 0, len(attendees))
	for _, a := range attendees {
		out = append(out, RoomViewer{Actor: a, Coverage: ROICoverage(rois, a, day)})
	}
	return out
}

// RoomLabel is the room-safe label of a participant: the name only when
// every attendee sees identity.
func RoomLabel(p Participant, vs []RoomViewer) string {
	switch RoomAccess(vs, DataIdentity) {
	case Shown:
		return CleanLine(p.Name)
	case DeIdentified:
		return "participant (de-identified)"
	}
	return NotShared
}
