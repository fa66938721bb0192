package report

import (
	"context"
	"fmt"
	"time"

	"github.com/leadtable/owg/store"
)

// Load reads everything a report (or a de-identified export) needs
// through the store interface: every participant with their goals and
// contacts, every referral, legal case, user and meeting. It audits
// nothing: the caller records what it does with the result.
func Load(ctx context.Context, s store.Store, period Period, asOf time.Time, protocol store.Protocol) (Input, error) {
	in := Input{Period: period, AsOf: asOf, Protocol: protocol, Location: asOf.Location()}
	var err error
	if in.Participants, err = s.ListParticipants(ctx, store.ParticipantFilter{}); err != nil {
		return Input{}, fmt.Errorf("reading participants: %w", err)
	}
	for _, p := range in.Participants {
		if err := ctx.Err(); err != nil {
			return Input{}, err
		}
		gs, err := s.ListGoals(ctx, p.ID)
		if err != nil {
			return Input{}, fmt.Errorf("reading goals of %s: %w", p.ID, err)
		}
		in.Goals = append(in.Goals, gs...)
		cs, err := s.ListContacts(ctx, p.ID)
		if err != nil {
			return Input{}, fmt.Errorf("reading contacts of %s: %w", p.ID, err)
		}
		in.Contacts = append(in.Contacts, cs...)
	}
	if in.Referrals, err = s.ListReferrals(ctx, store.ReferralFilter{}); err != nil {
		return Input{}, fmt.Errorf("reading referrals: %w", err)
	}
	if in.Cases, err = s.AllCases(ctx); err != nil {
		return Input{}, fmt.Errorf("reading legal cases: %w", err)
	}
	if in.Users, err = s.ListUsers(ctx); err != nil {
		return Input{}, fmt.Errorf("reading users: %w", err)
	}
	if in.Meetings, err = s.ListMeetings(ctx); err != nil {
		return Input{}, fmt.Errorf("reading meetings: %w", err)
	}
	if in.History, err = s.ListHistory(ctx, store.HistoryFilter{}); err != nil {
		return Input{}, fmt.Errorf("reading history: %w", err)
	}
	return in, nil
}
