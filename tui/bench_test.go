package tui

import (
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// countingWriter counts what the renderer writes.
type countingWriter struct {
	mu   sync.Mutex
	n    int
	last time.Time
	text strings.Builder
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n += len(p)
	w.last = time.Now()
	w.text.Write(p)
	return len(p), nil
}

// take returns the bytes written since the last take.
func (w *countingWriter) take() (int, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, s := w.n, w.text.String()
	w.n = 0
	w.text.Reset()
	return n, s
}

// settle waits until something was written and then nothing for quiet.
func (w *countingWriter) settle(tb testing.TB, want string) {
	const quiet = 40 * time.Millisecond
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		w.mu.Lock()
		ok := w.n > 0 && time.Since(w.last) > quiet && (want == "" || strings.Contains(ansi.Strip(w.text.String()), want))
		w.mu.Unlock()
		if ok {
			return
		}
	}
	tb.Fatalf("renderer never settled (waiting for %q)", want)
}

// blockingReader is a terminal input that never sends anything.
type blockingReader struct{ done chan struct{} }

func (r blockingReader) Read([]byte) (int, error) { <-r.done; return 0, io.EOF }

// BenchmarkRenderBytes counts the bytes the renderer writes at 80x24 for
// the first frame (terminal setup included) and for one cursor move in
// the caseload list.
func BenchmarkRenderBytes(b *testing.B) {
	for _, prof := range []struct {
		name string
		p    colorprofile.Profile
	}{{"ANSI256", colorprofile.ANSI256}, {"ASCII", colorprofile.ASCII}} {
		b.Run(prof.name, func(b *testing.B) {
			s := seed(b)
			out := &countingWriter{}
			in := blockingReader{done: make(chan struct{})}
			p := tea.NewProgram(New(testOptions(s, actorPM)), tea.WithInput(in), tea.WithOutput(out),
				tea.WithWindowSize(80, 24), tea.WithColorProfile(prof.p), tea.WithoutSignals())
			done := make(chan struct{})
			go func() { _, _ = p.Run(); close(done) }()
			defer func() { p.Quit(); close(in.done); <-done }()

			out.settle(b, "Overdue")
			first, _ := out.take()
			p.Send(tea.KeyPressMsg{Code: '2', Text: "2"})
			out.settle(b, "URGENT")
			out.take()

			b.ResetTimer()
			total := 0
			for i := 0; b.Loop(); i++ {
				k := 'j'
				if i%2 == 1 {
					k = 'k'
				}
				p.Send(tea.KeyPressMsg{Code: k, Text: string(k)})
				out.settle(b, "")
				n, _ := out.take()
				total += n
			}
			b.ReportMetric(float64(first), "B-first-frame")
			b.ReportMetric(float64(total)/float64(b.N), "B/cursor-move")
		})
	}
}
