package badgerstore

import (
	"github.com/dgraph-io/badger/v4"

	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/leadtable/owg/store"
)

// TestROIMigrationOnOpen: an ROI stored before consent was scoped (one
// "covers" list of roles and agencies, no classes) is rewritten on open as
// those recipients releasing identity, goals, general contacts and legal
// cases, never sensitive data; the rewrite is audited, and opening again
// changes nothing.
func TestROIMigrationOnOpen(t *testing.T) {
	db, dir := diskDB(t)
	p := mustParticipant(t, db, "José", "casey")
	r := must[store.ROI](t, "create")(db.CreateROI(ctx, pm, store.ROI{ParticipantID: p.ID, Roles: []store.Role{store.RoleDefender},
		Classes: []store.DataKind{store.DataIdentity}, Purpose: "defense", Signed: day(2025, 1, 1), Expires: day(2026, 1, 1)}))
	// the record exactly as the old owg wrote it
	legacy := `{"id":"` + r.ID + `","participant_id":"` + p.ID + `","covers":["police","Downtown Housing"],` +
		`"signed":"2025-01-01T00:00:00Z","expires":"2026-01-01T00:00:00Z","created":"2025-01-01T00:00:00Z","version":3}`
	if err := db.rawSet([]byte(pfxROI+r.ID), []byte(legacy)); err != nil {
		t.Fatal(err)
	}
	unmarkROIsScoped(t, db) // the old owg wrote no mark
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		db, err := Open(dir, Options{Now: fixedClock})
		if err != nil {
			t.Fatalf("reopen %d: %v", round, err)
		}
		rs := must[[]store.ROI](t, "list")(db.ListROIs(ctx, p.ID))
		if len(rs) != 1 {
			t.Fatalf("ROIs after migration: %d => want 1", len(rs))
		}
		got := rs[0]
		if !slices.Equal(got.Roles, []store.Role{store.RolePolice}) || !slices.Equal(got.Agencies, []string{"Downtown Housing"}) ||
			!slices.Equal(got.Classes, store.LegacyROIClasses) || len(got.Covers) != 0 || got.Version != 4 ||
			got.Purpose != store.LegacyPurpose || got.RecordedBy != store.LegacyRecorder {
			t.Errorf("round %d: migrated ROI = %+v => want police + Downtown Housing, legacy classes, version 4", round, got)
		}
		if slices.Contains(got.Classes, store.DataSensitive) {
			t.Errorf("migrated ROI lists sensitive")
		}
		evs := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{Subject: p.ID, Action: store.AuditUpdate}))
		n := 0
		for _, e := range evs {
			if e.Detail == "roi:"+r.ID+":scoped-migration" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("round %d: %d migration audit events => want exactly 1", round, n)
		}
		// a migrated ROI can still be revoked (every element valid)
		if round == 1 {
			got.Revoked = day(2025, 6, 1)
			if _, err := db.UpdateROI(ctx, pm, got); err != nil {
				t.Errorf("revoke a migrated ROI: %v", err)
			}
		}
		db.Close()
	}
}

// TestROIRecordedByAndCleaning: the store stamps who recorded an ROI,
// never lets an update change it, and cleans what it stores.
func TestROIRecordedByAndCleaning(t *testing.T) {
	db := memDB(t)
	p := mustParticipant(t, db, "José", "casey")
	r := must[store.ROI](t, "create")(db.CreateROI(ctx, cm, store.ROI{ParticipantID: p.ID, Roles: []store.Role{"Police", "police"},
		Agencies: []string{" Metro\x1b[31m PD "}, Classes: []store.DataKind{"identity", "Goals"}, Purpose: "care\ncoordination",
		Signed: day(2025, 1, 1), Expires: day(2026, 1, 1), RecordedBy: ""}))
	if r.RecordedBy != "casey" || !slices.Equal(r.Roles, []store.Role{store.RolePolice}) || !slices.Equal(r.Agencies, []string{"Metro PD"}) ||
		!slices.Equal(r.Classes, []store.DataKind{store.DataIdentity, store.DataGoals}) || r.Purpose != "care coordination" {
		t.Errorf("CreateROI => %+v", r)
	}
	up := r
	up.RecordedBy = "mallory"
	up.Revoked = day(2025, 5, 1)
	got := must[store.ROI](t, "update")(db.UpdateROI(ctx, pm, up))
	if got.RecordedBy != "casey" {
		t.Errorf("UpdateROI changed recorded_by to %q => want casey", got.RecordedBy)
	}
	_, err := db.CreateROI(ctx, pm, store.ROI{ParticipantID: p.ID, Roles: []store.Role{store.RoleCommunity}, Classes: []store.DataKind{store.DataSensitive},
		Purpose: "x", Signed: day(2025, 1, 1), Expires: day(2026, 1, 1)})
	var ve *store.ValidationError
	if !errors.As(err, &ve) || !slices.ContainsFunc(ve.Errs, func(f store.FieldError) bool { return f.Field == "roles" }) {
		t.Errorf("ROI naming community => %v, want an error naming roles", err)
	}
}

// TestROIMigrationAfterRestore: a backup taken before consent was scoped
// restores as it was and is migrated when the restored store opens.
func TestROIMigrationAfterRestore(t *testing.T) {
	src := memDB(t)
	p := mustParticipant(t, src, "José", "casey")
	r := must[store.ROI](t, "create")(src.CreateROI(ctx, pm, store.ROI{ParticipantID: p.ID, Roles: []store.Role{store.RoleDefender},
		Classes: []store.DataKind{store.DataIdentity}, Purpose: "defense", Signed: day(2025, 1, 1), Expires: day(2026, 1, 1)}))
	legacy := `{"id":"` + r.ID + `","participant_id":"` + p.ID + `","covers":["provider"],` +
		`"signed":"2025-01-01T00:00:00Z","expires":"2026-01-01T00:00:00Z","created":"2025-01-01T00:00:00Z","version":1}`
	if err := src.rawSet([]byte(pfxROI+r.ID), []byte(legacy)); err != nil {
		t.Fatal(err)
	}
	unmarkROIsScoped(t, src)
	var buf bytes.Buffer
	if err := src.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "restored")
	if err := Restore(dir, &buf, nil); err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs := must[[]store.ROI](t, "list")(db.ListROIs(ctx, p.ID))
	if len(rs) != 1 || !slices.Equal(rs[0].Roles, []store.Role{store.RoleProvider}) || !slices.Equal(rs[0].Classes, store.LegacyROIClasses) || len(rs[0].Covers) != 0 {
		t.Errorf("restored ROI = %+v => want provider, legacy classes", rs)
	}
}

// unmarkROIsScoped drops the mark an owg from before it never wrote.
func unmarkROIsScoped(t *testing.T, db *DB) {
	t.Helper()
	if err := db.bdb.Update(func(txn *badger.Txn) error { return txn.Delete([]byte(keyROIScoped)) }); err != nil {
		t.Fatal(err)
	}
}
