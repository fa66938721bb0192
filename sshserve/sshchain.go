package sshserve

import "github.com/charmbracelet/ssh"

// middleware wraps an ssh.Handler, as wish's Middleware does. owg builds
// its chain itself on charmbracelet/ssh so that wish's root package (whose
// cmd.go links bubbletea v1, and with it a package init that queries the
// terminal and waits up to 5 s for an answer) stays out of the binary.
type middleware func(next ssh.Handler) ssh.Handler

// chain composes mw as wish.WithMiddleware does: the last one runs first.
func chain(mw ...middleware) ssh.Handler {
	h := func(ssh.Session) {}
	for _, m := range mw {
		h = m(h)
	}
	return h
}
