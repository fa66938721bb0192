package tui

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

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
			if !reflect.DeepEqual(got.derive().loads, want.derive().loads) || !reflect.DeepEqual(got.caseManagers(), want.caseManagers()) {
				t.Errorf("%s, %s: caseloads %v => want %v", step, actors[i].Role, got.derive().loads, want.derive().loads)
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

// TestTodayIndexMatchesFresh: after each kind of change (a contact, a
// court date moved into and out of the window, a new diverted arrest, an
// ROI expiring, an exit, a new participant), Today's rows patched from
// the ones before equal the rows a fresh pane builds from the same site,
// for a supervisor and a case manager.
func TestTodayIndexMatchesFresh(t *testing.T) {
	bg := context.Background()
	db, snap, s0 := site200(t)
	defer db.Subscribe(snap.Observe)()
	cm := s0.Participants[3].CaseManager
	var panes []*today
	for _, a := range []store.Actor{{User: "keisha", Role: store.RoleSupervisor}, {User: cm, Role: store.RoleCaseManager}} {
		c := &common.Ctx{Store: db, Actor: a, Now: func() time.Time { return fixedNow }, Snapshot: snap, SiteMemo: &common.Memo{}}
		p := newToday(c)
		p.SetSize(80, 5000)
		panes = append(panes, p)
	}
	check := func(step string) {
		t.Helper()
		for _, p := range panes {
			s, err := loadSite(p.ctx)
			if err != nil {
				t.Fatal(err)
			}
			p.Update(todayLoadedMsg{site: s})
			fresh := newToday(p.ctx)
			fresh.SetSize(80, 5000)
			fresh.Update(todayLoadedMsg{site: s})
			if !reflect.DeepEqual(p.list.Rows(), fresh.list.Rows()) {
				t.Errorf("%s, %s: patched Today (%d rows) differs from a fresh one (%d rows)", step, p.ctx.Actor.Role, len(p.list.Rows()), len(fresh.list.Rows()))
			}
			if got, want := p.View(), fresh.View(); got != want {
				t.Errorf("%s, %s: patched Today's view differs from a fresh one's:\n%s\n---\n%s", step, p.ctx.Actor.Role, got, want)
			}
			// the loads and capacity carried over from the projection before
			// are the ones counted afresh
			loads := map[string]int{}
			for _, pi := range s.parts {
				if pi.P.Status.Active() {
					loads[pi.P.CaseManager]++
				}
			}
			if d := s.derive(); !maps.Equal(d.loads, loads) || d.capacity != store.CapacityOfLoads(s.proto, s.users, loads) {
				t.Errorf("%s, %s: loads %v capacity %d => want %v, %d (counted afresh)", step, p.ctx.Actor.Role, d.loads, d.capacity, loads, store.CapacityOfLoads(s.proto, s.users, loads))
			}
		}
	}
	check("first load")
	sys := store.SystemActor
	ps := s0.Participants
	if _, err := db.CreateContact(bg, sys, store.Contact{ParticipantID: ps[3].ID, Date: fixedNow.Add(-time.Hour), Kind: store.ContactPhone,
		Note: "called", Author: ps[3].CaseManager, Sensitivity: store.General}); err != nil {
		t.Fatal(err)
	}
	check("after a contact")
	var lc store.LegalCase
	for _, c := range s0.Cases {
		if c.Status == store.CaseOpen {
			lc = c
			break
		}
	}
	for _, d := range []int{2, 40, 0, 5} {
		cur, err := db.GetCase(bg, lc.ID)
		if err != nil {
			t.Fatal(err)
		}
		cur.NextCourtDate = day(d)
		if _, err := db.UpdateCase(bg, sys, cur); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("after a court date in %d days", d))
	}
	if _, err := db.CreateCase(bg, sys, store.LegalCase{ParticipantID: ps[3].ID, Kind: store.CaseDivertedArrest, CaseNumber: "26CR9999",
		Court: "Municipal", Status: store.CaseOpen, NextCourtDate: day(3), IntakeDeadline: day(1)}); err != nil {
		t.Fatal(err)
	}
	check("after a diverted arrest")
	if _, err := db.CreateROI(bg, sys, store.ROI{ParticipantID: ps[5].ID, Agencies: []string{"Harbor Housing"},
		Classes: []store.DataKind{store.DataIdentity}, Purpose: "housing", Signed: day(-300), Expires: day(4)}); err != nil {
		t.Fatal(err)
	}
	check("after an expiring ROI")
	q, err := db.GetParticipant(bg, ps[3].ID)
	if err != nil {
		t.Fatal(err)
	}
	q.Status, q.ExitReason = store.StatusExited, "moved out of the area"
	if _, err := db.UpdateParticipant(bg, sys, q); err != nil {
		t.Fatal(err)
	}
	check("after an exit")
	if _, err := db.CreateParticipant(bg, sys, store.Participant{Name: "New Person", CaseManager: cm, Status: store.StatusEngaging,
		EnrolledOn: day(-60)}); err != nil {
		t.Fatal(err)
	}
	check("after a new participant")
}

// TestTodayAuditsOnlyNewFaces: after a patch, Today writes a view event
// only when a participant its last event did not name appears (a new
// court date), never for rows that only went away (a contact).
func TestTodayAuditsOnlyNewFaces(t *testing.T) {
	bg := context.Background()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return fixedNow })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.FillN(bg, db, fixedNow, demo.DefaultSeed, 200); err != nil {
		t.Fatal(err)
	}
	snap := snapshot.New(db)
	defer db.Subscribe(snap.Observe)()
	c := &common.Ctx{Store: db, Actor: store.Actor{User: "keisha", Role: store.RoleSupervisor}, Now: func() time.Time { return fixedNow },
		Snapshot: snap, SiteMemo: &common.Memo{}}
	pane := newToday(c)
	pane.SetSize(80, 40)
	load := func() tea.Cmd {
		s, err := loadSite(c)
		if err != nil {
			t.Fatal(err)
		}
		_, cmd := pane.Update(todayLoadedMsg{site: s})
		return cmd
	}
	if load() == nil {
		t.Fatal("first load => no audit, want one")
	}
	s0, _ := snap.Site(bg)
	var p store.Participant
	for _, q := range s0.Participants {
		if store.DaysBetween(lastContactDay(q), store.Today(fixedNow)) > store.DefaultProtocol().OverdueContactDays {
			p = q
			break
		}
	}
	if _, err := db.CreateContact(bg, store.SystemActor, store.Contact{ParticipantID: p.ID, Date: fixedNow.Add(-time.Hour), Kind: store.ContactPhone,
		Note: "called", Author: p.CaseManager, Sensitivity: store.General}); err != nil {
		t.Fatal(err)
	}
	if load() != nil {
		t.Error("reload after a contact (a row went away) => an audit, want none")
	}
	np, err := db.CreateParticipant(bg, store.SystemActor, store.Participant{Name: "New Person", CaseManager: p.CaseManager,
		Status: store.StatusEngaging, EnrolledOn: day(0)})
	if err != nil {
		t.Fatal(err)
	}
	// contacted on the day: a new enrollee never contacted is due on Today
	if _, err := db.CreateContact(bg, store.SystemActor, store.Contact{ParticipantID: np.ID, Date: fixedNow.Add(-time.Hour), Kind: store.ContactStreet,
		Note: "met", Author: p.CaseManager, Sensitivity: store.General}); err != nil {
		t.Fatal(err)
	}
	if load() != nil {
		t.Errorf("reload after %s enrolled and contacted, with nothing due => an audit, want none", np.ID)
	}
	if _, err := db.CreateCase(bg, store.SystemActor, store.LegalCase{ParticipantID: np.ID, Kind: store.CasePreExisting, CaseNumber: "26CR0001",
		Court: "Municipal", Status: store.CaseOpen, NextCourtDate: day(2)}); err != nil {
		t.Fatal(err)
	}
	if load() == nil {
		t.Errorf("reload after %s got a court date in 2 days (now on Today) => no audit, want one", np.ID)
	}
}

// A site's projection and Today's rows built on every CPU are the ones
// built on one, for a supervisor and a case manager.
func TestProjectionSplitMatchesSerial(t *testing.T) {
	db, snap, s0 := site200(t)
	cm := s0.Participants[3].CaseManager
	build := func(a store.Actor, split int) (*site, string) {
		defer common.SplitFrom(split)()
		c := &common.Ctx{Store: db, Actor: a, Now: func() time.Time { return fixedNow }, Snapshot: snap, SiteMemo: &common.Memo{}}
		s, err := loadSite(c)
		if err != nil {
			t.Fatal(err)
		}
		p := newToday(c)
		p.SetSize(80, 5000)
		p.Update(todayLoadedMsg{site: s})
		return s, p.View()
	}
	for _, a := range []store.Actor{{User: "keisha", Role: store.RoleSupervisor}, {User: cm, Role: store.RoleCaseManager}} {
		serial, serialView := build(a, 1<<30)
		split, splitView := build(a, 1)
		if len(split.parts) != len(serial.parts) || len(serial.parts) < 100 {
			t.Fatalf("%s: %d rows split, %d serial => want the same, at least 100", a.Role, len(split.parts), len(serial.parts))
		}
		for i := range serial.parts {
			if !reflect.DeepEqual(*split.parts[i], *serial.parts[i]) || split.byID[serial.parts[i].P.ID] != i {
				t.Fatalf("%s: row %d differs split from serial", a.Role, i)
			}
		}
		if splitView != serialView {
			t.Errorf("%s: Today split differs from serial:\n%s\n---\n%s", a.Role, splitView, serialView)
		}
	}
}

// site200 is a store holding the 200-participant demo site (closed when
// the test ends), its snapshot and the snapshot's first site.
func site200(t *testing.T) (*badgerstore.DB, *snapshot.Snapshot, *snapshot.Site) {
	t.Helper()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return fixedNow })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := demo.FillN(context.Background(), db, fixedNow, demo.DefaultSeed, 200); err != nil {
		t.Fatal(err)
	}
	snap := snapshot.New(db)
	s0, err := snap.Site(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return db, snap, s0
}
