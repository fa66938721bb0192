package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/leadtable/owg/store"
)

// HMISAgency is the HMIS agency the demo's protocol names; most demo
// participants sign an ROI for it, so owg export hmis has rows.
const HMISAgency = "County HMIS"

// timelines writes the demo site's history over its whole span: each
// participant's engagement and housing from enrolment to today, when each
// legal case was opened and heard, when goals were set and achieved; and
// the HMIS releases most participants signed. It draws from its own
// generator so the rest of the site stays the same for a seed.
func (g *gen) timelines() error {
	r := rand.New(rand.NewPCG(uint64(len(g.parts))*104729, 0x71e1))
	parts, err := g.s.ListParticipants(g.ctx, store.ParticipantFilter{})
	if err != nil {
		return err
	}
	enrolled := map[string]time.Time{}
	for _, p := range parts {
		enrolled[p.ID] = p.EnrolledOn
		if err := g.s.ReplaceHistory(g.ctx, store.SystemActor, store.HistParticipant, p.ID, g.participantPast(r, p)); err != nil {
			return fmt.Errorf("demo history of %s: %w", p.ID, err)
		}
		if err := g.goalsPast(r, p); err != nil {
			return err
		}
		if r.IntN(100) < 85 {
			signed := p.EnrolledOn.AddDate(0, 0, r.IntN(10))
			if !signed.Before(g.asOf) {
				signed = g.asOf
			}
			if _, err := g.s.CreateROI(g.ctx, store.SystemActor, store.ROI{ParticipantID: p.ID, Agencies: []string{HMISAgency},
				Classes: []store.DataKind{store.DataIdentity, store.DataGeneralContacts}, Purpose: "HMIS data sharing (coordinated entry)",
				Signed: signed, Expires: signed.AddDate(3, 0, 0), RecordedBy: p.CaseManager}); err != nil {
				return fmt.Errorf("demo HMIS ROI: %w", err)
			}
			g.sum.ROIs++
		}
	}
	// some past referrals waited on the waitlist before a slot opened
	refs, err := g.s.ListReferrals(g.ctx, store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefAccepted}})
	if err != nil {
		return err
	}
	for i, rf := range refs {
		if i%3 != 0 || rf.DecidedAt.Sub(rf.Received) < 72*time.Hour {
			continue
		}
		wait := rf.Received.Add(time.Duration(24+r.IntN(24)) * time.Hour)
		mk := func(at time.Time, f store.HistoryField, from, to string) store.HistoryEvent {
			return store.HistoryEvent{Time: at, Kind: store.HistReferral, Record: rf.ID, ParticipantID: rf.ParticipantID, Field: f, From: from, To: to}
		}
		evs := []store.HistoryEvent{
			mk(rf.Received, store.HistReceived, "", string(rf.Kind)),
			mk(wait, store.HistStatus, string(store.RefNew), string(store.RefWaitlisted)),
			mk(rf.DecidedAt, store.HistStatus, string(store.RefWaitlisted), string(store.RefAccepted)),
		}
		if err := g.s.ReplaceHistory(g.ctx, store.SystemActor, store.HistReferral, rf.ID, evs); err != nil {
			return fmt.Errorf("demo history of %s: %w", rf.ID, err)
		}
	}
	cases, err := g.s.AllCases(g.ctx)
	if err != nil {
		return err
	}
	for _, c := range cases {
		if err := g.s.ReplaceHistory(g.ctx, store.SystemActor, store.HistCase, c.ID, g.casePast(r, c, enrolled[c.ParticipantID])); err != nil {
			return fmt.Errorf("demo history of %s: %w", c.ID, err)
		}
	}
	return nil
}

// between is a day in [from, to) (from when the span is empty), at a working hour.
func (g *gen) between(r *rand.Rand, from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	if days < 1 {
		return from.Add(9 * time.Hour)
	}
	return store.DateOf(from).AddDate(0, 0, r.IntN(days)).Add(time.Duration(8+r.IntN(9)) * time.Hour)
}

// participantPast is a participant's history from enrolment to their
// current status and housing: not yet engaged at first, engaging some
// days later, housing moving toward where they are today.
func (g *gen) participantPast(r *rand.Rand, p store.Participant) []store.HistoryEvent {
	e := p.EnrolledOn
	var evs []store.HistoryEvent
	add := func(at time.Time, f store.HistoryField, from, to string) {
		evs = append(evs, store.HistoryEvent{Time: at, Kind: store.HistParticipant, Record: p.ID, ParticipantID: p.ID, Field: f, From: from, To: to})
	}
	add(e, store.HistEnrolled, "", store.FormatDate(e))
	add(e, store.HistCaseManager, "", p.CaseManager)
	end := g.asOf
	// engagement
	add(e, store.HistStatus, "", string(store.StatusNotYetEngaged))
	status := string(store.StatusNotYetEngaged)
	if p.Status != store.StatusNotYetEngaged {
		engaged := g.between(r, e.AddDate(0, 0, 1), minTime(e.AddDate(0, 0, 30), end))
		add(engaged, store.HistStatus, status, string(store.StatusEngaging))
		status = string(store.StatusEngaging)
		switch p.Status {
		case store.StatusUnableToLocate:
			add(g.between(r, engaged.AddDate(0, 0, 1), end), store.HistStatus, status, string(p.Status))
		case store.StatusExited:
			exit := g.between(r, engaged.AddDate(0, 0, 30), end)
			add(exit, store.HistExit, status, p.ExitReason)
			add(exit, store.HistStatus, status, string(p.Status))
			end = exit
		}
	}
	// housing: where they were at entry, then toward where they are now
	entry := p.Housing
	switch p.Housing {
	case "permanent housing", "transitional housing", "shelter":
		entry = []string{"unsheltered", "unsheltered", "vehicle", "couch surfing", "shelter"}[r.IntN(5)]
		if entry == p.Housing {
			entry = "unsheltered"
		}
	default:
		if r.IntN(3) == 0 {
			entry = "unsheltered"
		}
	}
	add(e, store.HistHousing, "", entry)
	cur := entry
	if p.Housing == "permanent housing" && cur != "shelter" && r.IntN(2) == 0 {
		at := g.between(r, e.AddDate(0, 0, 7), e.Add(end.Sub(e)/2))
		add(at, store.HistHousing, cur, "shelter")
		cur = "shelter"
	}
	if cur != p.Housing {
		last := evs[len(evs)-1].Time
		add(g.between(r, maxTime(last, e).AddDate(0, 0, 1), end), store.HistHousing, cur, p.Housing)
	}
	store.SortHistory(evs)
	return evs
}

// goalsPast dates each goal's setting near enrolment (before its first
// progress entry) and an achieved or set-aside goal at its last entry.
func (g *gen) goalsPast(r *rand.Rand, p store.Participant) error {
	goals, err := g.s.ListGoals(g.ctx, p.ID)
	if err != nil {
		return err
	}
	for _, goal := range goals {
		set := g.between(r, p.EnrolledOn, p.EnrolledOn.AddDate(0, 0, 7))
		last := set.AddDate(0, 0, 30)
		for _, e := range goal.Progress {
			if e.Date.Before(set) {
				set = e.Date.Add(-time.Hour)
			}
			if e.Date.After(last) {
				last = e.Date
			}
		}
		if !last.Before(g.asOf) {
			last = g.asOf.Add(-time.Hour)
		}
		evs := []store.HistoryEvent{{Time: set, Kind: store.HistGoal, Record: goal.ID, ParticipantID: p.ID, Field: store.HistGoalSet, To: string(goal.Domain), Domain: goal.Domain}}
		if goal.Status != store.GoalActive {
			evs = append(evs, store.HistoryEvent{Time: last, Kind: store.HistGoal, Record: goal.ID, ParticipantID: p.ID, Field: store.HistGoalStatus,
				From: string(store.GoalActive), To: string(goal.Status), Domain: goal.Domain})
		}
		if err := g.s.ReplaceHistory(g.ctx, store.SystemActor, store.HistGoal, goal.ID, evs); err != nil {
			return fmt.Errorf("demo history of %s: %w", goal.ID, err)
		}
	}
	return nil
}

// casePast dates a legal case: a pre-existing case opened before
// enrolment, a post-enrolment case or warrant after it (some warrants
// before), a diverted arrest on its arrest day; hearings at their dates.
func (g *gen) casePast(r *rand.Rand, c store.LegalCase, enrolled time.Time) []store.HistoryEvent {
	var evs []store.HistoryEvent
	add := func(at time.Time, f store.HistoryField, from, to string) {
		evs = append(evs, store.HistoryEvent{Time: at, Kind: store.HistCase, Record: c.ID, ParticipantID: c.ParticipantID, Field: f, From: from, To: to})
	}
	var opened time.Time
	switch c.Kind {
	case store.CasePreExisting:
		opened = g.between(r, enrolled.AddDate(0, 0, -300), enrolled.AddDate(0, 0, -20))
	case store.CaseDivertedArrest:
		opened = c.IntakeDeadline.AddDate(0, 0, -30).Add(2 * time.Hour)
	case store.CaseWarrant:
		if r.IntN(2) == 0 {
			opened = g.between(r, enrolled.AddDate(0, 0, -200), enrolled)
			break
		}
		fallthrough
	default:
		opened = g.between(r, enrolled.AddDate(0, 0, 14), g.asOf)
	}
	for _, h := range c.Hearings {
		if !h.Date.After(opened) {
			opened = h.Date.AddDate(0, 0, -20)
		}
	}
	add(opened, store.HistOpened, "", string(c.Kind))
	add(opened, store.HistStatus, "", string(store.CaseOpen))
	for _, h := range c.Hearings {
		if h.Outcome != "" {
			add(h.Date.Add(9*time.Hour), store.HistHearing, store.FormatDate(h.Date), h.Outcome)
		}
	}
	if !c.NextCourtDate.IsZero() {
		add(opened, store.HistNextCourtDate, "", store.FormatDate(c.NextCourtDate))
	}
	if c.Status != store.CaseOpen {
		at := c.ResolvedOn
		if at.IsZero() || at.Before(opened) {
			at = g.between(r, opened, g.asOf)
		}
		add(at, store.HistStatus, string(store.CaseOpen), string(c.Status))
		if !c.ResolvedOn.IsZero() {
			add(at, store.HistResolvedOn, "", store.FormatDate(c.ResolvedOn))
		}
	}
	store.SortHistory(evs)
	return slices.Clip(evs)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
