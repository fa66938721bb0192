package backupset

import (
	"bytes"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	key := randomBytes(t, 32)
	for _, tc := range []struct {
		name string
		key  []byte
		size int
	}{
		{"plain empty", nil, 0},
		{"plain", nil, 3*chunkSize + 17},
		{"encrypted empty", key, 0},
		{"encrypted one chunk", key, chunkSize},
		{"encrypted", key, 5*chunkSize + 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := randomBytes(t, tc.size)
			var file bytes.Buffer
			w, err := NewWriter(&file, Header{Kind: KindFull, Created: testNow}, tc.key)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(data[:tc.size/2])
			w.Write(data[tc.size/2:])
			if err := w.Close(42); err != nil {
				t.Fatal(err)
			}
			if tc.key != nil && bytes.Contains(file.Bytes(), data[:min(len(data), 64)]) && tc.size > 0 {
				t.Fatal("encrypted file holds the plaintext")
			}
			var got bytes.Buffer
			h, tr, err := Decode(bytes.NewReader(file.Bytes()), tc.key, &got)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !bytes.Equal(got.Bytes(), data) || tr.Until != 42 || h.Encrypted != (tc.key != nil) {
				t.Fatalf("got %d bytes until %d encrypted %v, want %d bytes until 42", got.Len(), tr.Until, h.Encrypted, len(data))
			}
			// Truncated anywhere: an error, never a short success.
			for _, cut := range []int{file.Len() - 1, file.Len() / 2, len(Magic) + 3} {
				if _, _, err := Decode(bytes.NewReader(file.Bytes()[:cut]), tc.key, io.Discard); err == nil {
					t.Errorf("truncated at %d of %d: no error", cut, file.Len())
				}
			}
			if tc.key != nil {
				bad := bytes.Clone(file.Bytes())
				bad[len(bad)-5] ^= 1
				if _, _, err := Decode(bytes.NewReader(bad), tc.key, io.Discard); err == nil {
					t.Error("altered file decoded")
				}
				if _, _, err := Decode(bytes.NewReader(file.Bytes()), randomBytes(t, 32), io.Discard); err == nil {
					t.Error("wrong key decoded")
				}
				if _, _, err := Decode(bytes.NewReader(file.Bytes()), nil, io.Discard); err != ErrKeyRequired {
					t.Errorf("no key: %v, want ErrKeyRequired", err)
				}
			}
		})
	}
}

// write takes one backup whose stream is data and reaches version until.
func write(t *testing.T, dir string, h Header, key []byte, data string, until uint64) Entry {
	t.Helper()
	e, _, err := Write(dir, h, key, func(w io.Writer) (uint64, error) {
		_, err := io.WriteString(w, data)
		return until, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func replay(t *testing.T, dir string, p Plan, key []byte) string {
	t.Helper()
	var out strings.Builder
	for _, s := range p.Steps {
		rc := Open(dir, s, key)
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out.Write(b)
	}
	return out.String()
}

func TestPlanStopsAtTheFirstBrokenLink(t *testing.T) {
	dir := t.TempDir()
	key := randomBytes(t, 32)
	full := write(t, dir, Header{Kind: KindFull, Created: testNow}, key, "F", 10)
	write(t, dir, Header{Kind: KindIncr, Chain: full.Name, Since: 10, Created: testNow.Add(time.Minute)}, key, "a", 20)
	b := write(t, dir, Header{Kind: KindIncr, Chain: full.Name, Since: 20, Created: testNow.Add(2 * time.Minute)}, key, "b", 30)
	p, err := MakePlan(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	if got := replay(t, dir, p, key); got != "Fab" || !p.Until().Equal(testNow.Add(2*time.Minute)) {
		t.Fatalf("replay %q until %s, want Fab until +2m", got, p.Until())
	}
	// A server killed mid-backup leaves a temporary file, or a file whose
	// checksum was never written; a damaged file fails its checksum.
	os.WriteFile(filepath.Join(dir, tmpPrefix+"owg-x-full.owgbk-1"), []byte("OWGBACK"), 0o600)
	c := write(t, dir, Header{Kind: KindIncr, Chain: full.Name, Since: 30, Created: testNow.Add(3 * time.Minute)}, key, "c", 40)
	os.Remove(c.Path(dir) + SumExt)
	p, err = MakePlan(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	if got := replay(t, dir, p, key); got != "Fab" || len(p.Skipped) != 1 || !strings.Contains(p.Skipped[0], "no checksum") {
		t.Fatalf("replay %q skipped %q, want Fab and c skipped for its checksum", got, p.Skipped)
	}
	raw, _ := os.ReadFile(b.Path(dir))
	raw[len(raw)-3] ^= 0xff
	os.WriteFile(b.Path(dir), raw, 0o600)
	p, _ = MakePlan(dir, key)
	if got := replay(t, dir, p, key); got != "Fa" || !strings.Contains(p.Skipped[0], "checksum mismatch") {
		t.Fatalf("replay %q skipped %q, want Fa and b's checksum mismatch", got, p.Skipped)
	}
	// A gap in versions stops the chain too.
	dir2 := t.TempDir()
	f2 := write(t, dir2, Header{Kind: KindFull, Created: testNow}, nil, "F", 10)
	write(t, dir2, Header{Kind: KindIncr, Chain: f2.Name, Since: 11, Created: testNow}, nil, "x", 20)
	p, _ = MakePlan(dir2, nil)
	if got := replay(t, dir2, p, nil); got != "F" || !strings.Contains(p.Skipped[0], "starts at version 11") {
		t.Fatalf("replay %q skipped %q", got, p.Skipped)
	}
	Clean(dir)
	if m, _ := filepath.Glob(filepath.Join(dir, tmpPrefix+"*")); len(m) != 0 {
		t.Errorf("Clean left %v", m)
	}
}

func TestPruneKeepsTheNewestFulls(t *testing.T) {
	dir := t.TempDir()
	var fulls []Entry
	for i := range 4 {
		f := write(t, dir, Header{Kind: KindFull, Created: testNow}, nil, "F", uint64(10*i+1))
		fulls = append(fulls, f)
		write(t, dir, Header{Kind: KindIncr, Chain: f.Name, Since: uint64(10*i + 1), Created: testNow}, nil, "i", uint64(10*i+2))
	}
	removed, err := Prune(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 4 {
		t.Fatalf("removed %v, want the two oldest fulls and their increments", removed)
	}
	list, _ := List(dir)
	if len(list) != 4 || list[0].Name != fulls[2].Name {
		t.Fatalf("left %v", list)
	}
	if _, err := os.Stat(fulls[0].Path(dir) + SumExt); err == nil {
		t.Error("pruned file's checksum left behind")
	}
}

func TestPlanReportsAnUnreadableIncrement(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, Header{Kind: KindFull, Created: testNow}, nil, "F", 10)
	e := write(t, dir, Header{Kind: KindIncr, Chain: f.Name, Since: 10, Created: testNow}, nil, "a", 20)
	os.WriteFile(e.Path(dir), []byte(Magic+"{\"ki"), 0o600) // cut inside its header
	p, err := MakePlan(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 1 || len(p.Skipped) != 1 || !strings.Contains(p.Skipped[0], e.Name) {
		t.Fatalf("steps %d skipped %q, want the full and the damaged increment named", len(p.Steps), p.Skipped)
	}
}

// TestTrailerCarriesALargeProtocol: a trailer carrying the largest
// protocol file owg reads (256 KiB) is written and read back whole.
func TestTrailerCarriesALargeProtocol(t *testing.T) {
	key := randomBytes(t, 32)
	proto := bytes.Repeat([]byte("x = 1\n"), (256<<10)/6)
	var file bytes.Buffer
	w, err := NewWriter(&file, Header{Kind: KindFull, Created: testNow}, key)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("stream"))
	if err := w.CloseWith(Trailer{Until: 7, Protocol: "file", ProtocolText: proto}); err != nil {
		t.Fatal(err)
	}
	_, tr, err := Decode(&file, key, io.Discard)
	if err != nil || tr.Protocol != "file" || !bytes.Equal(tr.ProtocolText, proto) {
		t.Fatalf("Decode => %q, %d bytes of protocol, %v", tr.Protocol, len(tr.ProtocolText), err)
	}
}
