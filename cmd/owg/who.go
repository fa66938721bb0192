package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
)

func newWhoCmd(app *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "who [--json]",
		Short: "List the live SSH sessions of the running server, and its last backup",
		Long: `List the live SSH sessions of the server running on this data directory: user,
role, address, since when, and the meeting a session is in. Then the time of
the last backup. For the pm and supervisors.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := app.Actor(cmd.Context())
			if err != nil {
				return err
			}
			if a.Role != store.RolePM && a.Role != store.RoleSupervisor {
				return fmt.Errorf("the session list is for the pm and supervisors: %w", store.ErrDenied)
			}
			if app.host == nil {
				dir, _ := app.DataDir()
				fmt.Fprintf(app.Stdout, "no server is running on %s: no live sessions\n", dir)
				return nil
			}
			srv := app.host.srv
			var sessions []whoRow
			if srv.sessions != nil {
				for _, s := range srv.sessions() {
					sessions = append(sessions, whoRow{User: s.User, Role: s.Role, Addr: s.Addr, Since: s.Started, Tab: s.Tab, Meeting: s.MeetingID})
				}
			}
			var bs *backupStatus
			if srv.backups != nil {
				s := srv.backups()
				bs = &s
			}
			if asJSON {
				out := whoJSON{Sessions: sessions}
				if out.Sessions == nil {
					out.Sessions = []whoRow{}
				}
				if bs != nil {
					out.Backup = &whoBackup{Dir: bs.Dir, File: bs.LastFile}
					if !bs.Last.IsZero() {
						out.Backup.Last = &bs.Last
					}
					if bs.Err != nil {
						out.Backup.Error = bs.Err.Error()
					}
				}
				return writeJSON(app.Stdout, out)
			}
			tw := tabwriter.NewWriter(app.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "USER\tROLE\tADDRESS\tSINCE\tTAB\tMEETING")
			for _, s := range sessions {
				m := s.Meeting
				if m == "" {
					m = "-"
				}
				tab := s.Tab
				if tab == "" {
					tab = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", store.CleanLine(s.User), s.Role, s.Addr, s.Since.Local().Format(time.DateTime), tab, m)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "%d live session(s)\n", len(sessions))
			if bs != nil {
				fmt.Fprintln(app.Stdout, describeBackup(*bs, time.Local))
			} else {
				fmt.Fprintln(app.Stdout, "backups: off (owg serve --backup-dir DIR)")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// whoRow is one live session in `owg who`.
type whoRow struct {
	User    string     `json:"user"`
	Role    store.Role `json:"role"`
	Addr    string     `json:"addr"`
	Since   time.Time  `json:"since"`
	Tab     string     `json:"tab,omitempty"`
	Meeting string     `json:"meeting,omitempty"`
}

// whoBackup is the backup state in `owg who --json`.
type whoBackup struct {
	Dir   string     `json:"dir"`
	Last  *time.Time `json:"last,omitempty"`
	File  string     `json:"file,omitempty"`
	Error string     `json:"error,omitempty"`
}

type whoJSON struct {
	Sessions []whoRow   `json:"sessions"`
	Backup   *whoBackup `json:"backup,omitempty"`
}
