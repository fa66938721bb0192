package tui

import (
	tea "charm.land/bubbletea/v2"
	"testing"
	"time"
)

// TestIdleMeetingWritesNothing runs a session inside a joined meeting and
// counts what the renderer writes during 2 seconds with nothing
// happening, once the screen settled: it must be nothing (no cursor
// blink, no clock, no spinner). A byte count, not a timing assertion.
func TestIdleMeetingWritesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 2 seconds")
	}
	for _, prof := range profiles {
		t.Run(prof.name, func(t *testing.T) {
			s := seed(t)
			r := startRig(t, testOptions(s, actorPM), prof.p)
			r.out.settle(t, "Overdue")
			r.keys(t, "5", "start")
			r.keys(t, "n", "Attendees")
			for _, k := range []tea.KeyPressMsg{ // today's date, first attendee, done
				{Code: tea.KeyEnter}, {Code: 'x', Text: "x"}, {Code: tea.KeyEnter},
			} {
				r.p.Send(k)
				time.Sleep(100 * time.Millisecond)
			}
			r.out.settle(t, "facilitating")
			r.out.settleOrNone(300 * time.Millisecond)
			r.out.take()
			time.Sleep(2 * time.Second)
			if n, text := r.out.take(); n != 0 {
				t.Errorf("idle in a meeting wrote %d bytes => want 0: %q", n, text)
			}
		})
	}
}
