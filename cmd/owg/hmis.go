package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/export"
)

func newExportHMISCmd(app *App) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "hmis --output DIR",
		Short: "HMIS CSV FY2024 files for the HMIS agency the protocol names",
		Long: `Writes HUD's HMIS CSV (FY2024) subset into DIR: Export.csv, Organization.csv,
Project.csv (one LEAD project, type 6 services only), Client.csv,
Enrollment.csv, Exit.csv, CurrentLivingSituation.csv (housing changes and
street-outreach contacts) and Services.csv (contacts as case-management
services: record type 141, type 6), with HUD's column names and codes. Only
participants whose valid ROI names the protocol's hmis_agency by name and
releases identity are written (contacts only where it releases them); it says
how many were left out. Contact notes are never exported. For the pm and
supervisors; every participant exported is audited.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output == "" || output == "-" {
				return usagef("give --output DIR (the export is several files)")
			}
			output, err := app.path(output)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			proto, err := app.Protocol()
			if err != nil {
				return err
			}
			st, actor, err := app.openAs(ctx)
			if err != nil {
				return err
			}
			if !actor.System && actor.Role != store.RolePM && actor.Role != store.RoleSupervisor {
				if err := export.Audit(ctx, st, actor, store.AuditDenied, "hmis", "hmis"); err != nil {
					return err
				}
				return fmt.Errorf("the HMIS export is made by the pm or a supervisor, not the %s role: %w", actor.Role, store.ErrDenied)
			}
			if proto.HMISAgency == "" {
				return fmt.Errorf("the protocol names no HMIS agency: set hmis_agency in protocol.toml")
			}
			in := export.HMISInput{Site: proto.Site, Agency: proto.HMISAgency, Now: app.Now(),
				ROIs: map[string][]store.ROI{}, Contacts: map[string][]store.Contact{}, History: map[string][]store.HistoryEvent{}}
			if in.Participants, err = st.ListParticipants(ctx, store.ParticipantFilter{}); err != nil {
				return err
			}
			for _, p := range in.Participants {
				if in.ROIs[p.ID], err = st.ListROIs(ctx, p.ID); err != nil {
					return err
				}
				if !export.HMISCoverage(proto.HMISAgency, in.ROIs[p.ID], app.Now()).Any() {
					continue // nothing of theirs is read further
				}
				if in.Contacts[p.ID], err = st.ListContacts(ctx, p.ID); err != nil {
					return err
				}
				if in.History[p.ID], err = st.ListHistory(ctx, store.HistoryFilter{ParticipantID: p.ID, Kind: store.HistParticipant}); err != nil {
					return err
				}
			}
			res := export.HMIS(in)
			if err := os.MkdirAll(output, 0o700); err != nil {
				return err
			}
			for _, f := range res.Files {
				if err := writeCSVFile(filepath.Join(output, f.Name), f.Header, f.Rows); err != nil {
					return err
				}
			}
			for _, id := range res.Exported {
				if err := export.Audit(ctx, st, actor, store.AuditExport, id, "hmis"); err != nil {
					return err
				}
			}
			fmt.Fprintf(app.Stdout, "wrote %d HMIS CSV (FY2024) files to %s: %d participants exported, %d left out (no valid ROI naming %s that releases identity)\n",
				len(res.Files), output, len(res.Exported), res.LeftOut, store.CleanLine(proto.HMISAgency))
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "directory to write the CSV files into (created, files mode 0600)")
	return cmd
}

// writeCSVFile writes one CSV file (mode 0600, synced).
func writeCSVFile(path string, header []string, rows [][]string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if err := w.Write(header); err == nil {
		err = w.WriteAll(rows)
	}
	w.Flush()
	err = w.Error()
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
