package triagetest

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/tui/common"
)

// Harness runs one component as a whole program, the way the root mounts
// a pane: resizes become SetSize, everything else goes to Update. Each
// rendered screen is copied, without styles, to Probe.
type Harness struct {
	C     common.Component
	Probe *Probe
}

// NewHarness wraps c with a fresh probe.
func NewHarness(c common.Component) Harness { return Harness{C: c, Probe: &Probe{}} }

// Init implements tea.Model.
func (h Harness) Init() tea.Cmd { return h.C.Init() }

// Update implements tea.Model.
func (h Harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.C.SetSize(msg.Width, msg.Height)
		return h, nil
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			return h, tea.Quit
		}
	}
	c, cmd := h.C.Update(msg)
	h.C = c
	return h, cmd
}

// View implements tea.Model.
func (h Harness) View() tea.View {
	s := h.C.View()
	h.Probe.set(ansi.Strip(s))
	v := tea.NewView(s)
	v.AltScreen = true
	return v
}

// Probe holds the last screen a Harness rendered.
type Probe struct {
	mu     sync.Mutex
	screen string
}

func (p *Probe) set(s string) {
	p.mu.Lock()
	p.screen = s
	p.mu.Unlock()
}

// Screen returns the last rendered screen, without styles, with trailing
// spaces trimmed from each line.
func (p *Probe) Screen() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	lines := strings.Split(p.screen, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// WaitFor waits until the screen satisfies cond (at most 5 seconds) and
// returns it.
func (p *Probe) WaitFor(t testing.TB, what string, cond func(screen string) bool) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s := p.Screen()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: last screen:\n%s", what, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// WaitText waits until the screen contains every one of texts.
func (p *Probe) WaitText(t testing.TB, texts ...string) string {
	t.Helper()
	return p.WaitFor(t, strings.Join(texts, ", "), func(s string) bool {
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}
