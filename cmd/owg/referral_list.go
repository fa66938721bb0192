package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
)

// referralListJSON is one referral of `owg referral list --json`: the
// reason is the label the caller may read; note is present only for the
// roles that may read a decision's internal note.
type referralListJSON struct {
	ID     string  `json:"id"`
	Status string  `json:"status"`
	Reason string  `json:"reason"`
	Note   *string `json:"note,omitempty"`
	// The warm handoff of a field referral: its state and when it got to
	// each one (received is always set).
	Received   time.Time  `json:"received"`
	Handoff    string     `json:"handoff,omitempty"`
	TakenBy    string     `json:"taken_by,omitempty"`
	TakenAt    *time.Time `json:"taken_at,omitempty"`
	OnSceneAt  *time.Time `json:"on_scene_at,omitempty"`
	HandoffEnd *time.Time `json:"handoff_done_at,omitempty"`
	// Entered is what the referrer typed (their own referrals only).
	Entered *store.Entered `json:"entered,omitempty"`
}

// handoffRow fills the handoff fields of row from r.
func handoffRow(row *referralListJSON, r store.Referral, own bool) {
	row.Received = r.Received
	at := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	if st := store.HandoffOf(r); st != "" {
		row.Handoff = string(st)
		row.TakenBy = store.CleanLine(r.AckBy)
		row.TakenAt = at(r.AckAt)
		row.OnSceneAt = at(r.OnSceneAt)
		row.HandoffEnd = at(store.HandoffAt(r, st))
		if st == store.HandoffOnScene || st == store.HandoffTaken || st == store.HandoffReceived {
			row.HandoffEnd = nil
		}
	}
	if own && r.Entered != nil {
		e := *r.Entered
		e.Name, e.Location = store.CleanLine(e.Name), store.CleanLine(e.Location)
		row.Entered = &e
	}
}

// listReferrals returns the referrals actor may see, each as they may
// read it: staff (pm, supervisor, case manager) every referral with its
// note; referrers (police, providers, community) their own with the
// outcome's label only; anyone else none. mine keeps the ones actor made.
func listReferrals(ctx context.Context, st store.Store, proto store.Protocol, a store.Actor, mine bool, now time.Time) ([]referralListJSON, error) {
	f := store.ReferralFilter{}
	access := store.Visible(a.Role, 0, store.DataReferrals)
	if a.System {
		access = store.Shown
	}
	if mine || access == store.OwnOnly {
		f.ReferrerUser = a.User
	}
	if !access.Allowed() {
		return []referralListJSON{}, nil
	}
	rs, err := st.ListReferrals(ctx, f)
	if err != nil {
		return nil, err
	}
	out := []referralListJSON{}
	for _, r := range rs {
		if f.ReferrerUser != "" && r.ReferrerUser != f.ReferrerUser {
			continue
		}
		if !a.System && !store.ReferralAccess(a, r).Allowed() {
			continue
		}
		row := referralListJSON{ID: r.ID, Status: string(r.Status)}
		if access == store.Shown {
			o := store.OutcomeOf(proto, r)
			row.Reason = o.Label
			if r.Status == store.RefScreenedOut {
				row.Reason = store.ScreenOutMessage(proto, r, r.Reason)
			}
			if store.SeesDecisionNote(a.Role) || a.System {
				note := store.CleanLine(o.Note)
				row.Note = &note
			}
		} else {
			sees := false
			if r.ReReferralOf != "" {
				rois, err := st.ListROIs(ctx, r.ReReferralOf)
				if err != nil {
					return nil, err
				}
				sees = store.Sees(a, rois, now, store.DataIdentity) == store.Shown
			}
			o := store.ReferrerView(proto, r, sees)
			row.Status, row.Reason = string(o.Status), o.Reason
		}
		row.Reason = store.CleanLine(row.Reason)
		handoffRow(&row, r, r.ReferrerUser != "" && r.ReferrerUser == a.User)
		out = append(out, row)
	}
	return out, nil
}

func newReferralListCmd(app *App) *cobra.Command {
	var mine, asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--mine] [--json]",
		Short: "List the referrals you may see, with their outcome",
		Long: `List the referrals you may see, oldest first: the pm, supervisors and case
managers see every referral, with a decision's internal note; police, providers
and community members see their own, with the outcome's plain label only;
other roles see none. --mine keeps the referrals you made. --json prints a list
of {"id", "status", "reason", "note"} ("note" only for the roles that may read it),
with "received" and, for a field referral, "handoff" (received, taken, on_scene,
completed, not_located), "taken_by", "taken_at", "on_scene_at" and
"handoff_done_at"; your own referrals carry "entered", what you typed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			proto, err := app.Protocol()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			st, a, err := app.openAs(ctx)
			if err != nil {
				return err
			}
			if !a.System && !store.Visible(a.Role, 0, store.DataReferrals).Allowed() {
				// a denied view is audited (ids and codes only)
				if err := st.Record(ctx, store.AuditEvent{User: a.User, Role: a.Role, Action: store.AuditDenied, Subject: "referrals", Detail: "referral-list", Addr: a.Addr}); err != nil {
					return err
				}
			}
			rows, err := listReferrals(ctx, st, proto, a, mine, app.Now())
			if err != nil {
				return err
			}
			// a read of referrals is audited as list screens are: one
			// view event naming every referral shown
			ids := make([]string, len(rows))
			for i, r := range rows {
				ids[i] = r.ID
			}
			if err := st.AuditList(ctx, a, "referral-list", ids); err != nil {
				return err
			}
			if asJSON {
				b, err := json.MarshalIndent(rows, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(app.Stdout, "%s\n", b)
				return err
			}
			if len(rows) == 0 {
				_, err := fmt.Fprintln(app.Stdout, "no referrals to show")
				return err
			}
			withNote := slices.ContainsFunc(rows, func(r referralListJSON) bool { return r.Note != nil })
			tw := tabwriter.NewWriter(app.Stdout, 0, 0, 2, ' ', 0)
			head := "ID\tSTATUS\tREASON"
			if withNote {
				head += "\tNOTE"
			}
			fmt.Fprintln(tw, head)
			for _, r := range rows {
				line := r.ID + "\t" + strings.ReplaceAll(r.Status, "_", " ") + "\t" + dash(r.Reason)
				if withNote {
					note := ""
					if r.Note != nil {
						note = *r.Note
					}
					line += "\t" + dash(note)
				}
				fmt.Fprintln(tw, line)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&mine, "mine", false, "only the referrals you made")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print [{"id", "status", "reason", "note"}] as JSON`)
	return cmd
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
