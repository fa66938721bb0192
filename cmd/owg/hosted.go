package main

import (
	"context"
	"io"
	"sync"
	"time"

	"charm.land/log/v2"

	"github.com/leadtable/owg/sshserve"
	"github.com/leadtable/owg/store"
)

// serverState is what a running `owg serve` shares with the commands it
// runs for others: the open store, the live protocol (SIGHUP reloads it),
// its sessions and the state of its backups.
type serverState struct {
	st      store.Store
	dataDir string
	addr    string
	log     *log.Logger
	now     func() time.Time
	// sessions lists the live SSH sessions (nil before the server runs).
	sessions func() []sshserve.SessionInfo
	// backups reports the continuous backups (nil when they are off).
	backups func() backupStatus
	// started is when the server started (for `owg stats`).
	started time.Time

	mu        sync.Mutex
	proto     store.Protocol
	protoText []byte // the text proto was read from (its version is its hash)
}

// protocol returns the protocol in force and the text it was read from.
func (s *serverState) protocol() (store.Protocol, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proto, s.protoText
}

// setProtocol replaces the protocol in force (and its text).
func (s *serverState) setProtocol(p store.Protocol, text []byte) {
	s.mu.Lock()
	s.proto, s.protoText = p, text
	s.mu.Unlock()
}

// runHosted runs one owg command line inside the server, on its open store,
// with the caller's streams, and returns its exit code.
func (s *serverState) runHosted(ctx context.Context, h *hostedRun, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	h.srv = s
	h.dataDir = s.dataDir
	app := newApp(stdin, stdout, stderr)
	app.Now = s.now
	env := h.env
	app.Getenv = func(k string) string { return env[k] }
	app.Interactive = func() bool { return false }
	app.host = h
	app.st = s.st
	return run(ctx, app, args)
}

// joinHint is the ssh command that joins the server app runs in, or a
// general hint.
func joinHint(app *App) string {
	if app.host != nil && app.host.srv.addr != "" {
		if j := joinCommand(app.host.srv.addr); j != "" {
			return j
		}
	}
	return "ssh -p PORT HOST"
}
