package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/leadtable/owg/tui/frames"
)

// TestLocalScreenDrawsOnDemand: the local TUI on a terminal draws through
// the frames (no renderer tick): the first frame is the settled Today, a
// key's screen follows it, a window change redraws at the new size, and a
// quit gives the terminal back as it was: its main screen, its cursor and
// its line mode.
func TestLocalScreenDrawsOnDemand(t *testing.T) {
	bin, dir := binaryOnDemo(t)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skip(err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--data", dir)
	cmd.Env = append(withoutTrace(os.Environ()), "TERM=xterm-256color")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := &ptyLog{}
	go out.copyFrom(ptmx)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
	}()

	mark := out.waitFor(t, 0, "Overdue")
	if first := out.since(0); strings.Contains(ansi.Strip(first), "loading") {
		t.Errorf("the first frame was a placeholder: %q", ansi.Strip(first))
	}
	if _, err := ptmx.Write([]byte("2")); err != nil {
		t.Fatal(err)
	}
	mark = out.waitFor(t, mark, "all case managers")
	// a wider window: the tab bar is drawn again, its user at the new edge
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 30, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	mark = out.waitFor(t, mark, "6 Reports")
	if _, err := ptmx.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("owg after q: %v => want exit 0", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("owg still running 60 s after q")
	}
	tail := out.since(mark)
	for _, seq := range []string{ansi.ResetModeAltScreenSaveCursor, ansi.SetModeTextCursorEnable, ansi.ResetModeBracketedPaste} {
		if !strings.Contains(tail, seq) {
			t.Errorf("output after q lacks %q (the terminal not given back): %q", seq, tail)
		}
	}
	after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag != before.Lflag || after.Iflag != before.Iflag || after.Oflag != before.Oflag {
		t.Errorf("terminal modes after q: lflag %#x iflag %#x oflag %#x => want %#x %#x %#x (as before)",
			after.Lflag, after.Iflag, after.Oflag, before.Lflag, before.Iflag, before.Oflag)
	}
}

// ptyLog is what a pty's program wrote.
type ptyLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *ptyLog) copyFrom(f *os.File) {
	b := make([]byte, 32<<10)
	for {
		n, err := f.Read(b)
		l.mu.Lock()
		l.buf.Write(b[:n])
		l.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (l *ptyLog) since(mark int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()[mark:]
}

// waitFor waits until what was written after mark shows want (its text,
// control sequences stripped) and returns the length written by then.
func (l *ptyLog) waitFor(t *testing.T, mark int, want string) int {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		s, n := l.buf.String()[mark:], l.buf.Len()
		l.mu.Unlock()
		if strings.Contains(ansi.Strip(s), want) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %q on the screen after %d bytes: %q", want, mark, ansi.Strip(l.since(mark)))
	return 0
}

// panicky is a model whose Update or View panics on demand.
type panicky struct{ inUpdate, inView bool }

func (p *panicky) Init() tea.Cmd { return nil }
func (p *panicky) Update(tea.Msg) (tea.Model, tea.Cmd) {
	if p.inUpdate {
		panic("update broke")
	}
	return p, nil
}
func (p *panicky) View() tea.View {
	if p.inView {
		panic("view broke")
	}
	return tea.NewView("fine")
}

// A panic in the model's Update or View ends the program with the panic
// kept for the report printed once the terminal is back.
func TestLocalModelEndsOnAPanic(t *testing.T) {
	fr := frames.NewLocal(io.Discard, nil, colorprofile.ANSI, 80, 24, 0)
	for _, tc := range []struct {
		name string
		m    *panicky
		want string
	}{
		{"update", &panicky{inUpdate: true}, "update broke"},
		{"view", &panicky{inView: true}, "view broke"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			quit := make(chan struct{}, 1)
			lm := &localModel{inner: tc.m, fr: fr, quit: func() { quit <- struct{}{} }}
			_, cmd := lm.Update(tea.KeyPressMsg{Code: 'j'})
			_ = lm.View()
			if !strings.HasPrefix(lm.panicked, tc.want) {
				t.Fatalf("panicked = %q => want it to start %q", lm.panicked, tc.want)
			}
			if tc.m.inUpdate {
				if cmd == nil || cmd() != tea.Quit() {
					t.Errorf("Update after a panic: cmd %v => want tea.Quit", cmd)
				}
			} else {
				select {
				case <-quit:
				case <-time.After(10 * time.Second):
					t.Error("a panic in View did not quit the program")
				}
			}
			if _, cmd := lm.Update(tea.KeyPressMsg{Code: 'k'}); cmd == nil || cmd() != tea.Quit() {
				t.Error("an Update after the panic did not quit")
			}
		})
	}
}

// The screen's close gives the terminal back once and returns however
// often it is called (the panic report closes it before the deferred
// close does).
func TestLocalScreenClosesOnce(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skip(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	go func() { _, _ = io.Copy(io.Discard, ptmx) }()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	s, err := openLocalScreen(tty, tty, tty, []string{"TERM=xterm-256color"})
	if err != nil {
		t.Fatal(err)
	}
	p := tea.NewProgram(s.model(&panicky{}), s.options()...)
	s.run(context.Background(), p, []string{"TERM=xterm-256color"}, tty)
	done := make(chan struct{})
	go func() {
		s.close()
		s.close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("close did not return")
	}
	after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag != before.Lflag {
		t.Errorf("line mode after close %#x => want %#x (as before)", after.Lflag, before.Lflag)
	}
}

// What is held is bounded: past heldStderrMax only a count is kept.
func TestHeldStderrIsBounded(t *testing.T) {
	held, err := holdStderr()
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for range 6 {
		if _, err := os.Stderr.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	said := held.release()
	if len(said) > heldStderrMax+100 || !bytes.Contains(said, []byte("131072 more bytes not kept")) {
		t.Errorf("held %d bytes ending %q => want %d and a count of the rest", len(said), said[max(0, len(said)-60):], heldStderrMax)
	}
}
