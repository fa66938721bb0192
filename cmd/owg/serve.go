package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"charm.land/log/v2"
	"github.com/spf13/cobra"

	"github.com/leadtable/owg/sshserve"
)

// shutdownTimeout bounds how long `owg serve` waits for sessions to end.
const shutdownTimeout = 10 * time.Second

func newServeCmd(app *App) *cobra.Command {
	var (
		listen, hostKey string
		idle, handshake time.Duration
		maxSessions     int
		pqKex           bool
	)
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--host-key PATH] [--idle-timeout D] [--handshake-timeout D] [--max-sessions N] [--pq-kex]",
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
			if handshake <= 0 {
				return usagef("--handshake-timeout: %s: want a positive duration, e.g. 30s", handshake)
			}
			if maxSessions <= 0 {
				return usagef("--max-sessions: %d: want at least 1", maxSessions)
			}
			ctx := cmd.Context()
			dir, err := app.DataDir()
			if err != nil {
				return err
			}
			st, err := app.Open()
			if err != nil {
				return err
			}
			proto, err := app.Protocol()
			if err != nil {
				return err
			}
			logger := log.NewWithOptions(app.Stderr, log.Options{ReportTimestamp: true, Prefix: "owg serve"})
			srv, err := sshserve.New(sshserve.Config{
				Listen:           listen,
				DataDir:          dir,
				HostKeyPath:      hostKey,
				IdleTimeout:      idle,
				HandshakeTimeout: handshake,
				MaxSessions:      maxSessions,
				PostQuantumKex:   pqKex,
				Store:            st,
				Protocol:         proto,
				Logger:           logger,
				Now:              app.Now,
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
	cmd.Flags().DurationVar(&handshake, "handshake-timeout", sshserve.DefaultHandshakeTimeout, "close a connection that has not signed in this long after connecting")
	cmd.Flags().IntVar(&maxSessions, "max-sessions", sshserve.DefaultMaxSessions, "most concurrent sessions")
	cmd.Flags().BoolVar(&pqKex, "pq-kex", false, "also offer the post-quantum key exchange mlkem768x25519-sha256 (about 1.1 KB more per connection)")
	return cmd
}
