package main

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
)

// maxContactNote bounds the note of a contact logged from the command line.
const maxContactNote = 4000

// newContactCmd builds `owg contact add`.
func newContactCmd(app *App) *cobra.Command {
	cmd := groupCmd("contact", "Log contacts with participants")
	cmd.AddCommand(newContactAddCmd(app))
	return cmd
}

// contactJSON is the contact `owg contact add --json` prints.
type contactJSON struct {
	ID            string `json:"id"`
	ParticipantID string `json:"participant_id"`
	Date          string `json:"date"`
	Kind          string `json:"kind"`
	Sensitivity   string `json:"sensitivity"`
	Author        string `json:"author"`
}

func newContactAddCmd(app *App) *cobra.Command {
	var (
		kind, note, date string
		clinical, asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "add P-ID --kind KIND [--note TEXT] [--date YYYY-MM-DD] [--clinical] [--json]",
		Short: "Log a contact with a participant (as the TUI's participant page does)",
		Long: `Log a contact with a participant: its kind (` + kindList() + `),
an optional note, the date (default today) and whether the note is clinical
(clinical notes never reach law enforcement or partners). The same rules as
the TUI: a case manager logs contacts for their own caseload, a supervisor
for anyone (the pm and partners log none). The participant's last contact date moves with it, so an
overdue flag clears on every screen showing it. Audited.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			k := store.ContactKind(kind)
			if !slices.Contains(store.ContactKinds, k) {
				return usagef("--kind: %q is not one of %s", kind, kindList())
			}
			if utf8.RuneCountInString(note) > maxContactNote {
				return usagef("--note: longer than %d characters", maxContactNote)
			}
			day := store.Today(app.Now())
			if date != "" {
				d, err := store.ParseDate(date)
				if err != nil {
					return usagef("--date: %v", err)
				}
				day = d
			}
			sens := store.General
			if clinical {
				sens = store.Clinical
			}
			st, actor, err := app.openAs(ctx)
			if err != nil {
				return err
			}
			c, err := st.CreateContact(ctx, actor, store.Contact{ParticipantID: store.CleanLine(args[0]), Date: day, Kind: k,
				Note: store.Clean(note, true), Author: actor.User, Sensitivity: sens})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(app.Stdout, contactJSON{ID: c.ID, ParticipantID: c.ParticipantID, Date: store.FormatDate(c.Date),
					Kind: string(c.Kind), Sensitivity: string(c.Sensitivity), Author: store.CleanLine(c.Author)})
			}
			fmt.Fprintf(app.Stdout, "contact %s logged for %s (%s, %s)\n", c.ID, c.ParticipantID, c.Kind, store.FormatDate(c.Date))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&kind, "kind", "", "how it happened: "+kindList())
	f.StringVar(&note, "note", "", "what happened (at most 4,000 characters)")
	f.StringVar(&date, "date", "", "the day, YYYY-MM-DD (default today)")
	f.BoolVar(&clinical, "clinical", false, "the note is clinical")
	f.BoolVar(&asJSON, "json", false, "print the contact logged as JSON")
	return cmd
}

func kindList() string {
	s := ""
	for i, k := range store.ContactKinds {
		if i > 0 {
			s += ", "
		}
		s += string(k)
	}
	return s
}
