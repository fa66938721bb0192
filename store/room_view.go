package store

import (
	"context"
	"time"
)

// PeekRoom is PeekParticipant for a screen the whole room reads (room
// view): what every one of attendees may see of participant id. Access and
// CaseAccess are the most restrictive of the attendees' (RoomAccess); the
// goals, contacts and cases kept are those every attendee's own view holds,
// so whatever rule PeekParticipant applies per viewer, the room sees no
// more than its most restricted member. It also returns each attendee
// with their ROI coverage of the participant, for RoomCanSeeNote. Not
// audited.
func PeekRoom(ctx context.Context, s Store, attendees []Actor, id string, now time.Time, sensitive []GoalDomain) (ParticipantView, []RoomViewer, error) {
	if len(attendees) == 0 {
		return ParticipantView{ID: id, Access: Redacted, CaseAccess: Redacted, Participant: Participant{ID: id}}, nil, nil
	}
	views := make([]ParticipantView, 0, len(attendees))
	for _, a := range attendees {
		v, err := PeekParticipant(ctx, s, a, id, now, sensitive)
		if err != nil {
			return ParticipantView{}, nil, err
		}
		views = append(views, v)
	}
	out := views[0]
	rvs := make([]RoomViewer, len(attendees))
	for i, a := range attendees {
		rvs[i] = RoomViewer{Actor: a, Coverage: views[i].Coverage}
		out.Coverage &= views[i].Coverage // the room is covered for what covers everyone
	}
	out.Access = RoomAccess(rvs, DataIdentity)
	out.CaseAccess = RoomAccess(rvs, DataLegalCases)
	for _, v := range views[1:] {
		out.Goals = keepCommon(out.Goals, v.Goals, func(g Goal) string { return g.ID })
		out.Contacts = keepCommon(out.Contacts, v.Contacts, func(c Contact) string { return c.ID })
		out.Cases = keepCommon(out.Cases, v.Cases, func(c LegalCase) string { return c.ID })
		out.ROIs = keepCommon(out.ROIs, v.ROIs, func(r ROI) string { return r.ID })
	}
	switch out.Access {
	case Shown:
	case DeIdentified:
		out.Participant = Participant{ID: id, Status: out.Participant.Status}
		out.Goals, out.ROIs = nil, nil
	default:
		out.Participant = Participant{ID: id}
		out.Goals, out.ROIs = nil, nil
	}
	if out.CaseAccess == StatusOnly {
		for i, c := range out.Cases {
			out.Cases[i] = LegalCase{ID: c.ID, ParticipantID: c.ParticipantID, Kind: c.Kind, Status: c.Status, NextCourtDate: c.NextCourtDate}
		}
	} else if out.CaseAccess != Shown {
		out.Cases = nil
	}
	return out, rvs, nil
}

// keepCommon keeps the elements of a whose id is also in b, in a's order.
func keepCommon[T any](a, b []T, id func(T) string) []T {
	in := make(map[string]bool, len(b))
	for _, x := range b {
		in[id(x)] = true
	}
	var out []T
	for _, x := range a {
		if in[id(x)] {
			out = append(out, x)
		}
	}
	return out
}
