package badgerstore

import (
	"strings"
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

// TestDraftsPerSubject: one draft per form and subject, so a note on one
// agenda item never replaces the note on another; each is deleted alone,
// and a subject longer than an id is refused.
func TestDraftsPerSubject(t *testing.T) {
	db, err := OpenMemoryAt(func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pm := store.Actor{User: "pat", Role: store.RolePM}
	for _, item := range []string{"M-0001/2", "M-0001/3"} {
		must[store.Draft](t, "save "+item)(db.SaveDraft(ctx, pm, store.Draft{Form: "meeting_note", Subject: item, Fields: map[string]string{"text": item}}))
	}
	must[store.Draft](t, "no subject")(db.SaveDraft(ctx, pm, store.Draft{Form: "meeting_note", Fields: map[string]string{"text": "old"}}))
	if ds := must[[]store.Draft](t, "list")(db.Drafts(ctx, pm, 0)); len(ds) != 3 {
		t.Fatalf("drafts => %+v, want 3 (two subjects and the old one)", ds)
	}
	must[struct{}](t, "delete")(struct{}{}, db.DeleteDraftOf(ctx, pm, "meeting_note", "M-0001/2"))
	ds := must[[]store.Draft](t, "list")(db.Drafts(ctx, pm, 0))
	if len(ds) != 2 {
		t.Fatalf("after deleting one => %+v, want 2", ds)
	}
	for _, d := range ds {
		if d.Subject == "M-0001/2" {
			t.Errorf("deleted draft still listed: %+v", d)
		}
	}
	if _, err := db.SaveDraft(ctx, pm, store.Draft{Form: "decision", Subject: strings.Repeat("R", store.MaxDraftSubject+1)}); err == nil {
		t.Errorf("a subject longer than an id was kept")
	}
}
