package badgerstore

import (
	"context"
	"sort"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/snapshot"
)

var _ snapshot.Reader = (*DB)(nil)

// ReadSite reads what a site snapshot holds in one read transaction, one
// prefix scan per entity: active participants, every ROI and legal case,
// users and meetings.
func (db *DB) ReadSite(ctx context.Context) (snapshot.Data, error) {
	var d snapshot.Data
	err := db.view(ctx, func(txn *badger.Txn) error {
		if err := scanJSON(txn, pfxParticipant, func(p store.Participant) error {
			if p.Status.Active() {
				d.Participants = append(d.Participants, p)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := scanJSON(txn, pfxROI, func(r store.ROI) error {
			d.ROIs = append(d.ROIs, r)
			return nil
		}); err != nil {
			return err
		}
		if err := scanJSON(txn, pfxCase, func(c store.LegalCase) error {
			d.Cases = append(d.Cases, c)
			return nil
		}); err != nil {
			return err
		}
		if err := scanJSON(txn, pfxUser, func(u store.User) error {
			d.Users = append(d.Users, u)
			return nil
		}); err != nil {
			return err
		}
		var err error
		d.Meetings, err = meetingsIn(txn)
		return err
	})
	sortByID(d.Participants, func(p store.Participant) string { return p.ID })
	sortByID(d.ROIs, func(r store.ROI) string { return r.ID })
	sortByID(d.Cases, func(c store.LegalCase) string { return c.ID })
	return d, err
}

// ReadPart reads one participant with their ROIs and legal cases in one
// read transaction.
func (db *DB) ReadPart(ctx context.Context, id string) (snapshot.Part, error) {
	var p snapshot.Part
	err := db.view(ctx, func(txn *badger.Txn) error {
		var err error
		p.Participant, err = getParticipant(txn, id)
		if err != nil {
			if store.IsNotFound(err) {
				return nil
			}
			return err
		}
		p.Found = true
		if err := eachIndexed(txn, ixROIPart+id+sep, func(rid string) error {
			r, err := getROI(txn, rid)
			p.ROIs = append(p.ROIs, r)
			return err
		}); err != nil {
			return err
		}
		return eachIndexed(txn, ixCasePart+id+sep, func(cid string) error {
			c, err := getCase(txn, cid)
			p.Cases = append(p.Cases, c)
			return err
		})
	})
	sortByID(p.ROIs, func(r store.ROI) string { return r.ID })
	sortByID(p.Cases, func(c store.LegalCase) string { return c.ID })
	return p, err
}

// meetingsIn lists meetings in date order, as ListMeetings does.
func meetingsIn(txn *badger.Txn) ([]store.Meeting, error) {
	var out []store.Meeting
	err := eachIndexed(txn, ixMeetingDate, func(id string) error {
		m, err := getMeeting(txn, id)
		out = append(out, m)
		return err
	})
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.Before(out[j].Date)
		}
		return idLess(out[i].ID, out[j].ID)
	})
	return out, err
}
