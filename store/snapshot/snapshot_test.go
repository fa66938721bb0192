package snapshot_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/store/demo"
	"github.com/leadtable/owg/store/snapshot"
)

var asOf = time.Date(2025, 3, 12, 0, 0, 0, 0, time.UTC)

// TestSnapshotFollowsChanges: after contacts, an exit, a new ROI, a new
// case, a new user and a meeting, the refreshed snapshot equals a fresh
// read of the store, and it re-read only the participants that changed.
func TestSnapshotFollowsChanges(t *testing.T) {
	ctx := context.Background()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return asOf.Add(10 * time.Hour) })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Fill(ctx, db, asOf, demo.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	counting := &countingReader{Reader: db}
	snap := snapshot.New(counting)
	defer db.Subscribe(snap.Observe)()
	first, err := snap.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := snap.Site(ctx); again != first {
		t.Errorf("Site with nothing changed => a new site, want the same one")
	}
	ps := first.Participants
	a := store.SystemActor
	// a contact: one participant changes
	if _, err := db.CreateContact(ctx, a, store.Contact{ParticipantID: ps[0].ID, Date: asOf.Add(9 * time.Hour), Kind: store.ContactPhone, Note: "called", Author: ps[0].CaseManager, Sensitivity: store.General}); err != nil {
		t.Fatal(err)
	}
	got, err := snap.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != first.Version+1 || !got.Changed[ps[0].ID] || len(got.Changed) != 1 {
		t.Errorf("after a contact: version %d, changed %v => want %d and only %s", got.Version, got.Changed, first.Version+1, ps[0].ID)
	}
	if counting.sites != 1 || counting.parts != 1 {
		t.Errorf("reads: %d whole, %d participants => want 1 whole (the first) and 1 participant", counting.sites, counting.parts)
	}
	// an exit, an ROI, a case, a user, a meeting
	p1, _ := db.GetParticipant(ctx, ps[1].ID)
	p1.Status, p1.ExitReason = store.StatusExited, "moved out of the area"
	if _, err := db.UpdateParticipant(ctx, a, p1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateROI(ctx, a, store.ROI{ParticipantID: ps[2].ID, Roles: []store.Role{store.RoleDefender}, Classes: []store.DataKind{store.DataIdentity},
		Purpose: "legal defense", Signed: asOf.AddDate(0, 0, -1), Expires: asOf.AddDate(1, 0, 0), RecordedBy: ps[2].CaseManager}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateCase(ctx, a, store.LegalCase{ParticipantID: ps[3].ID, Kind: store.CaseWarrant, CaseNumber: "25-CR-99999", Court: "Municipal Court",
		Charges: "bench warrant: failure to appear", Status: store.CaseOpen}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, a, store.User{Name: "newcm", Role: store.RoleCaseManager, Agency: "LEAD Case Management", Cap: 20, Active: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateMeeting(ctx, a, store.Meeting{Date: asOf.AddDate(0, 0, 2).Add(10 * time.Hour), Facilitator: "dana"}); err != nil {
		t.Fatal(err)
	}
	got, err = snap.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	data, err := db.ReadSite(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := snapshot.FromData(got.Version, data)
	want.Changed = got.Changed
	if !reflect.DeepEqual(got, want) {
		t.Errorf("refreshed snapshot differs from a fresh read:\nparticipants %d vs %d, cases %d vs %d, users %d vs %d, meetings %d vs %d",
			len(got.Participants), len(want.Participants), len(got.Cases), len(want.Cases), len(got.Users), len(want.Users), len(got.Meetings), len(want.Meetings))
	}
	if counting.sites != 1 {
		t.Errorf("%d whole reads => want 1", counting.sites)
	}
	for _, p := range got.Participants {
		if p.ID == ps[1].ID {
			t.Errorf("%s exited => still among the active participants", p.ID)
		}
	}
}

type countingReader struct {
	snapshot.Reader
	sites, parts int
}

func (c *countingReader) ReadSite(ctx context.Context) (snapshot.Data, error) {
	c.sites++
	return c.Reader.ReadSite(ctx)
}

func (c *countingReader) ReadPart(ctx context.Context, id string) (snapshot.Part, error) {
	c.parts++
	return c.Reader.ReadPart(ctx, id)
}

// gateReader blocks ReadPart until released.
type gateReader struct {
	snapshot.Reader
	entered chan struct{}
	release chan struct{}
}

func (g *gateReader) ReadPart(ctx context.Context, id string) (snapshot.Part, error) {
	g.entered <- struct{}{}
	<-g.release
	return g.Reader.ReadPart(ctx, id)
}

// TestSiteDuringRefresh: a change observed while another caller's refresh
// is under way is in what the next caller gets; it never gets the site
// from before the change.
func TestSiteDuringRefresh(t *testing.T) {
	ctx := context.Background()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return asOf.Add(10 * time.Hour) })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Fill(ctx, db, asOf, demo.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	g := &gateReader{Reader: db, entered: make(chan struct{}, 4), release: make(chan struct{}, 4)}
	snap := snapshot.New(g)
	first, err := snap.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ps := first.Participants
	snap.Observe(store.Change{Kind: "participant", ID: ps[0].ID, Subject: ps[0].ID})
	done := make(chan *snapshot.Site)
	go func() { s, _ := snap.Site(ctx); done <- s }()
	<-g.entered // the first refresh is reading
	snap.Observe(store.Change{Kind: "participant", ID: ps[1].ID, Subject: ps[1].ID})
	second := make(chan *snapshot.Site)
	go func() { s, _ := snap.Site(ctx); second <- s }()
	select {
	case s := <-second:
		t.Fatalf("Site returned version %d during another refresh => want it to wait and include the newer change", s.Version)
	case <-time.After(50 * time.Millisecond):
	}
	g.release <- struct{}{}
	<-done
	<-g.entered
	g.release <- struct{}{}
	s := <-second
	if !s.Changed[ps[1].ID] {
		t.Errorf("second caller's site changed %v => want %s in it", s.Changed, ps[1].ID)
	}
}

// meetingCounter counts the reads of all meetings and of one.
type meetingCounter struct {
	*badgerstore.DB
	lists, gets int
}

func (c *meetingCounter) ListMeetings(ctx context.Context) ([]store.Meeting, error) {
	c.lists++
	return c.DB.ListMeetings(ctx)
}

func (c *meetingCounter) GetMeeting(ctx context.Context, id string) (store.Meeting, error) {
	c.gets++
	return c.DB.GetMeeting(ctx, id)
}

// TestMeetingChangeRereadsThatMeeting: a meeting's move re-reads that
// meeting alone; a new meeting re-reads them all (date order).
func TestMeetingChangeRereadsThatMeeting(t *testing.T) {
	ctx := context.Background()
	asOf := time.Date(2025, 3, 12, 0, 0, 0, 0, time.UTC)
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return asOf.Add(10 * time.Hour) })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pm := store.Actor{User: "pam", Role: store.RolePM}
	mk := func(day time.Time, status store.MeetingStatus) store.Meeting {
		t.Helper()
		m, err := db.CreateMeeting(ctx, pm, store.Meeting{Date: day, Facilitator: "pam", Status: status,
			Items: []store.AgendaItem{{ID: "1", Kind: store.ItemOther, Title: "one"}, {ID: "2", Kind: store.ItemOther, Title: "two"}}})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	mk(asOf.AddDate(0, 0, -14), store.MeetingEnded)
	open := mk(asOf, store.MeetingOpen)
	counter := &meetingCounter{DB: db}
	snap := snapshot.New(counter)
	defer db.Subscribe(snap.Observe)()
	if _, err := snap.Site(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MutateMeeting(ctx, pm, open.ID, func(m *store.Meeting) error { m.Current = 1; return nil }); err != nil {
		t.Fatal(err)
	}
	site, err := snap.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counter.lists != 0 || counter.gets != 1 {
		t.Errorf("after a move: %d reads of all meetings, %d of one => want 0 and 1", counter.lists, counter.gets)
	}
	if len(site.Meetings) != 2 || site.Meetings[1].ID != open.ID || site.Meetings[1].Current != 1 {
		t.Errorf("after a move => %+v, want the open meeting at item 2, in date order", site.Meetings)
	}
	mk(asOf.AddDate(0, 0, 14), store.MeetingPlanned)
	site, err = snap.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counter.lists != 1 || len(site.Meetings) != 3 {
		t.Errorf("after a new meeting: %d reads of all, %d meetings => want 1 and 3", counter.lists, len(site.Meetings))
	}
}
