package sshserve

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

// chunked reads from data in reads of at most n bytes.
type chunked struct {
	data []byte
	n    int
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	k := min(len(p), c.n, len(c.data))
	copy(p, c.data[:k])
	c.data = c.data[k:]
	return k, nil
}

// screenAll runs data through a guard that never really sleeps and
// returns what passed and how many pauses it asked for.
func screenAll(t testing.TB, data []byte) ([]byte, int) {
	t.Helper()
	g := newInputGuard(&chunked{data: data, n: 4096})
	g.sleep = func(time.Duration) {}
	// A fixed clock: no gap between reads ever resets the burst.
	g.now = func() time.Time { return testNow }
	out, err := io.ReadAll(g)
	if err != nil {
		t.Fatal(err)
	}
	return out, g.pauseSeen
}

func TestInputGuardPassesOrdinaryInput(t *testing.T) {
	in := "abc\r\x1b[A\x1b[1;5C\x7f\x03é漢😀\x1bx\x1b\x1b[B" +
		"\x1b]11;rgb:0000/0000/0000\x1b\\\x1b]10;rgb:ffff/ffff/ffff\x07\x1bP>|xterm(388)\x1b\\" +
		"\x1b[?2026;2$y\x1b[<0;10;5M\x1bOA\x1b[200~pasted\nline\x1b[201~q"
	out, pauses := screenAll(t, []byte(in))
	if string(out) != in || pauses != 0 {
		t.Errorf("screened %q, %d pauses => want the input unchanged, no pause", out, pauses)
	}
}

func TestInputGuardBoundsSequencesPastesAndBursts(t *testing.T) {
	const mb = 1 << 20
	for _, tc := range []struct {
		name      string
		in        string
		maxOut    int
		wantTail  string
		minPauses int
	}{
		{"endless CSI digits", "\x1b[" + strings.Repeat("1", mb) + "Aq", maxInputSeq + 1, "q", 1},
		{"unterminated OSC", "\x1b]0;" + strings.Repeat("x", mb), maxInputSeq, "", 0},
		{"OSC ended late", "\x1b]0;" + strings.Repeat("x", mb) + "\x07q", maxInputSeq + 1, "q", 1},
		{"8-bit DCS", "\x90" + strings.Repeat("x", mb) + "\x9cq", maxInputSeq + 1, "q", 1},
		{"paste with no end", "\x1b[200~" + strings.Repeat("y", mb), maxPaste + 6, "", 0},
		{"long paste, then its end and a key", "\x1b[200~" + strings.Repeat("y\x1b[A", mb/4) + pasteEnd + "q", maxPaste + 16, pasteEnd + "q", 0},
		{"a burst of typing", strings.Repeat("a", mb), mb, "a", mb/maxInputBurst - 1},
	} {
		out, pauses := screenAll(t, []byte(tc.in))
		if len(out) > tc.maxOut || !bytes.HasSuffix(out, []byte(tc.wantTail)) || pauses < tc.minPauses {
			t.Errorf("%s: %d bytes passed (tail %q), %d pauses => want at most %d ending %q, at least %d pauses",
				tc.name, len(out), out[max(0, len(out)-10):], pauses, tc.maxOut, tc.wantTail, tc.minPauses)
		}
	}
}

func FuzzInputGuard(f *testing.F) {
	for _, s := range []string{"abc", "\x1b[200~x\x1b[201~", "\x1b]0;t\x07", "\x1b[1;5A", "\x90x\x9c", "é\x1b\x1b[A", "\x1bP\x1b\x1b\\"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, _ := screenAll(t, data)
		if len(out) > len(data) {
			t.Fatalf("%d bytes out of %d in", len(out), len(data))
		}
		if len(data) < maxInputSeq && bytes.IndexFunc(data, func(r rune) bool { return r == 0x1b || r >= 0x80 }) < 0 && !bytes.Equal(out, data) {
			t.Fatalf("plain input changed: %q => %q", data, out)
		}
	})
}

// A client that starts a bracketed paste and never ends it, or streams an
// endless escape sequence, keeps its session's memory bounded and the
// session usable. (Without the guard the decoder held all 16 MiB, and
// re-scanning it took seconds.)
func TestEndlessPasteAndSequenceOverSSH(t *testing.T) {
	e := newTestEnv(t, nil)
	k := e.addUser("lee", store.RoleCaseManager, true)
	c := e.open(k, true)
	defer c.close()
	c.out.waitFor(t, 0, "user lee", waitLong)
	before := heapInUse()
	chunk := strings.Repeat("z", 64<<10)
	for _, open := range []string{"\x1b[200~", "\x1b]0;"} {
		c.send(open)
		// 16 MiB; writes block on the channel's 2 MiB window, so when the
		// loop ends the server has taken in at least 14 MiB.
		for range 256 {
			c.send(chunk)
		}
		during := heapInUse()
		t.Logf("%q then 16 MiB: heap in use %.1f MiB before, %.1f MiB while still open", open, float64(before)/(1<<20), float64(during)/(1<<20))
		if during-before > 8<<20 {
			t.Errorf("%q then 16 MiB: heap grew %d MiB => want under 8 MiB", open, (during-before)>>20)
		}
		if open == "\x1b[200~" {
			c.send(pasteEnd)
		} else {
			c.send("\x07")
		}
	}
	c.send("x")
	eventually(t, 30*time.Second, "the key after it all", func() bool { return e.probe.has("lee", isKey("x")) })
}
