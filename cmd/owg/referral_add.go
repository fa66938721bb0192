package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
)

// addFlag ties a flag of `owg referral add` to the referral field it fills.
type addFlag struct {
	flag, field, usage string
	boolean            bool
}

// referralAddFlags are the flags of `owg referral add`, exactly those of
// the field-intake issue, each filling one field of ParseReferralFields so
// the CLI validates exactly as the CSV importer does.
var referralAddFlags = []addFlag{
	{"kind", "kind", "referral kind: arrest_diversion, social_contact or community", false},
	{"name", "name", "the person's name", false},
	{"dob", "dob", "date of birth, YYYY-MM-DD", false},
	{"offense", "offense", "offense category code (see owg protocol show)", false},
	{"location", "location", "where the contact happened", false},
	{"callback", "callback", "a number the person taking the handoff may call you on (optional)", false},
	{"unsheltered", "unsheltered", "the person is unsheltered", true},
	{"impairment", "impairment", "observed functional impairment: 0, 1 or 2", false},
	{"victimization-risk", "victimization_risk", "at risk of victimization", true},
	{"warrant", "warrant", "known open warrant", true},
	{"next-court-date", "next_court_date", "next court date, YYYY-MM-DD", false},
	{"contacts-12m", "contacts_12m", "criminal-legal or crisis contacts in the last 12 months", false},
	{"race-ethnicity", "race_ethnicity", "race/ethnicity, for equity reporting only (never a ranking input): one or more of HUD's categories separated by \";\", each a label in any case or a short code (amind, asian, black, hispanic, mena, nhpi, white), or one of doesnt_know, prefers_not, not_collected", false},
	{"referrer", "referrer", "referrer's name (default: the --as user)", false},
	{"agency", "agency", "referrer's agency (default: the --as user's)", false},
	{"received", "received", "received, YYYY-MM-DD or RFC 3339 (default now)", false},
	{"note", "notes", "a short general note", false},
}

// flagForField names the flag that fills a referral field.
func flagForField(field string) string {
	for _, f := range referralAddFlags {
		if f.field == field {
			return "--" + f.flag
		}
	}
	return field
}

// referralAddJSON is the --json output of `owg referral add`.
type referralAddJSON struct {
	ID         string `json:"id"`
	Eligible   bool   `json:"eligible"`
	Reason     string `json:"reason"`
	ReReferral string `json:"re_referral"`
}

// writeAddJSON writes v on one line, as the issue shows it:
// {"id": "R-0001", "eligible": true, "reason": "", "re_referral": ""}.
func writeAddJSON(w io.Writer, v referralAddJSON) error {
	q := func(s string) string {
		b, _ := json.Marshal(s)
		return string(b)
	}
	_, err := fmt.Fprintf(w, "{\"id\": %s, \"eligible\": %t, \"reason\": %s, \"re_referral\": %s}\n",
		q(v.ID), v.Eligible, q(v.Reason), q(v.ReReferral))
	return err
}

func newReferralAddCmd(app *App) *cobra.Command {
	var asJSON bool
	strs := map[string]*string{}
	bools := map[string]*bool{}
	cmd := &cobra.Command{
		Use: "add --kind KIND --name NAME [--dob YYYY-MM-DD] [--offense CODE] [--location TEXT] [--callback NUMBER] " +
			"[--unsheltered] [--impairment 0|1|2] [--victimization-risk] [--warrant] " +
			"[--next-court-date YYYY-MM-DD] [--contacts-12m N] [--race-ethnicity TEXT] [--referrer NAME] " +
			"[--agency NAME] [--received YYYY-MM-DD|RFC3339] [--note TEXT] [--json]",
		Short: "Add one referral (field intake, scripted bridges)",
		Long: `Add one referral. It is validated exactly as a CSV import row is: a bad field is
refused with a message naming it and nothing is stored. The new id is printed;
with --json an object {"id", "eligible", "reason", "re_referral"}. A referral the
protocol screens out is still recorded, with status screened_out. A re-referral
names the enrolled participant only to a user who may see them (--as a police
or provider user needs an ROI covering them; a community user never); anyone
else gets exactly what a new referral gets.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, a, err := app.openAs(ctx)
			if err != nil {
				return err
			}
			if !store.CanWrite(a.Role, store.DataReferrals) {
				return fmt.Errorf("making referrals is not open to the %s role: %w", a.Role, store.ErrDenied)
			}
			fields := map[string]string{}
			for _, f := range referralAddFlags {
				if !cmd.Flags().Changed(f.flag) {
					continue
				}
				if f.boolean {
					fields[f.field] = fmt.Sprint(*bools[f.flag])
				} else {
					fields[f.field] = *strs[f.flag]
				}
			}
			if app.AsFlag != "" {
				if _, ok := fields["referrer"]; !ok {
					fields["referrer"] = a.User
				}
				if _, ok := fields["agency"]; !ok && a.Agency != "" {
					fields["agency"] = a.Agency
				}
			}
			r, errs := store.ParseReferralFields(fields, app.Now())
			if len(errs) > 0 {
				for _, e := range errs {
					fmt.Fprintf(app.Stderr, "%s: %s\n", flagForField(e.Field), e.Msg)
				}
				names := make([]string, len(errs))
				for i, e := range errs {
					names[i] = flagForField(e.Field)
				}
				return exitError{code: 1, msg: "referral not added: bad " + strings.Join(names, ", ")}
			}
			if app.AsFlag != "" {
				r.ReferrerUser = a.User
			}
			proto, err := app.Protocol()
			if err != nil {
				return err
			}
			active, err := st.ListParticipants(ctx, store.ParticipantFilter{ActiveOnly: true})
			if err != nil {
				return err
			}
			eligible, reason := screenReferral(proto, &r, active)
			got, err := st.CreateReferral(ctx, a, r)
			if err != nil {
				var ve *store.ValidationError
				if errors.As(err, &ve) {
					return flagErrors(err)
				}
				return err
			}
			// The referrer learns that a referral is a re-referral (and of
			// whom) only when they may see that participant's identity (the
			// local operator, staff; police and providers with an ROI
			// covering them). Anyone else gets exactly what a new referral
			// gets: same output, same JSON, no hint.
			reRef := got.ReReferralOf
			if reRef != "" {
				rois, err := st.ListROIs(ctx, reRef)
				if err != nil {
					return err
				}
				if store.Sees(a, rois, app.Now(), store.DataIdentity) != store.Shown {
					reRef = ""
				}
			}
			if asJSON {
				return writeAddJSON(app.Stdout, referralAddJSON{ID: got.ID, Eligible: eligible, Reason: reason, ReReferral: reRef})
			}
			fmt.Fprintln(app.Stdout, got.ID)
			switch {
			case reRef != "":
				fmt.Fprintf(app.Stderr, "re-referral of %s: routed to their case manager\n", reRef)
			case !eligible:
				fmt.Fprintf(app.Stderr, "screened out (%s): %s\n", reason, store.ScreenOutMessage(proto, got, reason))
			}
			return nil
		},
	}
	for _, f := range referralAddFlags {
		if f.boolean {
			bools[f.flag] = cmd.Flags().Bool(f.flag, false, f.usage)
		} else {
			strs[f.flag] = cmd.Flags().String(f.flag, "", f.usage)
		}
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"id", "eligible", "reason", "re_referral"} as JSON`)
	return cmd
}
