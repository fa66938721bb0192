package demo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/demo"
)

// TestDemoHistorySpansTheSite: every participant's history starts at
// enrolment and ends in the state they hold; housing and engagement move
// over the whole span; legal cases are dated before and after enrolment;
// most participants have an HMIS release.
func TestDemoHistorySpansTheSite(t *testing.T) {
	s, _ := fill(t, demo.DefaultSeed)
	ctx := context.Background()
	ps, err := s.ListParticipants(ctx, store.ParticipantFilter{})
	if err != nil {
		t.Fatal(err)
	}
	moved, hmis, casesBefore := 0, 0, 0
	oldest := asOf
	for _, p := range ps {
		evs, err := s.ListHistory(ctx, store.HistoryFilter{ParticipantID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		var pe []store.HistoryEvent
		for _, e := range evs {
			if e.Time.After(asOf.AddDate(0, 0, 1)) {
				t.Errorf("%s: event %s %s dated %s, after the demo's day", p.ID, e.Record, e.Field, e.Time)
			}
			if e.Time.Before(oldest) {
				oldest = e.Time
			}
			if e.Kind == store.HistParticipant {
				pe = append(pe, e)
			}
			if e.Kind == store.HistCase && e.Field == store.HistOpened && e.Time.Before(p.EnrolledOn) {
				casesBefore++
			}
		}
		if len(pe) == 0 || pe[0].Field != store.HistEnrolled || !pe[0].Time.Equal(p.EnrolledOn) {
			t.Fatalf("%s: history does not start with enrolment on %s: %+v", p.ID, store.FormatDate(p.EnrolledOn), pe)
		}
		if got := store.StatusAt(pe, store.HistStatus, asOf.AddDate(0, 0, 1)); got != string(p.Status) {
			t.Errorf("%s: status from history %q => want the record's %q", p.ID, got, p.Status)
		}
		if got := store.StatusAt(pe, store.HistHousing, asOf.AddDate(0, 0, 1)); got != p.Housing {
			t.Errorf("%s: housing from history %q => want the record's %q", p.ID, got, p.Housing)
		}
		if store.StatusAt(pe, store.HistHousing, p.EnrolledOn) != p.Housing {
			moved++
		}
		rois, _ := s.ListROIs(ctx, p.ID)
		if slices.ContainsFunc(rois, func(r store.ROI) bool { return slices.Contains(r.Agencies, demo.HMISAgency) }) {
			hmis++
		}
	}
	if moved < len(ps)/5 {
		t.Errorf("%d of %d participants' housing changed since entry => want at least a fifth", moved, len(ps))
	}
	if hmis*2 < len(ps) {
		t.Errorf("%d of %d participants have an HMIS release => want most", hmis, len(ps))
	}
	if casesBefore == 0 {
		t.Errorf("no legal case opened before enrolment => want some (the before/after measure)")
	}
	if asOf.Sub(oldest).Hours() < 24*365 {
		t.Errorf("oldest event %s => want over a year before the demo's day", oldest)
	}
}
