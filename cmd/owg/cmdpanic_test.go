//go:build !race

package main

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/creack/pty"
)

// Not under the race detector: bubbletea's own handling of a command's
// panic races (v2.1.1: its shutdown, on the command's goroutine, closes
// the input reader while the reader goroutine still reads it).

// cmdPanics panics in the command its Init returns (bubbletea runs it on
// a goroutine of its own).
type cmdPanics struct{}

func (cmdPanics) Init() tea.Cmd                         { return func() tea.Msg { panic("command broke") } }
func (m cmdPanics) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }
func (cmdPanics) View() tea.View                        { return tea.NewView("fine") }

// A panic in a command ends the program with bubbletea's report, which
// is held (not printed on the alternate screen) until the terminal is
// given back; os.Stderr is the terminal's again afterwards.
func TestCommandPanicReportIsHeldForTheTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skip(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	screenOut := &ptyLog{}
	go screenOut.copyFrom(ptmx)
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	s, err := openLocalScreen(tty, tty, tty, []string{"TERM=xterm-256color"})
	if err != nil {
		t.Fatal(err)
	}
	orig := os.Stderr
	p := tea.NewProgram(s.model(cmdPanics{}), append(s.options(), tea.WithInput(tty))...)
	s.run(context.Background(), p, []string{"TERM=xterm-256color"}, tty)
	held, err := holdStderr()
	if err != nil {
		t.Fatal(err)
	}
	_, runErr := p.Run()
	held.settle()
	said := string(held.release())
	s.close()
	if os.Stderr != orig {
		t.Error("os.Stderr not put back")
	}
	if !errors.Is(runErr, tea.ErrProgramPanic) {
		t.Errorf("Run => %v, want ErrProgramPanic", runErr)
	}
	if !strings.Contains(said, "command broke") {
		t.Errorf("held => %q, want the panic's report", said)
	}
	if strings.Contains(screenOut.since(0), "command broke") {
		t.Error("the report was printed on the screen it would be wiped with")
	}
	if again := string(held.release()); again != said {
		t.Errorf("a second release => %q, want the same", again)
	}
}
