package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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
			if err := writeDemoProtocol(app); err != nil {
				return err
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
	annotate(cmd, annotNoSSH, "owg demo fills an empty store on the server's machine: not over ssh")
	cmd.Flags().Uint64Var(&seed, "seed", demo.DefaultSeed, "random seed (the same seed gives the same site)")
	cmd.Flags().IntVar(&participants, "participants", 0, "active participants (default about 70; a larger site keeps the same shape, with case managers to hold it)")
	cmd.Flags().StringVar(&asOf, "as-of", "", "date the site is current as of, YYYY-MM-DD (default today)")
	return cmd
}

// writeDemoProtocol writes the demo site's protocol (the default, naming
// the demo's HMIS agency) into a new data directory that has no protocol
// file, unless --protocol names one.
func writeDemoProtocol(app *App) error {
	if app.ProtocolFlag != "" {
		return nil
	}
	dir, err := app.DataDir()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); err == nil {
		return nil // a store already: demo refuses it if not empty
	}
	path := filepath.Join(dir, protocolFile)
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	text := bytes.Replace(store.DefaultProtocolTOML(), []byte(`hmis_agency = ""`), []byte("hmis_agency = "+strconv.Quote(demo.HMISAgency)), 1)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, text, 0o600)
}
