package tui

import (
	"fmt"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/intake"
)

// notices is what the session knows of field referrals waiting for an
// on-call handoff.
type notices struct {
	list    []intake.Notice // oldest first
	shown   bool            // the viewer gets notices (on call, supervisor or pm)
	gen     int             // the newest load asked for
	at      int             // seq tick of the newest notice, vs model.statusAt
	ticking bool            // a minute tick is armed
	remind  bool            // the next load re-shows the notice over the status
	// answered: a load has answered (the screen is not settled before:
	// Today lists the notices and the viewer's handoffs)
	answered bool
}

// noticesMsg is one load of the pending notices, for the load gen.
type noticesMsg struct {
	gen   int
	shown bool
	list  []intake.Notice
	mine  []intake.Handoff // handoffs the viewer took and has not closed
	err   error
}

// noticeTickMsg refreshes the notices' minutes once a minute while any is
// pending (the only timer owg runs, and only then).
type noticeTickMsg struct{}

// getsNotices reports whether actor gets on-call notices at now: the pm
// and supervisors always, anyone else while the protocol's rota has them
// on call.
func getsNotices(p store.Protocol, actor store.Actor, users []store.User, now time.Time) bool {
	switch actor.Role {
	case store.RolePM, store.RoleSupervisor:
		return true
	}
	return slices.Contains(p.OnCallUsers(now, users), actor.User)
}

// loadNoticesCmd reads the pending field referrals when the viewer gets
// notices.
func (m *model) loadNoticesCmd() tea.Cmd {
	m.on.gen++
	gen, c, proto := m.on.gen, m.ctx, protocolOf(m.ctx)
	return func() tea.Msg {
		if c.Store == nil {
			return noticesMsg{gen: gen}
		}
		ctx, now := c.Context(), c.Time()
		switch c.Actor.Role {
		case store.RolePM, store.RoleSupervisor, store.RoleCaseManager:
		default:
			return noticesMsg{gen: gen} // handoffs are case management's
		}
		users, err := c.Store.ListUsers(ctx)
		if err != nil {
			return noticesMsg{gen: gen, err: err}
		}
		mine, err := intake.MyHandoffs(ctx, c.Store, c.Actor.User, now)
		if err != nil {
			return noticesMsg{gen: gen, err: err}
		}
		list, err := pendingNotices(c, now)
		if err != nil {
			return noticesMsg{gen: gen, err: err}
		}
		// on call: every notice; otherwise those escalated to the viewer
		// (the next on the rota) past handoff_minutes
		onCall := getsNotices(proto, c.Actor, users, now)
		list = intake.EscalateNotices(proto, list, now, users, c.Actor.User, onCall)
		return noticesMsg{gen: gen, shown: onCall || len(list) > 0, list: list, mine: mine}
	}
}

// onNotices takes a load: a referral not seen before brings the notice
// to the status line; Today lists them all.
func (m *model) onNotices(msg noticesMsg) tea.Cmd {
	if msg.gen != m.on.gen {
		return nil
	}
	m.on.answered = true
	if msg.err != nil {
		m.setStatus("on-call notices: "+msg.err.Error(), true)
		return nil
	}
	seen := map[string]bool{}
	for _, n := range m.on.list {
		seen[n.ID] = true
		if n.Escalation.Due {
			seen["escalated:"+n.ID] = true
		}
	}
	fresh := m.on.remind && len(msg.list) > 0
	for _, n := range msg.list {
		if !seen[n.ID] || (n.Escalation.Due && !seen["escalated:"+n.ID]) {
			fresh = true
		}
	}
	m.on.list, m.on.shown, m.on.remind = msg.list, msg.shown, false
	if fresh {
		m.seq++
		m.on.at = m.seq
	}
	m.keys.Ack.SetEnabled(len(m.on.list) > 0)
	if t, ok := m.tabs[TabToday].(*today); ok {
		t.setNotices(m.on.list, m.on.shown, msg.mine)
	}
	if len(m.on.list) == 0 || m.on.ticking {
		return nil
	}
	m.on.ticking = true
	// Not tea.Tick: its goroutine cannot be stopped and keeps an ended
	// session's program (screen buffers: 24 MiB at 500x200) alive until it
	// fires; this one ends with the session's connection.
	ctx := m.ctx.Context()
	return func() tea.Msg {
		t := time.NewTimer(time.Minute)
		defer t.Stop()
		select {
		case <-t.C:
			return noticeTickMsg{}
		case <-ctx.Done():
			return nil
		}
	}
}

// noticeLine is the status line of the oldest pending notice: id, kind,
// agency and minutes since received, never the person's name.
func (m *model) noticeLine() string {
	st := m.ctx.St()
	n := m.on.list[0]
	s := "! " + common.Line(n.ID) + " " + store.KindLabel(n.Kind)
	if a := common.Line(n.Agency); a != "" {
		s += st.Sep() + common.Fit(a, 18)
	}
	s += st.Sep() + intake.Ago(n.Received, m.ctx.Time())
	if more := len(m.on.list) - 1; more > 0 {
		s += fmt.Sprintf(" (+%d)", more)
	}
	return s + st.Sep() + "A: take handoff"
}

// touchesNotices reports whether changes may add or remove a notice or
// change who is on call.
func touchesNotices(cs []store.Change) bool {
	if len(cs) == 0 {
		return true
	}
	for _, c := range cs {
		if c.Kind == "referral" || c.Kind == "user" {
			return true
		}
	}
	return false
}

// ackLimit is the protocol's acknowledgement limit in minutes (30 when unset).
func ackLimit(p store.Protocol) int {
	if p.AckLimitMinutes > 0 {
		return p.AckLimitMinutes
	}
	return 30
}

// prefsLoadedMsg carries the user's saved preferences.
type prefsLoadedMsg struct {
	prefs Prefs
	err   error
}

// prefsSavedMsg reports a save of the preferences.
type prefsSavedMsg struct {
	prefs Prefs
	err   error
}

func loadPrefsCmd(c *common.Ctx) tea.Cmd {
	return func() tea.Msg {
		p, err := LoadPrefs(c.Context(), c.Store, c.Actor)
		return prefsLoadedMsg{prefs: p, err: err}
	}
}

// setPrefs applies new preferences at once (the theme goes through
// themes.Pick, so NO_COLOR and TERM still apply) and saves them.
func (m *model) setPrefs(p Prefs) tea.Cmd {
	m.prefs, m.prefsSet = p, true
	t, err := themesPick(p.Theme, m.opts.Env, p.LowBandwidth)
	if err != nil {
		m.setStatus(err.Error(), true)
		return nil
	}
	m.ctx.Theme, m.ctx.LowBandwidth = t, p.LowBandwidth
	m.applyStyles()
	c := m.ctx
	save := func() tea.Msg {
		return prefsSavedMsg{prefs: p, err: SavePrefs(c.Context(), c.Store, c.Actor, p)}
	}
	return tea.Batch(m.broadcast(common.RestyleMsg{}), save)
}

func prefsText(p Prefs) string {
	s := "theme " + p.Theme
	if p.LowBandwidth {
		s += ", low bandwidth on"
	}
	return s
}

// pendingNotices reads the pending field referrals from the shared
// snapshot when there is one (read once per referral change for every
// session), else from the store.
func pendingNotices(c *common.Ctx, now time.Time) ([]intake.Notice, error) {
	if c.Snapshot != nil {
		rs, ok, err := c.Snapshot.NewReferrals(c.Context())
		if ok {
			return intake.NoticesOf(rs), err
		}
	}
	return intake.PendingNotices(c.Context(), c.Store, now)
}
