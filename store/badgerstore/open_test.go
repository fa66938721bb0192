package badgerstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

func TestOpenSecondTimeIsLocked(t *testing.T) {
	db, dir := diskDB(t)
	_ = db
	_, err := Open(dir, Options{Now: fixedClock})
	wantIs(t, "second Open", err, store.ErrLocked)
	if err != nil && strings.Contains(err.Error(), "Badger") {
		t.Errorf("second Open => %q, want a plain message without Badger's", err)
	}
}

func TestOpenBesideOwnFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"protocol.toml", "ssh_host_ed25519", ".hidden"} {
		os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600)
	}
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		t.Fatalf("Open(dir with owg's own files) => %v, want nil", err)
	}
	db.Close()
}

func TestReopenKeepsDataAndFormat(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	mustParticipant(t, db, "José", "casey")
	db.Close()
	db, err = Open(dir, Options{Now: fixedClock})
	if err != nil {
		t.Fatalf("reopen => %v", err)
	}
	defer db.Close()
	if _, err := db.GetParticipant(ctx, "P-0001"); err != nil {
		t.Errorf("after reopen GetParticipant => %v", err)
	}
	if p := mustParticipant(t, db, "Lan", "casey"); p.ID != "P-0002" {
		t.Errorf("after reopen next id => %s, want P-0002", p.ID)
	}
}

func TestEncryption(t *testing.T) {
	dir := t.TempDir()
	key := make([]byte, 32)
	rand.Read(key)
	db, err := Open(dir, Options{Key: key, Now: fixedClock})
	if err != nil {
		t.Fatalf("Open(encrypted) => %v", err)
	}
	mustParticipant(t, db, "José Núñez", "casey")
	db.Close()

	// nothing readable on disk
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			if bytes.Contains(b, []byte("casey")) {
				t.Errorf("%s holds plain text of an encrypted store", d.Name())
			}
		}
		return nil
	})

	other := make([]byte, 32)
	rand.Read(other)
	for _, tc := range []struct {
		name string
		key  []byte
		want error
		msg  string
	}{
		{"no key", nil, ErrKeyRequired, "give --key-file or OWG_KEY_FILE"},
		{"wrong key", other, ErrWrongKey, "wrong encryption key"},
		{"short key", []byte("short"), nil, "want 32"},
	} {
		_, err := Open(dir, Options{Key: tc.key, Now: fixedClock})
		if err == nil || !strings.Contains(err.Error(), tc.msg) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("%s: Open => %v, want %v (%q)", tc.name, err, tc.want, tc.msg)
		}
	}
	db, err = Open(dir, Options{Key: key, Now: fixedClock})
	if err != nil {
		t.Fatalf("Open(right key) => %v", err)
	}
	defer db.Close()
	if p, err := db.GetParticipant(ctx, "P-0001"); err != nil || p.Name != "José Núñez" {
		t.Errorf("GetParticipant(encrypted) => %q, %v", p.Name, err)
	}

	// a key for a store that is not encrypted
	plainDB, plain := diskDB(t)
	plainDB.Close()
	_, err = Open(plain, Options{Key: key, Now: fixedClock})
	if err == nil || !strings.Contains(err.Error(), "not encrypted") {
		t.Errorf("Open(plain store, key) => %v, want 'not encrypted'", err)
	}
}

func TestForeignAndCorruptDirs(t *testing.T) {
	cases := []struct {
		name string
		prep func(t *testing.T, dir string)
		want string
	}{
		{"random files", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o600)
			os.WriteFile(filepath.Join(dir, "photo.jpg"), make([]byte, 1000), 0o600)
		}, "not an owg store"},
		{"a file, not a directory", nil, "not an owg store"},
		{"foreign badger db", func(t *testing.T, dir string) {
			bdb, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
			if err != nil {
				t.Fatal(err)
			}
			bdb.Update(func(txn *badger.Txn) error { return txn.Set([]byte("user:1"), []byte("x")) })
			bdb.Close()
		}, "without owg's format marker"},
		{"other format", func(t *testing.T, dir string) {
			bdb, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
			if err != nil {
				t.Fatal(err)
			}
			bdb.Update(func(txn *badger.Txn) error { return txn.Set([]byte(keyFormat), []byte("owg/9")) })
			bdb.Close()
		}, `format "owg/9"`},
		{"garbage manifest", func(t *testing.T, dir string) {
			makeStore(t, dir)
			garbage(t, filepath.Join(dir, badger.ManifestFilename))
		}, "damaged or not an owg store"},
		{"garbage key registry", func(t *testing.T, dir string) {
			makeStore(t, dir)
			garbage(t, filepath.Join(dir, badger.KeyRegistryFileName))
		}, "store"},
		{"garbage tables", func(t *testing.T, dir string) {
			makeStore(t, dir)
			files, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
			if len(files) == 0 {
				t.Fatal("no .sst files")
			}
			for _, f := range files {
				garbage(t, f)
			}
		}, "store"},
		{"empty manifest", func(t *testing.T, dir string) {
			makeStore(t, dir)
			os.WriteFile(filepath.Join(dir, badger.ManifestFilename), nil, 0o600)
		}, "store"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if tc.prep == nil {
				os.WriteFile(dir, []byte("x"), 0o600)
			} else {
				os.MkdirAll(dir, 0o700)
				tc.prep(t, dir)
			}
			var db *DB
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("Open panicked: %v", r)
					}
				}()
				db, err = Open(dir, Options{Now: fixedClock})
			}()
			if err == nil {
				// Badger may repair some damage; then the store must still be usable and say so on verify.
				defer db.Close()
				if strings.Contains(tc.name, "manifest") || tc.want != "store" {
					t.Fatalf("Open(%s) => nil error, want %q", tc.name, tc.want)
				}
				_, verr := db.VerifyAudit(ctx)
				t.Logf("Open(%s) recovered; VerifyAudit => %v", tc.name, verr)
				return
			}
			t.Logf("Open(%s) => %v", tc.name, err)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open(%s) => %q, want it to say %q", tc.name, err, tc.want)
			}
		})
	}
}

// makeStore writes a small owg store with tables on disk, then closes it.
func makeStore(t *testing.T, dir string) {
	t.Helper()
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		mustParticipant(t, db, fmt.Sprint("P", i), "casey")
	}
	if err := db.bdb.Flatten(1); err != nil {
		t.Fatal(err)
	}
	db.Close()
}

func garbage(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, fi.Size())
	rand.Read(b)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestReadKeyFile(t *testing.T) {
	dir := t.TempDir()
	raw := make([]byte, 32)
	rand.Read(raw)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	for _, tc := range []struct {
		name, path string
		want       []byte
		err        string
	}{
		{"raw", write("raw", raw), raw, ""},
		{"hex", write("hex", []byte(hex.EncodeToString(raw)+"\n")), raw, ""},
		{"short", write("short", []byte("abc")), nil, "want 32 raw bytes or 64 hex characters"},
		{"bad hex", write("badhex", []byte(strings.Repeat("zz", 32))), nil, "want 32 raw bytes or 64 hex characters"},
		{"missing", filepath.Join(dir, "nope"), nil, "no such file"},
	} {
		got, err := ReadKeyFile(tc.path)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: ReadKeyFile => %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Errorf("%s: ReadKeyFile => %x, %v; want %x", tc.name, got, err, tc.want)
		}
	}
}

type recLogger struct{ lines []string }

func (l *recLogger) Errorf(f string, a ...any) { l.lines = append(l.lines, "E "+fmt.Sprintf(f, a...)) }
func (l *recLogger) Warningf(f string, a ...any) {
	l.lines = append(l.lines, "W "+fmt.Sprintf(f, a...))
}
func (l *recLogger) Infof(f string, a ...any)  { l.lines = append(l.lines, "I "+fmt.Sprintf(f, a...)) }
func (l *recLogger) Debugf(f string, a ...any) { l.lines = append(l.lines, "D "+fmt.Sprintf(f, a...)) }

func TestLoggerGetsOnlyWarnings(t *testing.T) {
	l := &recLogger{}
	db, err := Open(t.TempDir(), Options{Logger: l, Now: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	mustParticipant(t, db, "José", "casey")
	db.Close()
	for _, line := range l.lines {
		if line[0] == 'I' || line[0] == 'D' {
			t.Errorf("logger got %q, want warnings and errors only", line)
		}
	}
}

func TestUseAfterCloseIsAnError(t *testing.T) {
	db, err := OpenMemoryAt(fixedClock)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := db.GetParticipant(ctx, "P-0001"); !errors.Is(err, ErrClosed) {
		t.Errorf("GetParticipant after Close: err = %v => want ErrClosed", err)
	}
	if _, err := db.CreateUser(ctx, store.SystemActor, store.User{Name: "a", Role: store.RolePM, Active: true}); !errors.Is(err, ErrClosed) {
		t.Errorf("CreateUser after Close: err = %v => want ErrClosed", err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v => want nil", err)
	}
}
