package sshserve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/tui"
)

// testEnv is a server on 127.0.0.1:0 over an in-memory Badger store.
type testEnv struct {
	tb     testing.TB
	srv    *Server
	db     *badgerstore.DB
	addr   string
	probe  *probe
	served chan error
}

// testNow is the clock of every server test (store and sessions):
// Tuesday 2026-03-03, 15:00 UTC.
var testNow = time.Date(2026, 3, 3, 15, 0, 0, 0, time.UTC)

// newTestEnv starts a server with the stand-in model unless mod changes it.
func newTestEnv(tb testing.TB, mod func(*Config)) *testEnv {
	tb.Helper()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return testNow })
	if err != nil {
		tb.Fatal(err)
	}
	pr := newProbe()
	cfg := Config{
		Listen:        "127.0.0.1:0",
		HostKeyPath:   filepath.Join(tb.TempDir(), "host_key"),
		Store:         db,
		Protocol:      store.DefaultProtocol(),
		Logger:        log.New(io.Discard),
		NewModel:      pr.newModel,
		RatePerSecond: 1000,
		RateBurst:     1000,
		MaxSessions:   200,
		// Tests open dozens of connections at once from one address.
		MaxPreAuth:        200,
		MaxPreAuthPerAddr: 200,
		Now:               func() time.Time { return testNow },
	}
	if testing.Verbose() {
		cfg.Logger = log.New(testWriter{tb})
	}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	// a benchmark's clients drop and sign the same users in again: each
	// starts afresh, not where the last one was
	_, srv.noResume = tb.(*testing.B)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	e := &testEnv{tb: tb, srv: srv, db: db, addr: ln.Addr().String(), probe: pr, served: make(chan error, 1)}
	go func() { e.served <- srv.Serve(ln) }()
	tb.Cleanup(func() {
		// End the sessions before the store closes under them.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		_ = db.Close()
	})
	return e
}

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func newKey(tb testing.TB) gossh.Signer {
	tb.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// addUser registers a user with a fresh key and returns the key.
func (e *testEnv) addUser(name string, role store.Role, active bool) gossh.Signer {
	e.tb.Helper()
	k := newKey(e.tb)
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey())))
	_, err := e.db.CreateUser(context.Background(), store.SystemActor, store.User{Name: name, Role: role, Agency: "Test", Keys: []string{line}, Active: active})
	if err != nil {
		e.tb.Fatal(err)
	}
	return k
}

func (e *testEnv) dial(auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", e.addr, &gossh.ClientConfig{
		User:            "owg",
		Auth:            auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	})
}

// client is one SSH session as a user's terminal sees it.
type client struct {
	conn  *gossh.Client
	sess  *gossh.Session
	stdin io.WriteCloser
	out   *screen
	done  chan error // session.Wait's result
}

// open connects with key and starts a shell, with an 80x24 pty when pty.
func (e *testEnv) open(key gossh.Signer, pty bool) *client {
	e.tb.Helper()
	c, err := e.tryOpen(key, pty)
	if err != nil {
		e.tb.Fatal(err)
	}
	return c
}

func (e *testEnv) tryOpen(key gossh.Signer, pty bool) (*client, error) {
	term := ""
	if pty {
		term = "xterm-256color"
	}
	return e.openTerm(key, term, nil, false)
}

// openTerm opens a shell session with a pty of type term (none when ""),
// the environment env, and a screen that only counts bytes when discard.
func (e *testEnv) openTerm(key gossh.Signer, term string, env map[string]string, discard bool) (*client, error) {
	conn, err := e.dial(gossh.PublicKeys(key))
	if err != nil {
		return nil, err
	}
	return startShell(conn, term, env, discard)
}

// startShell opens a shell session on conn (closing conn on failure).
func startShell(conn *gossh.Client, term string, env map[string]string, discard bool) (*client, error) {
	sess, err := conn.NewSession()
	if err != nil {
		conn.Close()
		return nil, err
	}
	c := &client{conn: conn, sess: sess, out: &screen{discard: discard}, done: make(chan error, 1)}
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			conn.Close()
			return nil, err
		}
	}
	sess.Stdout = c.out
	sess.Stderr = c.out
	if c.stdin, err = sess.StdinPipe(); err != nil {
		conn.Close()
		return nil, err
	}
	if term != "" {
		if err := sess.RequestPty(term, 24, 80, gossh.TerminalModes{}); err != nil {
			conn.Close()
			return nil, err
		}
	}
	if err := sess.Shell(); err != nil {
		conn.Close()
		return nil, err
	}
	go func() { c.done <- sess.Wait() }()
	return c, nil
}

func (c *client) close() {
	_ = c.sess.Close()
	_ = c.conn.Close()
}

func (c *client) send(s string) {
	_, _ = io.WriteString(c.stdin, s)
}

// wait waits for the session to end and returns its exit status (-1 when
// it ended without one).
func (c *client) wait(tb testing.TB, d time.Duration) int {
	tb.Helper()
	select {
	case err := <-c.done:
		var ee *gossh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitStatus()
		}
		return -1
	case <-time.After(d):
		tb.Fatalf("session did not end within %s; output %q", d, c.out.text())
		return -1
	}
}

// screen collects the bytes a client receives.
type screen struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	n       int  // bytes received
	discard bool // count only
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n += len(p)
	if s.discard {
		return len(p), nil
	}
	return s.buf.Write(p)
}

func (s *screen) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func (s *screen) bytesFrom(off int) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.buf.Bytes()[min(off, s.buf.Len()):])
}

// text is what was received with escape sequences removed.
func (s *screen) text() string { return ansi.Strip(string(s.bytesFrom(0))) }

// waitFor waits until the text received from off on contains want.
func (s *screen) waitFor(tb testing.TB, off int, want string, d time.Duration) {
	tb.Helper()
	if err := s.await(off, want, d); err != nil {
		tb.Fatal(err)
	}
}

// await is waitFor for other goroutines than the test's: it returns an error.
func (s *screen) await(off int, want string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		got := ansi.Strip(string(s.bytesFrom(off)))
		if strings.Contains(got, want) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("did not receive %q within %s; got %q", want, d, got)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settle waits until nothing new arrives for quiet (at most max) and
// returns the length then.
func (s *screen) settle(quiet, max time.Duration) int {
	deadline := time.Now().Add(max)
	n := s.len()
	last := time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(quiet / 5)
		if m := s.len(); m != n {
			n, last = m, time.Now()
		} else if time.Since(last) >= quiet {
			break
		}
	}
	return n
}

func eventually(tb testing.TB, d time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// probe records what stand-in models receive, per user.
type probe struct {
	mu     sync.Mutex
	events map[string][]tea.Msg
	// panicOnNew makes newModel panic for this user.
	panicOnNew string
	// block makes Update block for this user until the channel closes.
	block map[string]chan struct{}
	// opts are the options each user's newest model was built with.
	opts map[string]tui.Options
}

func newProbe() *probe {
	return &probe{events: map[string][]tea.Msg{}, block: map[string]chan struct{}{}, opts: map[string]tui.Options{}}
}

func (p *probe) newModel(o tui.Options) tea.Model {
	p.mu.Lock()
	panicky := p.panicOnNew == o.Actor.User
	block := p.block[o.Actor.User]
	p.opts[o.Actor.User] = o
	p.mu.Unlock()
	if panicky {
		panic("stand-in model refuses to start")
	}
	return &standIn{o: o, p: p, block: block}
}

// options returns the options user's newest model was built with.
func (p *probe) options(user string) (tui.Options, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	o, ok := p.opts[user]
	return o, ok
}

func (p *probe) record(user string, msg tea.Msg) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events[user] = append(p.events[user], msg)
}

// has reports whether user's models received a message for which match is true.
func (p *probe) has(user string, match func(tea.Msg) bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range p.events[user] {
		if match(m) {
			return true
		}
	}
	return false
}

func (p *probe) count(user string, match func(tea.Msg) bool) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, m := range p.events[user] {
		if match(m) {
			n++
		}
	}
	return n
}

// standIn is a tiny model with the shape of tui's: it shows who it is and
// the last thing it heard. Keys: "!" panics, "q" quits, "m" joins meeting
// M-0001 (presence).
type standIn struct {
	o      tui.Options
	p      *probe
	block  chan struct{}
	w, h   int
	last   string
	notice string
	people int
}

func (m *standIn) Init() tea.Cmd { return nil }

func (m *standIn) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.block != nil {
		<-m.block
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		m.p.record(m.o.Actor.User, msg)
		switch msg.String() {
		case "!":
			panic("stand-in model panics on !")
		case "q":
			return m, tea.Quit
		case "m":
			m.o.OnPresence(tui.Presence{User: m.o.Actor.User, Role: m.o.Actor.Role, MeetingID: "M-0001", Following: true})
		}
		m.last = "key " + msg.String()
	case tea.WindowSizeMsg:
		m.p.record(m.o.Actor.User, msg)
		m.w, m.h = msg.Width, msg.Height
	case tui.ChangedMsg:
		m.p.record(m.o.Actor.User, msg)
		if n := len(msg.Changes); n > 0 {
			m.last = "changed " + msg.Changes[n-1].Kind + " " + msg.Changes[n-1].ID
		}
	case tui.PresenceMsg:
		m.p.record(m.o.Actor.User, msg)
		m.people = len(msg.People)
	case tui.NoticeMsg:
		m.p.record(m.o.Actor.User, msg)
		m.notice = msg.Text
	}
	return m, nil
}

func (m *standIn) View() tea.View {
	v := tea.NewView(fmt.Sprintf("owg stand-in\nuser %s (%s) theme %s\nlow bandwidth %v env %q\nsize %dx%d\nlast: %s\npeople: %d\nnotice: %s\n",
		m.o.Actor.User, m.o.Actor.Role, m.o.Theme.Name, m.o.LowBandwidth, strings.Join(m.o.Env, " "), m.w, m.h, m.last, m.people, m.notice))
	v.AltScreen = true
	return v
}
