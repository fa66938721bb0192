package main

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"

	"github.com/leadtable/owg/store"
)

// TestStartWithoutGC: the collector is off until restore (or the pause
// ends), then as it was; GOGC or GOMEMLIMIT in the environment leave it
// alone.
func TestStartWithoutGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	debug.SetGCPercent(before)
	restore := startWithoutGC(func(string) string { return "" }, time.Hour)
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("during the start GC percent = %d => want -1 (off)", got)
	}
	restore()
	restore() // twice is harmless
	if got := debug.SetGCPercent(before); got != before {
		t.Errorf("after restore GC percent = %d => want %d", got, before)
	}
	restore = startWithoutGC(func(k string) string {
		if k == "GOGC" {
			return "200"
		}
		return ""
	}, time.Hour)
	if got := debug.SetGCPercent(before); got != before {
		t.Errorf("with GOGC set GC percent = %d => want %d (untouched)", got, before)
	}
	restore()
}

// TestStartTrace: with OWG_TRACE_START a start appends one line a phase
// (name, ms since launch, ms since the phase before, CPU ms), counted from
// OWG_TRACE_T0 when given; without it nothing is written and a nil trace
// does nothing.
func TestStartTrace(t *testing.T) {
	var off *startTrace
	off.mark("x")
	off.once("x")
	off.close()
	if tr := newStartTrace(func(string) string { return "" }, time.Now()); tr != nil {
		t.Fatalf("trace without OWG_TRACE_START => %v, want nil", tr)
	}
	path := filepath.Join(t.TempDir(), "trace")
	main := time.Unix(1000, 0)
	env := map[string]string{"OWG_TRACE_START": path, "OWG_TRACE_T0": "999000000000"}
	tr := newStartTrace(func(k string) string { return env[k] }, main)
	tr.markAt("store open", main.Add(1500*time.Microsecond))
	tr.once("msg x")
	tr.once("msg x")
	tr.close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 {
		t.Fatalf("trace = %q => want 3 lines (main, store open, msg x once)", lines)
	}
	for i, want := range []string{"main\t1000.00\t1000.00\t", "store open\t1001.50\t1.50\t", "msg x\t"} {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d = %q => want it to start %q", i, lines[i], want)
		}
	}
}

// TestWarmStartCaches: warming the caches on another goroutine while the
// start goes on is safe (run with -race) and changes no answer.
func TestWarmStartCaches(t *testing.T) {
	done := make(chan struct{})
	go func() {
		warmStartCaches()
		close(done)
	}()
	for _, c := range []struct {
		r    rune
		want int
	}{{'a', 1}, {'─', 1}, {'界', 2}, {'\u0301', 0}} {
		if got := runewidth.RuneWidth(c.r); got != c.want {
			t.Errorf("RuneWidth(%q) = %d => want %d", c.r, got, c.want)
		}
	}
	p := store.DefaultProtocol()
	<-done
	if !reflect.DeepEqual(p, store.DefaultProtocol()) {
		t.Error("the default protocol read during the warm-up differs from the one after it")
	}
}
