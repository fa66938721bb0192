package badgerstore

import (
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

// TestDraftsAreTheirAuthors: a draft is read back by its author only,
// replaced by the next save, dropped on delete and past its age.
func TestDraftsAreTheirAuthors(t *testing.T) {
	now := testNow
	db, err := OpenMemoryAt(func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lee := store.Actor{User: "lee", Role: store.RolePolice}
	kim := store.Actor{User: "kim", Role: store.RolePolice}
	d := must[store.Draft](t, "save")(db.SaveDraft(ctx, lee, store.Draft{User: "kim", Form: "referral", Fields: map[string]string{"name": "Jo"}}))
	if d.User != "lee" || !d.Saved.Equal(testNow) {
		t.Errorf("SaveDraft => %+v, want lee's, saved at testNow", d)
	}
	if ds := must[[]store.Draft](t, "kim")(db.Drafts(ctx, kim, 0)); len(ds) != 0 {
		t.Errorf("kim's drafts => %+v, want none (lee's is lee's)", ds)
	}
	now = testNow.Add(time.Minute)
	must[store.Draft](t, "save again")(db.SaveDraft(ctx, lee, store.Draft{Form: "referral", Fields: map[string]string{"name": "Jo Doe"}}))
	must[store.Draft](t, "contact")(db.SaveDraft(ctx, lee, store.Draft{Form: "contact", Fields: map[string]string{"note": "x"}}))
	ds := must[[]store.Draft](t, "lee")(db.Drafts(ctx, lee, time.Hour))
	if len(ds) != 2 || ds[0].Fields["name"] != "Jo Doe" && ds[1].Fields["name"] != "Jo Doe" {
		t.Errorf("lee's drafts => %+v, want the newest referral and the contact", ds)
	}
	if evs := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{})); len(evs) != 0 {
		t.Errorf("drafts audited => %+v, want nothing (a draft is no record)", evs)
	}
	must[struct{}](t, "delete")(struct{}{}, db.DeleteDraft(ctx, lee, "contact"))
	now = testNow.Add(8 * 24 * time.Hour)
	if ds := must[[]store.Draft](t, "expired")(db.Drafts(ctx, lee, 7*24*time.Hour)); len(ds) != 0 {
		t.Errorf("drafts past 7 days => %+v, want none", ds)
	}
	if ds := must[[]store.Draft](t, "after expiry")(db.Drafts(ctx, lee, 0)); len(ds) != 0 {
		t.Errorf("an expired draft was kept => %+v", ds)
	}
}
