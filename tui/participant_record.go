package tui

import (
	"errors"
	"fmt"
	"slices"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// The Participant screen's record forms: the record itself (s: status,
// exit reason, housing and, for whoever may move caseloads, the case
// manager) and a goal's status (g: achieved, set aside, active again).
// Both go through formHost and one version-checked store write each.

// housingSuggestions are offered as the housing field is typed; any text
// is kept (report.HousingCategory puts it in a category).
var housingSuggestions = []string{"unsheltered", "shelter", "vehicle", "couch surfing", "transitional housing", "permanent housing"}

// recordLoadsMsg carries the case managers and their caseloads for the
// record form of participant id.
type recordLoadsMsg struct {
	id    string
	loads []store.CaseManagerLoad
	err   error
}

type recordValues struct {
	Status      store.ParticipantStatus
	ExitReason  string
	Housing     string
	CaseManager string
}

// edit is the change the values make to the record.
func (v recordValues) edit(moves bool) store.ParticipantEdit {
	e := store.ParticipantEdit{Status: v.Status, ExitReason: v.ExitReason, Housing: &v.Housing}
	if moves {
		e.CaseManager = v.CaseManager
	}
	return e
}

// recordForm opens the record form; for a viewer who may move the
// participant to another caseload it first reads the case managers'
// loads (recordLoadsMsg), off the UI loop.
func (p *participant) recordForm() tea.Cmd {
	if !store.MayMoveCaseload(p.ctx.Actor) {
		return p.recordFormWith(nil)
	}
	ctx, id := p.ctx, p.id
	return func() tea.Msg {
		users, err := ctx.Store.ListUsers(ctx.Context())
		if err != nil {
			return recordLoadsMsg{id: id, err: err}
		}
		parts, err := ctx.Store.ListParticipants(ctx.Context(), store.ParticipantFilter{ActiveOnly: true})
		return recordLoadsMsg{id: id, loads: store.CaseManagerLoads(protocolOf(ctx), users, parts), err: err}
	}
}

// caseManagerOptions are the active case managers with their caseload and
// cap ("ana  12/20", "at hard cap"), the participant's own first when they
// are not one of them any more.
func caseManagerOptions(loads []store.CaseManagerLoad, current string, hardCap int) []huh.Option[string] {
	opts := make([]huh.Option[string], 0, len(loads)+1)
	if !slices.ContainsFunc(loads, func(l store.CaseManagerLoad) bool { return l.Name == current }) {
		opts = append(opts, huh.NewOption(common.Line(current)+"  (not an active case manager)", current))
	}
	for _, l := range loads {
		label := fmt.Sprintf("%s  %d/%d", common.Line(l.Name), l.Active, l.Cap)
		if hardCap > 0 && l.Active >= hardCap {
			label += "  at hard cap"
		}
		opts = append(opts, huh.NewOption(label, l.Name))
	}
	return opts
}

// recordFormWith opens the record form; loads nil: no case manager field.
func (p *participant) recordFormWith(loads []store.CaseManagerLoad) tea.Cmd {
	pp := p.view.Participant // the version read: a change since is refused as stale
	moves := loads != nil
	v := &recordValues{Status: pp.Status, ExitReason: pp.ExitReason, Housing: pp.Housing, CaseManager: pp.CaseManager}
	hardCap := p.ctx.Protocol.HardCap
	build := func() *huh.Form {
		fields := []huh.Field{
			huh.NewSelect[store.ParticipantStatus]().Title("status").
				Description("exited: asks why next; the exit is dated today in the history").
				Options(options(store.ParticipantStatuses)...).Value(&v.Status),
			huh.NewInput().Title("housing").Description("e.g. unsheltered, shelter, transitional housing, permanent housing; empty: not recorded").
				Suggestions(housingSuggestions).Validate(func(s string) error {
				if len(store.CleanLine(s)) > 200 {
					return errors.New("housing: at most 200 characters")
				}
				return nil
			}).Value(&v.Housing),
		}
		if moves {
			fields = append(fields, huh.NewSelect[string]().Title("case manager").Description("caseload/cap").
				Options(caseManagerOptions(loads, pp.CaseManager, hardCap)...).Validate(func(cm string) error {
				_, err := store.ParticipantEdit{CaseManager: cm}.Apply(pp, loads, hardCap)
				var ve *store.ValidationError
				if errors.As(err, &ve) {
					return fmt.Errorf("case manager: %s", ve.Errs[0].Msg)
				}
				return nil
			}).Value(&v.CaseManager))
		}
		return huh.NewForm(
			huh.NewGroup(fields...),
			huh.NewGroup(
				huh.NewInput().Title("exit reason").Description("why the participant left, e.g. graduated: housed and stable; moved away").
					Validate(required("exit reason")).Value(&v.ExitReason),
			).WithHideFunc(func() bool { return v.Status != store.StatusExited }),
		)
	}
	ctx, actor := p.ctx, p.ctx.Actor
	return p.form.open("Status, housing and case manager · "+p.id, build, func() tea.Cmd {
		if v.Status != store.StatusExited {
			v.ExitReason = "" // typed, then the status changed back
		}
		up, err := v.edit(moves).Apply(pp, loads, hardCap)
		if errors.Is(err, store.ErrUnchanged) {
			p.form.close()
			return common.StatusCmd("no change: nothing saved", false)
		}
		return p.save("status, housing and case manager", func() error {
			if err != nil {
				return err
			}
			_, err := ctx.Store.UpdateParticipant(ctx.Context(), actor, up)
			return err
		})
	})
}

type goalStatusValues struct {
	Status store.GoalStatus
}

// goalStatusText is a goal status as the form offers it.
func goalStatusText(s store.GoalStatus) string {
	switch s {
	case store.GoalActive:
		return "active again"
	case store.GoalSetAside:
		return "set aside"
	}
	return string(s)
}

// goalStatusForm changes a goal's status. With several goals it asks
// which first (every goal the viewer sees, any status), then offers the
// other statuses of that one.
func (p *participant) goalStatusForm() tea.Cmd {
	goals := slices.Clone(p.view.Goals)
	if len(goals) == 0 {
		return common.StatusCmd("no goal: add one first (a)", true)
	}
	return pickThen(p, "Goal status · "+p.id, "goal", goals, func(g store.Goal) string { return g.ID }, func(g store.Goal) string {
		return g.ID + " " + common.Pad(kindText(store.CaseKind(g.Status)), 9) + " " + common.Fit(common.Line(g.Words), 50)
	}, p.goalStatusFormFor)
}

func (p *participant) goalStatusFormFor(g store.Goal) tea.Cmd {
	var opts []huh.Option[store.GoalStatus]
	for _, s := range []store.GoalStatus{store.GoalAchieved, store.GoalSetAside, store.GoalActive} {
		if s != g.Status {
			opts = append(opts, huh.NewOption(goalStatusText(s), s))
		}
	}
	v := &goalStatusValues{Status: opts[0].Value}
	build := func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			huh.NewSelect[store.GoalStatus]().Title("status").
				Description("now " + kindText(store.CaseKind(g.Status)) + "; the change is dated today in the history").
				Options(opts...).Value(&v.Status),
		))
	}
	ctx, actor := p.ctx, p.ctx.Actor
	return p.form.open("Goal status · "+p.id+" · "+g.ID+" "+common.Fit(common.Line(g.Words), 40), build, func() tea.Cmd {
		return p.save("goal "+g.ID+" "+goalStatusText(v.Status), func() error {
			_, err := setGoalStatus(ctx, actor, g.ID, g.Version, v.Status)
			return err
		})
	})
}

// setGoalStatus sets goal id's status on the stored record, if it is still
// at version (else ErrStale): the screen's copy holds only the progress
// entries the viewer may see, and is never written back.
func setGoalStatus(ctx *common.Ctx, actor store.Actor, id string, version int64, s store.GoalStatus) (store.Goal, error) {
	g, err := ctx.Store.GetGoal(ctx.Context(), id)
	if err != nil {
		return g, err
	}
	if g.Version != version {
		return g, fmt.Errorf("goal %s: %w", id, store.ErrStale)
	}
	up, err := store.SetGoalStatus(g, s)
	if err != nil {
		return g, err
	}
	return ctx.Store.UpdateGoal(ctx.Context(), actor, up)
}
