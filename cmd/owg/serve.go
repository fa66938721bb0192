package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/log/v2"
	"github.com/spf13/cobra"

	"github.com/leadtable/owg/sshserve"
)

// charmLogger routes Badger's warnings and errors to the server log.
type charmLogger struct{ l *log.Logger }

func (c charmLogger) Errorf(f string, v ...any)   { c.l.Errorf("store: "+strings.TrimSpace(f), v...) }
func (c charmLogger) Warningf(f string, v ...any) { c.l.Warnf("store: "+strings.TrimSpace(f), v...) }
func (charmLogger) Infof(string, ...any)          {}
func (charmLogger) Debugf(string, ...any)         {}

// shutdownTimeout bounds how long `owg serve` waits for sessions to end.
const shutdownTimeout = 10 * time.Second

func newServeCmd(app *App) *cobra.Command {
	var (
		listen, hostKey string
		idle            time.Duration
		maxSessions     int
		pqKex           bool
	)
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--host-key PATH] [--idle-timeout D] [--max-sessions N] [--pq-kex]",
		Short: "Serve the TUI over SSH to registered users",
		Long: `Serve the TUI over SSH. Users sign in with a public key registered with
"owg user add"; there are no passwords. The ed25519 host key is created in the
data directory on first start and reused; its fingerprint is printed at start.
While the server runs it holds the store: other owg commands on the same data
directory say how to join it over SSH instead.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Automatic logoff is never off, and a zero would not mean
			// "none" (the server would quietly use its default): both
			// must be positive.
			if idle <= 0 {
				return usagef("--idle-timeout: %s: want a positive duration, e.g. 15m", idle)
			}
			if maxSessions <= 0 {
				return usagef("--max-sessions: %d: want at least 1", maxSessions)
			}
			ctx := cmd.Context()
			dir, err := app.DataDir()
			if err != nil {
				return err
			}
			logger := log.NewWithOptions(app.Stderr, log.Options{ReportTimestamp: true, Prefix: "owg serve"})
			app.storeLog = charmLogger{logger}
			st, err := app.Open()
			if err != nil {
				return err
			}
			proto, err := app.Protocol()
			if err != nil {
				return err
			}
			// A damaged store is not served: the damage is named and the
			// server does not start until it is repaired.
			db, err := storeDB(st)
			if err != nil {
				return err
			}
			rep, err := db.Check(ctx)
			if err != nil {
				return fmt.Errorf("check the store before serving it: %w", err)
			}
			if !rep.OK() {
				for _, p := range rep.Problems {
					logger.Error("store damaged", "damage", p)
				}
				return exitError{code: 1, msg: fmt.Sprintf("not serving a damaged store (%d problems, listed above): run `owg check`, then `owg repair` (it keeps a copy of what it moves) or restore a backup", len(rep.Problems))}
			}
			if akey, _ := app.AuditKey(); akey == nil {
				logger.Warn("the audit trail is not keyed: anyone with the data files could rewrite it; give --audit-key-file (a key kept outside the data directory) or an encryption key")
			}
			logger.Info("store checked", "records", rep.Records, "audit_anchor", rep.Head.String())
			srv, err := sshserve.New(sshserve.Config{
				Listen:         listen,
				DataDir:        dir,
				HostKeyPath:    hostKey,
				IdleTimeout:    idle,
				MaxSessions:    maxSessions,
				PostQuantumKex: pqKex,
				Store:          st,
				Protocol:       proto,
				Logger:         logger,
				Now:            app.Now,
			})
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				srv.Close()
				return fmt.Errorf("--listen %s: %w", listen, err)
			}
			addr := ln.Addr().String()
			addrFile := filepath.Join(dir, serveAddrFile)
			if err := os.WriteFile(addrFile, []byte(addr+"\n"), 0o600); err != nil {
				ln.Close()
				srv.Close()
				return err
			}
			defer os.Remove(addrFile)

			fmt.Fprintf(app.Stdout, "owg serving %s on %s\nhost key %s\njoin with: %s\n",
				dir, addr, srv.HostKeyFingerprint(), joinCommand(addr))
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			select {
			case err := <-errc:
				srv.Close()
				return err
			case <-ctx.Done():
			}
			logger.Info("signal received, stopping")
			sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
			defer cancel()
			serr := srv.Shutdown(sctx)
			if err := <-errc; err != nil {
				return err
			}
			if serr != nil && !errors.Is(serr, context.DeadlineExceeded) {
				return serr
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&listen, "listen", sshserve.DefaultListen, "address to listen on")
	cmd.Flags().StringVar(&hostKey, "host-key", "", "ed25519 host key file (default DATA/"+sshserve.DefaultHostKeyName+", created on first start)")
	cmd.Flags().DurationVar(&idle, "idle-timeout", sshserve.DefaultIdleTimeout, "log a session off after this long without a keystroke (automatic logoff; always on)")
	cmd.Flags().IntVar(&maxSessions, "max-sessions", sshserve.DefaultMaxSessions, "most concurrent sessions")
	cmd.Flags().BoolVar(&pqKex, "pq-kex", false, "also offer the post-quantum key exchange mlkem768x25519-sha256 (about 1.1 KB more per connection)")
	return cmd
}
