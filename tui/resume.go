package tui

import "github.com/leadtable/owg/tui/common"

// Where reports where the session stands: the tab, each list's selected
// record and scroll, the open participant, the New referral form, and the
// meeting it is in and whether it follows (tui.Resumable). The server
// reads it after the program has ended, when the connection dropped.
func (m *model) Where() Resume {
	r := Resume{Tab: m.names[m.active], Places: map[string]Place{}}
	for i, t := range m.tabs {
		if p, ok := t.(common.Placed); ok {
			if pl := p.Place(); pl.Key != "" || pl.Filter != "" {
				r.Places[m.names[i]] = pl
			}
		}
	}
	if p, ok := m.participant.(*participant); ok {
		r.Participant, r.ParticipantLine = p.id, p.offset
		if p.timeline {
			r.ParticipantLine = 0 // the record reopens, not its timeline
		}
		if p.wantOffset > 0 {
			r.ParticipantLine = p.wantOffset // not loaded yet: still where it was
		}
	}
	r.NewReferral = m.overlay != nil && m.overlay == m.form
	if mt, ok := m.tabs[TabMeeting].(interface{ Place() MeetingPlace }); ok {
		r.Meeting = mt.Place()
	}
	return r
}

// restore puts a resumed session back where r says, beyond its tab
// (resume): each list's selection and scroll, the participant screen,
// the New referral form and the meeting. Loads start in Init.
func (m *model) restore(r *Resume) {
	if r == nil || !m.resumed {
		return
	}
	for i, name := range m.names {
		if pl, ok := r.Places[name]; ok {
			if p, ok := m.tabs[i].(common.Placed); ok {
				p.Restore(pl)
			}
		}
	}
	if mt, ok := m.tabs[TabMeeting].(interface{ Restore(MeetingPlace) }); ok {
		mt.Restore(r.Meeting)
	}
	switch {
	case r.NewReferral:
		m.overlay = m.form
	case r.Participant != "":
		p := newParticipant(m.ctx, r.Participant)
		p.wantOffset = max(r.ParticipantLine, 0)
		m.participant = p
	}
}
