package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/mattn/go-runewidth"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/store/snapshot"
	"github.com/leadtable/owg/tui"
)

// emptyHint is said when the store holds no site data.
const emptyHint = "empty store: run `owg demo` to load the demo site"

// runTUI opens the TUI on the local store. Without a terminal it prints a
// summary of the store instead.
func runTUI(ctx context.Context, app *App) error {
	tr := app.trace
	tr.mark("command parsed")
	if app.Interactive() {
		defer startWithoutGC(app.Getenv, startGCPause)()
		// A closed terminal (SIGHUP) ends the session as a quit does: unsent
		// input kept as drafts and the store closed, where the signal's
		// default would kill owg and leave the next start to replay its log.
		// Not when SIGHUP is ignored (nohup): Notify would undo that.
		if !signal.Ignored(syscall.SIGHUP) {
			var stop context.CancelFunc
			ctx, stop = signal.NotifyContext(ctx, syscall.SIGHUP)
			defer stop()
		}
		// After Notify: it waits for the runtime's signal thread, which
		// waited behind this work (3 ms of the start when it went first).
		go warmStartCaches()
	}
	if app.Interactive() && app.storeLog == nil {
		// Badger's warnings would draw over the screen: they go to DATA/store.log.
		dir, err := app.DataDir()
		if err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		f, err := os.OpenFile(filepath.Join(dir, "store.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		app.storeLog = stderrLogger{f}
	}
	st, err := app.Open()
	if err != nil {
		return err
	}
	tr.mark("store open")
	// The process's site snapshot, kept current from the store's commits
	// as the server's is; its first read starts now, on the other core,
	// while the screen is set up (the first screen's loads then find it
	// under way instead of starting it).
	var snap *snapshot.Snapshot
	if r, ok := st.(snapshot.Reader); ok && app.Interactive() {
		snap = snapshot.New(r)
		defer st.Subscribe(snap.Observe)()
		go func() { _, _ = snap.Site(ctx) }()
		go func() { _, _, _ = snap.NewReferrals(ctx) }()
	}
	empty, err := st.Empty(ctx)
	if err != nil {
		return err
	}
	tr.mark("empty check")
	if empty {
		fmt.Fprintln(app.Stderr, emptyHint)
	}
	actor, err := app.Actor(ctx)
	if err != nil {
		return err
	}
	proto, err := app.Protocol()
	if err != nil {
		return err
	}
	prefs, err := tui.LoadPrefs(ctx, st, actor)
	if err != nil {
		return err
	}
	tr.mark("actor, protocol, prefs")
	env := []string{"NO_COLOR=" + app.Getenv("NO_COLOR"), "TERM=" + app.Getenv("TERM")}
	low := app.LowBandwidthFlag || prefs.LowBandwidth
	theme, err := tui.ThemeFor(app.ThemeFlag, prefs.Theme, env, low)
	if err != nil {
		return usagef("--theme: %v", err)
	}
	if !app.Interactive() {
		return printSummary(ctx, app, st, proto)
	}
	// Frames are drawn on demand (localscreen.go) where stdin and stdout
	// are the terminal's files; bubbletea's renderer draws otherwise.
	var screen *localScreen
	in, inOK := app.Stdin.(*os.File)
	tty, ttyOK := app.Stdout.(*os.File)
	var out io.Writer = tty
	if tr != nil && ttyOK {
		out = &tracedOutput{File: tty, t: tr}
	}
	if inOK && ttyOK && app.Getenv("OWG_RENDERER") != "bubbletea" {
		s, err := openLocalScreen(in, tty, out, os.Environ())
		if err != nil {
			return fmt.Errorf("terminal: %w", err)
		}
		screen = s
	}
	var model tea.Model = tui.New(tui.Options{
		Store:        st,
		Actor:        actor,
		Protocol:     proto,
		Theme:        theme,
		LowBandwidth: low,
		Env:          env,
		Now:          app.Now,
		// the screen asks for it with the modes it uses
		BackgroundAsked: screen != nil,
		Snapshot:        snap,
	})
	opts := []tea.ProgramOption{tea.WithContext(ctx)}
	var local *localModel
	if screen != nil {
		local = screen.model(model)
		model = local
		opts = append(opts, screen.options()...)
	} else {
		opts = append(opts, tea.WithFPS(120))
		if tr != nil && ttyOK {
			opts = append(opts, tea.WithOutput(out))
		}
	}
	if tr != nil {
		tr.mark("model built")
		model = &tracedModel{Model: model, t: tr}
	}
	p := tea.NewProgram(model, opts...)
	if local != nil {
		local.quit = p.Quit
	}
	stop := forwardChanges(st, p)
	defer stop()
	var held *heldStderr
	if screen != nil {
		screen.run(context.Background(), p, os.Environ(), tty)
		// the last view drawn and the terminal given back, however Run ends
		defer screen.close()
		// what is printed to stderr meanwhile waits for the terminal
		if h, herr := holdStderr(); herr == nil {
			held = h
			defer held.release()
		}
	}
	final, err := p.Run()
	if errors.Is(err, tea.ErrProgramPanic) {
		held.settle() // the report comes after Run returns
	}
	if said := held.release(); len(said) > 0 {
		screen.close()
		_, _ = app.Stderr.Write(said)
	}
	if errors.Is(err, tea.ErrProgramPanic) {
		// a command's panic (the model's own is in panicked, below): the
		// model is whole, so its drafts are kept as at a quit
		fmt.Fprintln(app.Stderr, "owg: internal error; the TUI stopped (what was saved stays saved)")
		err = errors.New("internal error")
	}
	if tm, ok := final.(*tracedModel); ok {
		final = tm.Model
	}
	if lm, ok := final.(*localModel); ok {
		final = lm.inner
		if lm.panicked != "" {
			// the screen given back first, so the report stays on it
			screen.close()
			fmt.Fprintf(app.Stderr, "owg: internal error; the TUI stopped (what was saved stays saved; unsent form input was not kept):\n%s\n", lm.panicked)
			return errors.New("internal error")
		}
	}
	// unsent form input is kept as a draft for the next sign-in
	if f, ok := final.(interface{ FlushDrafts(context.Context) error }); ok {
		fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if ferr := f.FlushDrafts(fctx); ferr != nil {
			fmt.Fprintln(app.Stderr, "owg: draft not kept:", ferr)
		}
		cancel()
	}
	if err != nil && ctx.Err() != nil {
		return nil // interrupted: a clean exit
	}
	return err
}

// warmStartCaches builds what a local start would otherwise build on its
// way to the first frame, on the other core while the store opens (its
// open waits on the disk more than it computes): go-runewidth's width
// table, which the renderer builds at the first non-ASCII character of
// the first frame (about 2 ms, measured with perf on the demo site), the
// JSON decoders of the records the site's read decodes (0.7 ms), and the
// parsed default protocol. Each is built once per process and safe to
// build from any goroutine.
func warmStartCaches() {
	runewidth.RuneWidth('─')
	badgerstore.WarmDecoders()
	store.DefaultProtocol()
}

// startGCPause is how long a local start runs without garbage collection.
const startGCPause = time.Second

// startWithoutGC turns the garbage collector off for the first pause of
// a local start, unless GOGC or GOMEMLIMIT says otherwise: reading the
// site and drawing the first frame allocate a heap the size of the site,
// and collecting it on the way was work on the start's critical path. A
// memory limit keeps the heap bounded meanwhile (the collector runs when
// it is reached). The returned func restores the defaults at once.
func startWithoutGC(getenv func(string) string, pause time.Duration) (restore func()) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prevPct := debug.SetGCPercent(-1)
	prevLimit := debug.SetMemoryLimit(256 << 20)
	var once sync.Once
	back := func() {
		once.Do(func() {
			debug.SetGCPercent(prevPct)
			debug.SetMemoryLimit(prevLimit)
		})
	}
	t := time.AfterFunc(pause, back)
	return func() {
		t.Stop()
		back()
	}
}

// forwardChanges sends the store's committed writes to the program as
// tui.ChangedMsg, coalesced, never blocking the writer. The returned
// function stops it.
func forwardChanges(st store.Store, p *tea.Program) (stop func()) {
	var (
		mu      sync.Mutex
		pending []store.Change
	)
	wake := make(chan struct{}, 1)
	done := make(chan struct{})
	unsub := st.Subscribe(func(c store.Change) {
		mu.Lock()
		pending = append(pending, c)
		mu.Unlock()
		select {
		case wake <- struct{}{}:
		default:
		}
	})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-wake:
			}
			mu.Lock()
			batch := pending
			pending = nil
			mu.Unlock()
			if len(batch) > 0 {
				p.Send(tui.ChangedMsg{Changes: batch})
			}
		}
	}()
	return func() {
		unsub()
		close(done)
	}
}

// printSummary prints counts of what the store holds: the main job when
// no terminal is attached.
func printSummary(ctx context.Context, app *App, st store.Store, proto store.Protocol) error {
	dir, _ := app.DataDir()
	ps, err := st.ListParticipants(ctx, store.ParticipantFilter{})
	if err != nil {
		return err
	}
	users, err := st.ListUsers(ctx)
	if err != nil {
		return err
	}
	refs, err := st.ListReferrals(ctx, store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefNew, store.RefWaitlisted}})
	if err != nil {
		return err
	}
	cases, err := st.AllCases(ctx)
	if err != nil {
		return err
	}
	meetings, err := st.ListMeetings(ctx)
	if err != nil {
		return err
	}
	active := 0
	for _, p := range ps {
		if p.Status.Active() {
			active++
		}
	}
	open := 0
	for _, c := range cases {
		if c.Status == store.CaseOpen {
			open++
		}
	}
	slots := store.Capacity(proto, users, ps)
	w := app.Stdout
	fmt.Fprintf(w, "owg store in %s\n", dir)
	fmt.Fprintf(w, "  participants  %d active (%d in all)\n", active, len(ps))
	fmt.Fprintf(w, "  open slots    %d\n", slots)
	fmt.Fprintf(w, "  referrals     %d waiting (new or waitlisted)\n", len(refs))
	fmt.Fprintf(w, "  legal cases   %d open\n", open)
	fmt.Fprintf(w, "  meetings      %d\n", len(meetings))
	fmt.Fprintf(w, "  users         %d\n", len(users))
	return nil
}
