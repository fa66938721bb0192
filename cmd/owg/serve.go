package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"charm.land/log/v2"
	"github.com/spf13/cobra"

	"github.com/leadtable/owg/sshserve"
	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/tui"
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
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--host-key PATH] [--idle-timeout D] [--handshake-timeout D] [--max-sessions N] [--classic-kex] [--backup-dir DIR ...] [--config FILE]",
		Short: "Serve the TUI over SSH to registered users",
		Long: `Serve the TUI over SSH. Users sign in with a public key registered with
"owg user add"; there are no passwords. The ed25519 host key is created in the
data directory on first start and reused; its fingerprint is printed at start.

While the server runs it holds the store, and every other owg command on the
same data directory is forwarded to it over the socket DATA/owg.sock (mode 0600,
this OS user only) and runs there with the same rules, output and exit codes.
A pm or supervisor may also run commands over SSH without a terminal:
"ssh -p PORT HOST user list".

Every flag has an OWG_* environment variable and a key in an optional
owg.toml (DATA/owg.toml, or --config / $OWG_CONFIG): flag > env > file >
default; "owg config show" prints the effective values. SIGHUP reloads the
protocol file.

The key exchange is the post-quantum hybrid mlkem768x25519-sha256, then
curve25519-sha256 for older clients; --classic-kex offers curve25519-sha256
only (about 1.1 KB less per connection). --pq-kex has no effect any more.

With --backup-dir, a full encrypted backup is taken at start and daily, and an
incremental one every --backup-every; "owg restore DIR" rebuilds from them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := resolveServeConfig(app, cmd.Flags())
			if err != nil {
				return usageError{err}
			}
			return serve(cmd.Context(), app, cfg)
		},
	}
	addServeFlags(cmd.Flags())
	return annotate(cmd, annotLocal, "a server already runs on this data directory")
}

// serve runs the SSH server, the admin socket and the backups until ctx ends.
func serve(ctx context.Context, app *App, cfg serveConfig) error {
	serverGC(app.Getenv)
	dir, err := app.DataDir()
	if err != nil {
		return err
	}
	logger := log.NewWithOptions(app.Stderr, log.Options{ReportTimestamp: true, Prefix: "owg serve"})
	stopProfile, err := startCPUProfile(app.Getenv)
	if err != nil {
		return err
	}
	defer func() {
		if err := stopProfile(); err != nil {
			logger.Warn("cpu profile not written", "err", err)
		}
	}()
	app.storeLog = charmLogger{logger}
	st, err := app.Open()
	if err != nil {
		return err
	}
	proto, err := app.Protocol()
	if err != nil {
		return err
	}
	// A damaged store is not served: the damage is named and the server
	// does not start until it is repaired.
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
	state := &serverState{st: st, dataDir: dir, log: logger, now: app.Now, proto: proto, protoText: app.protocolText, started: time.Now()}

	var backups *backupRunner
	var srv *sshserve.Server
	if bdir := cfg.str("backup-dir"); bdir != "" {
		key, err := app.Key()
		if err != nil {
			return err
		}
		if kf := cfg.str("backup-key-file"); kf != "" {
			if key, err = badgerstore.ReadKeyFile(kf); err != nil {
				return fmt.Errorf("backup-key-file: %w", err)
			}
		}
		vb, ok := st.(versionedBackup)
		if !ok {
			return errors.New("this store cannot take incremental backups")
		}
		abs, err := filepath.Abs(bdir)
		if err != nil {
			return err
		}
		backups = &backupRunner{st: vb, dir: abs, every: cfg.duration("backup-every"), keep: cfg.int("backup-keep"),
			key: key, now: app.Now, log: logger,
			protocol: func() badgerstore.ProtocolFile { _, text := state.protocol(); return protocolFileOf(text) }}
		backups.status.Dir = abs
		backups.onFail = func(err error) {
			if srv != nil {
				srv.Notify(func(a store.Actor) bool { return a.Role == store.RolePM },
					tui.NoticeMsg{Text: "backup failed: " + err.Error()})
			}
		}
		state.backups = backups.Status
		if key == nil {
			logger.Warn("backups are NOT encrypted: the store has no key; give --backup-key-file")
		}
	}

	srv, err = sshserve.New(sshserve.Config{
		Listen:            cfg.str("listen"),
		DataDir:           dir,
		HostKeyPath:       cfg.str("host-key"),
		IdleTimeout:       cfg.duration("idle-timeout"),
		HandshakeTimeout:  cfg.duration("handshake-timeout"),
		MaxSessions:       cfg.int("max-sessions"),
		MaxPreAuth:        cfg.int("max-signing-in"),
		MaxPreAuthPerAddr: cfg.int("max-signing-in-per-address"),
		RateBurst:         cfg.int("sessions-burst-per-address"),
		ClassicKex:        cfg.bool("classic-kex"),
		Store:             st,
		Protocol:          proto,
		Logger:            logger,
		Now:               app.Now,
		Exec: func(ctx context.Context, req sshserve.ExecRequest) int {
			a := req.Actor
			return state.runHosted(ctx, &hostedRun{actor: &a}, req.Args, req.Stdin, req.Stdout, req.Stderr)
		},
		LastBackup: func() (time.Time, error) {
			if backups == nil {
				return time.Time{}, nil
			}
			s := backups.Status()
			return s.Last, s.Err
		},
	})
	if err != nil {
		return err
	}
	state.sessions = srv.Sessions
	listen := cfg.str("listen")
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		srv.Close()
		return fmt.Errorf("--listen %s: %w", listen, err)
	}
	addr := ln.Addr().String()
	state.addr = addr
	// SIGHUP is caught before anything says the server is up (the address
	// file, the admin socket): a reload asked for at once is queued, not
	// the default action (ending the process).
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	addrFile := filepath.Join(dir, serveAddrFile)
	if err := os.WriteFile(addrFile, []byte(addr+"\n"), 0o600); err != nil {
		ln.Close()
		srv.Close()
		return err
	}
	defer os.Remove(addrFile)

	admin, err := listenAdmin(dir, state)
	if err != nil {
		logger.Warn("admin socket off: other owg commands cannot reach this server", "err", err)
	}
	actx, acancel := context.WithCancel(context.Background())
	defer acancel()
	if admin != nil {
		go admin.serve(actx)
	}
	if backups != nil {
		go backups.run(actx)
	}
	go reloadOnHUP(actx, hup, app, state, srv)

	fmt.Fprintf(app.Stdout, "owg serving %s on %s\nhost key %s\njoin with: %s\n",
		dir, addr, srv.HostKeyFingerprint(), joinCommand(addr))
	if backups != nil {
		enc := "encrypted"
		if backups.key == nil {
			enc = "NOT encrypted: the store has no key; give --backup-key-file"
		}
		fmt.Fprintf(app.Stdout, "backups into %s every %s (full daily, %d kept; %s)\n", backups.dir, backups.every, backups.keep, enc)
	}
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
	if admin != nil {
		admin.close(sctx)
	}
	acancel()
	serr := srv.Shutdown(sctx)
	if err := <-errc; err != nil {
		return err
	}
	if serr != nil && !errors.Is(serr, context.DeadlineExceeded) {
		return serr
	}
	return nil
}

// reloadOnHUP reloads the protocol file on each SIGHUP; a bad file keeps
// the protocol in force and says why in the log.
func reloadOnHUP(ctx context.Context, hup <-chan os.Signal, app *App, state *serverState, srv *sshserve.Server) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		app.protocol = nil
		p, err := app.Protocol()
		if err != nil {
			state.log.Error("SIGHUP: protocol not reloaded", "err", err)
			continue
		}
		// a changed protocol is a new version before anything is ranked with it
		if err := app.recordProtocol(state.st); err != nil {
			state.log.Error("SIGHUP: protocol not reloaded", "err", err)
			continue
		}
		state.setProtocol(p, app.protocolText)
		srv.SetProtocol(p)
		state.log.Info("SIGHUP: protocol reloaded", "version", app.ProtocolVersion())
	}
}

// serverGCPercent and serverMemoryLimit are the collector's settings for
// `owg serve` unless GOGC or GOMEMLIMIT set them. With Go's default (100)
// a 2,000-participant site with 50 sessions collected every twenty or so
// meeting moves, and the move a collection landed on took 260 ms of CPU
// instead of 50 (the slowest followers' repaint); at 400 the heap may grow
// to five times what is live, bounded by the limit, past which the
// collector runs as often as it must.
const (
	serverGCPercent   = 400
	serverMemoryLimit = 1 << 30
)

// serverGC applies serverGCPercent and serverMemoryLimit, each unless its
// environment variable is set.
func serverGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serverMemoryLimit)
	}
}
