package badgerstore

import (
	"context"
	"sort"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

func cleanMeeting(m store.Meeting) store.Meeting {
	m.ID = store.CleanLine(m.ID)
	m.Facilitator = store.CleanLine(m.Facilitator)
	m.Attendees = cleanList(m.Attendees)
	if m.Items != nil {
		items := make([]store.AgendaItem, len(m.Items))
		for i, it := range m.Items {
			it.ID = store.CleanLine(it.ID)
			it.Subject = store.CleanLine(it.Subject)
			it.Title = store.CleanLine(it.Title)
			it.Reason = store.CleanLine(it.Reason)
			it.Presenter = store.CleanLine(it.Presenter)
			if it.Notes != nil {
				ns := make([]store.Note, len(it.Notes))
				for j, n := range it.Notes {
					n.Author = store.CleanLine(n.Author)
					n.Text = store.Clean(n.Text, true)
					ns[j] = n
				}
				it.Notes = ns
			}
			if it.Decisions != nil {
				ds := make([]store.Decision, len(it.Decisions))
				for j, d := range it.Decisions {
					d.Author = store.CleanLine(d.Author)
					d.Text = store.Clean(d.Text, true)
					ds[j] = d
				}
				it.Decisions = ds
			}
			items[i] = it
		}
		m.Items = items
	}
	if m.ActionItems != nil {
		as := make([]store.ActionItem, len(m.ActionItems))
		for i, a := range m.ActionItems {
			a.ID = store.CleanLine(a.ID)
			a.ItemID = store.CleanLine(a.ItemID)
			a.Text = store.CleanLine(a.Text)
			a.Owner = store.CleanLine(a.Owner)
			as[i] = a
		}
		m.ActionItems = as
	}
	return m
}

func meetingIndex(m store.Meeting) []string {
	return []string{ixMeetingDate + timeKey(m.Date) + sep + m.ID}
}

func getMeeting(txn *badger.Txn, id string) (store.Meeting, error) {
	var m store.Meeting
	err := getJSON(txn, pfxMeeting+id, "meeting "+id, &m)
	return m, err
}

// saveMeeting cleans, validates and saves m over old (nil: a new meeting),
// giving every action item without an id the next A- id.
func (t *tx) saveMeeting(old *store.Meeting, m store.Meeting) (store.Meeting, error) {
	m = cleanMeeting(m)
	if m.Status == "" {
		m.Status = store.MeetingPlanned
	}
	if err := t.mayWriteMeeting(old, m); err != nil {
		return m, err
	}
	if err := m.Validate(); err != nil {
		return m, err
	}
	if old == nil && m.Status == store.MeetingOpen && store.DaysBetween(m.Date, t.now) > store.MeetingPastDays {
		return m, &store.ValidationError{Entity: "meeting", Errs: []store.FieldError{{Field: "date",
			Msg: store.FormatDate(m.Date) + " is more than " + itoa(store.MeetingPastDays) + " days past"}}}
	}
	if err := store.CheckActionSensitivity(old, m); err != nil {
		return m, err
	}
	if err := store.CheckActionDue(old, m); err != nil {
		return m, err
	}
	if err := t.checkGeneralText(old, m); err != nil {
		return m, err
	}
	for i := range m.ActionItems {
		ai := &m.ActionItems[i]
		if ai.ID == "" {
			id, err := t.nextID(kindAction, "")
			if err != nil {
				return m, err
			}
			ai.ID = id
			continue
		}
		n, ok := parseID(kindAction, ai.ID)
		if !ok {
			return m, fieldErr("meeting", "action_items["+itoa(i)+"].id", "\""+ai.ID+"\" is not an action item id (want A-0001)")
		}
		cur, err := readCounter(t.txn, kindAction)
		if err != nil {
			return m, err
		}
		if n > cur {
			if err := t.writeCounter(kindAction, n); err != nil {
				return m, err
			}
		}
	}
	var oldIdx []string
	action := store.AuditCreate
	if old == nil {
		if err := t.assignID(kindMeeting, pfxMeeting, "meeting", &m.ID); err != nil {
			return m, err
		}
		m.Created, m.Version = t.now, 1
	} else {
		m.ID, m.Created, m.Version = old.ID, old.Created, old.Version+1
		oldIdx = meetingIndex(*old)
		action = store.AuditUpdate
	}
	m.Updated = t.now
	if err := t.putJSON(pfxMeeting+m.ID, m); err != nil {
		return m, err
	}
	if err := t.reindex(oldIdx, meetingIndex(m)); err != nil {
		return m, err
	}
	t.change("meeting", m.ID, "")
	return m, t.audit(action, m.ID, "meeting")
}

// checkGeneralText refuses unattached free text that names a participant
// (store.CheckGeneralText over every participant's names and aliases). The
// participants are read only when there is new text to check.
func (t *tx) checkGeneralText(old *store.Meeting, m store.Meeting) error {
	if !hasNewText(old, m) {
		return nil
	}
	var ps []store.Participant
	if err := scanJSON(t.txn, pfxParticipant, func(p store.Participant) error {
		ps = append(ps, p)
		return nil
	}); err != nil {
		return err
	}
	return store.CheckGeneralText(old, m, store.ParticipantNames(ps))
}

// hasNewText reports whether m carries free text that old did not: a
// cheap test before reading every participant.
func hasNewText(old *store.Meeting, m store.Meeting) bool {
	if old == nil {
		return true
	}
	if len(m.ActionItems) != len(old.ActionItems) || len(m.Items) != len(old.Items) {
		return true
	}
	for i, a := range m.ActionItems {
		if a.Text != old.ActionItems[i].Text {
			return true
		}
	}
	for i, it := range m.Items {
		o := old.Items[i]
		if it.ID != o.ID || it.Title != o.Title || len(it.Notes) != len(o.Notes) || len(it.Decisions) != len(o.Decisions) {
			return true
		}
	}
	return false
}

// CreateMeeting assigns the next M- id (and A- ids to new action items)
// and saves m; an empty status is planned.
func (db *DB) CreateMeeting(ctx context.Context, a store.Actor, m store.Meeting) (store.Meeting, error) {
	return writeOne(ctx, db, a, func(t *tx) (store.Meeting, error) {
		return t.saveMeeting(nil, m)
	})
}

// GetMeeting reads one meeting.
func (db *DB) GetMeeting(ctx context.Context, id string) (store.Meeting, error) {
	return getOne(ctx, db, getMeeting, id)
}

// UpdateMeeting saves m if m.Version is the stored version, else ErrStale.
func (db *DB) UpdateMeeting(ctx context.Context, a store.Actor, m store.Meeting) (store.Meeting, error) {
	return updateVersioned(ctx, db, a, "meeting", m.ID, m.Version, getMeeting, func(x store.Meeting) int64 { return x.Version },
		func(t *tx, old store.Meeting) (store.Meeting, error) {
			return t.saveMeeting(&old, m)
		})
}

// MutateMeeting loads the meeting, applies fn and saves the result in one
// transaction, so concurrent appends (notes, decisions, action items)
// never overwrite each other. fn may run more than once (on a retried
// conflict) and must not keep the *Meeting; an error from fn aborts.
func (db *DB) MutateMeeting(ctx context.Context, a store.Actor, id string, fn func(*store.Meeting) error) (store.Meeting, error) {
	return db.MutateMeetingShown(ctx, a, id, fn, nil) // meeting_shown.go
}

// ListMeetings lists every meeting by date (then id).
func (db *DB) ListMeetings(ctx context.Context) ([]store.Meeting, error) {
	var out []store.Meeting
	err := db.view(ctx, func(txn *badger.Txn) error {
		return eachIndexed(txn, ixMeetingDate, func(id string) error {
			m, err := getMeeting(txn, id)
			out = append(out, m)
			return err
		})
	})
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.Before(out[j].Date)
		}
		return idLess(out[i].ID, out[j].ID)
	})
	return out, err
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
