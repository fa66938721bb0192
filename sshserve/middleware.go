package sshserve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
)

// extKeyFingerprint is the permissions extension where the public-key
// handler records the offered key's fingerprint, and nothing else.
const extKeyFingerprint = "owg-key-sha256"

// auditTimeout bounds one audit write.
const auditTimeout = 5 * time.Second

// UnknownUser is the audit user of a refusal before any user is known (an
// unregistered key): owg never guesses who owns a key.
const UnknownUser = "(unknown)"

// Detail codes of refusal audit events.
const (
	DetailUnknownKey = "unknown_key"
	DetailDisabled   = "disabled"
	DetailNoPty      = "no_pty"
	DetailNoKey      = "no_key"
	DetailSessionCap = "session_cap"
	DetailStopping   = "server_stopping"
	DetailLookup     = "lookup_failed"
)

// publicKeyHandler accepts every key that parses and records only its
// fingerprint. Who the key belongs to is decided later, per session, in
// identify (never keep identity from here: CVE-2023-43809).
func publicKeyHandler(ctx ssh.Context, key ssh.PublicKey) bool {
	perms := ctx.Permissions()
	if perms.Permissions == nil {
		return false
	}
	if perms.Extensions == nil {
		perms.Extensions = map[string]string{}
	}
	perms.Extensions[extKeyFingerprint] = gossh.FingerprintSHA256(key)
	return true
}

// program is the innermost middleware: identity, the pty check, then one
// program for the session.
func (s *Server) program() middleware {
	h := s.identify(s.requirePty(s.runSession))
	return func(next ssh.Handler) ssh.Handler {
		return func(sess ssh.Session) {
			h(sess)
			next(sess)
		}
	}
}

// sessionHandler is the inner part of the chain, once the user is known.
type sessionHandler func(sess ssh.Session, u store.User, fingerprint string)

// keyFingerprint is the fingerprint of the key the session authenticated
// with, or "" when the extension and the authenticated key disagree.
func keyFingerprint(sess ssh.Session) string {
	pk := sess.PublicKey()
	if pk == nil {
		return ""
	}
	fp := gossh.FingerprintSHA256(pk)
	perms := sess.Permissions()
	if perms.Permissions == nil || perms.Extensions[extKeyFingerprint] != fp {
		return ""
	}
	return fp
}

// identify resolves the session's user from its key fingerprint in the
// store and refuses unknown keys and disabled users.
func (s *Server) identify(next sessionHandler) ssh.Handler {
	return func(sess ssh.Session) {
		fp := keyFingerprint(sess)
		if fp == "" {
			s.refuse(sess, "sign in with an SSH key registered with owg", store.AuditEvent{Action: store.AuditDenied, Detail: DetailNoKey})
			return
		}
		ctx, cancel := context.WithTimeout(sess.Context(), auditTimeout)
		u, err := s.cfg.Store.UserByKey(ctx, fp)
		cancel()
		switch {
		case errors.Is(err, store.ErrNotFound):
			s.refuse(sess, fmt.Sprintf("key %s is not registered with owg; ask your LEAD project manager to add it", fp),
				store.AuditEvent{Action: store.AuditDenied, Subject: fp, Detail: DetailUnknownKey})
			return
		case err != nil:
			s.log.Error("user lookup failed", "addr", sess.RemoteAddr().String(), "err", err)
			s.refuse(sess, "cannot check your key right now; try again later",
				store.AuditEvent{Action: store.AuditDenied, Subject: fp, Detail: DetailLookup})
			return
		case !u.Active:
			s.refuse(sess, "your owg account is disabled; ask your LEAD project manager",
				store.AuditEvent{User: u.Name, Role: u.Role, Action: store.AuditDenied, Subject: fp, Detail: DetailDisabled})
			return
		}
		next(sess, u, fp)
	}
}

// requirePty refuses sessions without a terminal (activeterm's check, with
// an audit event and owg's wording).
func (s *Server) requirePty(next sessionHandler) sessionHandler {
	return func(sess ssh.Session, u store.User, fp string) {
		if _, _, ok := sess.Pty(); !ok {
			if len(sess.Command()) > 0 && s.cfg.Exec != nil {
				s.runExec(sess, u, fp)
				return
			}
			s.refuse(sess, "owg needs an interactive terminal; connect with ssh -t",
				store.AuditEvent{User: u.Name, Role: u.Role, Action: store.AuditDenied, Subject: fp, Detail: DetailNoPty})
			return
		}
		next(sess, u, fp)
	}
}

// sessionCap holds a session slot for the rest of the chain, refusing the
// session when MaxSessions are open or the server is stopping.
func (s *Server) sessionCap(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		detail := s.acquire()
		if detail != "" {
			msg := "owg is full right now; try again in a few minutes"
			if detail == DetailStopping {
				msg = "owg is stopping; try again shortly"
			}
			s.refuse(sess, msg, store.AuditEvent{Action: store.AuditDenied, Subject: keyFingerprint(sess), Detail: detail})
			return
		}
		defer s.release()
		next(sess)
	}
}

func (s *Server) acquire() (refusal string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing:
		return DetailStopping
	case s.active >= s.cfg.MaxSessions:
		return DetailSessionCap
	}
	s.active++
	s.sessions.Add(1)
	return ""
}

func (s *Server) release() {
	s.mu.Lock()
	s.active--
	s.mu.Unlock()
	s.sessions.Done()
}

// rateLimit refuses new sessions from an address that opens them too fast.
func (s *Server) rateLimit(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if !s.limiter.allow(hostOf(sess.RemoteAddr()), time.Now()) {
			s.log.Warn("rate limited", "addr", sess.RemoteAddr().String())
			fmt.Fprint(sess.Stderr(), "owg: too many connections from your address; try again in a minute\n")
			_ = sess.Exit(1)
			return
		}
		next(sess)
	}
}

func hostOf(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	return a.String()
}

// logConnections logs each session's start and end (wish's logging
// middleware, on charm.land/log/v2). Only addresses, sizes and durations:
// nothing about participants.
func (s *Server) logConnections(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		start := time.Now()
		pty, _, _ := sess.Pty()
		s.log.Info("connect", "addr", sess.RemoteAddr().String(), "term", pty.Term,
			"width", pty.Window.Width, "height", pty.Window.Height, "client", sess.Context().ClientVersion(), "kex", kexOf(sess.Context()))
		defer func() {
			s.log.Info("disconnect", "addr", sess.RemoteAddr().String(), "duration", time.Since(start).Round(time.Millisecond))
		}()
		next(sess)
	}
}

// recoverPanics ends only the panicking session: it logs the panic (its
// type, and its message for runtime errors, which carry no data) with the
// stack, tells the client, and keeps the server up.
func (s *Server) recoverPanics(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer func() {
			if r := recover(); r != nil {
				s.logPanic(sess.RemoteAddr().String(), r, debug.Stack())
				fmt.Fprint(sess.Stderr(), "owg: internal error; this session ended\n")
				_ = sess.Exit(1)
			}
		}()
		next(sess)
	}
}

func (s *Server) logPanic(addr string, r any, stack []byte) {
	what := fmt.Sprintf("%T", r)
	if re, ok := r.(runtime.Error); ok {
		what = re.Error()
	}
	s.log.Error("session panic", "addr", addr, "panic", what, "stack", string(stack))
}

// refuse writes a one-line reason to the session, audits the refusal and
// exits 1.
func (s *Server) refuse(sess ssh.Session, reason string, ev store.AuditEvent) {
	ev.Addr = sess.RemoteAddr().String()
	if ev.User == "" {
		ev.User = UnknownUser
	}
	if err := s.audit(ev); err != nil {
		s.log.Error("audit failed", "action", ev.Action, "detail", ev.Detail, "err", err)
	}
	s.log.Info("refused", "addr", ev.Addr, "detail", ev.Detail, "key", ev.Subject)
	fmt.Fprintf(sess.Stderr(), "owg: %s\n", reason)
	_ = sess.Exit(1)
}

func (s *Server) audit(ev store.AuditEvent) error {
	ctx, cancel := context.WithTimeout(context.Background(), auditTimeout)
	defer cancel()
	return s.cfg.Store.Record(ctx, ev)
}
