package main

import (
	"fmt"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
)

// serverStats is what `owg stats --json` prints: the running server's
// process, not any participant's data.
type serverStats struct {
	Sessions       int     `json:"sessions"`
	HeapInuseBytes uint64  `json:"heap_inuse_bytes"`
	HeapAllocBytes uint64  `json:"heap_alloc_bytes"`
	SysBytes       uint64  `json:"sys_bytes"`
	Goroutines     int     `json:"goroutines"`
	CPUSeconds     float64 `json:"cpu_seconds"`
	UptimeSeconds  float64 `json:"uptime_seconds"`
	GCCycles       uint32  `json:"gc_cycles"`
	// AuditEvents and AuditTransactions count the audit events recorded
	// since the server started and the synced transactions holding them.
	AuditEvents       uint64 `json:"audit_events"`
	AuditTransactions uint64 `json:"audit_transactions"`
}

func newStatsCmd(app *App) *cobra.Command {
	var asJSON, gc bool
	cmd := &cobra.Command{
		Use:   "stats [--json] [--gc]",
		Short: "The running server's load: sessions, memory, goroutines, CPU, audit commits",
		Long: `Print the load of the server running on this data directory: live SSH
sessions, Go heap in use, goroutines, CPU seconds used since it started, and
the audit events it recorded with the synced transactions that held them.
--gc runs a garbage collection first, so the heap figure is what is live.
For the pm and supervisors; holds no participant data.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := app.Actor(cmd.Context())
			if err != nil {
				return err
			}
			if a.Role != store.RolePM && a.Role != store.RoleSupervisor {
				return fmt.Errorf("server stats are for the pm and supervisors: %w", store.ErrDenied)
			}
			if app.host == nil {
				dir, _ := app.DataDir()
				return fmt.Errorf("no server is running on %s", dir)
			}
			s := collectStats(app.host.srv, gc)
			if asJSON {
				return writeJSON(app.Stdout, s)
			}
			fmt.Fprintf(app.Stdout, "sessions     %d\nheap in use  %.1f MiB\ngoroutines   %d\ncpu          %.2f s in %s\naudit        %d events in %d transactions\n",
				s.Sessions, float64(s.HeapInuseBytes)/(1<<20), s.Goroutines, s.CPUSeconds,
				(time.Duration(s.UptimeSeconds) * time.Second).String(), s.AuditEvents, s.AuditTransactions)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&gc, "gc", false, "collect garbage first (the heap figure is then what is live)")
	return cmd
}

// collectStats reads the server's process figures.
func collectStats(srv *serverState, gc bool) serverStats {
	if gc {
		runtime.GC()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := serverStats{HeapInuseBytes: ms.HeapInuse, HeapAllocBytes: ms.HeapAlloc, SysBytes: ms.Sys,
		Goroutines: runtime.NumGoroutine(), GCCycles: ms.NumGC, CPUSeconds: cpuUsed().Seconds()}
	if !srv.started.IsZero() {
		s.UptimeSeconds = time.Since(srv.started).Seconds()
	}
	if srv.sessions != nil {
		s.Sessions = len(srv.sessions())
	}
	if db, ok := srv.st.(*badgerstore.DB); ok {
		rs := db.RecordStats()
		s.AuditEvents, s.AuditTransactions = rs.Events, rs.Transactions
	}
	return s
}
