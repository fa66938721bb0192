package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
)

// newParticipantCmd builds `owg participant set`.
func newParticipantCmd(app *App) *cobra.Command {
	cmd := groupCmd("participant", "Change a participant's record")
	cmd.AddCommand(newParticipantSetCmd(app))
	return cmd
}

// newGoalCmd builds `owg goal set`.
func newGoalCmd(app *App) *cobra.Command {
	cmd := groupCmd("goal", "Change a participant's goals")
	cmd.AddCommand(newGoalSetCmd(app))
	return cmd
}

// participantJSON is the record `owg participant set --json` prints: ids
// and codes, and the housing and case manager it set.
type participantJSON struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	ExitReason  string `json:"exit_reason,omitempty"`
	Housing     string `json:"housing"`
	CaseManager string `json:"case_manager"`
	Version     int64  `json:"version"`
	Changed     bool   `json:"changed"`
}

// goalJSON is the goal `owg goal set --json` prints (never its words).
type goalJSON struct {
	ID            string `json:"id"`
	ParticipantID string `json:"participant_id"`
	Status        string `json:"status"`
	Version       int64  `json:"version"`
	Changed       bool   `json:"changed"`
}

func statusList[T ~string](all []T) string {
	out := make([]string, len(all))
	for i, s := range all {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

// refuse records a write refused before it reached the store (so that the
// refused writer learns nothing of the record from its validation) as the
// store records its own refusals: a denied event with the subject and the
// action code.
func refuse(ctx context.Context, st store.Store, actor store.Actor, err error) error {
	if fe, ok := store.AsForbidden(err); ok {
		_ = st.Record(ctx, store.AuditEvent{User: actor.User, Role: actor.Role, Action: store.AuditDenied, Subject: fe.Subject,
			Detail: "write:" + string(fe.Action), Addr: actor.Addr})
	}
	return err
}

// saveChange saves up, what a rule made of old (err its error), unless the
// rule found nothing to change: it returns the record as it then stands
// and whether it changed.
func saveChange[T any](old, up T, err error, save func(T) (T, error)) (T, bool, error) {
	switch {
	case errors.Is(err, store.ErrUnchanged):
		return old, false, nil
	case err != nil:
		return old, false, err
	}
	up, err = save(up)
	return up, err == nil, err
}

func newParticipantSetCmd(app *App) *cobra.Command {
	var (
		status, exitReason, housing, caseManager string
		asJSON                                   bool
	)
	cmd := &cobra.Command{
		Use:   "set P-ID [--status STATUS [--exit-reason TEXT]] [--housing TEXT] [--case-manager NAME] [--json]",
		Short: "Change a participant's status, exit, housing or case manager (as the TUI's participant page does, s)",
		Long: `Change a participant's record: the status (` + statusList(store.ParticipantStatuses) + `;
exited needs --exit-reason, and the exit is dated today in the history), the housing
(free text, e.g. unsheltered, shelter, transitional housing, permanent housing; "" clears it)
and the case manager (an active case manager, not one at the protocol's hard cap).
Only the flags given change. The same rules as the TUI: a case manager changes their own
caseload and keeps it; a supervisor (or the operator) changes anyone's and moves
participants between caseloads. Every change is dated in the history and audited.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			f := cmd.Flags()
			if !f.Changed("status") && !f.Changed("exit-reason") && !f.Changed("housing") && !f.Changed("case-manager") {
				return usagef("nothing to change: give --status, --exit-reason, --housing or --case-manager")
			}
			var edit store.ParticipantEdit
			if f.Changed("status") {
				edit.Status = store.ParticipantStatus(strings.TrimSpace(status))
				if !slices.Contains(store.ParticipantStatuses, edit.Status) {
					return usagef("--status: %q is not one of %s", status, statusList(store.ParticipantStatuses))
				}
			}
			if f.Changed("exit-reason") {
				if strings.TrimSpace(store.CleanLine(exitReason)) == "" {
					return usagef("--exit-reason: is empty")
				}
				edit.ExitReason = exitReason
			}
			if f.Changed("housing") {
				edit.Housing = &housing
			}
			if f.Changed("case-manager") {
				if edit.CaseManager = store.CleanLine(caseManager); edit.CaseManager == "" {
					return usagef("--case-manager: is empty")
				}
			}
			proto, err := app.Protocol()
			if err != nil {
				return err
			}
			st, actor, err := app.openAs(ctx)
			if err != nil {
				return err
			}
			p, err := st.GetParticipant(ctx, store.CleanLine(args[0]))
			if err != nil {
				return err
			}
			if err := edit.MayEdit(actor, p); err != nil {
				return refuse(ctx, st, actor, err)
			}
			var loads []store.CaseManagerLoad
			if edit.CaseManager != "" {
				users, err := st.ListUsers(ctx)
				if err != nil {
					return err
				}
				parts, err := st.ListParticipants(ctx, store.ParticipantFilter{ActiveOnly: true})
				if err != nil {
					return err
				}
				loads = store.CaseManagerLoads(proto, users, parts)
			}
			up, err := edit.Apply(p, loads, proto.HardCap)
			up, changed, err := saveChange(p, up, err, func(q store.Participant) (store.Participant, error) {
				return st.UpdateParticipant(ctx, actor, q)
			})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(app.Stdout, participantJSON{ID: up.ID, Status: string(up.Status), ExitReason: store.CleanLine(up.ExitReason),
					Housing: store.CleanLine(up.Housing), CaseManager: store.CleanLine(up.CaseManager), Version: up.Version, Changed: changed})
			}
			if !changed {
				fmt.Fprintf(app.Stdout, "%s: nothing to change\n", up.ID)
				return nil
			}
			s := string(up.Status)
			if up.Status == store.StatusExited {
				s += " (" + store.CleanLine(up.ExitReason) + ")"
			}
			h := store.CleanLine(up.Housing)
			if h == "" {
				h = "not recorded"
			}
			fmt.Fprintf(app.Stdout, "%s: status %s, housing %s, case manager %s\n", up.ID, s, h, store.CleanLine(up.CaseManager))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&status, "status", "", "the status: "+statusList(store.ParticipantStatuses))
	f.StringVar(&exitReason, "exit-reason", "", "why the participant left (with --status exited)")
	f.StringVar(&housing, "housing", "", `the housing status ("" clears it)`)
	f.StringVar(&caseManager, "case-manager", "", "the case manager's user name (supervisors)")
	f.BoolVar(&asJSON, "json", false, "print the record as changed as JSON")
	return cmd
}

func newGoalSetCmd(app *App) *cobra.Command {
	var (
		status string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "set G-ID --status STATUS [--json]",
		Short: "Mark a goal achieved, set aside or active again (as the TUI's participant page does, g)",
		Long: `Change a goal's status: ` + statusList(store.GoalStatuses) + `. The same rules as the TUI:
the participant's case manager or a supervisor. The change is dated in the history
and audited; the goal's words and progress are kept as they are.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s := store.GoalStatus(strings.TrimSpace(status))
			if !slices.Contains(store.GoalStatuses, s) {
				return usagef("--status: %q is not one of %s", status, statusList(store.GoalStatuses))
			}
			st, actor, err := app.openAs(ctx)
			if err != nil {
				return err
			}
			g, err := st.GetGoal(ctx, store.CleanLine(args[0]))
			if err != nil {
				return err
			}
			p, err := st.GetParticipant(ctx, g.ParticipantID)
			if err != nil {
				return err
			}
			rel := store.Relation{OwnCaseload: p.CaseManager != "" && p.CaseManager == actor.User}
			if err := store.MayWrite(actor, store.WriteGoal, rel); err != nil {
				if fe, ok := store.AsForbidden(err); ok {
					fe.Subject = g.ID
				}
				return refuse(ctx, st, actor, err)
			}
			up, err := store.SetGoalStatus(g, s)
			up, changed, err := saveChange(g, up, err, func(q store.Goal) (store.Goal, error) {
				return st.UpdateGoal(ctx, actor, q)
			})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(app.Stdout, goalJSON{ID: up.ID, ParticipantID: up.ParticipantID, Status: string(up.Status), Version: up.Version, Changed: changed})
			}
			if !changed {
				fmt.Fprintf(app.Stdout, "%s is already %s: nothing to change\n", up.ID, up.Status)
				return nil
			}
			fmt.Fprintf(app.Stdout, "%s %s (%s)\n", up.ID, up.Status, up.ParticipantID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&status, "status", "", "the status: "+statusList(store.GoalStatuses))
	f.BoolVar(&asJSON, "json", false, "print the goal as changed as JSON (ids and status, never its words)")
	return cmd
}
