package sshserve

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/charmbracelet/ssh"

	"github.com/leadtable/owg/store"
)

// Bounds on an exec request's command line.
const (
	MaxExecCommandBytes = 4096
	MaxExecArgs         = 64
)

// DetailExec marks the audit event of an exec request (a command run over
// SSH without a terminal); DetailExecDenied one refused for the user's role;
// DetailExecTooLong one whose command line is over the bounds.
const (
	DetailExec       = "exec"
	DetailExecDenied = "exec_role"
	DetailExecLong   = "exec_too_long"
)

// ExecRequest is one command line a signed-in user runs over SSH without a
// terminal, soft-serve style: `ssh -p PORT host user list`.
type ExecRequest struct {
	// Actor is the signed-in user (never a --as).
	Actor store.Actor
	// Args is the command line, split by the SSH library (shell quoting).
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// ExecFunc runs an ExecRequest and returns its exit status.
type ExecFunc func(ctx context.Context, req ExecRequest) int

// execRoles may run commands over SSH.
var execRoles = []store.Role{store.RolePM, store.RoleSupervisor}

// MayExec reports whether role may run commands over SSH.
func MayExec(role store.Role) bool { return slices.Contains(execRoles, role) }

// runExec runs an exec request for the signed-in user u, or refuses it with
// one line.
func (s *Server) runExec(sess ssh.Session, u store.User, fp string) {
	addr := sess.RemoteAddr().String()
	args := sess.Command()
	if !MayExec(u.Role) {
		s.refuse(sess, fmt.Sprintf("commands over ssh are for the pm and supervisors; %s is %s (connect with ssh -t for the TUI)", u.Name, u.Role),
			store.AuditEvent{User: u.Name, Role: u.Role, Action: store.AuditDenied, Subject: fp, Detail: DetailExecDenied})
		return
	}
	if len(sess.RawCommand()) > MaxExecCommandBytes || len(args) > MaxExecArgs {
		s.refuse(sess, fmt.Sprintf("command line too long (at most %d bytes, %d arguments)", MaxExecCommandBytes, MaxExecArgs),
			store.AuditEvent{User: u.Name, Role: u.Role, Action: store.AuditDenied, Subject: fp, Detail: DetailExecLong})
		return
	}
	if err := s.audit(store.AuditEvent{User: u.Name, Role: u.Role, Action: store.AuditLogin, Subject: fp, Addr: addr, Detail: DetailExec}); err != nil {
		s.log.Error("audit failed", "action", store.AuditLogin, "err", err)
		fmt.Fprint(sess.Stderr(), "owg: cannot record your sign-in right now; try again later\n")
		_ = sess.Exit(1)
		return
	}
	start := time.Now()
	// The command line is never logged: its arguments may hold participant
	// data (a referral's name, a note).
	s.log.Info("exec start", "user", u.Name, "role", u.Role, "addr", addr, "args", len(args))
	code := s.cfg.Exec(sess.Context(), ExecRequest{
		Actor:  store.Actor{User: u.Name, Role: u.Role, Agency: u.Agency, Addr: addr},
		Args:   args,
		Stdin:  sess,
		Stdout: sess,
		Stderr: sess.Stderr(),
	})
	s.log.Info("exec end", "user", u.Name, "addr", addr, "code", code, "duration", time.Since(start).Round(time.Millisecond))
	_ = sess.Exit(code)
}
