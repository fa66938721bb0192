package store

import (
	"context"
	"time"
)

// LoadAgenda reads what a meeting on day would start with and plans its
// agenda (PlanAgenda): every ended meeting before it, the referral queue
// ranked against capacity as of the meeting, every participant and case.
// now is the clock: a meeting held today is ranked as of now, one on
// another day as of that day. The TUI's start, `owg meeting agenda` and the
// tests share it.
func LoadAgenda(ctx context.Context, s Store, p Protocol, day, now time.Time) (AgendaPlan, error) {
	ms, err := s.ListMeetings(ctx)
	if err != nil {
		return AgendaPlan{}, err
	}
	var last *Meeting
	var earlier []Meeting
	for i := range ms {
		if ms[i].Status != MeetingEnded || DateOf(ms[i].Date).After(DateOf(day)) {
			continue
		}
		earlier = append(earlier, ms[i])
		last = &ms[i]
	}
	users, err := s.ListUsers(ctx)
	if err != nil {
		return AgendaPlan{}, err
	}
	all, err := s.ListParticipants(ctx, ParticipantFilter{})
	if err != nil {
		return AgendaPlan{}, err
	}
	var active []Participant
	for _, pt := range all {
		if pt.Status.Active() {
			active = append(active, pt)
		}
	}
	refs, err := s.ListReferrals(ctx, ReferralFilter{Statuses: []ReferralStatus{RefNew, RefWaitlisted, RefScreenedOut}})
	if err != nil {
		return AgendaPlan{}, err
	}
	cases, err := s.AllCases(ctx)
	if err != nil {
		return AgendaPlan{}, err
	}
	asOf := now
	if !DateOf(asOf).Equal(DateOf(day)) {
		asOf = day
	}
	rk := Rank(p, refs, active, Capacity(p, users, active), asOf)
	if earlier == nil {
		earlier = []Meeting{}
	}
	return PlanAgenda(AgendaInput{Protocol: p, AsOf: asOf, LastMeeting: last, Earlier: earlier, Ranking: rk, Participants: all, Cases: cases}), nil
}
