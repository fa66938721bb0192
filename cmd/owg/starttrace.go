package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
)

// startTrace writes when each phase of a local start ended, for finding
// where the time to the first full frame goes. It is on only when
// OWG_TRACE_START names a file (appended to, one line a phase:
// "phase<TAB>ms since start<TAB>ms since the phase before<TAB>CPU ms the
// process has used<TAB>page faults it has taken"). Times count
// from OWG_TRACE_T0 (Unix nanoseconds, set by whoever launched owg, so
// exec and the Go runtime's init are counted) or else from main. It
// names phases and message types only, never data.
type startTrace struct {
	mu   sync.Mutex
	f    *os.File
	t0   time.Time
	last time.Time
	seen map[string]bool
	// prof is the CPU profile of the start (OWG_TRACE_CPU names its
	// file), stopped at the first write after the first settled View.
	prof    *os.File
	settled bool
}

// newStartTrace returns the trace getenv asks for, or nil (every method
// of a nil trace does nothing).
func newStartTrace(getenv func(string) string, mainAt time.Time) *startTrace {
	path := getenv("OWG_TRACE_START")
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil
	}
	t := &startTrace{f: f, t0: mainAt, seen: map[string]bool{}}
	if ns, err := strconv.ParseInt(getenv("OWG_TRACE_T0"), 10, 64); err == nil && ns > 0 {
		t.t0 = time.Unix(0, ns)
	}
	t.last = t.t0
	t.markAt("main", mainAt)
	if p := getenv("OWG_TRACE_CPU"); p != "" {
		if pf, err := os.Create(p); err == nil {
			if pprof.StartCPUProfile(pf) == nil {
				t.prof = pf
			} else {
				pf.Close()
			}
		}
	}
	return t
}

// stopProfile ends the CPU profile, if one runs.
func (t *startTrace) stopProfile() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.prof == nil {
		return
	}
	pprof.StopCPUProfile()
	t.prof.Close()
	t.prof = nil
}

// mark notes that phase ended now.
func (t *startTrace) mark(phase string) {
	if t == nil {
		return
	}
	t.markAt(phase, time.Now())
}

// once marks phase the first time it is named.
func (t *startTrace) once(phase string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	dup := t.seen[phase]
	t.seen[phase] = true
	t.mu.Unlock()
	if !dup {
		t.mark(phase)
	}
}

func (t *startTrace) markAt(phase string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.f, "%s\t%.2f\t%.2f\t%.2f\t%d\n", phase, ms(at.Sub(t.t0)), ms(at.Sub(t.last)), ms(cpuUsed()), pageFaults())
	t.last = at
}

func (t *startTrace) close() {
	if t != nil {
		t.stopProfile()
		t.f.Close()
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// tracedModel marks the first arrival of each message type, the first
// View and the first View that shows what the screen is for.
type tracedModel struct {
	tea.Model
	t       *startTrace
	settled bool
}

func (m *tracedModel) Init() tea.Cmd {
	cmd := m.Model.Init()
	m.t.mark("model Init")
	return cmd
}

func (m *tracedModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	name := fmt.Sprintf("msg %T", msg)
	next, cmd := m.Model.Update(msg)
	m.Model = next
	m.t.once(name)
	return m, cmd
}

func (m *tracedModel) View() tea.View {
	v := m.Model.View()
	m.t.once("first View")
	if s, ok := m.Model.(interface{ Settled() bool }); ok && !m.settled && s.Settled() {
		m.settled = true
		m.t.mark("first settled View")
		m.t.mu.Lock()
		m.t.settled = true
		m.t.mu.Unlock()
	}
	return v
}

// tracedOutput marks the first writes to the terminal.
type tracedOutput struct {
	*os.File
	t *startTrace
	n int
}

func (o *tracedOutput) Write(b []byte) (int, error) {
	n, err := o.File.Write(b)
	if o.n < 8 {
		o.n++
		o.t.mark(fmt.Sprintf("write %d (%d B)", o.n, n))
	}
	o.t.mu.Lock()
	settled := o.t.settled
	o.t.mu.Unlock()
	if settled && n > 256 {
		o.t.stopProfile() // the frame is out
	}
	return n, err
}
