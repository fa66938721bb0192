package sshserve

import (
	"encoding/binary"
	"net"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Bounds on what one client controls. Every size a client sends is clamped
// or refused here before anything is allocated for it (issue 13).
const (
	// MaxWidth and MaxHeight clamp every pty size and window change: a
	// program's screen buffers grow with width x height, and a client may
	// ask for 4294967295 x 4294967295. Larger terminals still work; owg
	// draws in the top-left 500 x 200 cells.
	MaxWidth  = 500
	MaxHeight = 200
	// maxPixels clamps the pixel sizes of a pty request (owg ignores them).
	maxPixels = 1 << 15

	// maxTermLen bounds the pty's terminal type (TERM).
	maxTermLen = 64
	// maxEnvVars, maxEnvKeyLen, maxEnvValueLen and maxEnvBytes bound the
	// environment a session may set; further variables are refused.
	maxEnvVars     = 64
	maxEnvKeyLen   = 64
	maxEnvValueLen = 1024
	maxEnvBytes    = 16 << 10
	// maxCommandLen bounds an exec request's command line at the channel:
	// a hard cap on what a client can make the server hold. Admin commands
	// over SSH get their own plain "too long" refusal at
	// MaxExecCommandBytes, well below it.
	maxCommandLen = 64 << 10
	// maxChannelsPerConn bounds the session channels one connection may
	// hold open at once (each can run a program).
	maxChannelsPerConn = 4
)

// ClampWindow bounds a terminal size a client sent to 0..MaxWidth by
// 0..MaxHeight. Below the TUI's minimum the TUI shows its size message.
func ClampWindow(w, h int) (int, int) {
	return min(max(w, 0), MaxWidth), min(max(h, 0), MaxHeight)
}

// preAuthLimiter counts connections that have not finished SSH
// authentication, per remote address and in total.
type preAuthLimiter struct {
	mu       sync.Mutex
	total    int
	perHost  map[string]int
	maxTotal int
	maxHost  int
}

func newPreAuthLimiter(maxTotal, maxHost int) *preAuthLimiter {
	return &preAuthLimiter{perHost: map[string]int{}, maxTotal: maxTotal, maxHost: maxHost}
}

// enter takes a pre-auth slot for host, reporting false when the total or
// host's share is full.
func (l *preAuthLimiter) enter(host string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.total >= l.maxTotal || l.perHost[host] >= l.maxHost {
		return false
	}
	l.total++
	l.perHost[host]++
	return true
}

func (l *preAuthLimiter) leave(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if l.perHost[host]--; l.perHost[host] <= 0 {
		delete(l.perHost, host)
	}
}

// count is the number of connections still authenticating.
func (l *preAuthLimiter) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// connStateKey is the ssh.Context key of a connection's connState.
type connStateKey struct{}

// connState is what owg tracks for one TCP connection: its pre-auth slot,
// its handshake timer and its open session channels. It holds no identity.
type connState struct {
	host     string
	limiter  *preAuthLimiter
	mu       sync.Mutex
	phase    connPhase
	timer    *time.Timer
	channels int
}

type connPhase int

const (
	phasePreAuth connPhase = iota
	phaseAuthed
	phaseExpired
	phaseClosed
)

// authenticated ends the pre-auth phase: the handshake timer stops and
// the slot is freed.
func (c *connState) authenticated() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.phase != phasePreAuth {
		return
	}
	c.phase = phaseAuthed
	if c.timer != nil {
		c.timer.Stop()
	}
	c.limiter.leave(c.host)
}

// expire reports whether the connection was still authenticating when its
// handshake timer fired (the caller then closes it).
func (c *connState) expire() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.phase != phasePreAuth {
		return false
	}
	c.phase = phaseExpired
	c.limiter.leave(c.host)
	return true
}

// closed frees the slot of a connection that closes while authenticating.
func (c *connState) closed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
	}
	if c.phase == phasePreAuth {
		c.limiter.leave(c.host)
	}
	c.phase = phaseClosed
}

// openChannel takes one of the connection's session-channel slots.
func (c *connState) openChannel() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.channels >= maxChannelsPerConn {
		return false
	}
	c.channels++
	return true
}

func (c *connState) closeChannel() {
	c.mu.Lock()
	c.channels--
	c.mu.Unlock()
}

// guardedConn frees the connection's pre-auth slot when it closes.
type guardedConn struct {
	net.Conn
	st   *connState
	once sync.Once
}

func (g *guardedConn) Close() error {
	g.once.Do(g.st.closed)
	return g.Conn.Close()
}

// acceptConn is the ssh.Server's ConnCallback: it refuses a connection when
// too many are still authenticating (from its address or in total) and
// starts its handshake timer.
func (s *Server) acceptConn(ctx ssh.Context, conn net.Conn) net.Conn {
	host := hostOf(conn.RemoteAddr())
	if !s.preAuth.enter(host) {
		s.log.Warn("refused connection: too many still signing in", "addr", conn.RemoteAddr().String(), "pending", s.preAuth.count())
		return nil
	}
	st := &connState{host: host, limiter: s.preAuth}
	if d := s.cfg.HandshakeTimeout; d > 0 {
		addr := conn.RemoteAddr().String()
		st.mu.Lock()
		st.timer = time.AfterFunc(d, func() {
			if st.expire() {
				s.log.Info("closed connection: sign-in not finished in time", "addr", addr, "timeout", d)
				_ = conn.Close()
			}
		})
		st.mu.Unlock()
	}
	ctx.SetValue(connStateKey{}, st)
	return &guardedConn{Conn: conn, st: st}
}

func stateOf(ctx ssh.Context) *connState {
	st, _ := ctx.Value(connStateKey{}).(*connState)
	return st
}

// sessionChannel is the handler of "session" channels: it bounds the
// channels one connection holds, and screens every request on the channel
// (sizes clamped, environment bounded, forwarding refused) before
// charmbracelet/ssh's session handler sees it.
func (s *Server) sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	if st := stateOf(ctx); st != nil {
		if !st.openChannel() {
			_ = nc.Reject(gossh.ResourceShortage, "too many sessions on one connection")
			return
		}
		defer st.closeChannel()
	}
	ssh.DefaultSessionHandler(srv, conn, &screenedChannel{NewChannel: nc, s: s, addr: conn.RemoteAddr().String()}, ctx)
}

// screenedChannel is a NewChannel whose requests pass through screen.
type screenedChannel struct {
	gossh.NewChannel
	s    *Server
	addr string
}

func (c *screenedChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := c.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		var env envBudget
		for req := range reqs {
			if !c.s.screen(req, &env, c.addr) {
				_ = req.Reply(false, nil)
				continue
			}
			out <- req
		}
	}()
	return ch, out, nil
}

// envBudget counts one session's environment.
type envBudget struct{ vars, bytes int }

// screen checks one session request, rewriting pty and window sizes to
// their clamped values; false refuses it. Nothing the client sent is
// logged beyond the request type.
func (s *Server) screen(req *gossh.Request, env *envBudget, addr string) bool {
	switch req.Type {
	case "pty-req":
		p, ok := clampPtyRequest(req.Payload)
		if !ok {
			s.log.Info("refused pty request", "addr", addr, "bytes", len(req.Payload))
			return false
		}
		req.Payload = p
	case "window-change":
		p, ok := clampWindowChange(req.Payload)
		if !ok {
			return false
		}
		req.Payload = p
	case "env":
		var kv struct{ Key, Value string }
		if err := gossh.Unmarshal(req.Payload, &kv); err != nil {
			return false
		}
		n := len(kv.Key) + len(kv.Value)
		if env.vars >= maxEnvVars || len(kv.Key) > maxEnvKeyLen || len(kv.Value) > maxEnvValueLen || env.bytes+n > maxEnvBytes {
			return false
		}
		env.vars++
		env.bytes += n
	case "exec":
		var cmd struct{ Value string }
		if err := gossh.Unmarshal(req.Payload, &cmd); err != nil || len(cmd.Value) > maxCommandLen {
			return false
		}
	case "auth-agent-req@openssh.com", "x11-req", "subsystem":
		// owg forwards nothing (an agent forwarded to a server lets the
		// server sign as you) and serves no subsystem (sftp).
		s.log.Info("refused request", "addr", addr, "type", req.Type)
		return false
	}
	return true
}

// clampPtyRequest rewrites a pty-req payload (RFC 4254 6.2: TERM, width,
// height, pixel width, pixel height, modes) with its sizes clamped. A
// request with an overlong or non-printable TERM is refused.
func clampPtyRequest(p []byte) ([]byte, bool) {
	if len(p) < 4 {
		return nil, false
	}
	n := binary.BigEndian.Uint32(p)
	if n > maxTermLen || len(p) < 4+int(n)+16 {
		return nil, false
	}
	term := p[4 : 4+n]
	for _, b := range term {
		if b <= ' ' || b >= 0x7f {
			return nil, false
		}
	}
	out := append([]byte(nil), p...)
	clampWindowBytes(out[4+n : 4+n+16])
	return out, true
}

// clampWindowChange rewrites a window-change payload (width, height, pixel
// width, pixel height) with its sizes clamped.
func clampWindowChange(p []byte) ([]byte, bool) {
	if len(p) < 16 {
		return nil, false
	}
	out := append([]byte(nil), p...)
	clampWindowBytes(out[:16])
	return out, true
}

func clampWindowBytes(b []byte) {
	put := func(i int, limit uint32) {
		if v := binary.BigEndian.Uint32(b[i:]); v > limit {
			binary.BigEndian.PutUint32(b[i:], limit)
		}
	}
	put(0, MaxWidth)
	put(4, MaxHeight)
	put(8, maxPixels)
	put(12, maxPixels)
}
