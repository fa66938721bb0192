package store

import (
	"context"
	"strings"
	"time"
)

// ContextKind is the kind of record an agenda item's screen shows: its own
// kind, except that an item of other business or of action items whose
// subject is a record id (P-, L-, R-) shows that record.
func ContextKind(it AgendaItem) ItemKind {
	if it.Kind != ItemOther && it.Kind != ItemActionItems {
		return it.Kind
	}
	switch {
	case strings.HasPrefix(it.Subject, "P-"):
		return ItemGoalReview
	case strings.HasPrefix(it.Subject, "L-"):
		return ItemCase
	case strings.HasPrefix(it.Subject, "R-"):
		return ItemReferral
	}
	return it.Kind
}

// ViewEvent is the audit event of viewer being shown participant id with
// access: "view" when identity is shown, "denied" otherwise. It carries
// only the id.
func ViewEvent(viewer Actor, id string, access Access) AuditEvent {
	action := AuditView
	if access != Shown {
		action = AuditDenied
	}
	return AuditEvent{User: viewer.User, Role: viewer.Role, Action: action, Subject: id, Addr: viewer.Addr, Detail: "participant"}
}

// ShownEvents returns the events that showing participant id (whose ROIs
// are rois) on day to each of audience records: what each attendee's own
// ViewParticipant would record.
func ShownEvents(audience []Actor, id string, rois []ROI, day time.Time) []AuditEvent {
	out := make([]AuditEvent, 0, len(audience))
	for _, a := range audience {
		out = append(out, ViewEvent(a, id, Visible(a.Role, ROICoverage(rois, a, day), DataIdentity)))
	}
	return out
}

// MeetingShower is implemented by stores that can record, in the very
// transaction that moves a meeting to its next item, that the attendees
// following it were shown that item's participant.
type MeetingShower interface {
	// MutateMeetingShown is MutateMeeting that, when the write changes the
	// meeting's current item to one about a participant (a goal review, a
	// legal case, or other business naming one), also records
	// ShownEvents for audience in the same transaction: one sync for
	// fifty followers instead of fifty. Each attendee's own
	// ViewParticipant of that participant just after is then already
	// recorded and not written again.
	MutateMeetingShown(ctx context.Context, a Actor, id string, fn func(*Meeting) error, audience []Actor) (Meeting, error)
}

// MutateMeetingShown calls s.MutateMeetingShown when s implements
// MeetingShower (or wraps a store that does), else MutateMeeting: the
// attendees then record their own views.
func MutateMeetingShown(ctx context.Context, s Store, a Actor, id string, fn func(*Meeting) error, audience []Actor) (Meeting, error) {
	if ms, ok := s.(MeetingShower); ok && len(audience) > 0 {
		return ms.MutateMeetingShown(ctx, a, id, fn, audience)
	}
	return s.MutateMeeting(ctx, a, id, fn)
}

// BatchRecorder is implemented by stores that can commit several audit
// events as one group-committed batch (one transaction, one sync), in
// order: an export that shows many participants records a view of each
// at the cost of one event.
type BatchRecorder interface {
	// RecordAll appends evs as Record does each, committed together.
	RecordAll(ctx context.Context, evs []AuditEvent) error
}

// RecordAll records evs through s.RecordAll when s implements
// BatchRecorder, else one by one through Record.
func RecordAll(ctx context.Context, s Audit, evs []AuditEvent) error {
	if len(evs) == 0 {
		return nil
	}
	if b, ok := s.(BatchRecorder); ok {
		return b.RecordAll(ctx, evs)
	}
	for _, e := range evs {
		if err := s.Record(ctx, e); err != nil {
			return err
		}
	}
	return nil
}
