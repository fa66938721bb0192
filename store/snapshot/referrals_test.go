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

// refReader counts the reads of the new referrals.
type refReader struct {
	*badgerstore.DB
	reads int
}

func (r *refReader) ReadNewReferrals(ctx context.Context) ([]store.Referral, error) {
	r.reads++
	return r.DB.ReadNewReferrals(ctx)
}

// TestNewReferralsReadOncePerReferralChange: the new referrals are read
// once and shared until a referral changes (a contact does not re-read
// them); after an acknowledgement and an edit they equal a fresh read.
func TestNewReferralsReadOncePerReferralChange(t *testing.T) {
	ctx := context.Background()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return asOf.Add(10 * time.Hour) })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Fill(ctx, db, asOf, demo.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	src := &refReader{DB: db}
	snap := snapshot.New(src)
	defer db.Subscribe(snap.Observe)()
	fresh := func() []store.Referral {
		rs, err := db.ListReferrals(ctx, store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefNew}})
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	check := func(step string, reads int) {
		t.Helper()
		got, ok, err := snap.NewReferrals(ctx)
		if !ok || err != nil {
			t.Fatalf("%s: NewReferrals => ok %v, %v", step, ok, err)
		}
		if want := fresh(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d new referrals => want the store's %d", step, len(got), len(want))
		}
		if src.reads != reads {
			t.Errorf("%s: %d reads => want %d", step, src.reads, reads)
		}
	}
	check("first", 1)
	check("nothing changed", 1)
	site, err := snap.Site(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := site.Participants[0]
	if _, err := db.CreateContact(ctx, store.SystemActor, store.Contact{ParticipantID: p.ID, Date: asOf, Kind: store.ContactPhone,
		Author: p.CaseManager, Sensitivity: store.General}); err != nil {
		t.Fatal(err)
	}
	check("after a contact", 1)
	rs := fresh()
	if len(rs) < 2 {
		t.Fatalf("the demo site has %d new referrals => want at least 2", len(rs))
	}
	if _, err := db.AcknowledgeReferral(ctx, store.Actor{User: "operator", Role: store.RolePM}, rs[0].ID); err != nil {
		t.Fatal(err)
	}
	check("after an acknowledgement", 2)
	r1, err := db.GetReferral(ctx, rs[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	r1.Location = "5th and Main"
	if _, err := db.UpdateReferral(ctx, store.SystemActor, r1); err != nil {
		t.Fatal(err)
	}
	check("after an edit", 3)
	snap.Invalidate()
	check("after Invalidate", 4)
}

// TestNewReferralsNeedAReader: a source that cannot read them says so.
func TestNewReferralsNeedAReader(t *testing.T) {
	db, err := badgerstore.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	snap := snapshot.New(&countingReader{Reader: db})
	if _, ok, err := snap.NewReferrals(context.Background()); ok || err != nil {
		t.Errorf("NewReferrals(a plain Reader) => ok %v, %v; want ok false", ok, err)
	}
}
