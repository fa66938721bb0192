package sshserve

import (
	"context"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/tui"
)

// Reconnect where you were (issue 18): when a session's connection drops
// (not a quit, an idle logoff or a server stop), where it stood — the
// tui.Resume its model reports: tab, selections by record id, scroll, the
// open participant, the meeting and whether it followed — is kept in this
// process only (never written, never logged), by user, until the idle
// timeout has passed; the user's next session opens there.

// maxDroppedPerUser bounds the places kept for one user (several devices
// dropping at once); the oldest goes first.
const maxDroppedPerUser = 4

// resumeWait is how long a new session waits for a session of the same
// user whose connection has already gone to finish keeping its place (a
// client that reconnects at once can be faster than the old session's
// ending). A session still connected is never waited on.
const resumeWait = 2 * time.Second

// resumeProbe is how long a session of the same user has to answer a
// keepalive when a new session starts. A phone that loses its tether
// leaves a half-open connection the server cannot tell from a quiet one:
// the client reconnects while its old session still looks connected, so
// the new session asks the old one's client; no answer within this and
// the old connection is taken as dropped (closed: its drafts are kept
// and its place goes to the new session). A client that answers, however
// idle, keeps its session and its place.
const resumeProbe = 2 * time.Second

// droppedAt is where a session was when its connection dropped, and when.
type droppedAt struct {
	place tui.Resume
	at    time.Time
}

// liveSession is one running session of a user: gone reports that its
// connection has ended, done is closed once its place has been kept (or
// it kept none); conn is its SSH connection (nil in tests without one).
type liveSession struct {
	user string
	gone func() bool
	conn gossh.Conn
	done chan struct{}
}

// goLive notes a running session of user whose connection ends with ctx.
func (s *Server) goLive(ctx context.Context, user string, sess ssh.Session) *liveSession {
	ls := &liveSession{user: user, gone: func() bool { return ctx.Err() != nil }, done: make(chan struct{})}
	if c, ok := sess.Context().Value(ssh.ContextKeyConn).(gossh.Conn); ok {
		ls.conn = c
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.live == nil {
		s.live = map[string]map[*liveSession]struct{}{}
	}
	if s.live[user] == nil {
		s.live[user] = map[*liveSession]struct{}{}
	}
	s.live[user][ls] = struct{}{}
	return ls
}

// endSession keeps where the session stood when its connection dropped
// (its model's Where, else the tab the hub last heard of) and ends ls.
func (s *Server) endSession(ls *liveSession, model *guardModel, m *member, dropped bool) {
	defer func() {
		s.mu.Lock()
		delete(s.live[ls.user], ls)
		if len(s.live[ls.user]) == 0 {
			delete(s.live, ls.user)
		}
		s.mu.Unlock()
		close(ls.done)
	}()
	if !dropped {
		return
	}
	var r tui.Resume
	if w, ok := model.inner.(tui.Resumable); ok && !model.dead {
		r = w.Where()
	} else {
		r = tui.Resume{Tab: s.hub.tabOf(m)}
	}
	s.keepDropped(ls.user, r, s.cfg.Now())
}

// keepDropped remembers where user's session was when its connection
// dropped (not when they quit).
func (s *Server) keepDropped(user string, r tui.Resume, at time.Time) {
	if r.Tab == "" || s.noResume {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dropped == nil {
		s.dropped = map[string][]droppedAt{}
	}
	list := s.fresh(s.dropped[user], at)
	if len(list) >= maxDroppedPerUser {
		list = list[len(list)-maxDroppedPerUser+1:]
	}
	s.dropped[user] = append(list, droppedAt{place: r, at: at})
	// not kept past the idle timeout, taken or not
	time.AfterFunc(s.resumeLimit()+time.Second, s.pruneDropped)
}

// pruneDropped forgets every place older than the idle timeout.
func (s *Server) pruneDropped() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	for user, list := range s.dropped {
		if list = s.fresh(list, now); len(list) == 0 {
			delete(s.dropped, user)
		} else {
			s.dropped[user] = list
		}
	}
}

// resumeLimit is how long a dropped session's place is kept: the idle
// timeout (its default when automatic logoff is off).
func (s *Server) resumeLimit() time.Duration {
	if s.cfg.IdleTimeout > 0 {
		return s.cfg.IdleTimeout
	}
	return DefaultIdleTimeout
}

// takeResume returns where user's most recently dropped session was, when
// it dropped within the idle timeout before now (once), else nil. It
// first waits (at most resumeWait) for the user's sessions whose
// connection has gone but which are still ending; the place of a session
// still connected is never taken.
func (s *Server) takeResume(user string, now time.Time) *tui.Resume {
	s.awaitEnding(user, resumeWait)
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.fresh(s.dropped[user], now)
	if len(list) == 0 {
		delete(s.dropped, user)
		return nil
	}
	d := list[len(list)-1]
	if list = list[:len(list)-1]; len(list) == 0 {
		delete(s.dropped, user)
	} else {
		s.dropped[user] = list
	}
	return &d.place
}

// fresh returns the places in list that dropped within the idle timeout
// before now (s.mu held).
func (s *Server) fresh(list []droppedAt, now time.Time) []droppedAt {
	limit := s.resumeLimit()
	out := list[:0]
	for _, d := range list {
		if now.Sub(d.at) <= limit {
			out = append(out, d)
		}
	}
	return out
}

// answers reports whether ls's client answers a keepalive within d (a
// session without a connection to ask always does).
func (ls *liveSession) answers(d time.Duration) bool {
	if ls.conn == nil {
		return true
	}
	got := make(chan error, 1)
	go func() {
		// OpenSSH and x/crypto clients answer an unknown global request
		// (with a refusal): any answer means the link is up
		_, _, err := ls.conn.SendRequest("keepalive@openssh.com", true, nil)
		got <- err
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-got:
		return err == nil
	case <-t.C:
		return false
	}
}

// awaitEnding waits, at most resumeProbe then d, until no session of user
// whose connection has gone is still ending: first each session of user
// still thought connected is asked for a keepalive, and one whose client
// does not answer is closed as dropped.
func (s *Server) awaitEnding(user string, d time.Duration) {
	s.mu.Lock()
	var others []*liveSession
	for ls := range s.live[user] {
		others = append(others, ls)
	}
	s.mu.Unlock()
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		ending []chan struct{}
	)
	for _, ls := range others {
		if ls.gone() {
			ending = append(ending, ls.done)
			continue
		}
		wg.Go(func() {
			if ls.answers(resumeProbe) {
				return
			}
			if !ls.gone() {
				s.log.Info("session not answering: taken as dropped", "user", user)
				_ = ls.conn.Close()
			}
			mu.Lock()
			ending = append(ending, ls.done)
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(ending) == 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	for _, ch := range ending {
		select {
		case <-ch:
		case <-t.C:
			return
		}
	}
}

// tabOf is the tab m's session last showed.
func (h *hub) tabOf(m *member) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return m.info.Tab
}
