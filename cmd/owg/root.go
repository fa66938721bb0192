package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/themes"
)

func init() {
	// Every command forwards to a running server through the root's
	// PersistentPreRunE: keep it running even under a subcommand that adds
	// a persistent pre-run hook of its own.
	cobra.EnableTraverseRunHooks = true
}

// newRootCmd builds the owg command tree on app.
func newRootCmd(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "owg",
		Short: "The table a LEAD Operational Work Group sits at",
		Long: `owg is the table a LEAD Operational Work Group sits at: caseloads, goals,
referrals ranked against capacity, legal cases and meetings, in the terminal
and over SSH. Run it with no command to open the TUI on the local store.`,
		Args:          cobra.NoArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTUI(cmd.Context(), app)
		},
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return maybeForward(cmd, app)
		},
	}
	annotate(root, annotLocal, "the TUI joins a running server over SSH: "+joinHint(app))
	root.SetIn(app.Stdin)
	root.SetOut(app.Stdout)
	root.SetErr(app.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&app.DataFlag, "data", "", "data directory (default $OWG_DATA, else $XDG_DATA_HOME/owg or ~/.local/share/owg)")
	pf.StringVar(&app.KeyFileFlag, "key-file", "", "encryption key file, 32 bytes (default $OWG_KEY_FILE)")
	pf.StringVar(&app.AuditKeyFileFlag, "audit-key-file", "", "audit chain key file, 32 bytes, kept outside the data directory (default $OWG_AUDIT_KEY_FILE, else derived from the encryption key)")
	pf.StringVar(&app.ProtocolFlag, "protocol", "", "protocol file (default DATA/protocol.toml if present, else the built-in one)")
	pf.StringVar(&app.AsFlag, "as", "", "act as this registered user (default: the local operator, as pm)")
	pf.StringVar(&app.ThemeFlag, "theme", "", "TUI theme: "+strings.Join(themes.Names(), ", ")+" (default: your saved choice, else default)")
	pf.BoolVar(&app.LowBandwidthFlag, "low-bandwidth", false, "TUI without decorations: no borders, short help, ASCII theme")

	root.AddCommand(
		newDemoCmd(app),
		newServeCmd(app),
		newUserCmd(app),
		newProtocolCmd(app),
		newReferralCmd(app),
		newBackupCmd(app),
		newRestoreCmd(app),
		newAuditCmd(app),
		newActionCmd(app),
		newMeetingCmd(app),
		newWhoCmd(app),
		newStatsCmd(app),
		newContactCmd(app),
		newParticipantCmd(app),
		newGoalCmd(app),
		newConfigCmd(app),
		newCheckCmd(app),
		newRepairCmd(app),
	)
	addReportCommands(root, app)
	addExportCommands(root, app)
	addImportCommands(root, app)
	markStarted(root, app)
	return root
}

// markStarted wraps every command's run so that errors returned before it
// (flag parsing, argument checks) are known to be usage errors.
func markStarted(c *cobra.Command, app *App) {
	if c.RunE != nil {
		run := c.RunE
		c.RunE = func(cmd *cobra.Command, args []string) error {
			app.started = true
			return run(cmd, args)
		}
	} else if c.Run != nil {
		run := c.Run
		c.Run = func(cmd *cobra.Command, args []string) {
			app.started = true
			run(cmd, args)
		}
	}
	if c.Args != nil {
		check := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		markStarted(sub, app)
	}
}

// run executes owg with args and returns the exit code: 0 ok, 1 error,
// 2 usage.
func run(ctx context.Context, app *App, args []string) int {
	app.args = args
	root := newRootCmd(app)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if cerr := app.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close store: %w", cerr)
	}
	if err == nil {
		return 0
	}
	return reportError(app.Stderr, cmd, err, app.started)
}

// reportError prints err as one line (or a few, for lists of problems) and
// returns its exit code.
//
// Errors often echo what the user typed (a name, a path, a flag's value):
// every message is cleaned of control and escape sequences on its way to
// the terminal, so no argument can drive it.
func reportError(w io.Writer, cmd *cobra.Command, err error, started bool) int {
	var ee exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(w, "owg: "+store.Clean(ee.msg, true))
		}
		return ee.code
	}
	var ue usageError
	if errors.As(err, &ue) || !started {
		fmt.Fprintln(w, "owg: "+store.Clean(err.Error(), true))
		if cmd != nil {
			fmt.Fprintf(w, "Run '%s --help' for usage.\n", store.CleanLine(cmd.CommandPath()))
		}
		return 2
	}
	fmt.Fprintln(w, "owg: "+store.Clean(strings.TrimRight(err.Error(), "\n"), true))
	return 1
}

// groupCmd returns a command that only holds subcommands: alone it prints
// its help; with an unknown subcommand it is a usage error.
func groupCmd(use, short string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
	}
}
