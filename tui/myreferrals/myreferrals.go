// Package myreferrals is the referrer's "My referrals" screen (issues 9
// and 12: police, providers, community): every referral they made, newest
// first, with its outcome in plain words, updated live when the OWG
// decides. It shows only what the visibility rules let a referrer see of
// their own referrals: never another referrer's referral, never the
// participant a re-referral matched (unless they may see that
// participant), never a decision's internal note: only its coded label.
package myreferrals

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// Item is one of the officer's referrals as the screen may show it: ids,
// kind, offense category and outcome, nothing about the person.
type Item struct {
	ID       string
	Received time.Time
	Kind     store.ReferralKind
	Offense  string
	Status   string // the outcome in plain words
	// What the referrer typed (store.Referral.Entered), never anything
	// LEAD recorded about the person since; empty for a referral made
	// before owg kept it.
	EnteredName     string
	EnteredLocation string
	EnteredAt       time.Time
	// The warm handoff of a field referral ("" for none) and when each
	// step happened.
	Handoff   store.HandoffState
	TakenBy   string
	TakenAt   time.Time
	OnSceneAt time.Time
	EndedAt   time.Time // completed or could not locate
}

// Items lists actor's own referrals, newest first, each with its outcome
// in plain words. Referrals that store.ReferralAccess does not show the
// actor are left out.
func Items(ctx context.Context, s store.Store, p store.Protocol, actor store.Actor, now time.Time) ([]Item, error) {
	rs, err := s.ListReferrals(ctx, store.ReferralFilter{ReferrerUser: actor.User})
	if err != nil {
		return nil, err
	}
	var out []Item
	for _, r := range rs {
		if r.ReferrerUser != actor.User || !store.ReferralAccess(actor, r).Allowed() {
			continue
		}
		sees := false
		if r.ReReferralOf != "" && r.Status == store.RefNew {
			rois, err := s.ListROIs(ctx, r.ReReferralOf)
			if err != nil {
				return nil, err
			}
			sees = store.Sees(actor, rois, now, store.DataIdentity) == store.Shown
		}
		it := Item{ID: r.ID, Received: r.Received, Kind: r.Kind, Offense: r.Offense, Status: StatusText(p, r, sees),
			Handoff: store.HandoffOf(r), TakenBy: common.Line(r.AckBy), TakenAt: r.AckAt, OnSceneAt: r.OnSceneAt}
		if it.Handoff == store.HandoffCompleted || it.Handoff == store.HandoffNotLocated {
			it.EndedAt = r.HandoffDoneAt
		}
		if e := r.Entered; e != nil {
			it.EnteredName, it.EnteredLocation, it.EnteredAt = common.Line(e.Name), common.Line(e.Location), e.At
		}
		out = append(out, it)
	}
	slices.SortStableFunc(out, func(a, b Item) int {
		if c := b.Received.Compare(a.Received); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return out, nil
}

// StatusText says where a referral stands, in plain words for its
// referrer: a decision's coded label, never its note. seesParticipant
// tells whether the referrer may see the participant a re-referral
// matched; only then is "already enrolled in LEAD" said. Otherwise a
// re-referral reads exactly as a new referral of the same facts would
// (received, or screened out), so nothing tells the referrer that the
// person is known to LEAD.
func StatusText(p store.Protocol, r store.Referral, seesParticipant bool) string {
	if r.Status == store.RefNew && r.ReReferralOf != "" && seesParticipant {
		return "already enrolled in LEAD"
	}
	o := store.ReferrerView(p, r, seesParticipant)
	why := common.Line(o.Reason)
	switch o.Status {
	case store.RefNew:
		return "received"
	case store.RefScreenedOut:
		return "screened out: " + why
	case store.RefWaitlisted:
		s := "waitlisted"
		if why != "" {
			s += ": " + why
		}
		if r.WaitlistPos > 0 {
			s += fmt.Sprintf(", position %d", r.WaitlistPos)
		}
		return s
	case store.RefAccepted:
		return "accepted and enrolled"
	case store.RefDeclined:
		if why != "" {
			return "declined: " + why
		}
		return "declined"
	case store.RefWithdrawn:
		return "withdrawn"
	}
	return common.Line(string(r.Status))
}

type keyMap struct {
	Reload key.Binding
}

// Model is the My referrals screen. Use New.
type Model struct {
	ctx    *common.Ctx
	keys   keyMap
	list   *common.List
	items  []Item
	err    string
	loaded bool
	seq    int
	width  int
	height int
}

type loadedMsg struct {
	owner *Model
	seq   int
	items []Item
	err   error
}

// New returns the My referrals screen of the session's actor.
func New(ctx *common.Ctx) common.Component {
	m := &Model{ctx: ctx, list: common.NewList(), width: 80, height: 20,
		keys: keyMap{Reload: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload"))}}
	m.list.Keys.Open.SetEnabled(false)
	m.SetSize(m.width, m.height)
	return m
}

// Init loads the referrals.
func (m *Model) Init() tea.Cmd { return m.Reload() }

// Reload reloads the referrals (the root may call it on store changes).
func (m *Model) Reload() tea.Cmd {
	m.seq++
	seq, c := m.seq, m.ctx
	ctx, s, p, actor, now := c.Context(), c.Store, c.Protocol, c.Actor, c.Time()
	return func() tea.Msg {
		items, err := Items(ctx, s, p, actor, now)
		return loadedMsg{owner: m, seq: seq, items: items, err: err}
	}
}

// Update handles its load replies, store changes and keys.
func (m *Model) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RestyleMsg:
		m.list.SetRows(m.rows())
		return m, nil
	case loadedMsg:
		if msg.owner != m || msg.seq != m.seq {
			return m, nil
		}
		was := m.loaded
		m.loaded = true
		if msg.err != nil {
			m.err = "could not load your referrals: " + msg.err.Error()
			return m, nil
		}
		var cmd tea.Cmd
		if was {
			if line := handoffNews(m.items, msg.items, m.ctx.Time()); line != "" {
				cmd = common.StatusCmd(line, false)
			}
		}
		m.err, m.items = "", msg.items
		m.list.SetRows(m.rows())
		return m, cmd
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.Reload) && !m.Capturing() {
			return m, m.Reload()
		}
		m.list.Update(msg)
		return m, nil
	}
	if changes, ok := storeChanges(msg); ok && touchesReferrals(changes) {
		return m, m.Reload()
	}
	return m, nil
}

// storeChanges returns the changes of a common.ChangedMsg (tui.ChangedMsg).
func storeChanges(msg tea.Msg) ([]store.Change, bool) {
	m, ok := msg.(common.ChangedMsg)
	return m.Changes, ok
}

func touchesReferrals(cs []store.Change) bool {
	if len(cs) == 0 {
		return true
	}
	for _, c := range cs {
		if c.Kind == "referral" || c.Kind == "roi" {
			return true
		}
	}
	return false
}

// handoffNews is the status line for the newest handoff step among
// the referrals in now that moved on since was ("" when none did):
// "R-0115 taken by tomas at 14:05, 3 min after you sent it".
func handoffNews(was, now []Item, clock time.Time) string {
	before := map[string]store.HandoffState{}
	for _, it := range was {
		before[it.ID] = it.Handoff
	}
	line, newest := "", time.Time{}
	for _, it := range now {
		old, ok := before[it.ID]
		if !ok || old == it.Handoff || it.Handoff == "" || it.Handoff == store.HandoffReceived {
			continue
		}
		at := it.handoffAt()
		if line != "" && !at.After(newest) {
			continue
		}
		newest = at
		who := ""
		if it.TakenBy != "" {
			who = " by " + it.TakenBy
		}
		line = fmt.Sprintf("%s %s%s at %s, %s after you sent it", common.Line(it.ID), store.HandoffLabel(it.Handoff), who,
			at.In(clock.Location()).Format("15:04"), store.Took(at.Sub(it.Received)))
	}
	return line
}

// handoffAt is when the item's handoff reached its state.
func (it Item) handoffAt() time.Time {
	switch it.Handoff {
	case store.HandoffTaken:
		return it.TakenAt
	case store.HandoffOnScene:
		return it.OnSceneAt
	case store.HandoffCompleted, store.HandoffNotLocated:
		return it.EndedAt
	}
	return it.Received
}

// handoffText is the handoff's course in words: "taken by tomas 14:05
// (3 min) · on scene 14:20 (18 min)".
func (it Item) handoffText(loc *time.Location) string {
	if it.Handoff == "" {
		return "no on-call handoff"
	}
	if it.Handoff == store.HandoffReceived {
		return "waiting for someone on call to take it"
	}
	step := func(label string, at time.Time) string {
		return label + " " + at.In(loc).Format("15:04") + " (" + store.Took(at.Sub(it.Received)) + ")"
	}
	var parts []string
	if !it.TakenAt.IsZero() {
		who := "taken"
		if it.TakenBy != "" {
			who += " by " + it.TakenBy
		}
		parts = append(parts, step(who, it.TakenAt))
	}
	if !it.OnSceneAt.IsZero() {
		parts = append(parts, step("on scene", it.OnSceneAt))
	}
	if !it.EndedAt.IsZero() {
		parts = append(parts, step(store.HandoffLabel(it.Handoff), it.EndedAt))
	}
	return strings.Join(parts, " · ")
}

// columns: id, when it was sent, the name as the referrer typed it, the
// handoff state, then the outcome; the selected row's location, kind,
// offense, handoff times and whole outcome are repeated below the list.
const (
	colID       = 8
	colReceived = 12
	colName     = 17
	colHandoff  = 11
)

func (m *Model) rows() []common.Row {
	rows := make([]common.Row, len(m.items))
	st := m.ctx.St()
	loc := m.ctx.Time().Location()
	for i, it := range m.items {
		name := it.EnteredName
		if name == "" {
			name = "-"
		}
		handoff := store.HandoffLabel(it.Handoff)
		if handoff == "" {
			handoff = "-"
		}
		text := common.Pad(common.Line(it.ID), colID) +
			common.Pad(it.Received.In(loc).Format("01-02 15:04"), colReceived) +
			common.Pad(common.Fit(name, colName-1), colName) +
			common.Pad(common.Fit(handoff, colHandoff-1), colHandoff) + statusStyle(st, it.Status).Render(it.Status)
		rows[i] = common.Row{Key: it.ID, Text: text, Filter: it.ID + " " + it.EnteredName + " " + it.EnteredLocation + " " + it.Status}
	}
	return rows
}

// detail describes the selected referral in full.
func (m *Model) detail() []string {
	row, ok := m.list.Selected()
	if !ok {
		return nil
	}
	for _, it := range m.items {
		if it.ID != row.Key {
			continue
		}
		offense := store.OffenseLabel(it.Offense)
		if offense == "" {
			offense = "none"
		}
		st := m.ctx.St()
		where := it.EnteredLocation
		if where == "" {
			where = "no location"
		}
		// id, time, name and handoff state are on the row: the detail adds
		// what else the referrer typed, the handoff's times and the whole
		// status, at fixed columns, so a move repaints few cells
		return []string{
			st.Muted.Render("you entered ") + common.Line(where) + st.Muted.Render(" · "+store.KindLabel(it.Kind)+" · offense ") + common.Line(offense),
			st.Muted.Render("handoff     ") + it.handoffText(m.ctx.Time().Location()),
			statusStyle(st, it.Status).Render(it.Status),
		}
	}
	return nil
}

func statusStyle(st *common.Styles, s string) interface{ Render(...string) string } {
	switch {
	case strings.HasPrefix(s, "accepted"):
		return st.Good
	case strings.HasPrefix(s, "screened out"), strings.HasPrefix(s, "declined"):
		return st.Warn
	}
	return st.Base
}

// View renders the screen.
func (m *Model) View() string {
	st := m.ctx.St()
	lines := []string{st.Title.Render("My referrals") + st.Muted.Render(fmt.Sprintf(" · %d", len(m.items)))}
	switch {
	case m.err != "":
		lines = append(lines, st.Bad.Render(m.err))
	case !m.loaded:
		lines = append(lines, st.Muted.Render("Loading…"))
	default:
		head := "  " + common.Pad("id", colID) + common.Pad("sent", colReceived) + common.Pad("name you typed", colName) + common.Pad("handoff", colHandoff) + "outcome"
		lines = append(lines, st.Muted.Render(head))
		lines = append(lines, m.list.View(st, "No referrals yet. Referrals you make appear here with their outcome.")...)
		if f := m.list.FilterLine(st); f != "" {
			lines = append(lines, f)
		} else {
			lines = append(lines, "")
		}
		lines = append(lines, m.detail()...)
	}
	return strings.Join(common.Lines(lines, m.width, min(len(lines), m.height)), "\n")
}

// SetSize sets the screen's size.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.list.SetSize(width, max(height-6, 1))
}

// ShortHelp returns the main bindings.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.list.Keys.Up, m.list.Keys.Down, m.list.Keys.Filter, m.keys.Reload}
}

// FullHelp returns every binding.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{append(m.list.FullHelp(), m.keys.Reload)}
}

// Capturing reports whether the filter is taking text.
func (m *Model) Capturing() bool {
	return strings.HasSuffix(ansi.Strip(m.list.FilterLine(m.ctx.St())), "_")
}
