package sshserve

import (
	"context"
	"errors"
	"slices"

	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui"
)

// WithdrawnNotice is what a session sees when its user is disabled or
// removed, its key taken away or its role changed, while it is connected.
const WithdrawnNotice = "your access was withdrawn"

// DetailWithdrawn marks the audit event of a session ended that way.
const DetailWithdrawn = "access_withdrawn"

// onChange is the server's store subscription: it fans the change out to
// sessions and, for a change to a user, ends that user's sessions whose
// access is gone. It never blocks the writer.
func (s *Server) onChange(c store.Change) {
	s.observeAndPublish(c) // the shared snapshot first, then the sessions
	if c.Kind == "user" {
		go s.checkAccess(c.ID)
	}
}

// checkAccess ends the live sessions of user name when the user is gone,
// disabled, no longer holds the key the session signed in with, or now has
// another role or agency than the session was opened with.
func (s *Server) checkAccess(name string) {
	var ms []*member
	for _, m := range s.hub.all() {
		if m.actor.User == name {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), auditTimeout)
	u, err := s.cfg.Store.GetUser(ctx, name)
	cancel()
	gone := errors.Is(err, store.ErrNotFound)
	if err != nil && !gone {
		s.log.Error("access check failed", "user", name, "err", err)
		return
	}
	var fps []string
	if !gone {
		for _, k := range u.Keys {
			if pub, _, _, _, err := gossh.ParseAuthorizedKey([]byte(k)); err == nil {
				fps = append(fps, gossh.FingerprintSHA256(pub))
			}
		}
	}
	for _, m := range ms {
		// A changed role or agency also ends the session: it was opened
		// with the old one (the user signs in again with the new).
		if !gone && u.Active && slices.Contains(fps, m.fp) && u.Role == m.actor.Role && u.Agency == m.actor.Agency {
			continue
		}
		if err := s.audit(store.AuditEvent{User: m.actor.User, Role: m.actor.Role, Action: store.AuditDenied,
			Subject: m.fp, Addr: m.actor.Addr, Detail: DetailWithdrawn}); err != nil {
			s.log.Error("audit failed", "action", store.AuditDenied, "detail", DetailWithdrawn, "err", err)
		}
		s.log.Info("access withdrawn", "user", m.actor.User, "addr", m.actor.Addr)
		m.stop(reasonWithdrawn)
	}
}

// sessionRows lists the live sessions for the pm's Sessions screen.
func (s *Server) sessionRows() []tui.SessionRow {
	infos := s.hub.sessions()
	out := make([]tui.SessionRow, len(infos))
	for i, in := range infos {
		out[i] = tui.SessionRow{User: in.User, Role: in.Role, Addr: in.Addr, Since: in.Started, Tab: in.Tab, MeetingID: in.MeetingID}
	}
	return out
}
