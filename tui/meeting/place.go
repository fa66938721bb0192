package meeting

import (
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// Place returns where this session stands in a live meeting, for a
// reconnect: the meeting, whether it follows the facilitator, and the
// item it shows (the zero MeetingPlace when not in one).
func (m *Model) Place() common.MeetingPlace {
	if m.resume != nil {
		return *m.resume // the rejoin has not landed yet: still where it was
	}
	if !m.joined || m.mt.Status != store.MeetingOpen {
		return common.MeetingPlace{}
	}
	p := common.MeetingPlace{ID: m.mt.ID, Following: m.following}
	if it, ok := m.item(); ok {
		p.Item = it.ID
		if it.ID == m.ctxItem {
			p.Scroll, p.Detail = m.scroll, m.detail
		}
	}
	return p
}

// Restore rejoins the meeting of p when Init runs: a follower follows
// again, the facilitator drives again, someone who had stepped away is
// back on the item they looked at. A meeting that has ended meanwhile
// leaves the session in the lobby.
func (m *Model) Restore(p common.MeetingPlace) {
	m.viewGen++
	if p.ID == "" || !m.shared() {
		m.resume = nil
		return
	}
	m.resume = &p
}

// rejoinCmd joins the meeting of a restored place (Init).
func (m *Model) rejoinCmd() tea.Cmd {
	if m.resume == nil {
		return nil
	}
	return m.join(m.resume.ID)
}

// rejoined applies a restored place to the meeting just joined; it
// reports false when the meeting is no longer open (back to the lobby).
func (m *Model) rejoined(mt store.Meeting) bool {
	p := m.resume
	if mt.Status != store.MeetingOpen {
		return false // rejoinFailed clears it
	}
	m.resume = nil
	if m.drives() || p.Following {
		return true // following (or driving) from the current item, as a join does
	}
	m.following = false
	if i := indexOf(mt.Items, p.Item); i >= 0 {
		m.view = i
		m.ctxItem, m.scroll, m.detail = p.Item, max(p.Scroll, 0), p.Detail
	}
	return true
}

// rejoinFailed leaves a restored meeting that is no longer open (or can
// no longer be read) for the lobby.
func (m *Model) rejoinFailed() tea.Cmd {
	id := m.resume.ID
	m.resume = nil
	m.joined, m.following = false, false
	m.setStatus("meeting "+id+" is no longer open", true)
	return m.reloadLobby()
}
