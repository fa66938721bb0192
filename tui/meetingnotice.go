package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// meetingOpenMsg reports the meeting that is open now ("" when none).
type meetingOpenMsg struct {
	id, facilitator string
}

// loadOpenMeetingCmd finds the open meeting, for the "a meeting is open"
// line every connected user sees (DOMAIN: everyone sees it and can join).
func loadOpenMeetingCmd(ctx *common.Ctx) tea.Cmd {
	if !store.SeesMeetings(ctx.Actor.Role) {
		return nil
	}
	return func() tea.Msg {
		ms, err := meetingsOf(ctx)
		if err != nil {
			return nil
		}
		for i := len(ms) - 1; i >= 0; i-- {
			if ms[i].Status == store.MeetingOpen {
				return meetingOpenMsg{id: ms[i].ID, facilitator: ms[i].Facilitator}
			}
		}
		return meetingOpenMsg{}
	}
}

// meetingsOf lists the meetings from the session's shared snapshot (one
// read of them per change for the process), else from the store.
func meetingsOf(ctx *common.Ctx) ([]store.Meeting, error) {
	if ctx.Snapshot != nil {
		if site, err := ctx.Snapshot.Site(ctx.Context()); err == nil {
			return site.Meetings, nil
		}
	}
	return ctx.Store.ListMeetings(ctx.Context())
}

// touchesMeetings reports whether a batch of changes may open or end a meeting.
func touchesMeetings(cs []store.Change) bool {
	for _, c := range cs {
		if c.Kind == "meeting" {
			return true
		}
	}
	return false
}

// onMeetingOpen announces a newly opened meeting once on the status line,
// to everyone but its facilitator.
func (m *model) onMeetingOpen(msg meetingOpenMsg) {
	if msg.id == m.announced {
		return
	}
	m.announced = msg.id
	if msg.id == "" || msg.facilitator == m.ctx.Actor.User {
		return
	}
	if r := m.opts.Resume; m.resumed && r != nil && r.Meeting.ID == msg.id {
		return // a reconnect rejoins it: "reconnected" stays on the status line
	}
	m.setStatus(fmt.Sprintf("meeting %s is open (facilitator %s): press 5, then enter to join",
		common.Line(msg.id), common.Line(msg.facilitator)), false)
}
