package meeting

import (
	"fmt"
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

// startCmd builds the agenda from the data (store.LoadAgenda, DOMAIN.md
// rule 3, within the protocol's time budget) and creates the meeting, open, with this user facilitating.
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
	for i := range ms {
		if ms[i].Status == store.MeetingOpen {
			return store.Meeting{}, errOpen(ms[i].ID)
		}
	}
	plan, err := store.LoadAgenda(ctx, s, c.Protocol, day, c.Time())
	if err != nil {
		return store.Meeting{}, err
	}
	mt := store.Meeting{
		Date: store.DateOf(day), Facilitator: c.Actor.User, Attendees: attendees,
		Status: store.MeetingOpen, Items: plan.Items, Current: 0,
	}
	return s.CreateMeeting(ctx, c.Actor, mt)
}

// estimateCmd plans the agenda a meeting on day would start with, for the
// start form's estimate.
func estimateCmd(c *common.Ctx, gen int, day time.Time) tea.Cmd {
	return func() tea.Msg {
		plan, err := store.LoadAgenda(c.Context(), c.Store, c.Protocol, day, c.Time())
		return estimateMsg{gen: gen, day: day, plan: plan, err: err}
	}
}

// estimateMsg carries the planned agenda for the start form.
type estimateMsg struct {
	gen  int
	day  time.Time
	plan store.AgendaPlan
	err  error
}

// EstimateText says how long an agenda is planned to take, as the start
// form shows it: "~85 min, 31 items".
func EstimateText(p store.AgendaPlan) string {
	return fmt.Sprintf("~%d min, %s", p.Estimate, count(len(p.Items), "item", "items"))
}

// reviewsText says how many of the goal reviews due fit ("3 of 45 reviews
// fit"), "" when all do.
func reviewsText(p store.AgendaPlan) string {
	if p.ReviewsDue <= p.ReviewsListed {
		return ""
	}
	return fmt.Sprintf("; %d of %d reviews fit", p.ReviewsListed, p.ReviewsDue)
}

type errOpen string

func (e errOpen) Error() string { return string(e) + " is already open: join it" }
