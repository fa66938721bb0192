package triage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
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
type CaseManagerLoad = store.CaseManagerLoad

// CaseManagerLoads lists the active case managers with their active
// caseloads, by name (store.CaseManagerLoads: the participant screen's
// record form offers the same list).
func CaseManagerLoads(p store.Protocol, users []store.User, participants []store.Participant) []CaseManagerLoad {
	return store.CaseManagerLoads(p, users, participants)
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
	// DraftKept: the store refused the decision and what was typed is
	// kept as the user's draft (against the referral as it is now, when
	// someone else changed it meanwhile).
	DraftKept bool
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
	// keep keeps the typed input as the author's draft (issue 18)
	keep *common.DraftKeeper
	// esc asks before a first esc discards what was typed
	esc common.EscGuard
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
	return newDecide(ctx, in, width, nil)
}

// newDecide builds the decision form, its fields preset from preset (a
// restored draft) where the values are still offered.
func newDecide(ctx *common.Ctx, in DecideInput, width int, preset *decideVals) (*Decide, tea.Cmd) {
	if !CanDecide(ctx.Actor.Role) {
		return nil, decidedErrCmd(in, store.ErrDenied)
	}
	if preset == nil {
		preset = &decideVals{}
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
		for _, cm := range in.CaseManagers {
			if cm.Name == preset.caseManager {
				d.vals.caseManager = cm.Name
			}
		}
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
		for _, o := range opts {
			if o.Value == preset.code {
				d.vals.code = o.Value
			}
		}
		title := "Reason to " + string(in.Verb) + " " + in.Referral.ID + " (the referrer reads this)"
		fields = append(fields, huh.NewSelect[string]().Title(title).Options(opts...).Value(&d.vals.code))
	}
	if needsReason {
		d.vals.reason = preset.reason
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
	screen := "referrals"
	if in.MeetingID != "" {
		screen = "meeting"
	}
	d.keep = common.NewDraftKeeper(ctx, DraftForm, in.Referral.ID, screen, d.draftFields)
	return d, d.form.Init()
}

// DraftForm is the draft form name of a referral decision.
const DraftForm = "decision"

// draftFields is the decision as typed, with what it was typed against:
// the referral's version (a concurrent decision is caught when it is
// sent) and the meeting.
func (d *Decide) draftFields() map[string]string {
	f := map[string]string{
		"ref": d.in.Referral.ID, "verb": string(d.in.Verb), "version": strconv.FormatInt(d.in.Referral.Version, 10),
		"cm": d.vals.caseManager, "code": d.vals.code, "reason": d.vals.reason,
	}
	if d.in.MeetingID != "" {
		f["meeting"] = d.in.MeetingID
	}
	return f
}

// DraftOf reads a decision draft: the referral, the verb, the referral's
// version the draft was typed against and the meeting ("" outside one).
func DraftOf(dr store.Draft) (ref string, v Verb, version int64, meetingID string) {
	version, _ = strconv.ParseInt(dr.Fields["version"], 10, 64)
	return dr.Fields["ref"], Verb(dr.Fields["verb"]), version, dr.Fields["meeting"]
}

// RestoreDecide reopens a decision draft on in (built for the referral as
// loaded now, its Version set back to the draft's: sending it then goes
// through the store's version check, so a decision someone else took
// meanwhile is never overwritten silently).
func RestoreDecide(ctx *common.Ctx, in DecideInput, width int, dr store.Draft) (*Decide, tea.Cmd) {
	if _, _, v, _ := DraftOf(dr); v > 0 {
		in.Referral.Version = v
	}
	d, cmd := newDecide(ctx, in, width, &decideVals{caseManager: dr.Fields["cm"], code: dr.Fields["code"], reason: dr.Fields["reason"]})
	if d != nil {
		d.keep.Restored = dr.Saved
	}
	return d, cmd
}

// Update passes msg to the form. done is true once the form was submitted
// (cmd then records the decision) or aborted.
func (d *Decide) Update(msg tea.Msg) (cmd tea.Cmd, done bool) {
	if due, ok := msg.(common.DraftDueMsg); ok {
		return d.keep.Due(due), false
	}
	if cleared, swallow := d.esc.Other(msg); cleared && swallow {
		return nil, false // enter after the warning only goes on editing
	}
	cmd = common.UpdateForm(d.form, msg)
	switch d.form.State {
	case huh.StateCompleted:
		return d.runCmd(), true
	case huh.StateAborted:
		return d.keep.Drop(), true
	}
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg:
		cmd = tea.Batch(cmd, d.keep.Touched())
	}
	return cmd, false
}

// Escape is esc on the form: on a restored draft the first esc asks
// before discarding it; otherwise the form closes (done) and cmd drops
// its draft. text is the status line either way.
// When something was typed into a fresh form, the first esc only asks
// (common.EscAgain) and the next discards.
func (d *Decide) Escape() (text string, done bool, cmd tea.Cmd) {
	if !d.Restored() && d.esc.Escape() {
		return common.EscAgain, false, nil
	}
	return d.keep.Escape("decision cancelled")
}

// Asking reports whether the esc warning is showing: the next key other
// than esc clears it.
func (d *Decide) Asking() bool { return d != nil && d.esc.Asked() }

// FlushDrafts saves unsaved input now (the program has ended).
func (d *Decide) FlushDrafts(ctx context.Context) error { return d.keep.Flush(ctx) }

// Restored reports whether the form was reopened from a draft.
func (d *Decide) Restored() bool { return d != nil && d.keep != nil && !d.keep.Restored.IsZero() }

// View renders the form.
func (d *Decide) View() string { return d.form.View() }

// Fit sizes the form to the w x h cells it is given on screen: huh then
// scrolls the focused field into view (an override's reason input below
// a long list of reasons was cut off at 80x24). A nil Decide fits
// nothing; a passing tiny terminal is ignored (huh would shrink the
// fields for good).
func (d *Decide) Fit(w, h int) {
	if d == nil || h < 4 {
		return
	}
	if mdl, _ := d.form.Update(tea.WindowSizeMsg{Width: max(w, 20), Height: h}); mdl != nil {
		if f, ok := mdl.(*huh.Form); ok {
			d.form = f
		}
	}
}

func decidedErrCmd(in DecideInput, err error) tea.Cmd {
	return func() tea.Msg {
		return DecidedMsg{ID: in.Referral.ID, Verb: in.Verb, MeetingID: in.MeetingID, Err: err}
	}
}

// runCmd returns the command that records the decision.
func (d *Decide) runCmd() tea.Cmd {
	c, in, keep := d.ctx, d.in, d.keep
	var fields map[string]string
	if keep != nil {
		fields = d.draftFields()
	}
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
						if keep != nil {
							out.DraftKept = keepDraft(c, keep, in.Referral.ID, fields, out.Err)
						}
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
		if keep != nil {
			out.DraftKept = keepDraft(c, keep, in.Referral.ID, fields, err)
		}
		if out.Verb == Accept && err == nil && out.Referral.ParticipantID == "" && in.ReReferralOf != "" {
			out.Referral.ParticipantID = in.ReReferralOf
		}
		out.CaseManager = dec.CaseManager
		return out
	}
}

// keepDraft settles a sent decision's draft: dropped once saved; kept
// when the store refused it. When someone else changed the referral
// meanwhile the kept draft is set to the referral's version now, so
// reopening it after being told is checked against what the user can see.
func keepDraft(c *common.Ctx, keep *common.DraftKeeper, id string, fields map[string]string, err error) (kept bool) {
	ctx := c.Context()
	if err == nil {
		_ = keep.DropNow(ctx) // a draft left behind expires after draft_days
		return false
	}
	if errors.Is(err, store.ErrStale) || errors.Is(err, store.ErrConflict) {
		if r, gerr := c.Store.GetReferral(ctx, id); gerr == nil {
			fields["version"] = strconv.FormatInt(r.Version, 10)
		}
	}
	return keep.Keep(ctx, fields) == nil
}
