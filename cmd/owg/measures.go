package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/report"
)

// printMeasures prints the LEAD measures (text or JSON) and, with csvDir,
// writes the table behind each chart. The read is audited as a view of
// the aggregate measures.
func printMeasures(ctx context.Context, app *App, st store.Store, actor store.Actor, in report.Input, asJSON, ascii bool, width int, csvDir string) error {
	m := report.Measure(in, actor)
	if err := st.Record(ctx, store.AuditEvent{User: actor.User, Role: actor.Role, Action: store.AuditView, Subject: "report", Detail: "measures", Addr: actor.Addr}); err != nil {
		return err
	}
	if csvDir != "" {
		dir, err := app.path(csvDir)
		if err != nil {
			return err
		}
		csvDir = dir
		if err := os.MkdirAll(csvDir, 0o700); err != nil {
			return err
		}
		tables := m.Tables()
		for _, t := range tables {
			path := filepath.Join(csvDir, t.Name+".csv")
			f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
			if err != nil {
				return err
			}
			err = t.WriteCSV(f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("write %s: %w", path, err)
			}
		}
		fmt.Fprintf(app.Stderr, "owg: wrote %d tables to %s\n", len(tables), csvDir)
	}
	if asJSON {
		b, err := m.JSON()
		if err != nil {
			return err
		}
		_, err = app.Stdout.Write(b)
		return err
	}
	_, err := fmt.Fprint(app.Stdout, m.Text(width, ascii))
	return err
}
