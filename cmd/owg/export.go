package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/export"
)

// addExportCommands adds `owg export csv|minutes|participant`.
func addExportCommands(root *cobra.Command, app *App) {
	cmd := groupCmd("export", "Export minutes, a participant summary, or the de-identified CSV")
	cmd.Long = `Exports write to standard output unless --output FILE is given (created
with mode 0600). Each export honours the exporting user's visibility (--as;
the local operator is pm, who sees sensitive data only where an ROI naming
the pm lists it) and is recorded in the audit trail. Markdown exports start with the 42 CFR 2.32 re-disclosure
notice.`
	cmd.AddCommand(newExportCSVCmd(app), newExportMinutesCmd(app), newExportParticipantCmd(app), newExportHMISCmd(app))
	root.AddCommand(cmd)
}

// writeOutput writes b to path (mode 0600, replacing it) or to stdout.
func writeOutput(app *App, path string, b []byte) error {
	if path == "" || path == "-" {
		_, err := app.Stdout.Write(b)
		return err
	}
	path, err := app.path(path)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func newExportCSVCmd(app *App) *cobra.Command {
	var (
		pf     periodFlags
		deid   bool
		output string
	)
	cmd := &cobra.Command{
		Use:   "csv --deidentified",
		Short: "De-identified CSV for evaluators: one row per referral and participant",
		Long: `Writes one row per referral received in the period and per participant
enrolled by its end, under stable pseudonyms (a keyed hash; the key is
DATA/pseudonym.key, created on first use). No names, no dates of birth (age
bands instead), no free text. Allowed for pm, supervisors, case managers and
evaluators. The columns are documented in the README.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !deid {
				return usagef("only the de-identified CSV exists: give --deidentified")
			}
			ctx := cmd.Context()
			st, actor, in, err := loadReportInput(ctx, app, &pf)
			if err != nil {
				return err
			}
			if !export.CanExportDeidentified(actor.Role) {
				if err := export.Audit(ctx, st, actor, store.AuditDenied, export.SubjectDeidentifiedCSV, "csv"); err != nil {
					return err
				}
				return fmt.Errorf("the row-level export is not shared with the %s role (owg report gives the aggregates): %w", actor.Role, store.ErrDenied)
			}
			dir, err := app.DataDir()
			if err != nil {
				return err
			}
			key, err := export.LoadOrCreateKey(dir)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := export.DeidentifiedCSV(&buf, in, key); err != nil {
				return err
			}
			if err := export.Audit(ctx, st, actor, store.AuditExport, export.SubjectDeidentifiedCSV, "csv"); err != nil {
				return err
			}
			return writeOutput(app, output, buf.Bytes())
		},
	}
	pf.register(cmd)
	cmd.Flags().BoolVar(&deid, "deidentified", false, "de-identified rows (required)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE instead of standard output")
	return cmd
}

func newExportMinutesCmd(app *App) *cobra.Command {
	var meeting, output, format string
	var room bool
	cmd := &cobra.Command{
		Use:   "minutes --meeting ID",
		Short: "A meeting's minutes (Markdown or text), with the re-disclosure notice",
		Long: `Writes a meeting's minutes: a summary (date, facilitator, attendees,
decisions, new and closed action items, what is carried over), then the
items discussed with their notes, decisions and action items, as the
exporting user may see them. --room writes them as every attendee may see
them, for circulating to all; --format text gives plain text for an email.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if meeting == "" {
				return usagef("give --meeting ID")
			}
			var f store.MinutesFormat
			switch format {
			case "", "markdown", "md":
				f = store.MinutesMarkdown
			case "text":
				f = store.MinutesText
			default:
				return usagef("--format %q: want markdown or text", format)
			}
			ctx := cmd.Context()
			st, actor, err := app.openAs(ctx)
			if err != nil {
				return err
			}
			proto, err := app.Protocol()
			if err != nil {
				return err
			}
			md, err := export.MinutesExport(ctx, st, actor, meeting, app.Now(), export.MinutesOptions{Room: room, Format: f, Sensitive: proto.SensitiveGoalDomains})
			if store.IsNotFound(err) {
				return fmt.Errorf("no meeting %q", meeting)
			}
			if err != nil {
				return err
			}
			// The audit head after this export's own event: an anchor kept
			// with the minutes, outside the store.
			head, err := st.AuditHead(ctx)
			if err != nil {
				return err
			}
			md = strings.TrimRight(md, "\n") + fmt.Sprintf("\n\n---\nAudit anchor: `%s` (check it with `owg audit --verify --anchor %s`)\n", head, head)
			return writeOutput(app, output, []byte(md))
		},
	}
	cmd.Flags().StringVar(&meeting, "meeting", "", "meeting id (M-0001)")
	cmd.Flags().BoolVar(&room, "room", false, "only what every attendee may see, for circulating to all")
	cmd.Flags().StringVar(&format, "format", "markdown", "markdown or text")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE instead of standard output")
	return cmd
}

func newExportParticipantCmd(app *App) *cobra.Command {
	var (
		output string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "participant ID",
		Short: "A participant's case-conference summary as Markdown (or --json), with the re-disclosure notice",
		Long: `Writes what the exporting user (--as) may see of one participant: identity,
goals, progress, contacts, legal cases and releases of information, each
filtered by the visibility rule exactly as the participant screen is. Goals
the user may not see are counted ("N more goals held by case management"),
never described. --json writes the same content as one JSON object with id,
name (absent when not shown), goals (domain, words, progress with note),
contacts, cases and rois.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if !store.ValidParticipantID(id) {
				return usagef("%q is not a participant id (want P-0001)", id)
			}
			ctx := cmd.Context()
			st, actor, err := app.openAs(ctx)
			if err != nil {
				return err
			}
			proto, err := app.Protocol()
			if err != nil {
				return err
			}
			var out []byte
			if asJSON {
				out, err = export.ParticipantJSON(ctx, st, actor, id, app.Now(), proto.SensitiveGoalDomains)
			} else {
				var md string
				md, err = export.ParticipantMarkdown(ctx, st, actor, id, app.Now(), proto.SensitiveGoalDomains)
				out = []byte(md)
			}
			if store.IsNotFound(err) {
				return fmt.Errorf("no participant %q", id)
			}
			if err != nil {
				return err
			}
			return writeOutput(app, output, out)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE instead of standard output")
	cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object instead of Markdown")
	return cmd
}
