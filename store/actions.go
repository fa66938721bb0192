package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// CanCloseAction reports whether actor may mark action item a done or drop
// it: its owner and the pm (supervisors too, who run meetings).
func CanCloseAction(actor Actor, a ActionItem) bool {
	return actor.Role == RolePM || actor.Role == RoleSupervisor || (actor.User != "" && actor.User == a.Owner)
}

// AllActions returns every action item of meetings ms with the meeting it
// came from, in meeting then id order.
func AllActions(ms []Meeting) []OpenAction {
	var out []OpenAction
	for _, m := range ms {
		subj := map[string]string{}
		for _, it := range m.Items {
			if it.Kind != ItemActionItems {
				subj[it.ID] = it.Subject
			}
		}
		for _, a := range m.ActionItems {
			out = append(out, OpenAction{ActionItem: a, MeetingID: m.ID, ItemSubject: subj[a.ItemID]})
		}
	}
	return out
}

// CloseAction marks action item id done (status ActionDone) or drops it
// (ActionDropped, reason required) as actor at now, inside the meeting's
// write transaction. Only the owner and the pm (or a supervisor) may; a
// refusal returns ErrDenied and is audited as denied. Closing an item that
// is no longer open is an error naming its status.
func CloseAction(ctx context.Context, s Store, actor Actor, id string, status ActionStatus, reason string, now time.Time) (OpenAction, error) {
	id = strings.ToUpper(strings.TrimSpace(id))
	reason = CleanLine(reason)
	if status != ActionDone && status != ActionDropped {
		return OpenAction{}, fmt.Errorf("closing %s: status %q is not done or dropped", id, status)
	}
	if status == ActionDropped && reason == "" {
		return OpenAction{}, &ValidationError{Entity: "action item", Errs: []FieldError{{Field: "reason", Msg: "is required to drop an action item"}}}
	}
	ms, err := s.ListMeetings(ctx)
	if err != nil {
		return OpenAction{}, err
	}
	meetingID := ""
	for _, a := range AllActions(ms) {
		if a.ID == id {
			meetingID = a.MeetingID
		}
	}
	if meetingID == "" {
		return OpenAction{}, fmt.Errorf("action item %s: %w", id, ErrNotFound)
	}
	var out OpenAction
	denied := false
	_, err = s.MutateMeeting(ctx, actor, meetingID, func(m *Meeting) error {
		for i := range m.ActionItems {
			a := &m.ActionItems[i]
			if a.ID != id {
				continue
			}
			if !CanCloseAction(actor, *a) {
				denied = true
				return fmt.Errorf("%s belongs to %s: only its owner or the pm closes it: %w", id, CleanLine(a.Owner), ErrDenied)
			}
			if !a.IsOpen() {
				return fmt.Errorf("%s is already %s", id, a.State())
			}
			a.Status, a.Done, a.DoneAt, a.ClosedBy = status, status == ActionDone, now, actor.User
			if status == ActionDropped {
				a.Reason = reason
			}
			out = OpenAction{ActionItem: *a, MeetingID: m.ID}
			return nil
		}
		return fmt.Errorf("action item %s: %w", id, ErrNotFound)
	})
	if denied && errors.Is(err, ErrDenied) {
		if aerr := s.Record(ctx, AuditEvent{User: actor.User, Role: actor.Role, Action: AuditDenied, Subject: id, Detail: "action-close", Addr: actor.Addr}); aerr != nil {
			return OpenAction{}, aerr
		}
	}
	return out, err
}

// ActionTextVisible reports whether viewer may read an action item's
// text: it follows the subject it is attached to (or its item's), like
// the general notes on that subject; a general one reaches only roles that
// need no ROI. covered is what valid ROIs of that participant release to
// the viewer (ignored for a general item).
func ActionTextVisible(viewer Actor, a OpenAction, covered Coverage) bool {
	subj := a.FollowsSubject()
	switch {
	case subj == "":
		covered = NoSubjectCoverage(viewer.Role)
	case strings.HasPrefix(subj, "R-"):
		covered = 0
		if Visible(viewer.Role, 0, DataReferrals) == Shown {
			covered = NoSubjectCoverage(viewer.Role)
		}
	}
	return CanSeeNote(viewer.Role, covered, a.TextSensitivity())
}
