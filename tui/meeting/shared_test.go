package meeting

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/snapshot"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

// TestSharedItemContextMatchesTheStore: what each viewer sees of an
// item's subject through the process's shared records (goal review, case,
// referral; alone and in the room view; before and after changes) equals
// what a read of the store gives that viewer, and the first look still
// writes that viewer's audit event.
func TestSharedItemContextMatchesTheStore(t *testing.T) {
	site := triagetest.New(t)
	bg := context.Background()
	snap := snapshot.New(site.Store.(snapshot.Reader))
	defer site.Store.Subscribe(snap.Observe)()
	refs, err := site.Store.ListReferrals(bg, store.ReferralFilter{})
	if err != nil || len(refs) == 0 {
		t.Fatalf("referrals: %v", err)
	}
	items := []store.AgendaItem{
		{ID: "1", Kind: store.ItemGoalReview, Subject: site.P1},
		{ID: "2", Kind: store.ItemGoalReview, Subject: site.P2},
		{ID: "3", Kind: store.ItemCase, Subject: site.Case1},
		{ID: "4", Kind: store.ItemReferral, Subject: refs[0].ID},
		{ID: "5", Kind: store.ItemOther, Subject: site.P1},
	}
	viewers := []store.Actor{triagetest.Actor("ana"), triagetest.Actor("sam"), triagetest.Actor("bo"), triagetest.Actor("cy"),
		triagetest.Actor("ofc"), triagetest.Actor("pat"), triagetest.Actor("cc"), {User: "eva", Role: store.RoleEvaluator}}
	rooms := [][]store.Actor{nil, {triagetest.Actor("ana"), triagetest.Actor("ofc")}, {triagetest.Actor("bo"), triagetest.Actor("pat")}}
	views := func() int {
		es, err := site.Store.ListAudit(bg, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	compare := func(step string) {
		t.Helper()
		for _, v := range viewers {
			plain := site.Ctx(v)
			shared := site.Ctx(v)
			shared.Snapshot = snap
			for _, it := range items {
				for ri, room := range rooms {
					for _, refresh := range []bool{true, false} {
						name := fmt.Sprintf("%s, %s on item %s (%s), room %d, refresh %v", step, v.Role, it.ID, it.Subject, ri, refresh)
						before := views()
						want := loadItemCtxCmd(plain, it, refresh, room)()
						mid := views()
						got := loadItemCtxCmd(shared, it, refresh, room)()
						after := views()
						if !reflect.DeepEqual(got, want) {
							t.Errorf("%s: shared => %+v\nwant %+v", name, got, want)
						}
						if after-mid != mid-before {
							t.Errorf("%s: shared wrote %d audit events, the store read %d", name, after-mid, mid-before)
						}
					}
				}
			}
		}
	}
	compare("first look")
	if _, err := site.Store.CreateContact(bg, triagetest.Actor("bo"), store.Contact{ParticipantID: site.P1, Date: triagetest.Now,
		Kind: store.ContactPhone, Note: "called", Author: "bo", Sensitivity: store.Clinical}); err != nil {
		t.Fatal(err)
	}
	rois, _ := site.Store.ListROIs(bg, site.P2)
	r := rois[0]
	r.Revoked = store.DateOf(triagetest.Now)
	if _, err := site.Store.UpdateROI(bg, store.SystemActor, r); err != nil {
		t.Fatal(err)
	}
	lc, _ := site.Store.GetCase(bg, site.Case1)
	lc.Charges = "trespass (amended)"
	if _, err := site.Store.UpdateCase(bg, store.SystemActor, lc); err != nil {
		t.Fatal(err)
	}
	compare("after a contact, a revoked ROI and an amended case")
}

// TestSharedMeetingIsTheSessionsOwn: the meeting a session reads from the
// shared snapshot is shared, read-only; marking an item in place (as skip
// and mark do before their write lands) changes only the session's own
// copy, never another session's meeting.
func TestSharedMeetingIsTheSessionsOwn(t *testing.T) {
	site := triagetest.New(t)
	bg := context.Background()
	snap := snapshot.New(site.Store.(snapshot.Reader))
	defer site.Store.Subscribe(snap.Observe)()
	mt, err := site.Store.CreateMeeting(bg, triagetest.Actor("ana"), store.Meeting{Date: store.DateOf(triagetest.Now), Facilitator: "ana",
		Status: store.MeetingOpen, Items: []store.AgendaItem{
			{ID: "1", Kind: store.ItemOther, Title: "Other business", Status: store.ItemPending, Notes: []store.Note{{Time: triagetest.Now, Author: "ana", Text: "first"}}},
			{ID: "2", Kind: store.ItemOther, Title: "More business", Status: store.ItemPending},
		}})
	if err != nil {
		t.Fatal(err)
	}
	c := site.Ctx(triagetest.Actor("ana"))
	c.Snapshot = snap
	m := New(c).(*Model)
	mine, err := meetingOf(c, mt.ID)
	if err != nil {
		t.Fatal(err)
	}
	m.joined, m.following, m.mt, m.view = true, true, mine, 0
	m.skip()          // item 1 skipped, on to item 2
	m.markDiscussed() // item 2 marked discussed
	if m.mt.Items[0].Status != store.ItemSkipped || m.mt.Items[1].Status != store.ItemDiscussed {
		t.Fatalf("the session's own meeting => %s, %s; want skipped, discussed", m.mt.Items[0].Status, m.mt.Items[1].Status)
	}
	theirs, err := meetingOf(c, mt.ID)
	if err != nil {
		t.Fatal(err)
	}
	if theirs.Items[0].Status != store.ItemPending || theirs.Items[1].Status != store.ItemPending || theirs.Items[0].Notes[0].Text != "first" {
		t.Errorf("another session's meeting => %+v, want it untouched", theirs.Items)
	}
}

// TestStaleItemContextDropped: a context reply older than a newer ask for
// its subject, or asked before the contexts were dropped (the room's
// audience changed), never lands.
func TestStaleItemContextDropped(t *testing.T) {
	site := triagetest.New(t)
	m := New(site.Ctx(triagetest.Actor("ana"))).(*Model)
	it := store.AgendaItem{ID: "1", Kind: store.ItemGoalReview, Subject: site.P1}
	first := m.loadCtxCmd(it, false)
	second := m.loadCtxCmd(it, true)
	newer := second().(itemCtxMsg)
	older := first().(itemCtxMsg)
	m.Update(newer)
	older.ic.err = fmt.Errorf("old reply")
	m.Update(older)
	if got := m.ctxs[site.P1]; got.err != nil {
		t.Errorf("an older reply replaced a newer one: %v", got.err)
	}
	before := m.loadCtxCmd(it, false)
	m.dropCtxs() // a new audience
	m.Update(before())
	if _, ok := m.ctxs[site.P1]; ok {
		t.Error("a reply asked for before the audience changed landed")
	}
	after := m.loadCtxCmd(it, false)
	m.Update(after())
	if got, ok := m.ctxs[site.P1]; !ok || !got.loaded {
		t.Error("the reply asked for the new audience did not land")
	}
}
