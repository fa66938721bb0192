package triage

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// Verb is a decision the OWG can take on a referral.
type Verb string

// The decide actions of the Referrals screen and the meeting.
const (
	Accept   Verb = "accept"
	Waitlist Verb = "waitlist"
	Decline  Verb = "decline"
)

// CanDecide reports whether role records referral decisions (pm and
// supervisor); case managers view, others never see the queue.
func CanDecide(role store.Role) bool { return store.CanDecideReferrals(role) }

// CaseManagerLoad is one active case manager's caseload against caps.
type CaseManagerLoad struct {
	Name   string
	Active int // active participants on the caseload
	Cap    int // soft cap (user override, else protocol default)
}

// CaseManagerLoads lists the active case managers with their active
// caseloads, by name.
func CaseManagerLoads(p store.Protocol, users []store.User, participants []store.Participant) []CaseManagerLoad {
	load := map[string]int{}
	for _, pt := range participants {
		if pt.Status.Active() {
			load[pt.CaseManager]++
		}
	}
	var out []CaseManagerLoad
	for _, u := range users {
		if u.Role != store.RoleCaseManager || !u.Active {
			continue
		}
		out = append(out, CaseManagerLoad{Name: u.Name, Active: load[u.Name], Cap: store.CaseloadLimit(p, u)})
	}
	slices.SortFunc(out, func(a, b CaseManagerLoad) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// DecideInput is what a decision needs to know.
type DecideInput struct {
	Referral store.Referral
	// Ranked is the referral's place in the current ranking; nil for a
	// re-referral or a referral no longer in the queue.
	Ranked *store.RankedReferral
	// ReReferralOf links an accepted re-referral to this participant.
	ReReferralOf string
	// ReReferralCM is that participant's case manager.
	ReReferralCM string
	Verb         Verb
	MeetingID    string
	CaseManagers []CaseManagerLoad
}

// Override reports whether the decision goes against the ranking:
// accepting a waitlisted referral over higher-ranked ones, or declining
// one that was offered a slot.
func (in DecideInput) Override() bool {
	if in.Ranked == nil {
		return false
	}
	switch in.Verb {
	case Accept:
		return in.Ranked.Decision == store.DecisionWaitlist
	case Decline:
		return in.Ranked.Decision == store.DecisionOffer
	}
	return false
}

// DecidedMsg reports a decision saved by the store, or why it was refused.
type DecidedMsg struct {
	ID       string
	Verb     Verb
	Referral store.Referral // as stored
	Override bool
	Reason   string
	// CaseManager is who takes an accepted referral.
	CaseManager string
	// MeetingID is the meeting the decision was taken in ("" outside one).
	MeetingID string
	Err       error
}

// Text is the decision as one line for the meeting record and the
// status line (ids and codes only: no names).
func (d DecidedMsg) Text() string {
	r := d.Referral
	var s string
	switch d.Verb {
	case Accept:
		s = fmt.Sprintf("%s accepted, case manager %s", d.ID, common.Line(d.CaseManager))
		if r.ParticipantID != "" {
			s += ", participant " + r.ParticipantID
		}
	case Waitlist:
		s = d.ID + " waitlisted"
		if r.WaitlistPos > 0 {
			s += fmt.Sprintf(" #%d", r.WaitlistPos)
		}
	case Decline:
		s = d.ID + " declined"
	}
	if d.Override {
		s += " (override)"
	}
	if d.Reason != "" {
		s += ": " + common.Line(d.Reason)
	}
	return s
}

// Decide is the embedded huh form that asks what a decision needs (the
// case manager for an accept, a reason for a decline or an override) and
// then records it through store.DecideReferral.
type Decide struct {
	ctx  *common.Ctx
	in   DecideInput
	form *huh.Form
	vals *decideVals
}

type decideVals struct {
	caseManager string
	reason      string
}

// NewDecide starts a decision. When nothing needs asking (a waitlist, a
// re-referral link) it returns a nil *Decide and the command that records
// the decision; otherwise the form and its Init command.
func NewDecide(ctx *common.Ctx, in DecideInput, width int) (*Decide, tea.Cmd) {
	if !CanDecide(ctx.Actor.Role) {
		return nil, decidedErrCmd(in, store.ErrDenied)
	}
	d := &Decide{ctx: ctx, in: in, vals: &decideVals{}}
	var fields []huh.Field
	needsReason := in.Verb == Decline || in.Override()
	if in.Verb == Accept && in.ReReferralOf == "" {
		if len(in.CaseManagers) == 0 {
			return nil, decidedErrCmd(in, errors.New("no active case manager to assign"))
		}
		opts := make([]huh.Option[string], 0, len(in.CaseManagers))
		for _, cm := range in.CaseManagers {
			label := fmt.Sprintf("%s  %d/%d", common.Line(cm.Name), cm.Active, cm.Cap)
			if ctx.Protocol.HardCap > 0 && cm.Active >= ctx.Protocol.HardCap {
				label += "  at hard cap"
			}
			opts = append(opts, huh.NewOption(label, cm.Name))
		}
		d.vals.caseManager = in.CaseManagers[0].Name
		fields = append(fields, huh.NewSelect[string]().Title("Case manager for "+in.Referral.ID).
			Options(opts...).Value(&d.vals.caseManager))
	}
	if needsReason {
		title := "Reason to decline " + in.Referral.ID
		if in.Override() {
			title = "Override reason for " + in.Referral.ID + " (audited)"
		}
		fields = append(fields, huh.NewInput().Title(title).Value(&d.vals.reason).
			Validate(func(s string) error {
				if strings.TrimSpace(s) == "" {
					return errors.New("a reason is required")
				}
				return nil
			}))
	}
	if len(fields) == 0 {
		return nil, d.runCmd()
	}
	d.form = huh.NewForm(huh.NewGroup(fields...)).WithWidth(max(width, 20)).WithShowHelp(false).
		WithTheme(common.FormTheme(ctx.St()))
	return d, d.form.Init()
}

// Update passes msg to the form. done is true once the form was submitted
// (cmd then records the decision) or aborted.
func (d *Decide) Update(msg tea.Msg) (cmd tea.Cmd, done bool) {
	m, cmd := d.form.Update(msg)
	if f, ok := m.(*huh.Form); ok {
		d.form = f
	}
	switch d.form.State {
	case huh.StateCompleted:
		return d.runCmd(), true
	case huh.StateAborted:
		return nil, true
	}
	return cmd, false
}

// View renders the form.
func (d *Decide) View() string { return d.form.View() }

func decidedErrCmd(in DecideInput, err error) tea.Cmd {
	return func() tea.Msg {
		return DecidedMsg{ID: in.Referral.ID, Verb: in.Verb, MeetingID: in.MeetingID, Err: err}
	}
}

// runCmd returns the command that records the decision.
func (d *Decide) runCmd() tea.Cmd {
	c, in := d.ctx, d.in
	cm, reason := d.vals.caseManager, strings.TrimSpace(d.vals.reason)
	return func() tea.Msg {
		out := DecidedMsg{ID: in.Referral.ID, Verb: in.Verb, Override: in.Override(), Reason: reason, MeetingID: in.MeetingID}
		dec := store.ReferralDecision{Version: in.Referral.Version, Reason: reason, Override: out.Override, MeetingID: in.MeetingID}
		switch in.Verb {
		case Accept:
			dec.Status = store.RefAccepted
			if in.ReReferralOf != "" {
				dec.LinkParticipant = in.ReReferralOf
				dec.CaseManager = in.ReReferralCM
			} else {
				dec.CaseManager = cm
				dec.HardCap = c.Protocol.HardCap
				for _, l := range in.CaseManagers {
					if l.Name == cm && c.Protocol.HardCap > 0 && l.Active >= c.Protocol.HardCap {
						out.Err = fmt.Errorf("%s is at the hard cap (%d): choose another case manager", common.Line(cm), c.Protocol.HardCap)
						return out
					}
				}
			}
		case Waitlist:
			dec.Status = store.RefWaitlisted
			if in.Ranked != nil {
				dec.WaitlistPos = in.Ranked.WaitlistPos
			}
		case Decline:
			dec.Status = store.RefDeclined
		}
		r, err := c.Store.DecideReferral(c.Context(), c.Actor, in.Referral.ID, dec)
		out.Referral, out.Err = r, err
		if out.Verb == Accept && err == nil && out.Referral.ParticipantID == "" && in.ReReferralOf != "" {
			out.Referral.ParticipantID = in.ReReferralOf
		}
		out.CaseManager = dec.CaseManager
		return out
	}
}
