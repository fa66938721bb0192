package sshserve

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui"
)

// openSized opens a shell whose pty request asks for w x h.
func (e *testEnv) openSized(key gossh.Signer, w, h int) (*client, error) {
	conn, err := e.dial(gossh.PublicKeys(key))
	if err != nil {
		return nil, err
	}
	sess, err := conn.NewSession()
	if err != nil {
		conn.Close()
		return nil, err
	}
	c := &client{conn: conn, sess: sess, out: &screen{discard: true}, done: make(chan error, 1)}
	sess.Stdout, sess.Stderr = c.out, c.out
	if c.stdin, err = sess.StdinPipe(); err != nil {
		conn.Close()
		return nil, err
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		conn.Close()
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		conn.Close()
		return nil, err
	}
	go func() { c.done <- sess.Wait() }()
	return c, nil
}

func isSize(w, h int) func(tea.Msg) bool {
	return func(m tea.Msg) bool {
		s, ok := m.(tea.WindowSizeMsg)
		return ok && s.Width == w && s.Height == h
	}
}

// A pty of 4294967295 x 4294967295 crashed the process; 10000 x 10000 grew
// it past 10 GB (issue 13). Sizes are clamped before the program sees them,
// on the first request and on every window change, with the real TUI
// drawing, and the heap stays small.
func TestHostilePtySizesAreClamped(t *testing.T) {
	probe := newProbe()
	// The real TUI, wrapped so the test sees the sizes its model received.
	e := newTestEnv(t, func(c *Config) {
		c.NewModel = func(o tui.Options) tea.Model { return &sizeSpy{inner: defaultModel(o), p: probe, user: o.Actor.User} }
	})
	k := e.addUser("hana", store.RolePM, true)
	before := heapInUse()
	for _, size := range [][2]int{{4294967295, 4294967295}, {10000, 10000}} {
		c, err := e.openSized(k, size[0], size[1])
		if err != nil {
			t.Fatalf("%dx%d: %v", size[0], size[1], err)
		}
		eventually(t, waitLong, "the clamped first size", func() bool { return probe.has("hana", isSize(MaxWidth, MaxHeight)) })
		eventually(t, waitLong, "a first frame", func() bool { return c.out.len() > 1000 })
		// A window change to a sane size, then back to the hostile one.
		if err := c.sess.WindowChange(24, 80); err != nil {
			t.Fatal(err)
		}
		eventually(t, waitLong, "80x24", func() bool { return probe.has("hana", isSize(80, 24)) })
		if err := c.sess.WindowChange(size[1], size[0]); err != nil {
			t.Fatal(err)
		}
		eventually(t, waitLong, "clamped again", func() bool { return probe.count("hana", isSize(MaxWidth, MaxHeight)) >= 2 })
		probe.mu.Lock()
		for _, m := range probe.events["hana"] {
			if s, ok := m.(tea.WindowSizeMsg); ok && (s.Width > MaxWidth || s.Height > MaxHeight) {
				t.Errorf("model saw %dx%d => want at most %dx%d", s.Width, s.Height, MaxWidth, MaxHeight)
			}
		}
		probe.events["hana"] = nil
		probe.mu.Unlock()
		during := heapInUse()
		t.Logf("pty %dx%d: heap in use %.1f MiB before, %.1f MiB with the session drawing at %dx%d",
			size[0], size[1], float64(before)/(1<<20), float64(during)/(1<<20), MaxWidth, MaxHeight)
		if grew := during - before; grew > 100<<20 {
			t.Errorf("heap grew %d MiB with one hostile session => want under 100 MiB", grew>>20)
		}
		c.close()
		eventually(t, waitLong, "session ended", func() bool { return len(e.srv.Sessions()) == 0 })
	}
	// The server is still serving.
	c := e.open(k, true)
	defer c.close()
	eventually(t, waitLong, "a normal session", func() bool { return probe.has("hana", isSize(80, 24)) })
}

// sizeSpy records the window sizes its inner model receives.
type sizeSpy struct {
	inner tea.Model
	p     *probe
	user  string
}

func (s *sizeSpy) Init() tea.Cmd { return s.inner.Init() }

func (s *sizeSpy) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m, ok := msg.(tea.WindowSizeMsg); ok {
		s.p.record(s.user, m)
	}
	var cmd tea.Cmd
	s.inner, cmd = s.inner.Update(msg)
	return s, cmd
}

func (s *sizeSpy) View() tea.View { return s.inner.View() }

func TestClampWindowRequests(t *testing.T) {
	for _, tc := range []struct{ w, h, ww, wh int }{
		{80, 24, 80, 24}, {0, 0, 0, 0}, {-5, -1, 0, 0}, {501, 24, MaxWidth, 24}, {80, 4294967295, 80, MaxHeight},
	} {
		if w, h := ClampWindow(tc.w, tc.h); w != tc.ww || h != tc.wh {
			t.Errorf("ClampWindow(%d, %d) = %d, %d => want %d, %d", tc.w, tc.h, w, h, tc.ww, tc.wh)
		}
	}
	pty := gossh.Marshal(struct {
		Term       string
		W, H, X, Y uint32
		Modes      string
	}{"xterm", 4294967295, 10000, 4294967295, 1, "\x00"})
	got, ok := clampPtyRequest(pty)
	want := gossh.Marshal(struct {
		Term       string
		W, H, X, Y uint32
		Modes      string
	}{"xterm", MaxWidth, MaxHeight, maxPixels, 1, "\x00"})
	if !ok || string(got) != string(want) {
		t.Errorf("clampPtyRequest => %q, %v; want %q", got, ok, want)
	}
	for _, bad := range []string{"", "\x00\x00\x00\x05xterm", strings.Repeat("x", 3)} {
		if _, ok := clampPtyRequest([]byte(bad)); ok {
			t.Errorf("clampPtyRequest(%q) accepted => want refused (too short)", bad)
		}
	}
	long := gossh.Marshal(struct {
		Term       string
		W, H, X, Y uint32
		Modes      string
	}{strings.Repeat("x", maxTermLen+1), 80, 24, 0, 0, ""})
	if _, ok := clampPtyRequest(long); ok {
		t.Error("a TERM over maxTermLen accepted => want the pty refused")
	}
}

// rawConn opens a TCP connection that says nothing, from the loopback
// address local (any port).
func rawConn(t *testing.T, addr, local string) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second}
	if local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(local)}
	}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// accepted reports whether the server took c (it sends its version line)
// rather than closing it at once.
func accepted(t *testing.T, c net.Conn) bool {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	_ = c.SetReadDeadline(time.Time{})
	if err != nil {
		return false
	}
	if !strings.HasPrefix(line, "SSH-2.0-owg") {
		t.Fatalf("server version line %q", line)
	}
	return true
}

// Silent TCP connections were held forever (300 of them under a 256-fd
// limit blocked a real login for 21 s).
func TestSilentConnectionClosedAfterHandshakeTimeout(t *testing.T) {
	const timeout = 200 * time.Millisecond
	e := newTestEnv(t, func(c *Config) { c.HandshakeTimeout = timeout })
	k := e.addUser("ivy", store.RoleCaseManager, true)

	// The server's timer starts when it accepts, which can be before the
	// client's Dial returns: the clock starts before the first dial.
	start := time.Now()
	silent := rawConn(t, e.addr, "")
	// One that sends its version line and then stalls in key exchange.
	stalled := rawConn(t, e.addr, "")
	if _, err := io.WriteString(stalled, "SSH-2.0-stall\r\n"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	took := make([]time.Duration, 2)
	for i, c := range []net.Conn{silent, stalled} {
		wg.Go(func() {
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, _ = io.Copy(io.Discard, c) // until the server hangs up
			took[i] = time.Since(start)
		})
	}
	wg.Wait()
	for i, d := range took {
		t.Logf("connection %d closed after %s (handshake timeout %s)", i, d.Round(time.Millisecond), timeout)
		if d < timeout || d > 5*time.Second {
			t.Errorf("connection %d closed after %s => want after the %s timeout, within 5s", i, d, timeout)
		}
	}
	// A real sign-in takes longer than nothing but is not cut off once
	// authenticated: the session outlives the timeout.
	c := e.open(k, true)
	defer c.close()
	c.out.waitFor(t, 0, "user ivy", waitLong)
	time.Sleep(3 * timeout)
	c.send("x")
	eventually(t, waitLong, "the session outlives the handshake timeout", func() bool { return e.probe.has("ivy", isKey("x")) })
	if n := e.srv.preAuth.count(); n != 0 {
		t.Errorf("%d connections counted as signing in => want 0", n)
	}
}

func TestPreAuthConnectionCap(t *testing.T) {
	e := newTestEnv(t, func(c *Config) {
		c.HandshakeTimeout = time.Minute
		c.MaxPreAuth = 3
		c.MaxPreAuthPerAddr = 2
	})
	k := e.addUser("jo", store.RoleCaseManager, true)

	a1, a2 := rawConn(t, e.addr, "127.0.0.1"), rawConn(t, e.addr, "127.0.0.1")
	if !accepted(t, a1) || !accepted(t, a2) {
		t.Fatal("the first two silent connections from 127.0.0.1 were refused => want them held")
	}
	if accepted(t, rawConn(t, e.addr, "127.0.0.1")) {
		t.Error("a third silent connection from 127.0.0.1 accepted => want it closed (2 per address)")
	}
	if _, err := e.dial(gossh.PublicKeys(k)); err == nil {
		t.Error("a sign-in from the full address succeeded => want it refused until a slot frees")
	}
	if !accepted(t, rawConn(t, e.addr, "127.0.0.2")) {
		t.Fatal("a silent connection from 127.0.0.2 refused => want it held (its address has room)")
	}
	if accepted(t, rawConn(t, e.addr, "127.0.0.3")) {
		t.Error("a fourth silent connection in total accepted => want it closed (3 in total)")
	}
	// A connection that goes away frees its slot; one that signs in does
	// too, so signed-in sessions never count against the cap.
	a1.Close()
	a2.Close()
	eventually(t, waitLong, "slots freed", func() bool { return e.srv.preAuth.count() == 1 })
	var cs []*client
	for range 3 {
		c := e.open(k, true)
		defer c.close()
		cs = append(cs, c)
	}
	for _, c := range cs {
		c.out.waitFor(t, 0, "user jo", waitLong)
	}
	if n := e.srv.preAuth.count(); n != 1 {
		t.Errorf("%d connections counted as signing in => want 1 (the silent one from 127.0.0.2)", n)
	}
}

// Agent forwarding was answered true; owg forwards nothing.
func TestForwardingAndOversizedRequestsRefused(t *testing.T) {
	e := newTestEnv(t, nil)
	k := e.addUser("kim", store.RoleCaseManager, true)
	conn, err := e.dial(gossh.PublicKeys(k))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range []string{"auth-agent-req@openssh.com", "x11-req", "subsystem"} {
		ok, err := sess.SendRequest(req, true, nil)
		if err != nil || ok {
			t.Errorf("%s => %v, %v; want false", req, ok, err)
		}
	}
	if ok, _, err := conn.SendRequest("tcpip-forward", true, gossh.Marshal(struct {
		Addr string
		Port uint32
	}{"127.0.0.1", 0})); err != nil || ok {
		t.Errorf("tcpip-forward => %v, %v; want false", ok, err)
	}
	if _, _, err := conn.OpenChannel("direct-tcpip", gossh.Marshal(struct {
		Host     string
		Port     uint32
		OrigHost string
		OrigPort uint32
	}{"127.0.0.1", 22, "127.0.0.1", 1})); err == nil {
		t.Error("direct-tcpip channel opened => want it rejected")
	}
	// The environment is bounded: overlong values and too many variables
	// are refused (OpenSSH sends env without asking for a reply; these do).
	if err := sess.Setenv("BIG", strings.Repeat("x", maxEnvValueLen+1)); err == nil {
		t.Error("an overlong env value accepted => want refused")
	}
	refused := 0
	for i := range maxEnvVars + 5 {
		if sess.Setenv(fmt.Sprintf("V%d", i), "1") != nil {
			refused++
		}
	}
	if refused != 5 {
		t.Errorf("%d of %d env vars refused => want 5 (at most %d)", refused, maxEnvVars+5, maxEnvVars)
	}
	if ok, err := sess.SendRequest("exec", true, gossh.Marshal(struct{ Cmd string }{strings.Repeat("x", maxCommandLen+1)})); err != nil || ok {
		t.Errorf("an overlong exec => %v, %v; want false", ok, err)
	}
	// Session channels per connection are bounded (sess is the first).
	n := 2
	for ; n <= maxChannelsPerConn+2; n++ {
		if _, err := conn.NewSession(); err != nil {
			break
		}
	}
	if n != maxChannelsPerConn+1 {
		t.Errorf("session channel %d refused => want channel %d refused", n, maxChannelsPerConn+1)
	}
}

// Unknown keys passed SSH authentication and were refused only afterwards;
// now they fail authentication with a banner that says why, and the
// client's next key is tried.
func TestUnknownKeyRejectedDuringAuthWithBanner(t *testing.T) {
	e := newTestEnv(t, nil)
	alice := e.addUser("alice", store.RoleCaseManager, true)
	stranger := newKey(t)
	fp := gossh.FingerprintSHA256(stranger.PublicKey())

	var mu sync.Mutex
	var banners []string
	cfg := func(keys ...gossh.Signer) *gossh.ClientConfig {
		return &gossh.ClientConfig{
			User: "owg", Auth: []gossh.AuthMethod{gossh.PublicKeys(keys...)},
			HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second,
			BannerCallback: func(m string) error { mu.Lock(); banners = append(banners, m); mu.Unlock(); return nil },
		}
	}
	_, err := gossh.Dial("tcp", e.addr, cfg(stranger))
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("dial with an unknown key => %v, want unable to authenticate", err)
	}
	mu.Lock()
	if len(banners) != 1 || banners[0] != UnknownKeyBanner(fp) {
		t.Errorf("banners %q => want one: %q", banners, UnknownKeyBanner(fp))
	}
	banners = nil
	mu.Unlock()
	evs := denials(t, e, fp)
	if len(evs) != 1 || evs[0].Detail != DetailUnknownKey || evs[0].User != UnknownUser || evs[0].Role != "" || !strings.HasPrefix(evs[0].Addr, "127.0.0.1:") {
		t.Errorf("audit %+v => want one %s denial by %s from 127.0.0.1", evs, DetailUnknownKey, UnknownUser)
	}

	// An agent that offers an unregistered key first: the registered key
	// after it gets in.
	conn, err := gossh.Dial("tcp", e.addr, cfg(stranger, alice))
	if err != nil {
		t.Fatalf("unknown key then alice's => %v, want signed in", err)
	}
	c, err := startShell(conn, "xterm-256color", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	c.out.waitFor(t, 0, "user alice", waitLong)
	mu.Lock()
	if len(banners) != 1 || !strings.Contains(banners[0], fp) {
		t.Errorf("banners %q => want the unknown key's only", banners)
	}
	mu.Unlock()
	if n := len(denials(t, e, fp)); n != 2 {
		t.Errorf("%d denials for the unknown key => want 2 (one per refusal)", n)
	}
	logins, err := e.db.ListAudit(t.Context(), store.AuditFilter{Action: store.AuditLogin})
	if err != nil {
		t.Fatal(err)
	}
	if len(logins) != 1 || logins[0].User != "alice" {
		t.Errorf("logins %+v => want alice's", logins)
	}
}

// An ended session's program is freed at once: a tea.Tick in the notices
// kept each one (24 MiB of screen buffers at 500x200) alive for a minute,
// so a user reconnecting in a loop grew the server by that much per login.
func TestEndedSessionsFreeTheirScreens(t *testing.T) {
	e, keys := newDemoEnv(t, nil)
	var after []int64
	for range 3 {
		c, err := e.openSized(keys["keisha"], 4294967295, 4294967295)
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, waitLong, "a first frame", func() bool { return c.out.len() > 1500 })
		c.out.settle(2*actionQuiet, 3*time.Second)
		c.close()
		eventually(t, waitLong, "session ended", func() bool { return len(e.srv.Sessions()) == 0 })
		after = append(after, heapInUse())
	}
	t.Logf("heap in use after each of 3 sessions at %dx%d: %.1f, %.1f, %.1f MiB", MaxWidth, MaxHeight,
		float64(after[0])/(1<<20), float64(after[1])/(1<<20), float64(after[2])/(1<<20))
	if grew := after[2] - after[0]; grew > 8<<20 {
		t.Errorf("heap grew %d MiB over two more ended sessions => want ended sessions freed", grew>>20)
	}
}
