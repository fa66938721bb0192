package sshserve

import (
	"time"

	"github.com/leadtable/owg/tui"
)

// droppedAt is where a session was when its connection dropped, and when.
type droppedAt struct {
	tab string
	at  time.Time
}

// keepDropped remembers where user's session was when its connection
// dropped (not when they quit).
func (s *Server) keepDropped(user, tab string, at time.Time) {
	if tab == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dropped == nil {
		s.dropped = map[string]droppedAt{}
	}
	s.dropped[user] = droppedAt{tab: tab, at: at}
}

// takeResume returns where user's dropped session was when it dropped
// within the idle timeout before now (once), else nil.
func (s *Server) takeResume(user string, now time.Time) *tui.Resume {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.dropped[user]
	delete(s.dropped, user)
	limit := s.cfg.IdleTimeout
	if limit <= 0 {
		limit = DefaultIdleTimeout
	}
	if !ok || now.Sub(d.at) > limit {
		return nil
	}
	return &tui.Resume{Tab: d.tab}
}

// tabOf is the tab m's session last showed.
func (h *hub) tabOf(m *member) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return m.info.Tab
}
