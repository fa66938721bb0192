package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
)

// maxPending bounds the changes kept for a hidden tab; past it the tab is
// told "anything may have changed" (an empty batch) when shown.
const maxPending = 256

// pendingChanges are the store changes a hidden tab has not been given.
type pendingChanges struct {
	any bool // at least one batch arrived
	all bool // a batch said "anything may have changed", or too many
	cs  []store.Change
}

// deliverChanged gives a batch of store changes to what is on screen (the
// active tab, the meeting tab, which follows a live meeting, the intake
// form and an open participant) and keeps it for the other tabs until
// they are shown: a contact does not rebuild every list of every session.
func (m *model) deliverChanged(msg ChangedMsg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, 4)
	for i := range m.tabs {
		if i == m.active || i == TabMeeting {
			var cmd tea.Cmd
			m.tabs[i], cmd = m.tabs[i].Update(msg)
			cmds = append(cmds, cmd)
			continue
		}
		p := &m.pending[i]
		p.any = true
		if len(msg.Changes) == 0 || len(p.cs)+len(msg.Changes) > maxPending {
			p.all, p.cs = true, nil
		} else if !p.all {
			p.cs = append(p.cs, msg.Changes...)
		}
	}
	var cmd tea.Cmd
	m.form, cmd = m.form.Update(msg)
	cmds = append(cmds, cmd)
	if m.participant != nil {
		m.participant, cmd = m.participant.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// flushPending gives tab i the changes it missed while hidden.
func (m *model) flushPending(i int) tea.Cmd {
	p := m.pending[i]
	if !p.any {
		return nil
	}
	m.pending[i] = pendingChanges{}
	msg := ChangedMsg{Changes: p.cs}
	if p.all {
		msg.Changes = nil
	}
	return m.sendTo(i, msg)
}

// initTabs starts the tab the session opens on and the meeting tab; the
// others start when first shown (switchTab).
func (m *model) initTabs() []tea.Cmd {
	var cmds []tea.Cmd
	for i, t := range m.tabs {
		if i == m.active || i == TabMeeting {
			m.started[i] = true
			cmds = append(cmds, t.Init())
		}
	}
	return cmds
}
