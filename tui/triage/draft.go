package triage

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// keptLine tells the user a refused decision's input is kept.
func keptLine(msg DecidedMsg) string {
	if !msg.DraftKept {
		return ""
	}
	return "; your decision is kept as a draft (U: drafts)"
}

// RestoreDraft reopens a decision draft typed on this screen, once the
// queue is loaded: the form filled in as it was, on the referral as it
// is now but checked against the version the draft was typed on.
func (m *Model) RestoreDraft(d store.Draft) tea.Cmd {
	if d.Form != DraftForm {
		return nil
	}
	m.restore = &d
	if !m.loaded {
		return nil // the load under way (or the first, when shown) reopens it
	}
	return m.restorePending()
}

func (m *Model) restorePending() tea.Cmd {
	d := m.restore
	if d == nil {
		return nil
	}
	m.restore = nil
	if m.mode != modeDecide {
		m.setStatus("only the pm or a supervisor records decisions: your draft is kept (U: drafts)", false)
		return nil
	}
	ref, verb, _, _ := DraftOf(*d)
	in, err := RestoreInput(m.d.ranking, m.d.refs, m.d.parts, m.d.loads, ref, verb, "")
	if err != nil {
		m.setStatus(err.Error()+": your draft is kept (U: drafts)", false)
		return nil
	}
	m.list.Select(ref)
	m.paneFor, m.paneOff = m.list.SelectedKey(), 0
	dec, cmd := RestoreDecide(m.ctx, in, m.width, *d)
	m.decide = dec
	dec.Fit(m.width, m.decideHeight())
	m.setStatus(common.RestoredLine(m.ctx, *d), true)
	return cmd
}

// RestoreInput is the decision input of a draft on referral ref: the
// referral as loaded now, or (decided by someone else meanwhile, so no
// longer in the queue) just its id, which the store's version check then
// refuses with "changed by someone else" when it is sent.
func RestoreInput(rk store.Ranking, refs map[string]store.Referral, parts map[string]store.Participant, loads []CaseManagerLoad, ref string, v Verb, meetingID string) (DecideInput, error) {
	r, ok := refs[ref]
	if !ok {
		r = store.Referral{ID: ref}
	}
	switch v {
	case Accept, Waitlist, Decline:
	default:
		v = Accept
	}
	return InputFor(rk, r, parts, loads, v, meetingID)
}

// FlushDrafts saves the open decision form's unsent input now.
func (m *Model) FlushDrafts(ctx context.Context) error {
	if m.decide == nil {
		return nil
	}
	return m.decide.FlushDrafts(ctx)
}
