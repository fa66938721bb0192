package sshserve

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui"
)

// maxPendingChanges bounds one session's coalesced change batch: a stuck
// session keeps at most this many distinct changes (the newest).
const maxPendingChanges = 256

// SessionInfo describes one connected session (for tests, benchmarks and
// the operator).
type SessionInfo struct {
	ID        uint64
	User      string
	Role      store.Role
	Agency    string
	Addr      string
	Started   time.Time
	Tab       string // the tab the session shows
	MeetingID string // "" when not in a meeting
	Following bool
}

// hub fans store changes, presence and server notices out to sessions.
// Every session has a mailbox that keeps only the newest pending message of
// each type (store changes are merged into one batch); a per-session
// goroutine drains it into the session's program. The hub itself never
// calls p.Send, so a stuck client never delays anyone else.
type hub struct {
	mu      sync.Mutex
	members map[uint64]*member
	nextID  uint64
}

func newHub() *hub {
	return &hub{members: map[uint64]*member{}}
}

// member is one session registered with the hub.
type member struct {
	info  SessionInfo // guarded by hub.mu once registered
	actor store.Actor
	fp    string // the key the session signed in with

	mu      sync.Mutex
	pending []tea.Msg // at most one message per type, oldest first
	wake    chan struct{}

	// stop ends the session (server shutdown); reason is shown after.
	stop func(reason string)
}

// register adds a session. The caller must call unregister when it ends.
func (h *hub) register(actor store.Actor, fp string, started time.Time, stop func(string)) *member {
	m := &member{
		actor: actor,
		fp:    fp,
		wake:  make(chan struct{}, 1),
		stop:  stop,
	}
	h.mu.Lock()
	h.nextID++
	m.info = SessionInfo{ID: h.nextID, User: actor.User, Role: actor.Role, Agency: actor.Agency, Addr: actor.Addr, Started: started}
	h.members[m.info.ID] = m
	h.mu.Unlock()
	h.fanoutPresence()
	return m
}

// unregister removes a session and drops whatever it had pending.
func (h *hub) unregister(m *member) {
	h.mu.Lock()
	_, ok := h.members[m.info.ID]
	delete(h.members, m.info.ID)
	h.mu.Unlock()
	m.mu.Lock()
	m.pending = nil
	m.mu.Unlock()
	if ok {
		h.fanoutPresence()
	}
}

// setPresence records where a session is and tells everyone.
func (h *hub) setPresence(m *member, p tui.Presence) {
	h.mu.Lock()
	if _, ok := h.members[m.info.ID]; !ok {
		h.mu.Unlock()
		return
	}
	m.info.MeetingID = p.MeetingID
	m.info.Following = p.Following
	h.mu.Unlock()
	h.fanoutPresence()
}

// audience returns the actors of the sessions other than except that
// follow meeting id (the facilitator's move shows them its next item).
func (h *hub) audience(id string, except *member) []store.Actor {
	if id == "" {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []store.Actor
	for _, m := range h.members {
		if m != except && m.info.MeetingID == id && m.info.Following {
			out = append(out, m.actor)
		}
	}
	return out
}

// setTab records which tab a session shows (for the operator only: it is
// not fanned out to other sessions).
func (h *hub) setTab(m *member, tab string) {
	h.mu.Lock()
	if _, ok := h.members[m.info.ID]; ok {
		m.info.Tab = tab
	}
	h.mu.Unlock()
}

func (h *hub) fanoutPresence() {
	h.mu.Lock()
	defer h.mu.Unlock()
	people := make([]tui.Presence, 0, len(h.members))
	ids := make([]uint64, 0, len(h.members))
	for id := range h.members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		in := h.members[id].info
		people = append(people, tui.Presence{User: in.User, Role: in.Role, Agency: in.Agency, MeetingID: in.MeetingID, Following: in.Following})
	}
	slices.SortStableFunc(people, func(a, b tui.Presence) int { return cmp.Compare(a.User, b.User) })
	for _, m := range h.members {
		// Each session gets its own copy: models may keep and sort it.
		m.put(tui.PresenceMsg{People: slices.Clone(people)})
	}
}

// publish delivers one committed store change to every session.
func (h *hub) publish(c store.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.members {
		m.put(tui.ChangedMsg{Changes: []store.Change{c}})
	}
}

// deliver puts msg in the mailbox of every session whose actor passes
// filter (nil: every session) and reports how many.
func (h *hub) deliver(filter func(store.Actor) bool, msg tea.Msg) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, m := range h.members {
		if filter == nil || filter(m.actor) {
			m.put(msg)
			n++
		}
	}
	return n
}

func (h *hub) sessions() []SessionInfo {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]SessionInfo, 0, len(h.members))
	for _, m := range h.members {
		out = append(out, m.info)
	}
	slices.SortFunc(out, func(a, b SessionInfo) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

func (h *hub) all() []*member {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*member, 0, len(h.members))
	for _, m := range h.members {
		out = append(out, m)
	}
	return out
}

// put stores msg in the mailbox, replacing a pending message of the same
// type (merging change batches), and wakes the drainer. It never blocks.
func (m *member) put(msg tea.Msg) {
	m.mu.Lock()
	t := reflect.TypeOf(msg)
	replaced := false
	for i, old := range m.pending {
		if reflect.TypeOf(old) != t {
			continue
		}
		if c, ok := msg.(tui.ChangedMsg); ok {
			msg = tui.ChangedMsg{Changes: mergeChanges(old.(tui.ChangedMsg).Changes, c.Changes)}
		}
		// Keep delivery order by moving the newest state to the end.
		m.pending = append(slices.Delete(m.pending, i, i+1), msg)
		replaced = true
		break
	}
	if !replaced {
		m.pending = append(m.pending, msg)
	}
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// take empties the mailbox.
func (m *member) take() []tea.Msg {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.pending
	m.pending = nil
	return out
}

// drain delivers mailbox contents with send until ctx ends. send may
// block (p.Send waits for the program); it must return once ctx ends.
func (m *member) drain(ctx context.Context, send func(tea.Msg)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		}
		for _, msg := range m.take() {
			if ctx.Err() != nil {
				return
			}
			send(msg)
		}
	}
}

// mergeChanges appends add to old, dropping repeats of the same record and
// keeping at most maxPendingChanges (the newest).
func mergeChanges(old, add []store.Change) []store.Change {
	out := make([]store.Change, 0, len(old)+len(add))
	out = append(out, old...)
	for _, c := range add {
		out = slices.DeleteFunc(out, func(o store.Change) bool { return o.Kind == c.Kind && o.ID == c.ID })
		out = append(out, c)
	}
	if len(out) > maxPendingChanges {
		out = slices.Clone(out[len(out)-maxPendingChanges:])
	}
	return out
}
