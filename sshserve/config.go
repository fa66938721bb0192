package sshserve

import (
	"errors"
	"io"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui"
)

// Defaults used when a Config field is left zero.
const (
	DefaultListen        = "127.0.0.1:2323"
	DefaultHostKeyName   = "ssh_host_ed25519"
	DefaultIdleTimeout   = 15 * time.Minute
	DefaultMaxSessions   = 100
	DefaultRatePerSecond = 1.0
	// DefaultRateBurst is sized for a meeting whose 50 people sign in
	// at once from one office's address (a NAT): 30 kept 20 of them
	// waiting a second each.
	DefaultRateBurst = 60
	// DefaultFPS is the most frames a second a session sends. A key or a
	// change is drawn as soon as the model has handled it (tui/frames); a
	// frame that follows within 1/FPS of the one before waits out the rest
	// of that time, so a burst coalesces into one frame, and nothing is sent
	// while the view does not change.
	DefaultFPS = 120
	// programFPS is the tick of the session's bubbletea program, which
	// only flushes output the program writes itself: frames are drawn on
	// demand (tui/frames) and the terminal queries are written by the
	// session (session.go), so the tick has nothing to do. At its lowest
	// rate an idle session wakes once a second, not 30 times (50 idle
	// sessions cost ~50 ms of CPU a second at 30).
	programFPS = 1
	// DefaultHandshakeTimeout closes a connection that has not finished
	// signing in this long after it connected. OpenSSH asks for a key's
	// passphrase (and a security key waits for its touch) inside
	// authentication, after the server has accepted the key: with 10 s a
	// person still typing their passphrase was cut off ("Connection
	// closed"). OpenSSH's own LoginGraceTime is 120 s.
	DefaultHandshakeTimeout = 30 * time.Second
	// DefaultMaxPreAuth and DefaultMaxPreAuthPerAddr cap connections still
	// signing in, in total and per remote address (OpenSSH's MaxStartups
	// idea): a flood of silent connections cannot use up the process's
	// file descriptors or keep a real sign-in out. Per address it is sized
	// for a meeting signing in at once from one office's NAT (16 refused
	// 28 of 60 people there).
	DefaultMaxPreAuth        = 128
	DefaultMaxPreAuthPerAddr = 64
)

// Config configures a Server. Only Store is required, and DataDir or
// HostKeyPath.
type Config struct {
	// Listen is the TCP address to listen on (DefaultListen).
	Listen string
	// DataDir is owg's data directory; the host key lives there by default.
	DataDir string
	// HostKeyPath is the ed25519 host key (DataDir/ssh_host_ed25519). It is
	// created on first start and reused after.
	HostKeyPath string
	// IdleTimeout logs a session off after this long without a keystroke
	// (DefaultIdleTimeout; negative disables it). Keepalives and other
	// traffic that is not input do not count.
	IdleTimeout time.Duration
	// HandshakeTimeout closes a connection that has not finished SSH key
	// exchange and authentication this long after it connected
	// (DefaultHandshakeTimeout; negative disables it).
	HandshakeTimeout time.Duration
	// MaxPreAuth and MaxPreAuthPerAddr cap the connections that have not
	// finished authenticating, in total and per remote IP address
	// (DefaultMaxPreAuth, DefaultMaxPreAuthPerAddr); further connections
	// are closed at once.
	MaxPreAuth        int
	MaxPreAuthPerAddr int
	// MaxSessions caps concurrent sessions (DefaultMaxSessions); extra
	// sessions are refused with a one-line message.
	MaxSessions int
	// RatePerSecond and RateBurst limit new sessions per remote address
	// (a token bucket: DefaultRatePerSecond, DefaultRateBurst).
	RatePerSecond float64
	RateBurst     int
	// TrueColor lets sessions whose terminal announces 24-bit colour use it;
	// otherwise colour is capped at ANSI256 (shorter escapes). A user can
	// also ask for it per session with the environment variable
	// OWG_TRUECOLOR=1 (ssh -o SendEnv=OWG_TRUECOLOR).
	TrueColor bool
	// FPS caps each session's frames per second (DefaultFPS).
	FPS int
	// ClassicKex offers only curve25519-sha256 (owg serve --classic-kex).
	// By default the hybrid post-quantum mlkem768x25519-sha256 comes first,
	// which protects recorded sessions against a future quantum computer at
	// about 1.1 KB more per connection (its reply carries an ML-KEM
	// ciphertext); ClassicKex keeps issue 6's 4 KB budget from connect to
	// the first screen, for links where every byte counts.
	ClassicKex bool

	// Store is the open store; the caller owns it (Shutdown does not close it).
	Store store.Store
	// Protocol is the site's protocol, passed to every session.
	Protocol store.Protocol
	// Logger is the structured server log (default: discard). Nothing that
	// identifies a participant is ever logged.
	Logger *log.Logger
	// Now is the clock given to sessions (default time.Now).
	Now func() time.Time
	// Exec runs a command line sent by an exec request without a pty
	// (`ssh -p PORT host user list`) for a pm or supervisor; nil refuses
	// such requests as before.
	Exec ExecFunc
	// LastBackup reports the last successful backup and the last attempt's
	// error, for the pm's and supervisors' Today screen (nil: none shown).
	LastBackup func() (time.Time, error)
	// NewModel builds one session's model (default tui.New). Tests inject
	// stand-ins here.
	NewModel func(tui.Options) tea.Model
}

func (c Config) withDefaults() (Config, error) {
	if c.Store == nil {
		return c, errors.New("sshserve: Config.Store is required")
	}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.HostKeyPath == "" {
		if c.DataDir == "" {
			return c, errors.New("sshserve: Config.DataDir or Config.HostKeyPath is required")
		}
		c.HostKeyPath = filepath.Join(c.DataDir, DefaultHostKeyName)
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.HandshakeTimeout == 0 {
		c.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if c.MaxPreAuth <= 0 {
		c.MaxPreAuth = DefaultMaxPreAuth
	}
	if c.MaxPreAuthPerAddr <= 0 {
		c.MaxPreAuthPerAddr = DefaultMaxPreAuthPerAddr
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.RatePerSecond <= 0 {
		c.RatePerSecond = DefaultRatePerSecond
	}
	if c.RateBurst <= 0 {
		c.RateBurst = DefaultRateBurst
	}
	if c.FPS <= 0 {
		c.FPS = DefaultFPS
	}
	if c.Logger == nil {
		c.Logger = log.New(io.Discard)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.NewModel == nil {
		c.NewModel = defaultModel
	}
	return c, nil
}
