package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
)

func newAuditCmd(app *App) *cobra.Command {
	var (
		participant, user, since string
		anchor                   string
		asJSON, verify           bool
	)
	cmd := &cobra.Command{
		Use:   "audit [--participant ID] [--user NAME] [--since YYYY-MM-DD] [--json] | --verify [--anchor SEQ:HASH]",
		Short: "List the audit trail, or verify that its hash chain is intact",
		Long: `List the audit trail, or verify that its hash chain is intact.
With --anchor SEQ:HASH (printed on every backup, every exported minutes and
the server log at start; keep them outside the store) --verify also proves
that the trail still holds every event up to that one, unchanged: a
rewritten event and a cut tail are both caught.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var f store.AuditFilter
			f.Subject, f.User = participant, user
			if since != "" {
				d, err := store.ParseDate(since)
				if err != nil {
					return usagef("--since: %v", err)
				}
				f.Since = d
			}
			var an store.AuditAnchor
			if anchor != "" {
				if !verify {
					return usagef("--anchor goes with --verify")
				}
				var err error
				if an, err = store.ParseAuditAnchor(anchor); err != nil {
					return usagef("--anchor: %v", err)
				}
			}
			ctx := cmd.Context()
			st, a, err := app.openAs(ctx)
			if err != nil {
				return err
			}
			if a.Role != store.RolePM && a.Role != store.RoleSupervisor {
				return fmt.Errorf("the audit trail is for the pm and supervisors: %w", store.ErrDenied)
			}
			if verify {
				seq, err := st.VerifyAuditAnchor(ctx, an)
				if err != nil {
					if seq > 0 {
						return exitError{code: 1, msg: fmt.Sprintf("audit trail broken at event %d: %v", seq, err)}
					}
					return err
				}
				events, err := st.ListAudit(ctx, store.AuditFilter{})
				if err != nil {
					return err
				}
				fmt.Fprintf(app.Stdout, "audit trail intact: %d events\n", len(events))
				if an.Seq > 0 {
					fmt.Fprintf(app.Stdout, "holds the anchored event %s unchanged\n", an)
				}
				if h, err := st.AuditHead(ctx); err == nil && h.Seq > 0 {
					fmt.Fprintf(app.Stdout, "audit head %s\n", h)
				}
				return nil
			}
			events, err := st.ListAudit(ctx, f)
			if err != nil {
				return err
			}
			if asJSON {
				if events == nil {
					events = []store.AuditEvent{}
				}
				return writeJSON(app.Stdout, events)
			}
			tw := tabwriter.NewWriter(app.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "SEQ\tTIME\tUSER\tROLE\tACTION\tSUBJECT\tDETAIL\tADDR")
			for _, e := range events {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.Time.Local().Format(time.DateTime),
					store.CleanLine(e.User), e.Role, e.Action, store.CleanLine(e.Subject), store.CleanLine(e.Detail), store.CleanLine(e.Addr))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&participant, "participant", "", "only events about this subject id (P-0001)")
	cmd.Flags().StringVar(&user, "user", "", "only events by this user")
	cmd.Flags().StringVar(&since, "since", "", "only events on or after this date, YYYY-MM-DD")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&verify, "verify", false, `verify the hash chain: "audit trail intact: N events" or the first broken event`)
	cmd.Flags().StringVar(&anchor, "anchor", "", "with --verify: also prove the trail holds this event (SEQ:HASH) unchanged")
	return cmd
}
