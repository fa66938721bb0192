package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadtable/owg/store"
)

// newestProtocolHash is the hash of the newest protocol version dir's
// store recorded.
func newestProtocolHash(t *testing.T, dir string) string {
	t.Helper()
	db := openStore(t, dir)
	defer db.Close()
	vs, err := db.ListProtocolVersions(context.Background())
	if err != nil || len(vs) == 0 {
		t.Fatalf("protocol versions of %s: %d, %v", dir, len(vs), err)
	}
	return vs[len(vs)-1].Hash
}

// TestBackupCarriesTheProtocol: a backup carries the site's protocol file
// and a restore writes it back, so the restored site runs on the same
// protocol version (the demo's names its HMIS agency); a different
// protocol file already in the target is never replaced; a backup made
// before backups carried it restores as before, saying so.
func TestBackupCarriesTheProtocol(t *testing.T) {
	dir := demoDir(t)
	proto, err := os.ReadFile(filepath.Join(dir, protocolFile))
	if err != nil || !bytes.Contains(proto, []byte(`hmis_agency = "County HMIS"`)) {
		t.Fatalf("the demo's protocol file: %v\n%s", err, proto)
	}
	bk := filepath.Join(t.TempDir(), "bk.owg")
	want(t, owg(t, nil, "--data", dir, "backup", bk), 0, "carries the protocol file (version "+store.ProtocolVersionOf(proto)+")")

	dst := filepath.Join(t.TempDir(), "new")
	r := owg(t, nil, "--data", dst, "restore", bk)
	want(t, r, 0, "audit trail intact", "protocol file restored: "+filepath.Join(dst, protocolFile))
	if strings.Contains(r.stderr, "protocol changed") {
		t.Errorf("the restored site changed protocol:\n%s", r)
	}
	if got, err := os.ReadFile(filepath.Join(dst, protocolFile)); err != nil || !bytes.Equal(got, proto) {
		t.Fatalf("restored protocol file: %v\n%s", err, got)
	}
	if a, b := newestProtocolHash(t, dir), newestProtocolHash(t, dst); a != b || b != store.ProtocolHash(proto) {
		t.Errorf("newest protocol version %s restored as %s, want %s", a, b, store.ProtocolHash(proto))
	}
	want(t, owg(t, nil, "--data", dst, "export", "hmis", "--output", filepath.Join(t.TempDir(), "hmis")), 0)

	// Encrypted: the protocol file travels sealed, and comes back.
	keyFile := filepath.Join(t.TempDir(), "bk.key")
	os.WriteFile(keyFile, bytes.Repeat([]byte("k"), 32), 0o600)
	sealed := filepath.Join(t.TempDir(), "sealed.owg")
	want(t, owg(t, nil, "--data", dir, "backup", "--backup-key-file", keyFile, sealed), 0, "encrypted", "carries the protocol file")
	if b, _ := os.ReadFile(sealed); bytes.Contains(b, []byte("County HMIS")) {
		t.Errorf("an encrypted backup holds the protocol file in the clear")
	}
	dst2 := filepath.Join(t.TempDir(), "new2")
	want(t, owg(t, nil, "--data", dst2, "restore", "--backup-key-file", keyFile, sealed), 0, "protocol file restored")
	if got, _ := os.ReadFile(filepath.Join(dst2, protocolFile)); !bytes.Equal(got, proto) {
		t.Fatalf("protocol file restored from the encrypted backup:\n%s", got)
	}

	// A different protocol file in the target: refused, nothing written.
	dst3 := filepath.Join(t.TempDir(), "new3")
	os.MkdirAll(dst3, 0o700)
	other := []byte(strings.Replace(string(proto), "County HMIS", "Other HMIS", 1))
	os.WriteFile(filepath.Join(dst3, protocolFile), other, 0o600)
	want(t, owg(t, nil, "--data", dst3, "restore", bk), 1, "differs from the protocol file in the backup", "nothing was written")
	if ents, _ := os.ReadDir(dst3); len(ents) != 1 {
		t.Errorf("a refused restore left %d files", len(ents))
	}
	if got, _ := os.ReadFile(filepath.Join(dst3, protocolFile)); !bytes.Equal(got, other) {
		t.Errorf("the target's own protocol file was changed")
	}
	// The same one: kept, the restore goes on.
	os.WriteFile(filepath.Join(dst3, protocolFile), proto, 0o600)
	want(t, owg(t, nil, "--data", dst3, "restore", bk), 0, "already here, is the backup's")

	// A backup made before backups carried the protocol: restored as
	// before, saying plainly that it held no protocol file.
	b, _ := os.ReadFile(bk)
	magic, rest, _ := bytes.Cut(b, []byte("\n"))
	line, payload, _ := bytes.Cut(rest, []byte("\n"))
	var hdr map[string]any
	if err := json.Unmarshal(line, &hdr); err != nil {
		t.Fatal(err)
	}
	for k := range hdr {
		if strings.HasPrefix(k, "protocol") {
			delete(hdr, k)
		}
	}
	line, _ = json.Marshal(hdr)
	old := filepath.Join(t.TempDir(), "old.owg")
	os.WriteFile(old, append(append(append(append(magic, '\n'), line...), '\n'), payload...), 0o600)
	dst4 := filepath.Join(t.TempDir(), "new4")
	want(t, owg(t, nil, "--data", dst4, "restore", old), 0, "audit trail intact", "no protocol file was in the backup")
	if _, err := os.Stat(filepath.Join(dst4, protocolFile)); err == nil {
		t.Errorf("a protocol file appeared from a backup without one")
	}

	// A site on the built-in protocol: the backup says so, as does its restore.
	plain := filepath.Join(t.TempDir(), "plain")
	key, _ := newKey(t)
	want(t, owg(t, nil, "--data", plain, "user", "add", "--name", "kim", "--role", "police", "--key", key), 0)
	pbk := filepath.Join(t.TempDir(), "plain.owg")
	want(t, owg(t, nil, "--data", plain, "backup", pbk), 0, "built-in protocol")
	dst5 := filepath.Join(t.TempDir(), "new5")
	want(t, owg(t, nil, "--data", dst5, "restore", pbk), 0, "ran on the built-in protocol")
	if _, err := os.Stat(filepath.Join(dst5, protocolFile)); err == nil {
		t.Errorf("a protocol file appeared for a site on the built-in protocol")
	}
}
