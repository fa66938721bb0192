package intake

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/cursor"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/themes"
	"github.com/leadtable/owg/tui/common"
)

// fixedNow is the tests' clock: 2026-03-04 14:02 UTC.
var fixedNow = time.Date(2026, 3, 4, 14, 2, 0, 0, time.UTC)

// harness mounts one component the way the root does: sizes through
// SetSize, no blinking, everything else to the component.
type harness struct {
	c common.Component
}

type quitMsg struct{}

func (h *harness) Init() tea.Cmd { return h.c.Init() }

func (h *harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.c.SetSize(msg.Width, msg.Height)
		return h, nil
	case cursor.BlinkMsg, common.StatusMsg:
		return h, nil
	case quitMsg:
		return h, tea.Quit
	}
	c, cmd := h.c.Update(msg)
	h.c = c
	return h, cmd
}

func (h *harness) View() tea.View { return tea.NewView(h.c.View()) }

func newStore(t testing.TB) store.Store {
	t.Helper()
	s, err := badgerstore.OpenMemoryAt(func() time.Time { return fixedNow })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func newCtx(s store.Store, actor store.Actor) *common.Ctx {
	c := &common.Ctx{
		Ctx:      context.Background(),
		Store:    s,
		Actor:    actor,
		Protocol: store.DefaultProtocol(),
		Theme:    themes.ASCII,
		Now:      func() time.Time { return fixedNow },
	}
	c.Styles = common.NewStyles(c.Theme, true)
	return c
}

var officer = store.Actor{User: "officer1", Role: store.RolePolice, Agency: "Metro PD"}

// run starts the component under teatest at 80x24 with the ASCII profile.
func run(t *testing.T, c common.Component) *teatest.TestModel {
	t.Helper()
	return teatest.NewTestModel(t, &harness{c: c},
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
}

// out collects everything the program wrote, for assertions on raw bytes.
type out struct {
	buf strings.Builder
}

// waitFor waits until the output so far shows s, keeping what it read.
// The renderer writes only changed cells, with styles and cursor moves in
// between, so both sides are compared as squeezed text.
func (o *out) waitFor(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	want := squeeze(s)
	teatest.WaitFor(t, io.TeeReader(tm.Output(), &o.buf), func([]byte) bool {
		return strings.Contains(squeeze(o.buf.String()), want)
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

// squeeze strips escape sequences and all white space.
func squeeze(s string) string {
	return strings.Join(strings.Fields(ansi.Strip(s)), "")
}

// finish quits the program and returns its last component and all output.
func finish(t *testing.T, tm *teatest.TestModel, o *out) (common.Component, string) {
	t.Helper()
	tm.Send(quitMsg{})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*harness)
	rest, _ := io.ReadAll(tm.Output())
	o.buf.Write(rest)
	return fm.c, o.buf.String()
}

func press(code rune, mod ...tea.KeyMod) tea.KeyPressMsg {
	k := tea.KeyPressMsg{Code: code}
	for _, m := range mod {
		k.Mod |= m
	}
	return k
}

func tab(tm *teatest.TestModel, n int) {
	for range n {
		tm.Send(press(tea.KeyTab))
	}
}

// contains reports whether haystack shows needle, ignoring case, styles
// and spacing.
func contains(haystack, needle string) bool {
	return strings.Contains(strings.ToLower(haystack), strings.ToLower(needle)) ||
		strings.Contains(strings.ToLower(squeeze(haystack)), strings.ToLower(squeeze(needle)))
}
