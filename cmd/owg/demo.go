package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/demo"
)

func newDemoCmd(app *App) *cobra.Command {
	var (
		seed         uint64
		asOf         string
		participants int
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Fill an empty store with a realistic synthetic site",
		Long: `Fill an empty store with a synthetic LEAD site generated from a fixed seed,
dated relative to today: case managers near their caps, participants with goals
and progress, contacts, legal cases, ROIs, a referral queue larger than the open
slots, users for every role and one past meeting. Refuses a non-empty store.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if participants < 0 {
				return usagef("--participants: must be 0 or more")
			}
			day := store.Today(app.Now())
			if asOf != "" {
				d, err := store.ParseDate(asOf)
				if err != nil {
					return usagef("--as-of: %v", err)
				}
				day = d
			}
			st, err := app.Open()
			if err != nil {
				return err
			}
			start := time.Now()
			sum, err := demo.FillN(cmd.Context(), st, day, seed, participants)
			if errors.Is(err, demo.ErrNotEmpty) {
				dir, _ := app.DataDir()
				return fmt.Errorf("the store in %s is not empty: owg demo only fills an empty store (use another --data DIR)", dir)
			}
			if err != nil {
				return err
			}
			dir, _ := app.DataDir()
			fmt.Fprintf(app.Stdout, "demo site as of %s (seed %d) in %s, %s\n", store.FormatDate(day), seed, dir,
				time.Since(start).Round(time.Millisecond))
			fmt.Fprint(app.Stdout, sum.String())
			fmt.Fprintln(app.Stdout, "open it with: owg")
			return nil
		},
	}
	cmd.Flags().Uint64Var(&seed, "seed", demo.DefaultSeed, "random seed (the same seed gives the same site)")
	cmd.Flags().IntVar(&participants, "participants", 0, "active participants (default about 70; a larger site keeps the same shape, with case managers to hold it)")
	cmd.Flags().StringVar(&asOf, "as-of", "", "date the site is current as of, YYYY-MM-DD (default today)")
	return cmd
}
