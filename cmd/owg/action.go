package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
)

// newActionCmd builds `owg action list|done|drop`.
func newActionCmd(app *App) *cobra.Command {
	cmd := groupCmd("action", "List, close and drop the action items meetings gave out")
	cmd.AddCommand(newActionListCmd(app), newActionCloseCmd(app, "done"), newActionCloseCmd(app, "drop"))
	return cmd
}

// actionRow is one action item of `owg action list --json`. Text and
// subject are present only when the caller may read them (the participant
// it is attached to, as the caller sees them).
type actionRow struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Owner   string `json:"owner"`
	Due     string `json:"due,omitempty"`
	Overdue bool   `json:"overdue"`
	Meeting string `json:"meeting"`
	Item    string `json:"item,omitempty"`
	Subject string `json:"subject,omitempty"`
	Text    string `json:"text,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Closed  string `json:"closed,omitempty"`
	// Sensitivity of the text, given with the text only
	Sensitivity store.Sensitivity `json:"sensitivity,omitempty"`
}

// subjectCovers answers, with a cache, what valid ROIs of the participant
// behind subject (P- or L-) release to the viewer.
type subjectCovers struct {
	ctx    context.Context
	st     store.Store
	viewer store.Actor
	app    *App
	memo   map[string]store.Coverage
}

func (c *subjectCovers) covers(subject string) store.Coverage {
	if v, ok := c.memo[subject]; ok {
		return v
	}
	pid := subject
	if strings.HasPrefix(subject, "L-") {
		lc, err := c.st.GetCase(c.ctx, subject)
		if err != nil {
			c.memo[subject] = 0
			return 0
		}
		pid = lc.ParticipantID
	}
	var ok store.Coverage
	if strings.HasPrefix(pid, "P-") {
		if v, err := store.PeekParticipant(c.ctx, c.st, c.viewer, pid, c.app.Now(), nil); err == nil {
			ok = v.Coverage
		}
	}
	c.memo[subject] = ok
	return ok
}

func newActionListCmd(app *App) *cobra.Command {
	var mine, open, asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--mine] [--open] [--json]",
		Short: "Action items from every meeting: status, owner, due date, where they came from",
		Long: `Lists the action items of every meeting, open ones first (overdue first,
grouped by owner), then the closed ones. --mine keeps yours, --open only the
open ones. The text of an item attached to a participant is shown only to
those who may see that participant's notes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, actor, err := app.openAs(ctx)
			if err != nil {
				return err
			}
			if !store.SeesMeetings(actor.Role) {
				if err := st.Record(ctx, store.AuditEvent{User: actor.User, Role: actor.Role, Action: store.AuditDenied, Subject: "actions", Detail: "action-list", Addr: actor.Addr}); err != nil {
					return err
				}
				return fmt.Errorf("action items are not shared with the %s role: %w", actor.Role, store.ErrDenied)
			}
			ms, err := st.ListMeetings(ctx)
			if err != nil {
				return err
			}
			day := store.Today(app.Now())
			list := store.OpenActions(ms, day)
			if !open {
				for _, a := range store.AllActions(ms) {
					if !a.IsOpen() {
						list = append(list, a)
					}
				}
			}
			cov := &subjectCovers{ctx: ctx, st: st, viewer: actor, app: app, memo: map[string]store.Coverage{}}
			rows := []actionRow{}
			var shownIDs []string // the participants whose action items' text is shown
			for _, a := range list {
				if mine && a.Owner != actor.User {
					continue
				}
				r := actionRow{ID: a.ID, Status: string(a.State()), Owner: store.CleanLine(a.Owner), Due: store.FormatDate(a.Due),
					Overdue: a.OverdueOn(day), Meeting: a.MeetingID, Item: a.ItemID, Closed: store.FormatDate(a.DoneAt)}
				subj := a.FollowsSubject()
				if store.ActionTextVisible(actor, a, coverIf(subj != "", cov, subj)) {
					// the reason it was dropped is free text on it too
					r.Text, r.Reason = store.CleanLine(a.Text), store.CleanLine(a.Reason)
					r.Subject, r.Sensitivity = subj, a.TextSensitivity()
					if subj != "" {
						shownIDs = append(shownIDs, subj)
					}
				}
				rows = append(rows, r)
			}
			// one view event naming every participant whose item text is
			// shown, as list screens are audited
			if err := st.AuditList(ctx, actor, "action-list", uniqueIDs(shownIDs)); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(app.Stdout, rows)
			}
			if len(rows) == 0 {
				fmt.Fprintln(app.Stdout, "No action items.")
				return nil
			}
			tw := tabwriter.NewWriter(app.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATUS\tOWNER\tDUE\tFROM\tTEXT")
			for _, r := range rows {
				status := r.Status
				if r.Overdue {
					status = "OVERDUE"
				}
				text := r.Text
				if text == "" {
					text = "(" + store.NotShared + ")"
				}
				if r.Status == string(store.ActionDropped) && r.Reason != "" {
					text += " [dropped: " + r.Reason + "]"
				}
				due := r.Due
				if due == "" {
					due = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, status, r.Owner, due, r.Meeting, text)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&mine, "mine", false, "only the action items you own")
	cmd.Flags().BoolVar(&open, "open", false, "only the open ones")
	cmd.Flags().BoolVar(&asJSON, "json", false, "JSON output")
	return cmd
}

// newActionCloseCmd builds `owg action done ID` and `owg action drop ID
// --reason TEXT`.
func newActionCloseCmd(app *App, verb string) *cobra.Command {
	var reason string
	use, short, status := "done ID", "Mark an action item done (its owner or the pm)", store.ActionDone
	if verb == "drop" {
		use, short, status = "drop ID --reason TEXT", "Drop an action item with a reason (its owner or the pm)", store.ActionDropped
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if status == store.ActionDropped && strings.TrimSpace(reason) == "" {
				return usagef("give --reason TEXT: why the action item is dropped")
			}
			ctx := cmd.Context()
			st, actor, err := app.openAs(ctx)
			if err != nil {
				return err
			}
			a, err := store.CloseAction(ctx, st, actor, args[0], status, reason, app.Now())
			if store.IsNotFound(err) {
				return fmt.Errorf("no action item %q", strings.ToUpper(args[0]))
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "%s %s (from %s, owner %s)\n", a.ID, a.State(), a.MeetingID, store.CleanLine(a.Owner))
			return nil
		},
	}
	if verb == "drop" {
		cmd.Flags().StringVar(&reason, "reason", "", "why it is dropped (required)")
	}
	return cmd
}

// coverIf is cov.covers(subj) when ok, else no coverage.
func coverIf(ok bool, cov *subjectCovers, subj string) store.Coverage {
	if !ok {
		return 0
	}
	return cov.covers(subj)
}
