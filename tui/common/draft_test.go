package common

import (
	"testing"
	"time"
)

// TestDraftThrottle: the first change saves at once, changes within
// DraftEvery of a save wait for one timer (the rest of the 2 s), the
// timer saves only what changed, and nothing is armed while idle.
func TestDraftThrottle(t *testing.T) {
	t0 := time.Date(2025, 3, 10, 14, 2, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	type step struct {
		due      bool // the timer goes off (else a change)
		ms       int
		save     bool
		wait     time.Duration
		wantNote string
	}
	var th DraftThrottle
	for i, s := range []step{
		{ms: 0, save: true, wantNote: "first change: saved at once"},
		{ms: 500, wait: 1500 * time.Millisecond, wantNote: "within 2 s: one timer for the rest"},
		{ms: 1200, wantNote: "timer armed: nothing more"},
		{due: true, ms: 2000, save: true, wantNote: "timer: the changes since are saved"},
		{due: true, ms: 2100, wantNote: "a timer with nothing changed saves nothing"},
		{ms: 2500, wait: 1500 * time.Millisecond, wantNote: "0.5 s after the last save: wait"},
		{due: true, ms: 4000, save: true, wantNote: "saved"},
		{ms: 9000, save: true, wantNote: "after a quiet spell: at once"},
		{ms: 8000, save: true, wantNote: "clock went back: at once"},
	} {
		var save bool
		var wait time.Duration
		if s.due {
			save = th.Due(at(s.ms))
		} else {
			save, wait = th.Touch(at(s.ms))
		}
		if save != s.save || wait != s.wait {
			t.Errorf("step %d (%s) at +%dms => save %v wait %v, want save %v wait %v", i, s.wantNote, s.ms, save, wait, s.save, s.wait)
		}
	}
	th.Touch(at(8100))
	if !th.Flush() || th.Flush() {
		t.Errorf("Flush => want true once after a change not yet saved, then false")
	}
}
