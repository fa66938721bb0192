package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/export"
)

// addImportCommands adds `owg import hmis`.
func addImportCommands(root *cobra.Command, app *App) {
	cmd := groupCmd("import", "Import records from another system (HMIS CSV)")
	cmd.AddCommand(newImportHMISCmd(app))
	root.AddCommand(cmd)
}

func newImportHMISCmd(app *App) *cobra.Command {
	var cm string
	cmd := &cobra.Command{
		Use:   "hmis DIR --case-manager NAME",
		Short: "Seed the caseload from an HMIS CSV (FY2024) export: Client, Enrollment, Exit",
		Long: `Reads Client.csv, Enrollment.csv and, when present, Exit.csv of an HMIS CSV
(FY2024) export in DIR. Each client becomes a participant from their latest
enrollment (entry date, living situation as housing, race from HUD's flags),
exited on its exit date when it has one, with the case manager given. A client
whose name and date of birth match an existing participant is not created:
the match is reported. All or nothing: every bad row is named by file and line
and nothing is imported.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cm == "" {
				return usagef("give --case-manager NAME (who takes the imported participants)")
			}
			dir, err := app.path(args[0])
			if err != nil {
				return err
			}
			files := map[string][]byte{}
			for _, name := range []string{"Client.csv", "Enrollment.csv", "Exit.csv"} {
				// an HMIS export of a large CoC is a few MB per file
				b, err := store.ReadFileLimit(filepath.Join(dir, name), 256<<20)
				if errors.Is(err, os.ErrNotExist) {
					continue
				}
				if err != nil {
					return err
				}
				files[name] = b
			}
			ctx := cmd.Context()
			st, actor, err := app.openAs(ctx)
			if err != nil {
				return err
			}
			u, err := st.GetUser(ctx, cm)
			if err != nil || !u.Active || (u.Role != store.RoleCaseManager && u.Role != store.RoleSupervisor) {
				return fmt.Errorf("--case-manager: %s is not an active case manager", cm)
			}
			recs, err := export.ParseHMIS(files, app.Now())
			if err != nil {
				return importErrors(app, err)
			}
			existing, err := st.ListParticipants(ctx, store.ParticipantFilter{})
			if err != nil {
				return err
			}
			byKey := map[string]string{}
			for _, p := range existing {
				if !p.DOB.IsZero() {
					byKey[export.MatchKey(p.Name, p.DOB)] = p.ID
				}
			}
			var rows []store.ParticipantImport
			var matches []string
			for _, r := range recs {
				if id, ok := byKey[export.MatchKey(r.Name, r.DOB)]; ok && !r.DOB.IsZero() {
					matches = append(matches, fmt.Sprintf("Client.csv line %d (PersonalID %s) matches %s", r.Line, r.PersonalID, id))
					continue
				}
				p := store.Participant{Name: r.Name, DOB: r.DOB, RaceEthnicity: r.RaceEthnicity, EnrolledOn: r.EntryDate,
					CaseManager: cm, Status: store.StatusNotYetEngaged, Housing: r.Housing}
				if !r.ExitDate.IsZero() {
					p.Status, p.ExitReason = store.StatusExited, fmt.Sprintf("HMIS exit, destination %d", r.Destination)
				}
				rows = append(rows, store.ParticipantImport{Participant: p, ExitedOn: r.ExitDate, Label: fmt.Sprintf("Client.csv line %d", r.Line)})
			}
			made, err := st.ImportParticipants(ctx, actor, rows)
			if err != nil {
				return importErrors(app, err)
			}
			ids := make([]string, len(made))
			for i, p := range made {
				ids[i] = p.ID
			}
			fmt.Fprintf(app.Stdout, "imported %d participants from HMIS", len(made))
			if len(ids) > 0 {
				fmt.Fprintf(app.Stdout, " (%s)", strings.Join(ids, ", "))
			}
			fmt.Fprintf(app.Stdout, "; %d matched existing participants by name and date of birth\n", len(matches))
			for _, m := range matches {
				fmt.Fprintln(app.Stdout, "  "+m)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&cm, "case-manager", "", "case manager who takes the imported participants")
	return cmd
}

// importErrors prints every bad row on stderr and fails with their count.
func importErrors(app *App, err error) error {
	var lines []string
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) {
		for _, e := range j.Unwrap() {
			lines = append(lines, e.Error())
		}
	} else {
		lines = []string{err.Error()}
	}
	for _, l := range lines {
		fmt.Fprintln(app.Stderr, store.CleanLine(l))
	}
	return exitError{code: 1, msg: fmt.Sprintf("nothing imported: %d error(s)", len(lines))}
}
