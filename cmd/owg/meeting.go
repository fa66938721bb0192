package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
)

// newMeetingCmd builds `owg meeting agenda`.
func newMeetingCmd(app *App) *cobra.Command {
	cmd := groupCmd("meeting", "The agenda a meeting would start with")
	cmd.AddCommand(newMeetingAgendaCmd(app))
	return cmd
}

// agendaJSON is `owg meeting agenda --json`.
type agendaJSON struct {
	Date            string           `json:"date"`
	EstimateMinutes int              `json:"estimate_minutes"`
	BudgetMinutes   int              `json:"budget_minutes"`
	Items           []agendaItemJSON `json:"items"`
}

type agendaItemJSON struct {
	Kind    store.ItemKind `json:"kind"`
	Title   string         `json:"title"`
	Minutes int            `json:"minutes"`
	Subject string         `json:"subject,omitempty"` // only where the viewer may see it
}

func newMeetingAgendaCmd(app *App) *cobra.Command {
	var date string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "agenda [--date YYYY-MM-DD] [--json]",
		Short: "Print the agenda a meeting on that date would start with, for circulating beforehand",
		Long: `Builds the agenda exactly as starting a meeting on that date (default today)
would: the open action items, the referrals offered a slot and the first
waitlisted, the pending cases and as many goal reviews as the protocol's
[meeting] minutes allow, each with its minutes. Nothing is saved.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			day := store.Today(app.Now())
			if date != "" {
				d, err := store.ParseDate(date)
				if err != nil {
					return usagef("--date: %v", err)
				}
				day = d
			}
			ctx := cmd.Context()
			st, actor, err := app.openAs(ctx)
			if err != nil {
				return err
			}
			if !store.SeesMeetings(actor.Role) {
				if err := st.Record(ctx, store.AuditEvent{User: actor.User, Role: actor.Role, Action: store.AuditDenied, Subject: "agenda", Detail: "meeting-agenda", Addr: actor.Addr}); err != nil {
					return err
				}
				return fmt.Errorf("meetings are not shared with the %s role: %w", actor.Role, store.ErrDenied)
			}
			proto, err := app.Protocol()
			if err != nil {
				return err
			}
			plan, err := store.LoadAgenda(ctx, st, proto, day, app.Now())
			if err != nil {
				return err
			}
			cov := &subjectCovers{ctx: ctx, st: st, viewer: actor, app: app, memo: map[string]store.Coverage{}}
			out := agendaJSON{Date: store.FormatDate(day), EstimateMinutes: plan.Estimate, BudgetMinutes: plan.Budget, Items: []agendaItemJSON{}}
			reasons := make([]string, 0, len(plan.Items))
			var shownIDs []string // participants and referrals the agenda names
			for _, it := range plan.Items {
				title, reason, subject := store.ItemHeading(it, headingAccess(actor, it, cov), store.NotShared)
				out.Items = append(out.Items, agendaItemJSON{Kind: it.Kind, Title: store.CleanLine(title), Minutes: it.Minutes, Subject: subject})
				reasons = append(reasons, reason)
				if subject != "" {
					shownIDs = append(shownIDs, agendaSubjectIDs(ctx, st, subject)...)
				}
			}
			// one view event naming every participant and referral shown,
			// as list screens are audited
			if err := st.AuditList(ctx, actor, "meeting-agenda", uniqueIDs(shownIDs)); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(app.Stdout, out)
			}
			fmt.Fprintf(app.Stdout, "Agenda for %s: ~%d min, %d items (budget %d min)\n", out.Date, plan.Estimate, len(plan.Items), plan.Budget)
			if plan.ReviewsDue > plan.ReviewsListed {
				fmt.Fprintf(app.Stdout, "%d of %d goal reviews due fit; the rest come first next time", plan.ReviewsListed, plan.ReviewsDue)
				if plan.RotationMeetings > 1 {
					fmt.Fprintf(app.Stdout, " (everyone due is reviewed within %d meetings)", plan.RotationMeetings)
				}
				fmt.Fprintln(app.Stdout)
			}
			fmt.Fprintln(app.Stdout)
			for i, it := range out.Items {
				reason := ""
				if r := reasons[i]; r != "" {
					reason = "  " + store.PlainWords(store.CleanLine(r))
				}
				fmt.Fprintf(app.Stdout, "%2d. [%2d min] %s%s\n", i+1, it.Minutes, it.Title, reason)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "meeting date YYYY-MM-DD (default today)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "JSON output")
	return cmd
}

// agendaSubjectIDs are the records an agenda subject shown discloses: a
// participant or referral itself, a case's participant (and the case).
func agendaSubjectIDs(ctx context.Context, st store.Store, subject string) []string {
	switch {
	case strings.HasPrefix(subject, "P-"), strings.HasPrefix(subject, "R-"):
		return []string{subject}
	case strings.HasPrefix(subject, "L-"):
		if lc, err := st.GetCase(ctx, subject); err == nil && lc.ParticipantID != "" {
			return []string{lc.ParticipantID, subject}
		}
		return []string{subject}
	}
	return nil
}

// headingAccess is what the viewer may see of an agenda item's heading
// (store.HeadingAccess): of a participant or case subject, the
// participant's identity; of a referral, what ReferralAccess gives.
func headingAccess(viewer store.Actor, it store.AgendaItem, cov *subjectCovers) store.Access {
	identity, referral := store.Redacted, store.Redacted
	switch {
	case strings.HasPrefix(it.Subject, "R-"):
		if r, err := cov.st.GetReferral(cov.ctx, it.Subject); err == nil {
			referral = store.ReferralAccess(viewer, r)
		}
	case strings.HasPrefix(it.Subject, "P-"), strings.HasPrefix(it.Subject, "L-"):
		identity = store.Visible(viewer.Role, cov.covers(it.Subject), store.DataIdentity)
	}
	return store.HeadingAccess(it, identity, referral)
}
