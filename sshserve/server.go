// Package sshserve serves owg's TUI over SSH with charmbracelet/ssh: public-key sign-in
// against the store's users, one bubbletea v2 program per session, and a
// hub that fans store changes, meeting presence and server notices out to
// every session without letting a slow client delay the others.
package sshserve

import (
	"context"
	"errors"
	"github.com/leadtable/owg/tui/frames"
	"net"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/snapshot"
	"github.com/leadtable/owg/tui"
)

// StoppingNotice is the notice every session gets when the server stops.
const StoppingNotice = "server stopping"

// shutdownGrace is how long Shutdown gives the "server stopping" notice to
// reach the screens, and idle connections to hang up, before closing them.
const shutdownGrace = 250 * time.Millisecond

// Server is owg's SSH server.
type Server struct {
	cfg     Config
	log     *log.Logger
	ssh     *ssh.Server
	signer  gossh.Signer
	hub     *hub
	limiter *rateLimiter
	preAuth *preAuthLimiter
	unsub   func()
	snap    *snapshot.Snapshot // the site every session reads (nil: sessions read the store)
	share   *frames.Share      // frame work sessions showing the same screen share

	mu       sync.Mutex
	proto    store.Protocol // the protocol new sessions get (SetProtocol)
	ln       net.Listener
	active   int  // sessions holding a slot
	closing  bool // Shutdown or Close began
	sessions sync.WaitGroup
	// dropped is where each user's dropped sessions were, newest last, for
	// a reconnect within the idle timeout; live is every running session
	// by user (resume.go)
	dropped map[string][]droppedAt
	// noResume keeps no place for dropped sessions (benchmarks, whose
	// clients drop their connections and sign the same users in again)
	noResume bool
	live     map[string]map[*liveSession]struct{}
}

// New builds a server from cfg: it loads (or creates) the host key and
// subscribes to the store. It does not listen yet.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	signer, err := loadOrCreateHostKey(cfg.HostKeyPath)
	if err != nil {
		return nil, err
	}
	s := &Server{
		proto:   cfg.Protocol,
		cfg:     cfg,
		log:     cfg.Logger,
		signer:  signer,
		hub:     newHub(),
		limiter: newRateLimiter(cfg.RatePerSecond, cfg.RateBurst),
		preAuth: newPreAuthLimiter(cfg.MaxPreAuth, cfg.MaxPreAuthPerAddr),
	}
	// chain(a, b, c): c runs first (as wish.WithMiddleware did). Recovery
	// is last so it wraps everything; identity and the pty check run just
	// before the program, never in the public-key handler. The server is
	// built on charmbracelet/ssh directly (sshchain.go), so wish's root
	// package, and bubbletea v1 with it, stays out of the binary.
	srv := &ssh.Server{
		Addr:    cfg.Listen,
		Version: "owg",
		Handler: chain(
			s.program(),
			s.sessionCap,
			s.rateLimit,
			s.logConnections,
			s.recoverPanics,
		),
		ServerConfigCallback: s.serverConfig,
		ConnCallback:         s.acceptConn,
		// Only session channels, screened; no global requests
		// (tcpip-forward and the like are answered false), no port
		// forwarding channels.
		ChannelHandlers: map[string]ssh.ChannelHandler{"session": s.sessionChannel},
		RequestHandlers: map[string]ssh.RequestHandler{},
	}
	srv.AddHostKey(signer)
	if err := srv.SetOption(ssh.PublicKeyAuth(publicKeyHandler)); err != nil {
		return nil, err
	}
	srv.ConnectionFailedCallback = func(conn net.Conn, err error) {
		s.log.Debug("connection failed", "addr", conn.RemoteAddr().String(), "err", err)
	}
	s.ssh = srv
	s.snap = newSiteSnapshot(cfg.Store)
	s.share = frames.NewShare()
	s.unsub = cfg.Store.Subscribe(s.onChange)
	return s, nil
}

// HostKeyFingerprint is the host key's SHA256 fingerprint, as ssh prints it.
func (s *Server) HostKeyFingerprint() string {
	return gossh.FingerprintSHA256(s.signer.PublicKey())
}

// Addr is the address the server listens on, or nil before it listens.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// ListenAndServe listens on Config.Listen and serves until Shutdown or
// Close, when it returns nil.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve serves on ln until Shutdown or Close, when it returns nil.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		_ = ln.Close()
		return nil
	}
	s.ln = ln
	s.mu.Unlock()
	s.log.Info("listening", "addr", ln.Addr().String(), "host_key", s.HostKeyFingerprint())
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown tells every session the server is stopping, ends their
// programs, waits for them (as long as ctx allows), then shuts the SSH
// server down and closes what is left. It never waits past ctx, and does
// not close the store.
func (s *Server) Shutdown(ctx context.Context) error {
	if !s.beginClose() {
		return nil
	}
	s.log.Info("stopping", "sessions", len(s.hub.sessions()))
	if s.hub.deliver(nil, tui.NoticeMsg{Text: StoppingNotice}) > 0 {
		// Let the notice reach the screens before the programs end.
		sleepCtx(ctx, shutdownGrace)
	}
	for _, m := range s.hub.all() {
		m.stop(StoppingNotice)
	}
	var err error
	done := make(chan struct{})
	go func() { s.sessions.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	// Sessions are over; a client that keeps its connection open gets a
	// short grace, then Close hangs up on it.
	sctx, cancel := context.WithTimeout(ctx, shutdownGrace)
	defer cancel()
	_ = s.ssh.Shutdown(sctx)
	if cerr := s.ssh.Close(); err == nil && cerr != nil && !errors.Is(cerr, net.ErrClosed) {
		err = cerr
	}
	s.closeListener()
	return err
}

// Close stops the server at once: every connection is dropped.
func (s *Server) Close() error {
	s.beginClose()
	for _, m := range s.hub.all() {
		m.stop(StoppingNotice)
	}
	err := s.ssh.Close()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	s.closeListener()
	return err
}

// closeListener closes the listener even if Serve had not handed it to the
// SSH server yet, so Serve always returns.
func (s *Server) closeListener() {
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	if ln != nil {
		_ = ln.Close()
	}
}

func (s *Server) beginClose() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.closing = true
	if s.unsub != nil {
		s.unsub()
	}
	return true
}

// Broadcast shows msg (typically a tui.NoticeMsg) in every session and
// reports how many sessions it was queued for. It never blocks: a session
// that has not taken its previous message of the same type gets only the
// newest.
func (s *Server) Broadcast(msg tea.Msg) int {
	return s.hub.deliver(nil, msg)
}

// Notify delivers msg to the sessions whose signed-in actor passes filter
// (for example the on-call users), like Broadcast.
func (s *Server) Notify(filter func(store.Actor) bool, msg tea.Msg) int {
	if filter == nil {
		return 0
	}
	return s.hub.deliver(filter, msg)
}

// SetProtocol replaces the protocol that sessions opened from now on get
// (SIGHUP reloads the protocol file); sessions already open keep theirs.
func (s *Server) SetProtocol(p store.Protocol) {
	s.mu.Lock()
	s.proto = p
	s.mu.Unlock()
}

func (s *Server) protocol() store.Protocol {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proto
}

// Sessions lists the connected sessions, oldest first.
func (s *Server) Sessions() []SessionInfo {
	return s.hub.sessions()
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
