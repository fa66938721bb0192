package sshserve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
)

// TestFlakyLinkMeasurement is issue 18's flaky-link measurement: an
// officer types a referral's note steadily while the connection is lost
// every OWG_FLAKY_PERIOD (default 10s) for OWG_FLAKY_ROUNDS rounds
// (default 12: two minutes). It logs the characters typed, the characters
// in the final draft, the characters lost per drop (min/median/max) and
// the time from each drop to being back in the form. Run with
// OWG_FLAKY=1 (skipped otherwise: it takes wall-clock time), e.g.
//
//	OWG_FLAKY=1 go test ./sshserve -run TestFlakyLinkMeasurement -v -timeout 30m
//
// Three ways of losing the link, one subtest each:
//   - loopback: the in-process client closes its connection and signs
//     straight back in (what the server side loses, nothing in flight);
//   - proxy: the in-process client goes through a TCP proxy on loopback
//     that delays each direction by half of OWG_FLAKY_RTT (default 100ms,
//     a phone tether) and cuts every connection at each drop (both ends
//     reset, whatever is in flight lost); the client reconnects in a loop
//     as `ssh -o ServerAliveInterval=2 -o ServerAliveCountMax=2` in a
//     retry loop does (a keepalive every 2 s, two unanswered end it, a
//     second's pause between tries);
//   - openssh: OpenSSH's ssh in a pty, in exactly that shell retry loop,
//     through the same proxy (skipped when ssh is not installed).
//
// The typist types one character every OWG_FLAKY_EVERY (default 450ms,
// the 280-character note fills in about two minutes) while the form is on
// screen, goes on for OWG_FLAKY_NOTICE (default 1s) after each drop
// before noticing the screen froze or went (those keys go into the dead
// connection, or into the terminal between two runs of ssh), then waits
// until the form is back. Each such key counts as typed.
func TestFlakyLinkMeasurement(t *testing.T) {
	if os.Getenv("OWG_FLAKY") == "" {
		t.Skip("set OWG_FLAKY=1 to run the flaky-link measurement")
	}
	cfg := flakyConfig{period: 10 * time.Second, rounds: 12, every: 450 * time.Millisecond, rtt: 100 * time.Millisecond, retry: time.Second, notice: time.Second}
	if v, err := time.ParseDuration(os.Getenv("OWG_FLAKY_EVERY")); err == nil {
		cfg.every = v
	}
	if v, err := time.ParseDuration(os.Getenv("OWG_FLAKY_PERIOD")); err == nil {
		cfg.period = v
	}
	if v, err := strconv.Atoi(os.Getenv("OWG_FLAKY_ROUNDS")); err == nil {
		cfg.rounds = v
	}
	if v, err := time.ParseDuration(os.Getenv("OWG_FLAKY_RTT")); err == nil {
		cfg.rtt = v
	}
	if v, err := time.ParseDuration(os.Getenv("OWG_FLAKY_NOTICE")); err == nil {
		cfg.notice = v
	}
	t.Run("loopback", func(t *testing.T) { flakyLoopback(t, cfg) })
	t.Run("proxy", func(t *testing.T) {
		s := newIntakeSite(t)
		measureFlaky(t, s, cfg, newGoLink(t, s, cfg))
	})
	t.Run("openssh", func(t *testing.T) {
		bin, err := exec.LookPath("ssh")
		if err != nil {
			t.Skip("ssh not installed (Debian package openssh-client)")
		}
		s := newIntakeSite(t)
		measureFlaky(t, s, cfg, newOpenSSHLink(t, s, cfg, bin))
	})
	// the same, but the link goes silent instead of being reset
	silent := cfg
	silent.silent = true
	t.Run("proxy-silent", func(t *testing.T) {
		s := newIntakeSite(t)
		measureFlaky(t, s, silent, newGoLink(t, s, silent))
	})
	t.Run("openssh-silent", func(t *testing.T) {
		bin, err := exec.LookPath("ssh")
		if err != nil {
			t.Skip("ssh not installed (Debian package openssh-client)")
		}
		s := newIntakeSite(t)
		measureFlaky(t, s, silent, newOpenSSHLink(t, s, silent, bin))
	})
}

// flakyConfig is the measurement's shape.
type flakyConfig struct {
	period time.Duration // time between drops
	rounds int           // drops
	every  time.Duration // time between typed characters
	rtt    time.Duration // the proxy's round trip
	retry  time.Duration // the reconnect loop's pause
	notice time.Duration // how long the typist goes on typing after a drop
	silent bool          // the link goes silent at a drop instead of being reset
}

// maxTyped stays under the note field's 280 characters.
const maxTyped = 270

// typedText is the note the typist types: n letters a..z, repeated.
func typedText(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteByte(byte('a' + i%26))
	}
	return b.String()
}

// officerNote is the note field of ofc's referral draft ("" when none).
func officerNote(s *intakeSite) string {
	ds, err := s.e.db.Drafts(context.Background(), store.Actor{User: "ofc", Role: store.RolePolice}, 0)
	if err != nil || len(ds) == 0 {
		return ""
	}
	return ds[0].Fields["note"]
}

// flakyLoopback: the in-process client closes its connection every period
// and signs straight back in.
func flakyLoopback(t *testing.T, cfg flakyConfig) {
	s := newIntakeSite(t)
	typed := 0
	var lostAtDrop []int
	start := time.Now()
	for round := 0; round < cfg.rounds; round++ {
		want := "New referral"
		if round > 0 {
			want = "restored your unsent referral"
		}
		c := s.open(t, "ofc", want)
		if round == 0 {
			for range 11 { // kind .. note
				typeField(c.client, keyTab)
			}
		}
		end := time.Now().Add(cfg.period)
		for time.Now().Before(end) && typed < maxTyped {
			c.send(string(rune('a' + typed%26)))
			typed++
			time.Sleep(cfg.every)
		}
		c.close()
		eventually(t, 5*time.Second, "the drop is noted", func() bool {
			s.e.srv.mu.Lock()
			defer s.e.srv.mu.Unlock()
			_, ok := s.e.srv.dropped["ofc"]
			return ok
		})
		lostAtDrop = append(lostAtDrop, typed-len(officerNote(s)))
	}
	note, want := officerNote(s), typedText(typed)
	t.Logf("flaky link (loopback): %d drops every %s over %s, %d characters typed at one per %s; draft holds %d (%s); lost after each drop: %v",
		cfg.rounds, cfg.period, time.Since(start).Round(time.Second), typed, cfg.every, len(note), map[bool]string{true: "in order", false: "NOT the typed text"}[note == want], lostAtDrop)
	if !strings.HasPrefix(want, note) {
		t.Errorf("the draft is not a prefix of what was typed:\n got %q\nwant %q", note, want)
	}
}

// flakyLink is a client that keeps reconnecting through a cutProxy.
type flakyLink interface {
	name() string
	// out is everything the client's terminal received, over every
	// connection, in order.
	out() *screen
	// send types s into the client's terminal.
	send(s string)
	// connects is how many connections the client has opened.
	connects() int
	stop()
}

// measureFlaky runs the measurement over link: the first connection opens
// on the New referral form; the typist tabs to the note and types; at
// each drop the proxy cuts the link and the typist waits for the form to
// be back ("restored your unsent referral").
func measureFlaky(t *testing.T, s *intakeSite, cfg flakyConfig, link flakyLink) {
	defer link.stop()
	p := flakyProxyOf(link)
	out := link.out()
	if err := out.await(0, "New referral", waitLong); err != nil {
		t.Fatal(err)
	}
	out.settle(actionQuiet, 3*time.Second)
	for range 11 { // kind .. note
		mark := out.len()
		link.send(keyTab)
		if waitGrowth(out, mark, time.Second) {
			out.settle(actionQuiet, 3*time.Second)
		}
	}
	typed, prev, blind, resumed := 0, 0, 0, 0
	var base map[string]string // the draft's other fields after the first drop
	var lost []int
	var back []time.Duration
	start := time.Now()
	for round := 0; round < cfg.rounds; round++ {
		sent := 0
		cutAt := start.Add(time.Duration(round+1) * cfg.period)
		for time.Now().Before(cutAt) {
			if typed < maxTyped {
				link.send(string(rune('a' + typed%26)))
				typed++
				sent++
			}
			time.Sleep(min(cfg.every, time.Until(cutAt)))
		}
		mark := out.len()
		conns := link.connects()
		cut := time.Now()
		p.cut()
		// the typist goes on until they notice the screen has frozen or
		// gone: into a dead connection, or the terminal between two ssh
		for end := cut.Add(cfg.notice); time.Now().Before(end) && typed < maxTyped; {
			time.Sleep(min(cfg.every, time.Until(end)))
			if time.Now().Before(end) {
				link.send(string(rune('a' + typed%26)))
				typed++
				sent++
				blind++
			}
		}
		// back in the form: a new connection's screen says so
		deadline := time.Now().Add(waitLong)
		for !(link.connects() > conns && strings.Contains(stripped(out.bytesFrom(mark)), "restored your unsent referral")) {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: not back in the form within %s; received %q", round, waitLong, lastBytes(out.bytesFrom(mark), 2000))
			}
			time.Sleep(5 * time.Millisecond)
		}
		back = append(back, time.Since(cut))
		if strings.Contains(stripped(out.bytesFrom(mark)), "reconnected") {
			resumed++
		}
		out.settle(actionQuiet, 3*time.Second)
		if round == 0 {
			base = draftFields(s)
		}
		now := len(officerNote(s))
		lost = append(lost, prev+sent-now)
		prev = now
	}
	// the last characters reach the store with the last session's drafts
	link.stop()
	eventually(t, waitLong, "the last session's draft is kept", func() bool { return !liveSessions(s.e, "ofc") })
	note, want := officerNote(s), typedText(typed)
	inOrder := "in order, a prefix of what was typed"
	if !isSubsequence(note, want) {
		inOrder = "NOT what was typed"
	} else if !strings.HasPrefix(want, note) {
		inOrder = "in order, with gaps"
	}
	lostAll := slices.Clone(lost)
	slices.Sort(lostAll)
	backAll := slices.Clone(back)
	slices.Sort(backAll)
	how := "cut both ends"
	if cfg.silent {
		how = "link silent"
	}
	t.Logf("flaky link (%s, proxy RTT %s, %s every %s): %d drops over %s, %d connections; %d characters typed at one per %s (%d of them in the %s after a drop, before the typist noticed); final draft holds %d (%s), %d lost in all",
		link.name(), cfg.rtt, how, cfg.period, cfg.rounds, time.Since(start).Round(time.Second), link.connects(), typed, cfg.every, blind, cfg.notice, len(note), inOrder, typed-len(note))
	t.Logf("  %d of %d reconnections resumed where they were (\"reconnected\"); other draft fields typed into: %v", resumed, cfg.rounds, strayFields(s, base))
	t.Logf("  lost per drop: min %d, median %d, max %d (each: %v)", lostAll[0], lostAll[len(lostAll)/2], lostAll[len(lostAll)-1], lost)
	t.Logf("  drop to back in the form: min %s, median %s, max %s (each: %v)", backAll[0].Round(time.Millisecond),
		backAll[len(backAll)/2].Round(time.Millisecond), backAll[len(backAll)-1].Round(time.Millisecond), roundAll(back))
	if inOrder == "NOT what was typed" {
		t.Errorf("the draft is not what was typed, in order:\n got %q\nwant %q", note, want)
	}
}

// draftFields is ofc's referral draft's fields (nil when none).
func draftFields(s *intakeSite) map[string]string {
	ds, err := s.e.db.Drafts(context.Background(), store.Actor{User: "ofc", Role: store.RolePolice}, 0)
	if err != nil || len(ds) == 0 {
		return nil
	}
	return ds[0].Fields
}

// strayFields lists the fields of ofc's draft, other than the note and
// the focus, that differ from base (the draft after the first drop):
// where keys typed between two connections may have gone.
func strayFields(s *intakeSite, base map[string]string) []string {
	var out []string
	for k, v := range draftFields(s) {
		if k != "note" && k != "focus" && v != base[k] {
			out = append(out, k+"="+v)
		}
	}
	slices.Sort(out)
	return out
}

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(10 * time.Millisecond)
	}
	return out
}

func stripped(b []byte) string { return ansi.Strip(string(b)) }

// isSubsequence reports whether a's bytes appear in b in order.
func isSubsequence(a, b string) bool {
	i := 0
	for j := 0; i < len(a) && j < len(b); j++ {
		if a[i] == b[j] {
			i++
		}
	}
	return i == len(a)
}

// liveSessions reports whether user has a session the server still runs.
func liveSessions(e *testEnv, user string) bool {
	e.srv.mu.Lock()
	defer e.srv.mu.Unlock()
	return len(e.srv.live[user]) > 0
}

// cutProxy forwards TCP connections to target on loopback, each direction
// delayed by half the round trip, and cuts them all at once on cut: both
// ends reset (linger 0), whatever was in flight lost. A silent proxy
// instead stops carrying anything on the connections it cuts and leaves
// them open, as a tether that loses its signal does: neither end is told,
// the client finds out by its keepalives and the server not at all.
type cutProxy struct {
	ln     net.Listener
	target string
	delay  time.Duration // one way
	silent bool
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	dead   map[net.Conn]struct{} // silently cut: open, carrying nothing
	done   chan struct{}
}

func (p *cutProxy) isDead(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.dead[c]
	return ok
}

func newCutProxy(t *testing.T, target string, rtt time.Duration, silent bool) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, delay: rtt / 2, silent: silent, conns: map[net.Conn]struct{}{}, dead: map[net.Conn]struct{}{}, done: make(chan struct{})}
	go p.accept()
	t.Cleanup(func() {
		close(p.done)
		ln.Close()
		p.silent = false
		p.cut()
		p.mu.Lock()
		for c := range p.dead {
			c.Close()
		}
		p.mu.Unlock()
	})
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

func (p *cutProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.DialTimeout("tcp", p.target, 5*time.Second)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[s] = struct{}{}, struct{}{}
		p.mu.Unlock()
		go p.pipe(s, c)
		go p.pipe(c, s)
	}
}

// pipe copies from src to dst, each chunk delivered p.delay after it was
// read; when either side ends, both are closed.
func (p *cutProxy) pipe(dst, src net.Conn) {
	type chunk struct {
		at time.Time
		b  []byte
	}
	q := make(chan chunk, 1024)
	go func() {
		defer close(q)
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				q <- chunk{time.Now().Add(p.delay), bytes.Clone(buf[:n])}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range q {
		time.Sleep(time.Until(c.at))
		if p.isDead(src) {
			continue // a silent cut: nothing arrives
		}
		if _, err := dst.Write(c.b); err != nil {
			break
		}
	}
	if p.isDead(src) {
		src.Close() // the end that gave up; the other is never told
		return
	}
	p.drop(dst)
	p.drop(src)
	for range q { // discard what is left
	}
}

func (p *cutProxy) drop(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// cut resets every connection through the proxy (silent: leaves them
// open, carrying nothing from now on).
func (p *cutProxy) cut() {
	p.mu.Lock()
	conns := make([]net.Conn, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
		if p.silent {
			p.dead[c] = struct{}{}
		}
	}
	clear(p.conns)
	p.mu.Unlock()
	if p.silent {
		return
	}
	for _, c := range conns {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // a reset: what the kernel holds is dropped too
		}
		c.Close()
	}
}

// proxied is a flakyLink through a cutProxy.
type proxied interface{ proxy() *cutProxy }

func flakyProxyOf(l flakyLink) *cutProxy { return l.(proxied).proxy() }

// goLink is the in-process client in a reconnect loop, with OpenSSH's
// ServerAliveInterval=2 / ServerAliveCountMax=2 keepalives.
type goLink struct {
	p      *cutProxy
	key    gossh.Signer
	retry  time.Duration
	screen *screen
	mu     sync.Mutex
	stdin  io.Writer // the current connection's, nil while down
	n      atomic.Int64
	ctx    context.Context
	cancel context.CancelFunc
	ended  chan struct{}
}

func newGoLink(t *testing.T, s *intakeSite, cfg flakyConfig) *goLink {
	ctx, cancel := context.WithCancel(context.Background())
	l := &goLink{p: newCutProxy(t, s.e.addr, cfg.rtt, cfg.silent), key: s.keys["ofc"], retry: cfg.retry, screen: &screen{},
		ctx: ctx, cancel: cancel, ended: make(chan struct{})}
	go l.loop()
	t.Cleanup(l.stop)
	return l
}

func (l *goLink) name() string         { return "in-process client" }
func (l *goLink) proxy() *cutProxy     { return l.p }
func (l *goLink) out() *screen         { return l.screen }
func (l *goLink) connects() int        { return int(l.n.Load()) }
func (l *goLink) stop()                { l.cancel(); <-l.ended }
func (l *goLink) setStdin(w io.Writer) { l.mu.Lock(); l.stdin = w; l.mu.Unlock() }

func (l *goLink) send(s string) {
	l.mu.Lock()
	w := l.stdin
	l.mu.Unlock()
	if w != nil {
		_, _ = io.WriteString(w, s)
	}
}

func (l *goLink) loop() {
	defer close(l.ended)
	for l.ctx.Err() == nil {
		if err := l.session(); err != nil && l.ctx.Err() == nil {
			select {
			case <-time.After(l.retry):
			case <-l.ctx.Done():
			}
			continue
		}
		select { // ssh exited: the shell loop's pause
		case <-time.After(l.retry):
		case <-l.ctx.Done():
		}
	}
}

// session is one connection: it returns when the link is lost.
func (l *goLink) session() error {
	raw, err := net.DialTimeout("tcp", l.p.addr(), 5*time.Second)
	if err != nil {
		return err
	}
	defer raw.Close()
	sc, chans, reqs, err := gossh.NewClientConn(raw, l.p.addr(), &gossh.ClientConfig{
		User: "owg", Auth: []gossh.AuthMethod{gossh.PublicKeys(l.key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second,
	})
	if err != nil {
		return err
	}
	conn := gossh.NewClient(sc, chans, reqs)
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		return err
	}
	sess.Stdout, sess.Stderr = l.screen, l.screen
	stdin, err := sess.StdinPipe()
	if err != nil {
		return err
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		return err
	}
	if err := sess.Shell(); err != nil {
		return err
	}
	l.n.Add(1)
	l.setStdin(stdin)
	defer l.setStdin(nil)
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	// ServerAliveInterval=2, ServerAliveCountMax=2
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	var missed atomic.Int32
	for {
		select {
		case err := <-done:
			return err
		case <-l.ctx.Done():
			return nil
		case <-tick.C:
			if missed.Load() >= 2 {
				return errors.New("server alive timeout")
			}
			missed.Add(1)
			go func() {
				if _, _, err := conn.SendRequest("keepalive@openssh.com", true, nil); err == nil {
					missed.Store(0)
				}
			}()
		}
	}
}

// opensshLink is OpenSSH's ssh in a pty, in a shell retry loop.
type opensshLink struct {
	p      *cutProxy
	f      *os.File
	cmd    *exec.Cmd
	screen *screen
	once   sync.Once
	read   chan struct{}
}

// linkDown is what the retry loop prints each time ssh ends.
const linkDown = "owg-link-down"

func newOpenSSHLink(t *testing.T, s *intakeSite, cfg flakyConfig, bin string) *opensshLink {
	t.Helper()
	dir := t.TempDir()
	keyFile, signer := writeClientKey(t, dir, "owg flaky")
	addKey(t, s.e, "ofc", signer)
	p := newCutProxy(t, s.e.addr, cfg.rtt, cfg.silent)
	_, port, _ := net.SplitHostPort(p.addr())
	sshCmd := strings.Join([]string{bin, "-F", "/dev/null", "-p", port, "-i", keyFile, "-o", "IdentitiesOnly=yes",
		"-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=QUIET",
		"-o", "ServerAliveInterval=2", "-o", "ServerAliveCountMax=2", "-o", "ConnectTimeout=5", "-tt", "owg@127.0.0.1"}, " ")
	loop := fmt.Sprintf("while :; do %s; echo %s; sleep %g; done", sshCmd, linkDown, cfg.retry.Seconds())
	cmd := exec.Command("/bin/sh", "-c", loop)
	home := t.TempDir()
	cmd.Env = []string{"HOME=" + home, "TERM=xterm-256color", "PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8"}
	cmd.Dir = home
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		t.Fatal(err)
	}
	l := &opensshLink{p: p, f: f, cmd: cmd, screen: &screen{}, read: make(chan struct{})}
	go func() {
		defer close(l.read)
		_, _ = io.Copy(l.screen, f)
	}()
	t.Cleanup(l.stop)
	return l
}

func (l *opensshLink) name() string     { return "OpenSSH ssh in a pty" }
func (l *opensshLink) proxy() *cutProxy { return l.p }
func (l *opensshLink) out() *screen     { return l.screen }
func (l *opensshLink) send(s string)    { _, _ = io.WriteString(l.f, s) }

// connects counts the connections that reached owg: each draws its tab
// bar ("My referrals") after the previous link-down line.
func (l *opensshLink) connects() int {
	return 1 + bytes.Count(l.screen.bytesFrom(0), []byte(linkDown))
}

func (l *opensshLink) stop() {
	l.once.Do(func() {
		_ = syscall.Kill(-l.cmd.Process.Pid, syscall.SIGKILL) // the loop and its ssh (pty.Start made it a session)
		_ = l.cmd.Wait()
		l.p.cut() // the ssh child ends with its connection
		_ = l.f.Close()
		<-l.read
	})
}
