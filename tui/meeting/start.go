package meeting

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// startedMsg reports a meeting created with its agenda.
type startedMsg struct {
	mt  store.Meeting
	err error
}

// startCmd builds the agenda from the data (store.BuildAgenda, DOMAIN.md
// rule 3) and creates the meeting, open, with this user facilitating.
func (m *Model) startCmd(day time.Time, attendees []string) tea.Cmd {
	c := m.ctx
	return func() tea.Msg {
		mt, err := startMeeting(c, day, attendees)
		return startedMsg{mt: mt, err: err}
	}
}

func startMeeting(c *common.Ctx, day time.Time, attendees []string) (store.Meeting, error) {
	ctx, s := c.Context(), c.Store
	ms, err := s.ListMeetings(ctx)
	if err != nil {
		return store.Meeting{}, err
	}
	var last *store.Meeting
	for i := range ms {
		if ms[i].Status == store.MeetingOpen {
			return store.Meeting{}, errOpen(ms[i].ID)
		}
		if ms[i].Status == store.MeetingEnded {
			last = &ms[i]
		}
	}
	users, err := s.ListUsers(ctx)
	if err != nil {
		return store.Meeting{}, err
	}
	all, err := s.ListParticipants(ctx, store.ParticipantFilter{})
	if err != nil {
		return store.Meeting{}, err
	}
	var active []store.Participant
	for _, p := range all {
		if p.Status.Active() {
			active = append(active, p)
		}
	}
	refs, err := s.ListReferrals(ctx, store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefNew, store.RefWaitlisted, store.RefScreenedOut}})
	if err != nil {
		return store.Meeting{}, err
	}
	cases, err := s.AllCases(ctx)
	if err != nil {
		return store.Meeting{}, err
	}
	asOf := c.Time()
	if !store.DateOf(asOf).Equal(store.DateOf(day)) {
		asOf = day
	}
	p := c.Protocol
	rk := store.Rank(p, refs, active, store.Capacity(p, users, active), asOf)
	items := store.BuildAgenda(store.AgendaInput{Protocol: p, AsOf: asOf, LastMeeting: last, Ranking: rk, Participants: all, Cases: cases})
	mt := store.Meeting{
		Date: store.DateOf(day), Facilitator: c.Actor.User, Attendees: attendees,
		Status: store.MeetingOpen, Items: items, Current: 0,
	}
	return s.CreateMeeting(ctx, c.Actor, mt)
}

type errOpen string

func (e errOpen) Error() string { return string(e) + " is already open: join it" }
