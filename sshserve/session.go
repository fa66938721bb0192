package sshserve

import (
	"context"
	"errors"
	"fmt"
	"github.com/leadtable/owg/tui/frames"
	"io"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui"
)

// Reasons a session ends from the server's side (shown to the user after
// the program has left the screen).
const (
	reasonIdle      = "idle"
	reasonPanic     = "panic"
	reasonStopping  = StoppingNotice
	reasonWithdrawn = WithdrawnNotice
)

// runSession runs one bubbletea v2 program for a signed-in user: wish v1's
// bubbletea middleware speaks v1, so owg owns this one (STACK.md).
func (s *Server) runSession(sess ssh.Session, u store.User, fp string) {
	addr := sess.RemoteAddr().String()
	actor := store.Actor{User: u.Name, Role: u.Role, Agency: u.Agency, Addr: addr}
	if err := s.audit(store.AuditEvent{User: u.Name, Role: u.Role, Action: store.AuditLogin, Subject: fp, Addr: addr}); err != nil {
		// No sign-in without its audit record.
		s.log.Error("audit failed", "action", store.AuditLogin, "err", err)
		fmt.Fprint(sess.Stderr(), "owg: cannot record your sign-in right now; try again later\n")
		_ = sess.Exit(1)
		return
	}

	pty, winCh, _ := sess.Pty()
	env := SessionEnv(sess.Environ(), pty.Term)
	profile := ColorProfile(env, s.cfg.TrueColor)

	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	var reason atomic.Pointer[string]
	stop := func(r string) {
		reason.CompareAndSwap(nil, &r)
		cancel()
	}

	m := s.hub.register(actor, fp, s.cfg.Now(), stop)
	defer s.hub.unregister(m)

	guard := newInputGuard(sess)
	in := newInputTracker(guard, cancel)
	// Frames go out as soon as the model has handled a key or a change
	// (tui/frames), not on bubbletea's tick.
	w0, h0 := ClampWindow(pty.Window.Width, pty.Window.Height)
	fr := frames.New(sess, env, profile, w0, h0, time.Second/time.Duration(max(1, s.cfg.FPS)))
	fr.UseShare(s.share)
	model := &guardModel{
		frames: fr,
		inner: s.cfg.NewModel(tui.Options{
			FrameBarrier: fr.Barrier,
			Audience:     func(id string) []store.Actor { return s.hub.audience(id, m) },
			// Store calls made for the session end with its connection (a
			// write is one transaction: all or nothing).
			Context:      sess.Context(),
			Store:        s.cfg.Store,
			Actor:        actor,
			Protocol:     s.protocol(),
			DisplayName:  u.DisplayName,
			LastBackup:   s.cfg.LastBackup,
			Sessions:     s.sessionRows,
			OnTab:        func(tab string) { s.hub.setTab(m, tab) },
			Theme:        ThemeFor(u, env),
			LowBandwidth: u.LowBandwidth,
			Env:          env,
			Now:          s.cfg.Now,
			OnPresence:   func(p tui.Presence) { s.hub.setPresence(m, p) },
			Remote:       true,
			Snapshot:     s.snap,
			Resume:       s.takeResume(u.Name, s.cfg.Now()),
			// asked below with the other queries
			BackgroundAsked: true,
		}),
		onPanic: func(r any, stack []byte) {
			s.logPanic(addr, r, stack)
			stop(reasonPanic)
		},
	}
	live := s.goLive(ctx, u.Name, sess) // after takeResume: a session never waits on itself
	p := tea.NewProgram(model,
		tea.WithInput(in),
		tea.WithOutput(fr.ProgramOutput()),
		tea.WithoutRenderer(),
		tea.WithEnvironment(env),
		tea.WithWindowSize(w0, h0),
		tea.WithColorProfile(profile),
		tea.WithoutSignalHandler(),
		tea.WithContext(ctx),
		tea.WithFPS(programFPS),
	)

	var wg sync.WaitGroup
	defer wg.Wait() // after cancel (defers run last-in first-out)
	defer cancel()
	// The terminal queries go out here, not through the program (whose
	// output waits for its tick): the background colour (the theme's light
	// or dark variant) and the modes the frames use.
	_, _ = fr.ProgramOutput().Write([]byte(ansi.RequestBackgroundColor + frames.Queries(env)))
	frameCtx, stopFrames := context.WithCancel(context.Background())
	defer stopFrames()
	go fr.Run(frameCtx)
	wg.Go(func() { m.drain(ctx, p.Send) })
	// Window changes go through the mailbox too: the pty's channel is always
	// drained (a stuck program never stalls the connection's requests) and
	// only the newest size is kept.
	first := pty.Window
	first.Width, first.Height = ClampWindow(first.Width, first.Height)
	wg.Go(func() { forwardWindows(ctx, winCh, first, m.put) })
	if s.cfg.IdleTimeout > 0 {
		wg.Go(func() { watchIdle(ctx, in.lastInput, s.cfg.IdleTimeout, func() { stop(reasonIdle) }) })
	}

	s.log.Info("session start", "user", u.Name, "role", u.Role, "addr", addr, "profile", profile.String())
	start := time.Now()
	_, err := p.Run()
	// the connection went (input ended or the session closed), not a quit
	dropped := ctx.Err() != nil && reason.Load() == nil
	cancel()
	// the last frame, then the client's terminal back as it was
	stopFrames()
	fr.Close()
	// a dropped connection or a quit keeps unsent form input as a draft
	// (the program has ended: its model is ours to read), before the drop
	// is noted for a reconnect
	if f, ok := model.inner.(interface{ FlushDrafts(context.Context) error }); ok && !model.dead {
		fctx, fcancel := context.WithTimeout(context.Background(), 5*time.Second)
		if ferr := f.FlushDrafts(fctx); ferr != nil {
			s.log.Warn("draft not kept", "user", u.Name, "err", ferr)
		}
		fcancel()
	}
	s.endSession(live, model, m, dropped) // a drop keeps where it was (resume.go)

	code := 0
	why := "client"
	if r := reason.Load(); r != nil {
		why = *r
	}
	switch why {
	case reasonIdle:
		fmt.Fprintf(sess, "owg: logged off after %s without input\n", s.cfg.IdleTimeout)
	case reasonStopping:
		fmt.Fprint(sess, "owg: the server is stopping; your work is saved\n")
	case reasonWithdrawn:
		fmt.Fprint(sess, "owg: "+WithdrawnNotice+"\n")
		code = 1
	case reasonPanic:
		fmt.Fprint(sess.Stderr(), "owg: internal error; this session ended\n")
		code = 1
	default:
		if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
			s.log.Error("session error", "user", u.Name, "addr", addr, "err", err)
			code = 1
		} else if errors.Is(err, tea.ErrProgramPanic) {
			why, code = reasonPanic, 1
		} else if err == nil {
			why = "quit"
		}
	}
	s.log.Info("session end", "user", u.Name, "addr", addr, "reason", why, "duration", time.Since(start).Round(time.Millisecond), "input_dropped", guard.dropped.Load())
	_ = sess.Exit(code)
}

// forwardWindows passes each window change on as a tea.WindowSizeMsg until
// ctx ends (the default emulated pty delivers every change;
// ssh.AllocatePty would race us for them).
func forwardWindows(ctx context.Context, winCh <-chan ssh.Window, last ssh.Window, send func(tea.Msg)) {
	for {
		select {
		case <-ctx.Done():
			return
		case w, ok := <-winCh:
			if !ok {
				return
			}
			w.Width, w.Height = ClampWindow(w.Width, w.Height)
			if w.Width == last.Width && w.Height == last.Height {
				continue
			}
			last = w
			send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
		}
	}
}

// inputTracker is the program's input: it records when the user last typed
// (the idle timeout counts keystrokes, not SSH traffic) and ends the
// session when the client's input closes.
type inputTracker struct {
	r     io.Reader
	last  atomic.Int64 // unix nanoseconds
	onEOF func()
}

func newInputTracker(r io.Reader, onEOF func()) *inputTracker {
	t := &inputTracker{r: r, onEOF: onEOF}
	t.last.Store(time.Now().UnixNano())
	return t
}

func (t *inputTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.last.Store(time.Now().UnixNano())
	}
	if err != nil {
		t.onEOF()
	}
	return n, err
}

func (t *inputTracker) lastInput() time.Time {
	return time.Unix(0, t.last.Load())
}

// watchIdle calls onIdle once no input has arrived for timeout.
func watchIdle(ctx context.Context, last func() time.Time, timeout time.Duration, onIdle func()) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		idle := time.Since(last())
		if idle >= timeout {
			onIdle()
			return
		}
		t.Reset(timeout - idle)
	}
}

// guardModel ends only its own session when the model panics in Init,
// Update or View: the panic is logged by the server (bubbletea's own
// handler would print to the server's stderr) and the session stops.
// Panics inside commands are still caught by bubbletea, which ends the
// program with ErrProgramPanic.
type guardModel struct {
	inner   tea.Model
	onPanic func(r any, stack []byte)
	dead    bool
	frames  *frames.Frames // where views go (nil: bubbletea's own renderer)
}

func (g *guardModel) recovered() {
	if r := recover(); r != nil {
		g.dead = true
		g.onPanic(r, debug.Stack())
	}
}

func (g *guardModel) Init() tea.Cmd {
	defer g.recovered()
	return g.inner.Init()
}

func (g *guardModel) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	m = g // also what a recovered panic returns
	if g.dead {
		return g, nil
	}
	if g.frames != nil {
		switch msg := msg.(type) {
		case tea.WindowSizeMsg:
			g.frames.Resize(msg.Width, msg.Height)
		case tea.ModeReportMsg:
			g.frames.Modes(msg)
		}
	}
	defer g.recovered()
	inner, cmd := g.inner.Update(msg)
	g.inner = inner
	return g, cmd
}

func (g *guardModel) View() (v tea.View) {
	if g.dead {
		return tea.View{}
	}
	defer g.recovered()
	v = g.inner.View()
	if g.frames != nil {
		settled := true
		if s, ok := g.inner.(interface{ Settled() bool }); ok {
			settled = s.Settled()
		}
		g.frames.OfferSettled(v, settled)
	}
	return v
}
