package intake

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// reReferral finds the active participant r is a re-referral of and the
// one sentence the referrer may be told: MsgEnrolled when the referrer may
// see that participant (store.Visible: identity shown, e.g. a valid ROI
// covering their role or agency), else "": a referrer who may not see the
// participant is told exactly what any new referral gets, so nothing
// reveals that the person is known to LEAD. It returns the participant id
// (for the record only, never for display) and "" when r matches no one.
func reReferral(ctx context.Context, s store.Store, actor store.Actor, r store.Referral, now time.Time) (participantID, sentence string, err error) {
	if r.Person.DOB.IsZero() {
		return "", "", nil // MatchParticipant needs a date of birth
	}
	active, err := s.ListParticipants(ctx, store.ParticipantFilter{ActiveOnly: true})
	if err != nil {
		return "", "", err
	}
	p, ok := store.MatchParticipant(r, active)
	if !ok {
		return "", "", nil
	}
	rois, err := s.ListROIs(ctx, p.ID)
	if err != nil {
		return "", "", err
	}
	if store.Sees(actor, rois, now, store.DataIdentity) == store.Shown {
		return p.ID, MsgEnrolled, nil
	}
	return p.ID, "", nil
}

// checkCmd runs the re-referral check of a draft for the review.
func checkCmd(m *Model, seq int, r store.Referral) tea.Cmd {
	ctx, s, actor, now := m.ctx.Context(), m.ctx.Store, m.ctx.Actor, m.ctx.Time()
	return func() tea.Msg {
		_, sentence, err := reReferral(ctx, s, actor, r, now)
		return checkedMsg{owner: m, seq: seq, reMsg: sentence, err: err}
	}
}

// Screen applies the protocol to a referral about to be stored: the
// re-referral link, then eligibility (an ineligible referral is stored
// screened out with its reason code, for the record).
func Screen(p store.Protocol, r store.Referral, reReferralOf string) store.Referral {
	r.ReReferralOf = reReferralOf
	if ok, reason := store.Eligibility(p, r); !ok {
		r.Status, r.Reason = store.RefScreenedOut, reason
	} else {
		r.Status, r.Reason = store.RefNew, ""
	}
	return r
}

// submitCmd builds the referral received now, screens it and stores it in
// one synced write (store.CreateReferral). Nothing is written before.
func submitCmd(m *Model, seq int, v values) tea.Cmd {
	c := m.ctx
	ctx, s, actor, p, now := c.Context(), c.Store, c.Actor, c.Protocol, c.Time()
	return func() tea.Msg {
		r, errs := v.build(actor, now)
		if len(errs) > 0 {
			return SavedMsg{owner: m, seq: seq, Err: errs[0]}
		}
		pid, sentence, err := reReferral(ctx, s, actor, r, now)
		if err != nil {
			return SavedMsg{owner: m, seq: seq, Err: err}
		}
		r = Screen(p, r, pid)
		saved, err := s.CreateReferral(ctx, actor, r)
		return SavedMsg{owner: m, seq: seq, reMsg: sentence, Referral: saved, Err: err}
	}
}

var _ common.Component = (*Model)(nil)
