package tui

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/store/demo"
	"github.com/leadtable/owg/store/snapshot"
	"github.com/leadtable/owg/tui/common"
)

// TestProjectionMatchesRead: for every role, the projection of the shared
// snapshot (whole, then incrementally after a contact and a revoked ROI)
// gives each row exactly what a direct read of the store gives.
func TestProjectionMatchesRead(t *testing.T) {
	bg := context.Background()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return fixedNow })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Fill(bg, db, fixedNow, demo.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	snap := snapshot.New(db)
	defer db.Subscribe(snap.Observe)()
	actors := []store.Actor{
		{User: "dana", Role: store.RolePM}, {User: "tomas", Role: store.RoleCaseManager},
		{User: "ellen", Role: store.RoleProsecutor, Agency: "City Attorney"}, {User: "raj", Role: store.RoleDefender, Agency: "Public Defender"},
		{User: "reyes", Role: store.RolePolice, Agency: "Metro PD"}, {User: "harbor", Role: store.RoleProvider, Agency: "Harbor Housing"},
		{User: "pastor.james", Role: store.RoleCommunity}, {User: "uw.eval", Role: store.RoleEvaluator},
	}
	ctxs := make([]*common.Ctx, len(actors))
	for i, a := range actors {
		ctxs[i] = &common.Ctx{Store: db, Actor: a, Now: func() time.Time { return fixedNow }, Snapshot: snap, SiteMemo: &common.Memo{}}
	}
	compare := func(step string) {
		t.Helper()
		for i, c := range ctxs {
			got, err := loadSite(c)
			if err != nil {
				t.Fatal(err)
			}
			want, err := readSite(c)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.parts, want.parts) || !reflect.DeepEqual(got.byID, want.byID) {
				t.Errorf("%s, %s: projected rows differ from a direct read", step, actors[i].Role)
			}
			if got.capacity() != want.capacity() || len(got.cases) != len(want.cases) || len(got.meetings) != len(want.meetings) {
				t.Errorf("%s, %s: capacity %d, cases %d, meetings %d => want %d, %d, %d", step, actors[i].Role,
					got.capacity(), len(got.cases), len(got.meetings), want.capacity(), len(want.cases), len(want.meetings))
			}
		}
	}
	compare("first read")
	s0, _ := loadSite(ctxs[0])
	p := s0.parts[0].P
	if _, err := db.CreateContact(bg, store.SystemActor, store.Contact{ParticipantID: p.ID, Date: fixedNow.Add(-time.Hour), Kind: store.ContactPhone,
		Note: "called", Author: p.CaseManager, Sensitivity: store.General}); err != nil {
		t.Fatal(err)
	}
	compare("after a contact")
	for _, pi := range s0.parts {
		if len(pi.ROIs) > 0 && pi.ROIs[0].Revoked.IsZero() {
			r := pi.ROIs[0]
			r.Revoked = store.DateOf(fixedNow)
			if _, err := db.UpdateROI(bg, store.SystemActor, r); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	compare("after a revoked ROI")
	q, err := db.GetParticipant(bg, s0.parts[1].P.ID)
	if err != nil {
		t.Fatal(err)
	}
	q.Status, q.ExitReason = store.StatusExited, "moved out of the area"
	if _, err := db.UpdateParticipant(bg, store.SystemActor, q); err != nil {
		t.Fatal(err)
	}
	compare("after an exit")
	s1, _ := loadSite(ctxs[0])
	if s1.version <= s0.version {
		t.Errorf("version %d after changes => want more than %d", s1.version, s0.version)
	}
	if !stale(s1, s0) || stale(s0, s1) {
		t.Errorf("stale: an older version must never replace a newer one")
	}
}

// TestTodayRowCache: Today's rows after a contact, built from the cached
// rows of the participants that did not change, equal the rows a fresh
// pane builds from the same site.
func TestTodayRowCache(t *testing.T) {
	bg := context.Background()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return fixedNow })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Fill(bg, db, fixedNow, demo.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	snap := snapshot.New(db)
	defer db.Subscribe(snap.Observe)()
	c := &common.Ctx{Store: db, Actor: store.Actor{User: "keisha", Role: store.RoleSupervisor}, Now: func() time.Time { return fixedNow },
		Snapshot: snap, SiteMemo: &common.Memo{}}
	pane := newToday(c)
	pane.SetSize(80, 200)
	s0, err := loadSite(c)
	if err != nil {
		t.Fatal(err)
	}
	pane.Update(todayLoadedMsg{site: s0})
	var p store.Participant
	for _, pi := range s0.parts {
		if store.DaysBetween(lastContactDay(pi.P), s0.today) > s0.proto.OverdueContactDays {
			p = pi.P
			break
		}
	}
	if p.ID == "" {
		t.Fatal("no overdue participant in the demo site")
	}
	if _, err := db.CreateContact(bg, store.SystemActor, store.Contact{ParticipantID: p.ID, Date: fixedNow.Add(-time.Hour), Kind: store.ContactPhone,
		Note: "called", Author: p.CaseManager, Sensitivity: store.General}); err != nil {
		t.Fatal(err)
	}
	s1, err := loadSite(c)
	if err != nil {
		t.Fatal(err)
	}
	if s1.prev != s0.version || !s1.changed[p.ID] {
		t.Fatalf("projection not chained: prev %d changed %v => want %d and %s", s1.prev, s1.changed, s0.version, p.ID)
	}
	pane.Update(todayLoadedMsg{site: s1})
	fresh := newToday(c)
	fresh.SetSize(80, 200)
	fresh.Update(todayLoadedMsg{site: s1})
	if got, want := pane.View(), fresh.View(); got != want {
		t.Errorf("cached Today differs from a fresh one:\n%s\n---\n%s", got, want)
	}
	if strings.Contains(pane.View(), p.ID) && strings.Contains(pane.View(), "no contact for") {
		for _, line := range strings.Split(pane.View(), "\n") {
			if strings.Contains(line, p.ID) && strings.Contains(line, "no contact for") {
				t.Errorf("%s still overdue after a contact: %q", p.ID, line)
			}
		}
	}
}
