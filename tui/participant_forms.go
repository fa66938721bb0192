package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// Forms of the Participant screen. Each keeps its values in a heap struct
// so a refused save reopens the form as typed; each save is one store call.

func (p *participant) activeGoals() []store.Goal {
	var out []store.Goal
	for _, g := range p.view.Goals {
		if g.Status == store.GoalActive {
			out = append(out, g)
		}
	}
	return out
}

func (p *participant) validROIs() []store.ROI {
	var out []store.ROI
	today := store.Today(p.ctx.Time())
	for _, r := range p.view.ROIs {
		if r.Valid(today) {
			out = append(out, r)
		}
	}
	return out
}

func options[T ~string](all []T) []huh.Option[T] {
	out := make([]huh.Option[T], len(all))
	for i, v := range all {
		out[i] = huh.NewOption(strings.ReplaceAll(string(v), "_", " "), v)
	}
	return out
}

func (p *participant) todayText() string { return store.FormatDate(store.Today(p.ctx.Time())) }

// save wraps a store write as this screen's savedMsg.
func (p *participant) save(what string, fn func() error) tea.Cmd {
	return saveCmd(p.owner, what, fn)
}

type contactValues struct {
	Date        string
	Kind        store.ContactKind
	Sensitivity store.Sensitivity
	Note        string
}

func (p *participant) contactForm() tea.Cmd {
	v := &contactValues{Date: p.todayText(), Kind: store.ContactOffice, Sensitivity: store.General}
	sens := []store.Sensitivity{store.General}
	if store.CanWrite(p.ctx.Actor.Role, store.DataClinicalContacts) {
		sens = append(sens, store.Clinical)
	}
	build := func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			huh.NewInput().Title("date").Placeholder("YYYY-MM-DD").Validate(pastDateField("date", p.ctx.Time())).Value(&v.Date),
			huh.NewSelect[store.ContactKind]().Title("kind").Options(options(store.ContactKinds)...).Value(&v.Kind),
			huh.NewSelect[store.Sensitivity]().Title("sensitivity").Description("clinical notes never reach law enforcement or partners").
				Options(options(sens)...).Value(&v.Sensitivity),
			huh.NewText().Title("note").ExternalEditor(false).Lines(3).Value(&v.Note),
		))
	}
	ctx, actor, id := p.ctx, p.ctx.Actor, p.id
	cmd := p.form.open("Log a contact · "+id, build, func() tea.Cmd {
		return p.save("contact", func() error {
			_, err := ctx.Store.CreateContact(ctx.Context(), actor, store.Contact{ParticipantID: id, Date: optDate(v.Date),
				Kind: v.Kind, Note: store.Clean(v.Note, true), Author: actor.User, Sensitivity: v.Sensitivity})
			return err
		})
	})
	p.form.draftable("contact", id, v)
	return cmd
}

type goalValues struct {
	Words  string
	Domain store.GoalDomain
}

func (p *participant) goalForm() tea.Cmd {
	v := &goalValues{Domain: store.DomainHousing}
	build := func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			huh.NewText().Title("words").Description("the goal in the participant's own words").ExternalEditor(false).Lines(2).
				Validate(required("words")).Value(&v.Words),
			huh.NewSelect[store.GoalDomain]().Title("domain").Options(options(store.GoalDomains)...).Value(&v.Domain),
		))
	}
	ctx, actor, id := p.ctx, p.ctx.Actor, p.id
	return p.form.open("Add a goal · "+id, build, func() tea.Cmd {
		return p.save("goal", func() error {
			_, err := ctx.Store.CreateGoal(ctx.Context(), actor, store.Goal{ParticipantID: id, Words: store.Clean(v.Words, true),
				Domain: v.Domain, Status: store.GoalActive})
			return err
		})
	})
}

type progressValues struct {
	Goal        string
	Step        store.Step
	Sensitivity store.Sensitivity
	Date        string
	Note        string
}

// progressForm records a step on an active goal. With several goals it
// asks which first, so the sensitivity it offers starts at that goal's
// default (clinical for a goal in a sensitive domain).
func (p *participant) progressForm() tea.Cmd {
	goals := p.activeGoals()
	if len(goals) == 0 {
		return common.StatusCmd("no active goal: add one first", true)
	}
	return pickThen(p, "Record goal progress · "+p.id, "goal", goals, func(g store.Goal) string { return g.ID },
		func(g store.Goal) string { return g.ID + " " + common.Fit(common.Line(g.Words), 50) }, p.progressFormFor)
}

// pickThen opens formFor on the one of items meant: at once when there is
// one, else after a select of them (labelled by label) titled field, so
// that the form that follows is that item's own (never the first one's,
// saved onto another).
func pickThen[T any](p *participant, title, field string, items []T, id, label func(T) string, formFor func(T) tea.Cmd) tea.Cmd {
	if len(items) == 1 {
		return formFor(items[0])
	}
	pick := &pickValues{ID: id(items[0])}
	opts := make([]huh.Option[string], len(items))
	for i, it := range items {
		opts[i] = huh.NewOption(label(it), id(it))
	}
	build := func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			huh.NewSelect[string]().Title(field).Options(opts...).Value(&pick.ID),
		))
	}
	return p.form.open(title, build, func() tea.Cmd {
		i := slices.IndexFunc(items, func(it T) bool { return id(it) == pick.ID })
		if i < 0 {
			p.form.close()
			return common.StatusCmd(field+" "+pick.ID+" not found: nothing saved", true)
		}
		return formFor(items[i])
	})
}

// pickValues is the choice of pickThen's select.
type pickValues struct{ ID string }

// progressSensitivities are the sensitivities the viewer may record: a
// role that may not write sensitive data records general entries only.
func progressSensitivities(role store.Role) []store.Sensitivity {
	if store.CanWrite(role, store.DataSensitive) {
		return []store.Sensitivity{store.General, store.Clinical}
	}
	return []store.Sensitivity{store.General}
}

// progressDefault is the sensitivity the progress form starts at for goal
// g: the store's default (clinical in a sensitive domain), when the viewer
// may record it.
func progressDefault(role store.Role, g store.Goal, sensitive []store.GoalDomain) store.Sensitivity {
	d := store.DefaultProgressSensitivity(g, sensitive)
	if !slices.Contains(progressSensitivities(role), d) {
		return store.General
	}
	return d
}

func (p *participant) progressFormFor(g store.Goal) tea.Cmd {
	role := p.ctx.Actor.Role
	v := &progressValues{Goal: g.ID, Step: store.StepForward, Date: p.todayText(),
		Sensitivity: progressDefault(role, g, p.ctx.Protocol.SensitiveGoalDomains)}
	build := func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			huh.NewSelect[store.Step]().Title("step").Options(
				huh.NewOption("step forward", store.StepForward), huh.NewOption("no change", store.StepNoChange),
				huh.NewOption("setback", store.StepSetback)).Value(&v.Step),
			huh.NewSelect[store.Sensitivity]().Title("sensitivity").
				Description("clinical: treatment, health or substance use; never reaches police or prosecutors").
				Options(options(progressSensitivities(role))...).Value(&v.Sensitivity),
			huh.NewInput().Title("date").Placeholder("YYYY-MM-DD").Validate(pastDateField("date", p.ctx.Time())).Value(&v.Date),
			huh.NewText().Title("note").ExternalEditor(false).Lines(2).Value(&v.Note),
		))
	}
	ctx, actor := p.ctx, p.ctx.Actor
	cmd := p.form.open("Record goal progress · "+p.id+" · "+g.ID+" "+common.Fit(common.Line(g.Words), 40), build, func() tea.Cmd {
		return p.save("progress on "+v.Goal, func() error {
			_, err := ctx.Store.AppendProgress(ctx.Context(), actor, v.Goal, store.ProgressEntry{Date: optDate(v.Date), Step: v.Step,
				Note: store.Clean(v.Note, true), Author: actor.User, Sensitivity: v.Sensitivity})
			return err
		})
	})
	p.form.draftable("progress", p.id, v)
	return cmd
}

type caseValues struct {
	Kind           store.CaseKind
	Number, Court  string
	Charges        string
	NextCourtDate  string
	IntakeDeadline string
}

func (p *participant) caseForm() tea.Cmd {
	v := &caseValues{Kind: store.CasePostEnrollment}
	build := func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			huh.NewSelect[store.CaseKind]().Title("kind").Options(options(store.CaseKinds)...).Value(&v.Kind),
			huh.NewInput().Title("case number").Value(&v.Number),
			huh.NewInput().Title("court").Value(&v.Court),
			huh.NewInput().Title("charges").Value(&v.Charges),
			huh.NewInput().Title("next court date").Placeholder("YYYY-MM-DD, optional").Validate(futureDateField("next court date", p.ctx.Time())).Value(&v.NextCourtDate),
			huh.NewInput().Title("intake deadline").Description("required for a diverted arrest").Placeholder("YYYY-MM-DD").
				Validate(dateField("intake deadline", true)).Value(&v.IntakeDeadline),
		))
	}
	ctx, actor, id := p.ctx, p.ctx.Actor, p.id
	return p.form.open("Add a legal case · "+id, build, func() tea.Cmd {
		return p.save("legal case", func() error {
			_, err := ctx.Store.CreateCase(ctx.Context(), actor, store.LegalCase{ParticipantID: id, Kind: v.Kind,
				CaseNumber: store.CleanLine(v.Number), Court: store.CleanLine(v.Court), Charges: store.CleanLine(v.Charges),
				Status: store.CaseOpen, NextCourtDate: optDate(v.NextCourtDate), IntakeDeadline: optDate(v.IntakeDeadline)})
			return err
		})
	})
}

type courtValues struct {
	Case          string
	Past          bool // the date is a hearing held, not the next one
	NextCourtDate string
	Outcome       string
	Status        store.CaseStatus
}

// courtForm changes a case's next court date and status. With several
// cases it asks which first, so the date and status it offers are that
// case's own (never the first case's, saved onto another).
func (p *participant) courtForm() tea.Cmd {
	cs := slices.Clone(p.view.Cases)
	if len(cs) == 0 {
		return common.StatusCmd("no legal case: add one first", true)
	}
	return pickThen(p, "Court date and status · "+p.id, "case", cs, func(c store.LegalCase) string { return c.ID }, caseLabel, p.courtFormFor)
}

func caseLabel(c store.LegalCase) string {
	s := c.ID + " " + kindText(c.Kind)
	if c.CaseNumber != "" {
		s += " " + common.Line(c.CaseNumber)
	}
	if !c.NextCourtDate.IsZero() {
		s += " · court " + store.FormatDate(c.NextCourtDate)
	}
	return s + " · " + string(c.Status)
}

// courtFormFor edits the version of c that was read: a concurrent change
// is refused as stale.
func (p *participant) courtFormFor(c store.LegalCase) tea.Cmd {
	v := &courtValues{Case: c.ID, Status: c.Status}
	if !c.NextCourtDate.IsZero() {
		v.NextCourtDate = store.FormatDate(c.NextCourtDate)
	}
	now := p.ctx.Time()
	build := func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			huh.NewSelect[bool]().Title("the date is").Options(huh.NewOption("the next court date", false),
				huh.NewOption("a past hearing (recorded with its outcome)", true)).Value(&v.Past),
			huh.NewInput().Title("court date").Placeholder("YYYY-MM-DD, empty for none").
				Validate(func(s string) error {
					if v.Past {
						return pastDateField("hearing date", now)(s)
					}
					return futureDateField("next court date", now)(s)
				}).Value(&v.NextCourtDate),
			huh.NewSelect[string]().Title("outcome (a past hearing)").Options(huh.NewOptions("kept", "missed", "continued")...).Value(&v.Outcome),
			huh.NewSelect[store.CaseStatus]().Title("status").Options(options(store.CaseStatuses)...).Value(&v.Status),
		))
	}
	ctx, actor := p.ctx, p.ctx.Actor
	defer func() {
		p.form.draftable("court", p.id, v)
		p.form.draft.base = c.Version // the case as the draft saw it
	}()
	return p.form.open("Court date and status · "+p.id+" · "+caseLabel(c), build, func() tea.Cmd {
		return p.save("case "+c.ID, func() error {
			up := c
			up.Status = v.Status
			if v.Past {
				up.Hearings = append(slices.Clone(up.Hearings), store.Hearing{Date: optDate(v.NextCourtDate), Outcome: v.Outcome})
				if !up.NextCourtDate.IsZero() && !up.NextCourtDate.After(optDate(v.NextCourtDate)) {
					up.NextCourtDate = time.Time{} // that was the hearing held
				}
			} else {
				up.NextCourtDate = optDate(v.NextCourtDate)
			}
			_, err := ctx.Store.UpdateCase(ctx.Context(), actor, up)
			return err
		})
	})
}

type roiValues struct {
	Roles    []store.Role
	Agencies string
	Classes  []store.DataKind
	Purpose  string
	Signed   string
	Expires  string
}

// roiAgencies splits the comma-separated agencies field.
func roiAgencies(s string) []string {
	var out []string
	for a := range strings.SplitSeq(s, ",") {
		if a = store.CleanLine(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// roiFromValues builds the ROI the form describes, or an error naming the
// first bad field (the store checks the same again: store.ROI.Validate).
func roiFromValues(id string, v roiValues, now time.Time) (store.ROI, error) {
	for _, f := range []struct {
		name  string
		check func(string) error
		val   string
	}{
		{"purpose", required("purpose"), v.Purpose},
		{"signed", pastDateField("signed", now), v.Signed},
		{"expires", dateField("expires", false), v.Expires},
	} {
		if err := f.check(f.val); err != nil {
			return store.ROI{}, err
		}
	}
	r := store.ROI{ParticipantID: id, Roles: slices.Clone(v.Roles), Agencies: roiAgencies(v.Agencies),
		Classes: slices.Clone(v.Classes), Purpose: store.CleanLine(v.Purpose), Signed: optDate(v.Signed), Expires: optDate(v.Expires)}
	switch {
	case len(r.Roles) == 0 && len(r.Agencies) == 0:
		return r, fmt.Errorf("recipients: name at least one role or agency")
	case len(r.Classes) == 0:
		return r, fmt.Errorf("classes: pick at least one class of information")
	case r.Expires.Before(r.Signed):
		return r, fmt.Errorf("expires: %s is before the signed date %s", store.FormatDate(r.Expires), store.FormatDate(r.Signed))
	}
	return r, nil
}

// classOption describes a class in the ROI form.
func classOption(d store.DataKind) huh.Option[store.DataKind] {
	desc := map[store.DataKind]string{
		store.DataIdentity:        "identity: name, aliases, dob, status, case manager, housing",
		store.DataGoals:           "goals: goals in ordinary domains and their progress",
		store.DataSensitive:       "sensitive: substance use, health, clinical notes (never police)",
		store.DataGeneralContacts: "general contacts",
		store.DataLegalCases:      "legal cases",
	}[d]
	if desc == "" {
		desc = store.ClassText(d)
	}
	return huh.NewOption(desc, d)
}

func (p *participant) roiForm() tea.Cmd {
	today := store.Today(p.ctx.Time())
	now := p.ctx.Time()
	v := &roiValues{Signed: store.FormatDate(today), Expires: store.FormatDate(today.AddDate(1, 0, 0))}
	roleOpts := make([]huh.Option[store.Role], len(store.ROIRecipientRoles))
	for i, r := range store.ROIRecipientRoles {
		roleOpts[i] = huh.NewOption(string(r), r)
	}
	classOpts := make([]huh.Option[store.DataKind], len(store.ROIClasses))
	for i, c := range store.ROIClasses {
		classOpts[i] = classOption(c)
	}
	build := func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			huh.NewMultiSelect[store.Role]().Title("roles").Description("recipients by role: that role at every agency (space or x to pick)").
				Options(roleOpts...).Value(&v.Roles).
				Height(2+len(roleOpts)), // title, description and every role: huh's default hides two
			huh.NewInput().Title("agencies").Description("recipients by agency, comma separated: only users of that agency").
				Validate(func(s string) error {
					if len(v.Roles) == 0 && len(roiAgencies(s)) == 0 {
						return errors.New("recipients: name at least one role above or an agency")
					}
					return nil
				}).Value(&v.Agencies),
			huh.NewMultiSelect[store.DataKind]().Title("classes").Description("the information released (space or x to pick)").
				Options(classOpts...).Value(&v.Classes).Height(2+len(classOpts)).
				Validate(func(cs []store.DataKind) error {
					if len(cs) == 0 {
						return errors.New("classes: pick at least one class of information")
					}
					return nil
				}),
			huh.NewInput().Title("purpose").Description("why, e.g. care coordination").Validate(required("purpose")).Value(&v.Purpose),
			huh.NewInput().Title("signed").Validate(pastDateField("signed", now)).Value(&v.Signed),
			huh.NewInput().Title("expires").Validate(func(s string) error {
				if err := dateField("expires", false)(s); err != nil {
					return err
				}
				if d, s := optDate(s), optDate(v.Signed); !s.IsZero() && d.Before(s) {
					return fmt.Errorf("expires: %s is before the signed date %s", store.FormatDate(d), store.FormatDate(s))
				}
				return nil
			}).Value(&v.Expires),
		))
	}
	ctx, actor, id := p.ctx, p.ctx.Actor, p.id
	defer p.form.draftable("roi", id, v)
	return p.form.open("Record a release of information · "+id, build, func() tea.Cmd {
		return p.save("ROI", func() error {
			r, err := roiFromValues(id, *v, ctx.Time())
			if err != nil {
				return err
			}
			_, err = ctx.Store.CreateROI(ctx.Context(), actor, r)
			return err
		})
	})
}

type revokeValues struct {
	ROI     string
	Confirm bool
}

func (p *participant) revokeForm() tea.Cmd {
	rois := p.validROIs()
	if len(rois) == 0 {
		return common.StatusCmd("no ROI in force", true)
	}
	v := &revokeValues{ROI: rois[0].ID}
	opts := make([]huh.Option[string], len(rois))
	for i, r := range rois {
		opts[i] = huh.NewOption(r.ID+" "+common.Fit(r.Describe(), 70), r.ID)
	}
	build := func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			huh.NewSelect[string]().Title("ROI").Options(opts...).Value(&v.ROI),
			huh.NewConfirm().Title("revoke it today?").Affirmative("revoke").Negative("keep").Value(&v.Confirm),
		))
	}
	ctx, actor := p.ctx, p.ctx.Actor
	return p.form.open("Revoke a release of information · "+p.id, build, func() tea.Cmd {
		if !v.Confirm {
			p.form.close()
			return common.StatusCmd("kept: nothing saved", false)
		}
		return p.save("ROI "+v.ROI+" revoked", func() error {
			i := slices.IndexFunc(rois, func(r store.ROI) bool { return r.ID == v.ROI })
			if i < 0 {
				return store.ErrNotFound
			}
			up := rois[i]
			up.Revoked = store.Today(ctx.Time())
			_, err := ctx.Store.UpdateROI(ctx.Context(), actor, up)
			return err
		})
	})
}

// flag marks the participant for the next meeting's goal review.
func (p *participant) flag() tea.Cmd {
	pp := p.view.Participant
	if pp.FlaggedBy != "" {
		return common.StatusCmd("already flagged by "+common.Line(pp.FlaggedBy), false)
	}
	ctx, actor := p.ctx, p.ctx.Actor
	p.form.build = nil
	p.form.saving = true
	return p.save("flagged for the next meeting", func() error {
		up := pp
		up.FlaggedBy = actor.User
		_, err := ctx.Store.UpdateParticipant(ctx.Context(), actor, up)
		return err
	})
}
