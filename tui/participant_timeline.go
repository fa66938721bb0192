package tui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
)

// historyLoadedMsg carries the history of participant id, as the viewer
// may see it.
type historyLoadedMsg struct {
	id     string
	events []store.HistoryEvent
	err    error
}

// timelineView is the loaded timeline of the Participant screen.
type timelineView struct {
	events []store.HistoryEvent
	err    error
}

// historyCmd reads the participant's history and keeps what the viewer
// may see by the same rule as the record (store.VisibleHistory): the
// record itself was read, and audited, by the screen.
func (p *participant) historyCmd() tea.Cmd {
	ctx, id, rois := p.ctx, p.id, p.view.ROIs
	return func() tea.Msg {
		evs, err := ctx.Store.ListHistory(ctx.Context(), store.HistoryFilter{ParticipantID: id})
		if err != nil {
			return historyLoadedMsg{id: id, err: err}
		}
		evs = store.VisibleHistory(ctx.Actor, evs, map[string][]store.ROI{id: rois}, ctx.Time(), ctx.Protocol.SensitiveGoalDomains)
		return historyLoadedMsg{id: id, events: timelineEvents(evs)}
	}
}

// timelineEvents keeps what a timeline shows: enrolment, status, housing
// and case-manager changes, exit, legal cases (opened, status, hearings)
// and goals achieved.
func timelineEvents(evs []store.HistoryEvent) []store.HistoryEvent {
	var out []store.HistoryEvent
	for _, e := range evs {
		switch e.Kind {
		case store.HistParticipant:
			out = append(out, e)
		case store.HistCase:
			if e.Field == store.HistOpened || e.Field == store.HistStatus || e.Field == store.HistHearing {
				out = append(out, e)
			}
		case store.HistGoal:
			if e.Field == store.HistGoalStatus && e.To == string(store.GoalAchieved) {
				out = append(out, e)
			}
		}
	}
	return out
}

// timelineLines renders the timeline, oldest first, one dated line each.
func (p *participant) timelineLines() []string {
	st := p.ctx.St()
	lines := []string{st.Title.Render(p.view.Label()) + st.Muted.Render(" · "+p.view.Participant.ID+" · timeline (t: back to the record)")}
	switch {
	case p.tl == nil:
		return append(lines, "", "  "+st.Muted.Render("loading…"))
	case p.tl.err != nil:
		return append(lines, "", "  "+st.Muted.Render("could not load: "+p.tl.err.Error()))
	case len(p.tl.events) == 0:
		return append(lines, "", "  "+st.Muted.Render("no history recorded"))
	}
	lines = append(lines, "")
	var lastDay time.Time
	for _, e := range p.tl.events {
		day := store.DateOf(e.Time)
		date := "          "
		if !day.Equal(lastDay) {
			date = store.FormatDate(day)
		}
		lastDay = day
		text := e.Describe()
		if e.Initial {
			text += st.Muted.Render(" (as held when history began)")
		}
		lines = append(lines, p.wrap(fmt.Sprintf("  %s  %s", date, text), 14)...)
	}
	return lines
}
