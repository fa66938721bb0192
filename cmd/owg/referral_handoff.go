package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
)

// newReferralHandoffCmd is `owg referral handoff ID take|arrived|done|not-located`.
func newReferralHandoffCmd(app *App) *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   "handoff ID take|arrived|done|not-located [--note TEXT]",
		Short: "Move a field referral's warm handoff on",
		Long: `Move a field referral's warm handoff on: take it (you go to the person), arrived
(you are on scene), done (the handoff is completed) or not-located (you could not
find the person). Taking is open to case management (the pm, supervisors, case
managers); the later steps to whoever took it, the pm and supervisors. The
referring officer sees each step live. --note keeps a short note with the step.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			step, err := store.ParseHandoffStep(args[1])
			if err != nil {
				return usagef("%v", err)
			}
			ctx := cmd.Context()
			st, a, err := referralStaff(ctx, app)
			if err != nil {
				return err
			}
			r, err := st.AdvanceHandoff(ctx, a, id, step, note)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("ID: no referral %s", id)
			}
			if err != nil {
				return err
			}
			state := store.HandoffOf(r)
			at := store.HandoffAt(r, state)
			_, err = fmt.Fprintf(app.Stdout, "%s %s at %s (%s after it was received)\n", r.ID, store.HandoffLabel(state),
				at.In(app.Now().Location()).Format("15:04"), store.Took(at.Sub(r.Received)))
			if err == nil && step == store.StepTake {
				err = printHandoffFacts(app, r)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&note, "note", "", "a short note kept with the step")
	return cmd
}

// printHandoffFacts tells the person who took a handoff where to go:
// the location, the description and the officer's callback number.
func printHandoffFacts(app *App, r store.Referral) error {
	line := func(k, v string) {
		if v = store.CleanLine(v); v != "" {
			fmt.Fprintf(app.Stdout, "  %-12s %s\n", k, v)
		}
	}
	line("location", r.Location)
	line("description", r.Notes)
	line("referrer", r.Referrer+" "+r.Agency)
	line("callback", r.Callback)
	return nil
}
