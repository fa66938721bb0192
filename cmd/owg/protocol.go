package main

import (
	"context"
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
			fmt.Fprintf(app.Stdout, "%s: ok\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(show, check)
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
