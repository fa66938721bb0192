package intake

import (
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// countWriter counts the bytes the renderer writes.
type countWriter struct {
	mu   sync.Mutex
	n    int
	last time.Time
}

func (w *countWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n += len(p)
	w.last = time.Now()
	return len(p), nil
}

// settle waits until nothing was written for 250 ms and returns the count
// (long enough that a field move huh finishes asynchronously is not
// counted with the next keystroke on a loaded machine).
func (w *countWriter) settle() int {
	for {
		time.Sleep(20 * time.Millisecond)
		w.mu.Lock()
		n, quiet := w.n, n0(w.n) && time.Since(w.last) > 250*time.Millisecond
		w.mu.Unlock()
		if quiet {
			return n
		}
	}
}

func n0(n int) bool { return n > 0 }

// measure runs the form in a program writing to a counter at 80x24 and
// returns the bytes of the first frame (program start included) and of
// one character typed into the name field.
func measure(tb testing.TB, profile colorprofile.Profile) (first, typed int) {
	w := &countWriter{}
	c := New(newCtx(nil, officer))
	p := tea.NewProgram(&harness{c: c}, tea.WithInput(nil), tea.WithOutput(w), tea.WithWindowSize(80, 24),
		tea.WithColorProfile(profile), tea.WithoutSignalHandler())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := p.Run(); err != nil {
			tb.Error(err)
		}
	}()
	first = w.settle()
	p.Send(press(tea.KeyTab)) // to the name field
	before := w.settle()
	for before == first { // the move has not been drawn yet: wait for it, then for quiet
		before = w.settle()
	}
	p.Send(tea.KeyPressMsg{Code: 'S', Text: "S"})
	for {
		if after := w.settle(); after > before {
			typed = after - before
			break
		}
	}
	p.Quit()
	<-done
	return first, typed
}

func BenchmarkFormBytes(b *testing.B) {
	for _, pr := range []struct {
		name    string
		profile colorprofile.Profile
	}{{"ascii", colorprofile.ASCII}, {"ansi256", colorprofile.ANSI256}} {
		b.Run(pr.name, func(b *testing.B) {
			var first, typed int
			for b.Loop() {
				first, typed = measure(b, pr.profile)
			}
			b.ReportMetric(float64(first), "B/first-frame")
			b.ReportMetric(float64(typed), "B/char")
		})
	}
}

// TestFormBytesBudget keeps the form inside the budget over SSH:
// the form's first frame well under 6 KB (the shell adds its tabs and
// status line), one typed character at most 40 bytes.
func TestFormBytesBudget(t *testing.T) {
	first, typed := measure(t, colorprofile.ANSI256)
	t.Logf("first frame %d B, one character %d B", first, typed)
	if first > 3000 || typed > 40 {
		t.Errorf("first frame %d B, one character %d B => want <= 3000 and <= 40", first, typed)
	}
}
