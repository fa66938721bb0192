package badgerstore

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

// fillSite writes a little of every entity.
func fillSite(t testing.TB, db *DB) {
	t.Helper()
	k, _ := authorizedKey(t)
	must[store.User](t, "user")(db.CreateUser(ctx, pm, store.User{Name: "casey", Role: store.RoleCaseManager, Keys: []string{k}, Cap: 20, Active: true}))
	p := mustParticipant(t, db, "José Núñez", "casey")
	g := must[store.Goal](t, "goal")(db.CreateGoal(ctx, cm, store.Goal{ParticipantID: p.ID, Words: "a place of my own", Domain: store.DomainHousing}))
	must[store.Goal](t, "progress")(db.AppendProgress(ctx, cm, g.ID, store.ProgressEntry{Date: day(2025, 2, 1), Step: store.StepForward, Author: "casey"}))
	must[store.Contact](t, "contact")(db.CreateContact(ctx, cm, store.Contact{ParticipantID: p.ID, Date: day(2025, 3, 1), Kind: store.ContactOffice, Author: "casey", Sensitivity: store.Clinical, Note: "note"}))
	r := must[store.Referral](t, "referral")(db.CreateReferral(ctx, pm, newReferral("Nguyễn Thị Lan", day(2025, 4, 1))))
	must[store.Referral](t, "decide")(db.DecideReferral(ctx, pm, r.ID, store.ReferralDecision{Version: r.Version, Status: store.RefAccepted, CaseManager: "casey"}))
	must[store.LegalCase](t, "case")(db.CreateCase(ctx, pm, store.LegalCase{ParticipantID: p.ID, Kind: store.CaseWarrant, Status: store.CaseOpen, NextCourtDate: day(2025, 6, 1)}))
	must[store.ROI](t, "roi")(db.CreateROI(ctx, pm, store.ROI{ParticipantID: p.ID, Covers: []string{"police"}, Signed: day(2025, 1, 1), Expires: day(2026, 1, 1)}))
	must[store.Meeting](t, "meeting")(db.CreateMeeting(ctx, pm, store.Meeting{Date: day(2025, 5, 1), Facilitator: "pat", ActionItems: []store.ActionItem{{Text: "call", Owner: "casey"}}}))
	if err := db.SetSetting(ctx, "theme", "harbor"); err != nil {
		t.Fatal(err)
	}
	if err := db.Record(ctx, store.AuditEvent{User: "pat", Role: store.RolePM, Action: store.AuditExport, Detail: "minutes:M-0001"}); err != nil {
		t.Fatal(err)
	}
}

// dump returns every key and value of db.
func dump(t testing.TB, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			out[string(it.Item().KeyCopy(nil))] = string(v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBackupRestoreIdentical(t *testing.T) {
	key := make([]byte, 32)
	rand.Read(key)
	for _, tc := range []struct {
		name        string
		key         []byte
		restoreWith []byte
	}{
		{"plain", nil, nil},
		{"encrypted", key, key},
		{"plain to encrypted", nil, key},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := Open(t.TempDir(), Options{Key: tc.key, Now: fixedClock})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			fillSite(t, src)
			var buf bytes.Buffer
			if err := src.Backup(&buf); err != nil {
				t.Fatalf("Backup => %v", err)
			}
			dir := filepath.Join(t.TempDir(), "restored")
			if err := restoreAt(dir, bytes.NewReader(buf.Bytes()), tc.restoreWith); err != nil {
				t.Fatalf("Restore => %v", err)
			}
			dst, err := Open(dir, Options{Key: tc.restoreWith, Now: fixedClock})
			if err != nil {
				t.Fatalf("Open(restored) => %v", err)
			}
			defer dst.Close()
			want, got := dump(t, src), dump(t, dst)
			if len(want) < 30 {
				t.Fatalf("source has %d keys, want a real store", len(want))
			}
			// The restored store adds one event: the restore, naming the backup's head.
			head := must[store.AuditAnchor](t, "head")(src.AuditHead(ctx))
			evs := must[[]store.AuditEvent](t, "audit")(dst.ListAudit(ctx, store.AuditFilter{}))
			last := evs[len(evs)-1]
			if last.Seq != head.Seq+1 || last.Subject != "restore" || last.Detail != "restore:"+head.String() {
				t.Errorf("restored store's last event => %+v, want the restore of %s", last, head)
			}
			if b := must[[]store.AuditEvent](t, "backup events")(src.ListAudit(ctx, store.AuditFilter{Subject: "backup"})); len(b) != 1 || b[0].Action != store.AuditExport {
				t.Errorf("backup events in the source => %+v, want one export", b)
			}
			delete(got, auditKey(last.Seq))
			delete(got, ixAuditTime+timeKey(last.Time)+sep+seqKey(last.Seq))
			got[keyAuditHead] = want[keyAuditHead]
			for k, v := range want {
				if got[k] != v {
					t.Errorf("restored key %q => %q, want %q", k, got[k], v)
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("restored store has extra key %q", k)
				}
			}
			// and it goes on where the original stopped
			if p := mustParticipant(t, dst, "Kim", "casey"); p.ID != "P-0003" {
				t.Errorf("next id after restore => %s, want P-0003", p.ID)
			}
			if seq, err := dst.VerifyAudit(ctx); err != nil {
				t.Errorf("VerifyAudit(restored) => %d, %v", seq, err)
			}
		})
	}
}

func TestRestoreRefuses(t *testing.T) {
	src := memDB(t)
	fillSite(t, src)
	var good bytes.Buffer
	if err := src.Backup(&good); err != nil {
		t.Fatal(err)
	}
	// a backup whose audit chain is broken
	ev := must[[]store.AuditEvent](t, "audit")(src.ListAudit(ctx, store.AuditFilter{}))
	ev[2].User = "mallory"
	b, _ := json.Marshal(ev[2])
	if err := src.rawSet([]byte(auditKey(ev[2].Seq)), b); err != nil {
		t.Fatal(err)
	}
	var tampered bytes.Buffer
	if err := src.Backup(&tampered); err != nil {
		t.Fatal(err)
	}
	// a backup of a Badger database that is not owg's
	foreign, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	foreign.Update(func(txn *badger.Txn) error { return txn.Set([]byte("k"), []byte("v")) })
	var alien bytes.Buffer
	foreign.Backup(&alien, 0)
	foreign.Close()

	nonEmpty := t.TempDir()
	os.WriteFile(filepath.Join(nonEmpty, "x"), []byte("x"), 0o600)
	for _, tc := range []struct {
		name string
		dir  string
		data []byte
		want string
	}{
		{"non-empty dir", nonEmpty, good.Bytes(), "is not empty"},
		{"garbage", "", []byte(strings.Repeat("garbage!", 100)), "damaged or not a backup"},
		{"tampered", "", tampered.Bytes(), "audit trail is broken at event 3"},
		{"foreign", "", alien.Bytes(), "not an owg store"},
	} {
		dir := tc.dir
		if dir == "" {
			dir = filepath.Join(t.TempDir(), "r")
		}
		err := restoreAt(dir, bytes.NewReader(tc.data), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Restore => %v, want %q", tc.name, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "runtime error") {
			t.Errorf("%s: Restore => %v, want a plain message, not a runtime error", tc.name, err)
		}
		if tc.dir == "" {
			// the directory did not exist: a failed restore does not leave
			// it behind, empty or not
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				ents, _ := os.ReadDir(dir)
				t.Errorf("%s: Restore left %s behind (%d files), want nothing", tc.name, dir, len(ents))
			}
		}
	}
}

func TestRestoreBesideOwnFiles(t *testing.T) {
	src := memDB(t)
	fillSite(t, src)
	var good bytes.Buffer
	if err := src.Backup(&good); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	proto := filepath.Join(dir, "protocol.toml")
	os.WriteFile(proto, []byte("site = 'x'"), 0o600)
	if err := restoreAt(dir, strings.NewReader("garbage"), nil); err == nil {
		t.Fatalf("Restore(garbage) => nil, want an error")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("after a failed restore => %d files, want protocol.toml only", len(ents))
	}
	if err := restoreAt(dir, &good, nil); err != nil {
		t.Fatalf("Restore(beside protocol.toml) => %v", err)
	}
	if b, _ := os.ReadFile(proto); string(b) != "site = 'x'" {
		t.Errorf("protocol.toml => %q, want it untouched", b)
	}
}

// restoreAt restores with the test clock.
func restoreAt(dir string, r io.Reader, key []byte) error {
	_, err := RestoreWith(dir, r, RestoreOptions{Key: key, Now: fixedClock})
	return err
}

// TestBackupSealedAndChecked: an encrypted store's backup is encrypted
// (no participant name in it), a plain store's backup can be sealed with
// a key of its own, every backup names its audit head, and a backup that
// is damaged, cut short, empty or sealed with another key is refused
// before anything is written.
func TestBackupSealedAndChecked(t *testing.T) {
	storeKey, backupKey := make([]byte, 32), make([]byte, 32)
	rand.Read(storeKey)
	rand.Read(backupKey)
	enc, err := Open(t.TempDir(), Options{Key: storeKey, Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	fillSite(t, enc)
	var sealed bytes.Buffer
	info, err := enc.BackupWith(&sealed, BackupOptions{Actor: pm})
	if err != nil {
		t.Fatal(err)
	}
	head := must[store.AuditAnchor](t, "head")(enc.AuditHead(ctx))
	if !info.Encrypted || info.Head != head || !bytes.Contains(sealed.Bytes(), []byte(head.String())) {
		t.Errorf("BackupWith(encrypted store) => %+v, want encrypted with head %s in its header", info, head)
	}
	for _, secret := range []string{"José Núñez", "Nguyễn Thị Lan", "casey"} {
		if bytes.Contains(sealed.Bytes(), []byte(secret)) {
			t.Errorf("the encrypted store's backup holds %q in plain text", secret)
		}
	}

	plain := memDB(t)
	fillSite(t, plain)
	var own bytes.Buffer
	if info, err := plain.BackupWith(&own, BackupOptions{Key: backupKey}); err != nil || !info.Encrypted || bytes.Contains(own.Bytes(), []byte("José")) {
		t.Errorf("BackupWith(plain store, backup key) => %+v, %v; want sealed", info, err)
	}
	var open bytes.Buffer
	if err := plain.Backup(&open); err != nil {
		t.Fatal(err)
	}

	flip := func(b []byte, off int) []byte { c := bytes.Clone(b); c[off] ^= 1; return c }
	for _, tc := range []struct {
		name string
		data []byte
		o    RestoreOptions
		want string
	}{
		{"empty", nil, RestoreOptions{}, "empty"},
		{"payload byte flipped", flip(open.Bytes(), open.Len()-10), RestoreOptions{}, "checksum does not match"},
		{"cut short", open.Bytes()[:open.Len()-100], RestoreOptions{}, "cut short"},
		{"sealed byte flipped (checksum fixed up is still caught by the seal)", flip(sealed.Bytes(), sealed.Len()-5), RestoreOptions{Key: storeKey}, "checksum does not match"},
		{"sealed, no key", sealed.Bytes(), RestoreOptions{}, "encrypted: give the key"},
		{"sealed, wrong key", sealed.Bytes(), RestoreOptions{Key: backupKey}, "not the one this backup was encrypted with"},
		{"header damaged", bytes.Replace(open.Bytes(), []byte(`"size"`), []byte(`"siz"`), 1), RestoreOptions{}, "checksum does not match"},
	} {
		dir := filepath.Join(t.TempDir(), "r")
		tc.o.Now = fixedClock
		_, err := RestoreWith(dir, bytes.NewReader(tc.data), tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: RestoreWith => %v, want %q", tc.name, err, tc.want)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: a refused backup wrote %s", tc.name, dir)
		}
	}
	for _, tc := range []struct {
		name string
		data []byte
		o    RestoreOptions
	}{
		{"sealed with the store key", sealed.Bytes(), RestoreOptions{Key: storeKey}},
		{"sealed with a backup key, restored plain", own.Bytes(), RestoreOptions{BackupKey: backupKey}},
	} {
		dir := filepath.Join(t.TempDir(), "r")
		tc.o.Now = fixedClock
		info, err := RestoreWith(dir, bytes.NewReader(tc.data), tc.o)
		if err != nil || info.Legacy || info.Head.Seq == 0 {
			t.Errorf("%s: RestoreWith => %+v, %v", tc.name, info, err)
		}
	}
}

// TestRestoreRefusesAnEmptyStream: a (header-less) backup stream that
// loads nothing is refused, never restored as an empty store with
// "0 events".
func TestRestoreRefusesAnEmptyStream(t *testing.T) {
	foreign, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	var empty bytes.Buffer
	foreign.Backup(&empty, 0)
	foreign.Close()
	dir := filepath.Join(t.TempDir(), "r")
	err = restoreAt(dir, bytes.NewReader(empty.Bytes()), nil)
	if err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("Restore(a backup of nothing, %d bytes) => %v, want refused as empty", empty.Len(), err)
	}
}

// TestBackupCarriesProtocolFile: the protocol file given to BackupWith
// comes back from RestoreWith into the data directory, sealed with the
// payload when encrypted; a protocol file altered in the backup is refused
// before anything is written.
func TestBackupCarriesProtocolFile(t *testing.T) {
	db := memDB(t)
	fillSite(t, db)
	proto := []byte("hmis_agency = \"County HMIS\"\n")
	key := make([]byte, 32)
	rand.Read(key)
	for _, k := range [][]byte{nil, key} {
		var bk bytes.Buffer
		if _, err := db.BackupWith(&bk, BackupOptions{Key: k, Protocol: ProtocolFile{Known: true, Text: proto}}); err != nil {
			t.Fatal(err)
		}
		if k != nil && bytes.Contains(bk.Bytes(), []byte("County HMIS")) {
			t.Errorf("an encrypted backup holds the protocol file in the clear")
		}
		dir := filepath.Join(t.TempDir(), "d")
		info, err := RestoreWith(dir, bytes.NewReader(bk.Bytes()), RestoreOptions{BackupKey: k, Now: fixedClock})
		if err != nil || !info.ProtocolWritten || !bytes.Equal(info.Protocol.Text, proto) {
			t.Fatalf("RestoreWith => %+v, %v; want the protocol file written", info, err)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, ProtocolFileName)); !bytes.Equal(got, proto) {
			t.Errorf("restored protocol file: %q", got)
		}
		// one byte of the carried file changed: refused, nothing written
		i := bytes.Index(bk.Bytes(), []byte(`"protocol_data":"`)) + len(`"protocol_data":"`)
		bad := bytes.Clone(bk.Bytes())
		if bad[i] == 'A' {
			bad[i] = 'B'
		} else {
			bad[i] = 'A'
		}
		dir2 := filepath.Join(t.TempDir(), "d")
		if _, err := RestoreWith(dir2, bytes.NewReader(bad), RestoreOptions{BackupKey: k, Now: fixedClock}); err == nil || !strings.Contains(err.Error(), "protocol file") {
			t.Errorf("a damaged protocol file => %v, want refused", err)
		}
		if _, err := os.Stat(dir2); err == nil {
			t.Errorf("a refused restore left %s", dir2)
		}
	}
}
