package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
)

func newProtocolCmd(app *App) *cobra.Command {
	cmd := groupCmd("protocol", "Show or check the site's operational protocol (TOML)")
	show := &cobra.Command{
		Use:   "show",
		Short: "Print the default protocol, the one built into owg",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := app.Stdout.Write(store.DefaultProtocolTOML())
			return err
		},
	}
	check := &cobra.Command{
		Use:   "check FILE",
		Short: "Validate a protocol file, naming every error with its key",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := app.path(args[0])
			if err != nil {
				return err
			}
			_, err = loadProtocol(cmd.Context(), path)
			var pe *store.ProtocolError
			if errors.As(err, &pe) {
				for _, f := range pe.Errs {
					fmt.Fprintf(app.Stderr, "%s: %s\n", f.Field, f.Msg)
				}
				return exitError{code: 1, msg: fmt.Sprintf("%s: %d error(s)", args[0], len(pe.Errs))}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "%s: ok\n", store.CleanLine(args[0]))
			return nil
		},
	}
	var asJSON bool
	history := &cobra.Command{
		Use:   "history [--json]",
		Short: "List the protocol versions the store has had in force, with what changed",
		Long: `List every version of the protocol the store has had in force, oldest first:
its version (the first 12 hex digits of the SHA-256 of the text), the day it
was first in force, who opened the store with it, and the keys that changed from
the version before. A version is recorded when owg opens the store with a
protocol whose text differs from the newest stored one.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, _, err := app.openAs(cmd.Context())
			if err != nil {
				return err
			}
			vs, err := st.ListProtocolVersions(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				type versionJSON struct {
					Seq     int      `json:"seq"`
					Version string   `json:"version"`
					Hash    string   `json:"hash"`
					Date    string   `json:"date"`
					By      string   `json:"by,omitempty"`
					Changes []string `json:"changes"`
				}
				out := make([]versionJSON, 0, len(vs))
				for _, v := range vs {
					out = append(out, versionJSON{Seq: v.Seq, Version: v.Version, Hash: v.Hash, Date: store.FormatDate(v.Date), By: v.By, Changes: append([]string{}, v.Changes...)})
				}
				b, err := json.MarshalIndent(out, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(app.Stdout, "%s\n", b)
				return err
			}
			for _, v := range vs {
				fmt.Fprintf(app.Stdout, "%d  %s  %s  %s\n", v.Seq, v.Version, v.Date.UTC().Format("2006-01-02 15:04"), store.CleanLine(v.By))
				if v.Seq == 1 {
					fmt.Fprintln(app.Stdout, "     first version recorded")
				}
				for _, c := range v.Changes {
					fmt.Fprintf(app.Stdout, "     %s\n", store.CleanLine(c))
				}
			}
			return nil
		},
	}
	history.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(show, check, history)
	return cmd
}

// loadProtocol is store.LoadProtocol that returns as soon as ctx ends
// (SIGINT, SIGTERM). The file's size and nesting are bounded before it is
// parsed, so the parse left behind ends on its own within a second or so.
func loadProtocol(ctx context.Context, path string) (store.Protocol, error) {
	type result struct {
		p   store.Protocol
		err error
	}
	done := make(chan result, 1)
	go func() {
		p, err := store.LoadProtocol(path)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		return r.p, r.err
	case <-ctx.Done():
		return store.Protocol{}, ctx.Err()
	}
}
