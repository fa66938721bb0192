package badgerstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/leadtable/owg/store"
)

// ImportParticipants creates all of rows in one transaction, or none;
// every row that cannot be created is named by its label. Each one's
// history is dated from the source: enrolled, case manager, housing and
// not yet engaged on the entry date, exited on ExitedOn.
func (db *DB) ImportParticipants(ctx context.Context, a store.Actor, rows []store.ParticipantImport) ([]store.Participant, error) {
	var out []store.Participant
	err := db.update(ctx, a, func(t *tx) error {
		out = out[:0]
		if err := t.may(store.WriteParticipant, "participants", store.Relation{}); err != nil {
			return err
		}
		var errs []error
		for _, row := range rows {
			p := row.Participant
			p.ID = ""
			if !row.ExitedOn.IsZero() && row.ExitedOn.Before(p.EnrolledOn) {
				errs = append(errs, fmt.Errorf("%s: exit %s is before enrolment %s", row.Label, store.FormatDate(row.ExitedOn), store.FormatDate(p.EnrolledOn)))
				continue
			}
			made, err := t.createParticipant(p, "import")
			if err != nil {
				if isUserError(err) {
					errs = append(errs, fmt.Errorf("%s: %w", row.Label, err))
					continue
				}
				return err
			}
			if err := t.dropHistory(store.HistParticipant, made.ID); err != nil {
				return err
			}
			entry := made
			entry.Status, entry.ExitReason = store.StatusNotYetEngaged, ""
			evs := store.ParticipantChanges(nil, entry, made.EnrolledOn)
			if made.Status != entry.Status {
				evs = append(evs, store.ParticipantChanges(&entry, made, row.ExitedOn)...)
			}
			if err := t.history(evs...); err != nil {
				return err
			}
			out = append(out, made)
		}
		return errors.Join(errs...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
