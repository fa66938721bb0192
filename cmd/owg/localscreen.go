package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	xterm "github.com/charmbracelet/x/term"

	"github.com/leadtable/owg/sshserve"
	"github.com/leadtable/owg/tui/frames"
)

// localFrameGap is the least time between two frames on the local
// terminal (bursts of changes within it are drawn once).
const localFrameGap = time.Second / 120

// localScreen draws the local TUI through the frames the SSH sessions use
// (tui/frames): a key or a change is on the screen as soon as the model
// has handled it, where bubbletea's renderer waited for its next frame
// tick (up to 8 ms, 4 on average: a tenth of a start). The terminal is put
// in raw mode here (bubbletea leaves that to its renderer), window
// changes come from SIGWINCH, and the terminal is given back as it was
// however the program ends.
type localScreen struct {
	once    sync.Once
	stop    context.CancelFunc
	in      *os.File
	fr      *frames.Frames
	state   *xterm.State
	profile colorprofile.Profile
	w, h    int
}

// openLocalScreen puts in (the terminal's input) in raw mode and returns
// the screen drawing to out (the same terminal, or what traces it).
func openLocalScreen(in, tty *os.File, out io.Writer, env []string) (*localScreen, error) {
	w, h, err := xterm.GetSize(tty.Fd())
	if err != nil {
		return nil, err
	}
	w, h = sizeOr80x24(w, h)
	state, err := xterm.MakeRaw(in.Fd())
	if err != nil {
		return nil, err
	}
	profile := colorprofile.Detect(tty, env)
	s := &localScreen{in: in, state: state, profile: profile, w: w, h: h,
		fr: frames.NewLocal(out, env, profile, w, h, localFrameGap)}
	return s, nil
}

// options are the program's options for drawing through the screen.
func (s *localScreen) options() []tea.ProgramOption {
	return []tea.ProgramOption{
		tea.WithoutRenderer(),
		tea.WithOutput(s.fr.ProgramOutput()),
		tea.WithWindowSize(s.w, s.h),
		tea.WithColorProfile(s.profile),
		// the program's own output is only what a command writes; frames
		// and queries go out at once, so its flush tick can be slow
		tea.WithFPS(1),
	}
}

// model wraps m so that its views are drawn (and window and mode answers
// reach the frames); its quit is set once the program exists.
func (s *localScreen) model(m tea.Model) *localModel {
	return &localModel{inner: m, fr: s.fr}
}

// run draws until close (or ctx's end), after asking the terminal its
// background colour and the modes the frames use; window changes are
// sent to p.
func (s *localScreen) run(ctx context.Context, p *tea.Program, env []string, tty *os.File) {
	ctx, s.stop = context.WithCancel(ctx)
	_, _ = s.fr.ProgramOutput().Write([]byte(ansi.RequestBackgroundColor + frames.Queries(env)))
	go s.fr.Run(ctx)
	winch := make(chan os.Signal, 1)
	notifyWindowChanges(winch)
	go func() {
		defer signal.Stop(winch)
		for {
			select {
			case <-ctx.Done():
				return
			case <-winch:
				if w, h, err := xterm.GetSize(tty.Fd()); err == nil {
					w, h = sizeOr80x24(w, h)
					p.Send(tea.WindowSizeMsg{Width: w, Height: h})
				}
			}
		}
	}()
}

// close draws the last view, gives the terminal back its main screen,
// cursor and modes, and ends raw mode (once, however often it is called).
func (s *localScreen) close() {
	s.once.Do(func() {
		if s.stop != nil {
			s.stop()
		}
		s.fr.Close()
		_ = xterm.Restore(s.in.Fd(), s.state)
	})
}

// localModel hands every view to the frames. A panic in the model's
// Update or View ends the program (its report, printed once the terminal
// is back, is in panicked): bubbletea's own report would be printed on
// the alternate screen and wiped with it.
type localModel struct {
	inner    tea.Model
	fr       *frames.Frames
	panicked string
	quit     func() // the program's Quit (a panic in View has no Cmd to return)
}

func (m *localModel) Init() tea.Cmd { return m.inner.Init() }

func (m *localModel) recovered() {
	if r := recover(); r != nil {
		m.panicked = fmt.Sprintf("%v\n%s", r, debug.Stack())
	}
}

func (m *localModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.panicked != "" {
		return m, tea.Quit
	}
	cmd := m.update(msg)
	if m.panicked != "" {
		return m, tea.Quit
	}
	return m, cmd
}

// update is Update with the model's panic recovered.
func (m *localModel) update(msg tea.Msg) tea.Cmd {
	defer m.recovered()
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.fr.Resize(msg.Width, msg.Height)
	case tea.ModeReportMsg:
		m.fr.Modes(msg)
	}
	next, cmd := m.inner.Update(msg)
	m.inner = next
	return cmd
}

func (m *localModel) View() (v tea.View) {
	if m.panicked != "" {
		return tea.View{}
	}
	defer func() {
		if r := recover(); r != nil {
			m.panicked = fmt.Sprintf("%v\n%s", r, debug.Stack())
			if m.quit != nil {
				go m.quit()
			}
		}
	}()
	v = m.inner.View()
	m.fr.OfferSettled(v, m.Settled())
	return v
}

// Settled reports whether the view shows what the screen is for (not a
// "loading…" placeholder, which the first frame waits out).
func (m *localModel) Settled() bool {
	s, ok := m.inner.(interface{ Settled() bool })
	return !ok || s.Settled()
}

// sizeOr80x24 is a terminal's size, clamped as a client's is; a terminal
// that says 0 (some serial consoles and pipes dressed as terminals) is
// taken to be 80x24, as bubbletea does.
func sizeOr80x24(w, h int) (int, int) {
	if w <= 0 || h <= 0 {
		return 80, 24
	}
	return sshserve.ClampWindow(w, h)
}
