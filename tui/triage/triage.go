// Package triage is the Referrals screen (tab 3): the ranked queue against
// capacity with the cut line, why each referral ranks where it does, the
// screened-out and re-referred ones, the equity panel, and the decide
// actions (accept, waitlist, decline; overrides need a reason).
package triage

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// mode is what the viewer's role allows on this screen.
type mode int

const (
	modeNone   mode = iota // not shared with your role
	modeOwn                // police: their own referrals' status
	modeView               // case managers: the queue, no decisions
	modeDecide             // pm, supervisor
)

func modeFor(role store.Role) mode {
	switch store.Visible(role, 0, store.DataReferrals) {
	case store.Shown:
		if CanDecide(role) {
			return modeDecide
		}
		return modeView
	case store.OwnOnly:
		return modeOwn
	}
	return modeNone
}

// data is one load of everything the screen shows.
type data struct {
	ranking store.Ranking
	refs    map[string]store.Referral
	parts   map[string]store.Participant
	loads   []CaseManagerLoad
	total   int              // total slots: sum of caps
	own     []store.Referral // police
}

// loadedMsg carries a load, tagged with the request that asked for it.
type loadedMsg struct {
	gen  int
	data data
	err  error
}

// Model is the Referrals screen.
type Model struct {
	// paneOff is the first line of the breakdown pane shown (it scrolls
	// when it overflows), for the referral paneFor
	paneOff int
	paneFor string
	// detail is the referral whose detail is open ("" = none), scrolled
	// to detailOff (detail.go)
	detail    string
	detailOff int

	ctx    *common.Ctx
	mode   mode
	keys   keyMap
	list   *common.List
	width  int
	height int

	gen      int
	loaded   bool
	d        data
	equity   bool // the pane shows the equity panel instead of the breakdown
	decide   *Decide
	status   string
	statusOK bool

	// restore is a decision draft to reopen once the queue is loaded
	restore *store.Draft
}

// New returns the Referrals screen for the session's actor.
func New(ctx *common.Ctx) common.Component {
	m := &Model{ctx: ctx, mode: modeFor(ctx.Actor.Role), keys: newKeyMap(), list: common.NewList(), width: 80, height: 20}
	// enter opens a referral's detail, for the roles that see referrals
	// in full; a referrer's row is all they may read of it
	m.list.Keys.Open.SetEnabled(m.mode == modeView || m.mode == modeDecide)
	m.list.Keys.Open.SetHelp("enter", "referral detail")
	m.layout()
	return m
}

// Init loads the queue.
func (m *Model) Init() tea.Cmd { return m.loadCmd() }

// SetSize sets the screen's size in cells.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.layout()
	m.decide.Fit(m.width, m.decideHeight())
}

// decideHeight is the rows a decision form gets: the screen below the
// title and its blank line, above the status line.
func (m *Model) decideHeight() int { return m.height - 3 }

// Capturing reports whether a form or the filter is taking text.
func (m *Model) Capturing() bool { return m.decide != nil || m.list.Filtering() }

// Dirty reports whether a decision form is open.
func (m *Model) Dirty() bool { return m.decide != nil }

func (m *Model) paneHeight() int {
	if m.height >= 34 {
		return 11
	}
	return 7
}

func (m *Model) layout() {
	// title, column header, list, rule, pane, status
	m.list.SetSize(m.width, max(m.height-4-m.paneHeight(), 1))
}

func (m *Model) loadCmd() tea.Cmd {
	if m.mode == modeNone {
		return nil
	}
	m.gen++
	gen, c, md := m.gen, m.ctx, m.mode
	return func() tea.Msg {
		d, err := load(c, md)
		return loadedMsg{gen: gen, data: d, err: err}
	}
}

func load(c *common.Ctx, md mode) (data, error) {
	ctx, s := c.Context(), c.Store
	var d data
	if md == modeOwn {
		refs, err := s.ListReferrals(ctx, store.ReferralFilter{ReferrerUser: c.Actor.User})
		if err != nil {
			return d, err
		}
		for _, r := range refs {
			if store.ReferralAccess(c.Actor, r) == store.OwnOnly {
				d.own = append(d.own, r)
			}
		}
		return d, nil
	}
	users, parts, err := usersAndParticipants(c)
	if err != nil {
		return d, err
	}
	refs, err := s.ListReferrals(ctx, store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefNew, store.RefWaitlisted, store.RefScreenedOut}})
	if err != nil {
		return d, err
	}
	capacity := store.Capacity(c.Protocol, users, parts)
	d.ranking = store.Rank(c.Protocol, refs, parts, capacity, store.Today(c.Time()))
	// a ranking shown is a prioritization event: changed scores go to history
	d.ranking.ProtocolVersion = store.CurrentProtocolVersion(ctx, s)
	if _, err := s.RecordScores(ctx, c.Actor, d.ranking.ScoreRecords()); err != nil {
		return d, err
	}
	d.refs = make(map[string]store.Referral, len(refs))
	for _, r := range refs {
		d.refs[r.ID] = r
	}
	d.parts = make(map[string]store.Participant, len(parts))
	for _, p := range parts {
		d.parts[p.ID] = p
	}
	d.loads = CaseManagerLoads(c.Protocol, users, parts)
	for _, l := range d.loads {
		d.total += l.Cap
	}
	return d, nil
}

// Update handles loads, decisions and keys.
func (m *Model) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	if cs, ok := changesOf(msg); ok {
		for _, c := range cs {
			switch c.Kind {
			case "referral", "user":
				return m, m.loadCmd()
			}
		}
		if ids := participantChanges(cs); len(ids) > 0 {
			if m.ctx.Snapshot == nil || !m.loaded {
				return m, m.loadCmd()
			}
			return m, relevantCmd(m.ctx, m.d.parts, ids) // a contact alone changes nothing here
		}
		return m, nil
	}
	switch msg := msg.(type) {
	case reloadMsg:
		return m, m.loadCmd()
	case common.RestyleMsg:
		m.list.SetRows(m.rows())
		return m, nil
	case loadedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		if msg.err != nil {
			m.setStatus("could not load referrals: "+msg.err.Error(), false)
			return m, nil
		}
		m.d, m.loaded = msg.data, true
		if _, ok := m.d.refs[m.detail]; !ok {
			m.detail = "" // decided meanwhile: no longer in the queue
		}
		m.list.SetRows(m.rows())
		return m, m.restorePending()
	case DecidedMsg:
		if msg.MeetingID != "" { // taken in the meeting pane: just reload
			return m, m.loadCmd()
		}
		if msg.Err != nil {
			m.setStatus(msg.ID+": "+msg.Err.Error()+keptLine(msg), false)
			return m, m.loadCmd()
		}
		m.setStatus("saved: "+msg.Text(), true)
		return m, m.loadCmd()
	}
	if m.decide != nil {
		if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, m.keys.Cancel) {
			text, done, cmd := m.decide.Escape()
			if done {
				m.decide = nil
			}
			m.setStatus(text, done)
			return m, cmd
		}
		if _, ok := msg.(tea.KeyPressMsg); ok && m.decide.Asking() {
			m.setStatus("", true) // any other key clears the esc warning
		}
		cmd, done := m.decide.Update(msg)
		if done {
			m.decide = nil
		}
		return m, cmd
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || m.mode == modeNone {
		return m, nil
	}
	if m.detail != "" && m.detailKey(k) {
		return m, nil
	}
	if m.detail != "" && !key.Matches(k, m.keys.Accept, m.keys.Waitlist, m.keys.Decline, m.keys.Reload) {
		return m, nil // the list under the detail does not move
	}
	if handled, open := m.list.Update(k); handled {
		if id := m.list.SelectedKey(); id != m.paneFor {
			m.paneFor, m.paneOff = id, 0 // another referral: its breakdown from the top
		}
		if open {
			return m, m.openDetail()
		}
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.PaneDown):
		m.paneFor = m.list.SelectedKey()
		m.paneOff += max(m.paneHeight()-2, 1)
	case key.Matches(k, m.keys.PaneUp):
		m.paneOff = max(m.paneOff-max(m.paneHeight()-2, 1), 0)
	case key.Matches(k, m.keys.Reload):
		return m, m.loadCmd()
	case key.Matches(k, m.keys.Equity) && m.mode != modeOwn:
		m.equity = !m.equity
	case key.Matches(k, m.keys.Accept):
		return m, m.startDecide(Accept)
	case key.Matches(k, m.keys.Waitlist):
		return m, m.startDecide(Waitlist)
	case key.Matches(k, m.keys.Decline):
		return m, m.startDecide(Decline)
	}
	return m, nil
}

func (m *Model) setStatus(s string, ok bool) { m.status, m.statusOK = s, ok }

// startDecide opens the decide form for the selected referral.
func (m *Model) startDecide(v Verb) tea.Cmd {
	if m.mode != modeDecide {
		m.setStatus("only the pm or a supervisor records decisions", false)
		return nil
	}
	id := m.list.SelectedKey()
	in, err := m.input(id, v)
	if err != nil {
		m.setStatus(err.Error(), false)
		return nil
	}
	d, cmd := NewDecide(m.ctx, in, m.width)
	m.decide = d
	d.Fit(m.width, m.decideHeight())
	return cmd
}

// input builds the DecideInput of referral id from the loaded ranking.
func (m *Model) input(id string, v Verb) (DecideInput, error) {
	r, ok := m.d.refs[id]
	if !ok {
		return DecideInput{}, fmt.Errorf("select a referral first")
	}
	return InputFor(m.d.ranking, r, m.d.parts, m.d.loads, v, "")
}

// InputFor builds the decision input for referral r from a ranking: its
// ranked entry, or its re-referral link. Screened-out referrals cannot be
// accepted or waitlisted.
func InputFor(rk store.Ranking, r store.Referral, parts map[string]store.Participant, loads []CaseManagerLoad, v Verb, meetingID string) (DecideInput, error) {
	in := DecideInput{Referral: r, Verb: v, MeetingID: meetingID, CaseManagers: loads}
	for i := range rk.Ranked {
		if rk.Ranked[i].Referral.ID == r.ID {
			rr := rk.Ranked[i]
			in.Ranked = &rr
			return in, nil
		}
	}
	for _, rr := range rk.ReReferrals {
		if rr.Referral.ID == r.ID {
			if v == Waitlist {
				return in, fmt.Errorf("%s is a re-referral: it uses no capacity, accept or decline it", r.ID)
			}
			in.ReReferralOf = rr.ParticipantID
			in.ReReferralCM = parts[rr.ParticipantID].CaseManager
			return in, nil
		}
	}
	for _, so := range rk.ScreenedOut {
		if so.Referral.ID == r.ID && v != Decline {
			return in, fmt.Errorf("%s was screened out (%s): it is never ranked", r.ID, so.Reason)
		}
	}
	return in, nil
}

// ShortHelp returns the main bindings.
func (m *Model) ShortHelp() []key.Binding {
	if m.decide != nil {
		return []key.Binding{m.keys.Cancel}
	}
	if m.detail != "" {
		if m.mode == modeDecide {
			return []key.Binding{m.keys.Back, m.keys.Scroll, m.keys.Accept, m.keys.Waitlist, m.keys.Decline}
		}
		return []key.Binding{m.keys.Back, m.keys.Scroll}
	}
	switch m.mode {
	case modeNone:
		return nil
	case modeOwn:
		return []key.Binding{m.list.Keys.Up, m.list.Keys.Down, m.keys.Reload}
	case modeView:
		return []key.Binding{m.list.Keys.Open, m.list.Keys.Up, m.list.Keys.Down, m.keys.Equity, m.keys.Reload}
	}
	return []key.Binding{m.keys.Accept, m.keys.Waitlist, m.keys.Decline, m.list.Keys.Open, m.keys.Equity, m.list.Keys.Up, m.list.Keys.Down}
}

// FullHelp returns every binding.
func (m *Model) FullHelp() [][]key.Binding {
	own := []key.Binding{m.keys.Reload}
	if m.mode != modeOwn {
		own = append(own, m.keys.Equity)
	}
	if m.mode == modeDecide {
		own = append(own, m.keys.Accept, m.keys.Waitlist, m.keys.Decline, m.keys.Cancel)
	}
	return [][]key.Binding{m.list.FullHelp(), own}
}
