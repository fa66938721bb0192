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
// or waitlisting one that was offered a slot.
func (in DecideInput) Override() bool {
	if in.Ranked == nil {
		return false
	}
	switch in.Verb {
	case Accept:
		return in.Ranked.Decision == store.DecisionWaitlist
	case Decline, Waitlist:
		return in.Ranked.Decision == store.DecisionOffer
	}
	return false
}

// status is the referral status the verb records.
func (v Verb) status() store.ReferralStatus {
	switch v {
	case Accept:
		return store.RefAccepted
	case Waitlist:
		return store.RefWaitlisted
	}
	return store.RefDeclined
}

// DecidedMsg reports a decision saved by the store, or why it was refused.
type DecidedMsg struct {
	ID       string
	Verb     Verb
	Referral store.Referral // as stored
	Override bool
	// Code is the decision's coded reason and Label its plain label (what
	// the referrer and the meeting record read).
	Code  string
	Label string
	// Note is the internal note: for the pm, supervisors and case
	// managers, never written to the meeting record.
	Note string
	// CaseManager is who takes an accepted referral.
	CaseManager string
	// MeetingID is the meeting the decision was taken in ("" outside one).
	MeetingID string
	Err       error
}

// Text is the decision as one line for the meeting record and the
// status line (ids and the coded label only: no names, never the note,
// which everyone at the meeting would read).
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
	if d.Label != "" {
		s += ": " + common.Line(d.Label)
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
	code        string
	reason      string // the note
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
	coded := needsReason && in.Verb != Accept
	if coded {
		reasons := ctx.Protocol.Reasons(in.Verb.status())
		opts := make([]huh.Option[string], 0, len(reasons)+1)
		for _, r := range reasons {
			opts = append(opts, huh.NewOption(common.Line(r.Label), r.Code))
		}
		if !slices.ContainsFunc(reasons, func(r store.DecisionReason) bool { return r.Code == store.ReasonOther }) {
			opts = append(opts, huh.NewOption("Other reason", store.ReasonOther))
		}
		d.vals.code = opts[0].Value
		title := "Reason to " + string(in.Verb) + " " + in.Referral.ID + " (the referrer reads this)"
		fields = append(fields, huh.NewSelect[string]().Title(title).Options(opts...).Value(&d.vals.code))
	}
	if needsReason {
		title := "Internal note (optional; never shown to the referrer)"
		if in.Override() {
			title = "Override reason for " + in.Referral.ID + " (audited; never shown to the referrer)"
		}
		input := huh.NewInput().Title(title).Value(&d.vals.reason)
		if in.Verb == Accept {
			input = input.Validate(func(s string) error {
				if strings.TrimSpace(s) == "" {
					return errors.New("a reason is required")
				}
				return nil
			})
		}
		fields = append(fields, input)
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
	cm, code, note := d.vals.caseManager, d.vals.code, strings.TrimSpace(store.CleanLine(d.vals.reason))
	label, _ := c.Protocol.ReasonLabel(in.Verb.status(), code)
	return func() tea.Msg {
		out := DecidedMsg{ID: in.Referral.ID, Verb: in.Verb, Override: in.Override(), Code: code, Label: label, Note: note, MeetingID: in.MeetingID}
		dec := store.ReferralDecision{Version: in.Referral.Version, Code: code, Note: note, Override: out.Override, MeetingID: in.MeetingID}
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
		if in.Ranked != nil {
			// the decision keeps the breakdown and version it was made on,
			// and an override the rank it overrode
			rr := in.Ranked
			dec.Score = &store.ScoreRecord{ReferralID: rr.Referral.ID, ProtocolVersion: store.CurrentProtocolVersion(c.Context(), c.Store),
				Score: rr.Score, Factors: rr.Factors, Rank: rr.Rank, Decision: rr.Decision}
			if dec.Override {
				dec.OverriddenRank = fmt.Sprintf("rank %d (%s)", rr.Rank, rr.Decision)
				if rr.Decision == store.DecisionWaitlist {
					dec.OverriddenRank = fmt.Sprintf("waitlist position %d (rank %d)", rr.WaitlistPos, rr.Rank)
				}
			}
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
