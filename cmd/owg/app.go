package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
)

// serveAddrFile is the file in the data directory that `owg serve` writes
// while it runs, holding the address it listens on.
const serveAddrFile = "serve.addr"

// protocolFile is the data directory's protocol override.
const protocolFile = "protocol.toml"

// App is the state shared by every command: flags, environment, standard
// streams and the store, opened lazily and closed at exit.
type App struct {
	// Flags (persistent on the root command).
	DataFlag    string
	KeyFileFlag string
	// AuditKeyFileFlag is --audit-key-file: the key of the audit chain.
	AuditKeyFileFlag string
	ProtocolFlag     string
	AsFlag           string
	// ThemeFlag and LowBandwidthFlag set the local TUI's theme and mode
	// (over the user's saved preference).
	ThemeFlag        string
	LowBandwidthFlag bool

	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment (tests replace it).
	Getenv func(string) string
	// Now is the clock (tests fix it).
	Now func() time.Time
	// Interactive reports whether stdin and stdout are a terminal.
	Interactive func() bool

	// storeLog receives Badger's warnings and errors (serve: the server
	// log; the TUI: DATA/store.log); nil writes them to Stderr.
	storeLog badgerstore.Logger
	// trace times a local start's phases (OWG_TRACE_START; nil: off).
	trace *startTrace

	st       store.Store
	protocol *store.Protocol
	// protocolText is the text the protocol was read from (the embedded
	// default's when no file).
	protocolText []byte
	actor        *store.Actor
	started      bool // a command's run began: later errors are not usage errors

	// args are the arguments run was given (what a forwarded command sends).
	args []string
	// host is set when the command runs inside `owg serve`, on the server's
	// open store, for a forwarded CLI command or an SSH exec request.
	host *hostedRun
}

// hostedRun is how a command run inside the server differs from one run
// directly: the store is the server's (never closed by the command), the
// data directory is the server's, relative paths are the caller's, and over
// SSH the actor is the signed-in user and files travel only on stdin and
// stdout.
type hostedRun struct {
	srv     *serverState
	dataDir string
	workDir string            // the caller's working directory ("" over SSH)
	env     map[string]string // the caller's OWG_*, NO_COLOR and TERM
	actor   *store.Actor      // fixed actor (SSH); nil: the local operator or --as
}

// remote reports whether the command came over SSH rather than the local socket.
func (h *hostedRun) remote() bool { return h != nil && h.actor != nil }

// path resolves a file argument: relative to the caller's working directory
// when forwarded; over SSH only "-" (standard input or output) is allowed,
// since the server's files are not the caller's.
func (a *App) path(p string) (string, error) {
	if a.host == nil || p == "-" || p == "" {
		return p, nil
	}
	if a.host.remote() {
		return "", fmt.Errorf("%s: over ssh, files travel on standard input and output: give - instead", p)
	}
	if filepath.IsAbs(p) || a.host.workDir == "" {
		return p, nil
	}
	return filepath.Join(a.host.workDir, p), nil
}

// newApp returns an App on the process's streams and environment.
func newApp(stdin io.Reader, stdout, stderr io.Writer) *App {
	return &App{
		Stdin:       stdin,
		Stdout:      stdout,
		Stderr:      stderr,
		Getenv:      os.Getenv,
		Now:         time.Now,
		Interactive: func() bool { return isTerminal(stdin) && isTerminal(stdout) },
	}
}

// DataDir resolves the data directory: --data, else $OWG_DATA, else
// $XDG_DATA_HOME/owg, else ~/.local/share/owg.
func (a *App) DataDir() (string, error) {
	if a.host != nil {
		return a.host.dataDir, nil
	}
	if a.DataFlag != "" {
		return filepath.Abs(a.DataFlag)
	}
	if d := a.Getenv("OWG_DATA"); d != "" {
		return filepath.Abs(d)
	}
	if x := a.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "owg"), nil
	}
	home := a.Getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", errors.New("no data directory: give --data DIR or set OWG_DATA")
		}
		home = h
	}
	return filepath.Join(home, ".local", "share", "owg"), nil
}

// Key reads the encryption key from --key-file or $OWG_KEY_FILE; nil when
// neither is given.
func (a *App) Key() ([]byte, error) {
	path := a.KeyFileFlag
	if path == "" {
		path = a.Getenv("OWG_KEY_FILE")
	}
	if path == "" {
		return nil, nil
	}
	path, err := a.path(path)
	if err != nil {
		return nil, err
	}
	return badgerstore.ReadKeyFile(path)
}

// AuditKey returns the key of the audit chain: --audit-key-file, else
// $OWG_AUDIT_KEY_FILE, else one derived from the encryption key (an
// encrypted store's chain is always keyed), else nil (the chain stays
// unkeyed: owg never makes a key on its own, since a key only one account
// can read would lock every other account, and a lost one the trail).
func (a *App) AuditKey() ([]byte, error) {
	path := a.AuditKeyFileFlag
	if path == "" {
		path = a.Getenv("OWG_AUDIT_KEY_FILE")
	}
	if path != "" {
		k, err := badgerstore.ReadKeyFile(path)
		if err != nil {
			return nil, fmt.Errorf("audit %w", err)
		}
		return k, nil
	}
	key, err := a.Key()
	if err != nil || key == nil {
		return nil, err
	}
	return badgerstore.DeriveAuditKey(key), nil
}

// storeOptions are the options every command opens the store with.
func (a *App) storeOptions() (badgerstore.Options, error) {
	key, err := a.Key()
	if err != nil {
		return badgerstore.Options{}, err
	}
	akey, err := a.AuditKey()
	if err != nil {
		return badgerstore.Options{}, err
	}
	o := badgerstore.Options{Key: key, AuditKey: akey, Now: a.Now, Logger: a.storeLog}
	if a.trace != nil {
		o.Trace = a.trace.mark
	}
	if o.Logger == nil {
		o.Logger = stderrLogger{a.Stderr}
	}
	o.Warn = func(msg string) { fmt.Fprintf(a.Stderr, "owg: note: %s\n", msg) }
	return o, nil
}

// stderrLogger writes Badger's warnings and errors to w, one line each.
type stderrLogger struct{ w io.Writer }

func (l stderrLogger) Errorf(f string, v ...any) {
	fmt.Fprintf(l.w, "owg: store error: %s\n", strings.TrimSpace(fmt.Sprintf(f, v...)))
}
func (l stderrLogger) Warningf(f string, v ...any) {
	fmt.Fprintf(l.w, "owg: store warning: %s\n", strings.TrimSpace(fmt.Sprintf(f, v...)))
}
func (stderrLogger) Infof(string, ...any)  {}
func (stderrLogger) Debugf(string, ...any) {}

// Open opens the store once and returns it; later calls return the same one.
func (a *App) Open() (store.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	dir, err := a.DataDir()
	if err != nil {
		return nil, err
	}
	o, err := a.storeOptions()
	if err != nil {
		return nil, err
	}
	db, err := badgerstore.Open(dir, o)
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return nil, lockedError(dir)
		}
		return nil, err
	}
	if len(db.Damage()) > 0 {
		fmt.Fprintf(a.Stderr, "owg: the store in %s is damaged: it can be read but takes no writes; run `owg check` for the details and `owg repair` to go on (it keeps a copy of what it moves)\n", dir)
	}
	a.st = db
	if err := a.recordProtocol(db); err != nil {
		return nil, err
	}
	a.trace.mark("open: protocol recorded")
	return db, nil
}

// recordProtocol stores the protocol in force as a new version when it
// differs from the newest stored one (at every open, so a changed file is
// a new version before anything is ranked or decided with it). A protocol
// that does not load is left to the command that needs it.
func (a *App) recordProtocol(st store.Store) error {
	if _, err := a.Protocol(); err != nil {
		return nil
	}
	v, isNew, err := st.RecordProtocol(context.Background(), store.SystemActor, a.protocolText)
	if errors.Is(err, badgerstore.ErrDamaged) {
		return nil // a damaged store is read as it is (the warning above says so)
	}
	if err != nil {
		return fmt.Errorf("record the protocol version: %w", err)
	}
	if isNew && v.Seq > 1 {
		fmt.Fprintf(a.Stderr, "owg: protocol changed: version %s (%d) recorded\n", v.Version, v.Seq)
	}
	return nil
}

// ProtocolVersion is the version of the protocol in force (its text's hash).
func (a *App) ProtocolVersion() string {
	if _, err := a.Protocol(); err != nil {
		return ""
	}
	return store.ProtocolVersionOf(a.protocolText)
}

// openAs opens the store and returns it with who acts (see Open and Actor).
func (a *App) openAs(ctx context.Context) (store.Store, store.Actor, error) {
	st, err := a.Open()
	if err != nil {
		return nil, store.Actor{}, err
	}
	act, err := a.Actor(ctx)
	if err != nil {
		return nil, store.Actor{}, err
	}
	return st, act, nil
}

// Close closes the store if it was opened.
func (a *App) Close() error {
	if a.host != nil {
		a.st = nil // the server's store: the server closes it
		return nil
	}
	if a.st == nil {
		return nil
	}
	err := a.st.Close()
	a.st = nil
	return err
}

// Protocol returns the site protocol: --protocol FILE, else the data
// directory's protocol.toml when present, else the embedded default.
func (a *App) Protocol() (store.Protocol, error) {
	if a.protocol != nil {
		return *a.protocol, nil
	}
	if a.host != nil && a.ProtocolFlag == "" {
		p, text := a.host.srv.protocol()
		a.protocol, a.protocolText = &p, text
		return p, nil
	}
	path, err := a.protocolPath()
	if err != nil {
		return store.Protocol{}, err
	}
	if a.ProtocolFlag == "" {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			p := store.DefaultProtocol()
			a.protocol, a.protocolText = &p, store.DefaultProtocolTOML()
			return p, nil
		}
	}
	p, err := store.LoadProtocol(path)
	if err != nil {
		return store.Protocol{}, err
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return store.Protocol{}, err
	}
	a.protocol, a.protocolText = &p, text
	return p, nil
}

// protocolPath is the protocol file: --protocol's (resolved like every file
// argument), else the data directory's protocol.toml (which may not exist).
func (a *App) protocolPath() (string, error) {
	path, err := a.path(a.ProtocolFlag)
	if err != nil || path != "" {
		return path, err
	}
	dir, err := a.DataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, protocolFile), nil
}

// Actor returns who acts: the --as user (registered and active), or the
// local operator acting as pm.
func (a *App) Actor(ctx context.Context) (store.Actor, error) {
	if a.actor != nil {
		return *a.actor, nil
	}
	act := store.SystemActor
	if a.host.remote() {
		if a.AsFlag != "" && a.AsFlag != a.host.actor.User {
			return store.Actor{}, errors.New("--as: over ssh you act as yourself")
		}
		act = *a.host.actor
		a.actor = &act
		return act, nil
	}
	if a.AsFlag != "" {
		st, err := a.Open()
		if err != nil {
			return store.Actor{}, err
		}
		u, err := st.GetUser(ctx, a.AsFlag)
		if errors.Is(err, store.ErrNotFound) {
			return store.Actor{}, fmt.Errorf("--as: no user named %q (see owg user list)", a.AsFlag)
		}
		if err != nil {
			return store.Actor{}, err
		}
		if !u.Active {
			return store.Actor{}, fmt.Errorf("--as: user %q is disabled", u.Name)
		}
		act = store.Actor{User: u.Name, Role: u.Role, Agency: u.Agency}
	}
	a.actor = &act
	return act, nil
}

// LockedError is the plain message for a store held by another process.
type LockedError struct {
	Dir  string
	Join string // "ssh -p PORT HOST" when a server holds it
}

// Error says the store is in use and, when a server holds it, how to join.
func (e *LockedError) Error() string {
	msg := fmt.Sprintf("the store in %s is in use by another owg process", e.Dir)
	if e.Join != "" {
		msg += "\njoin it with: " + e.Join
	}
	return msg
}

// Unwrap returns store.ErrLocked, so errors.Is matches it.
func (e *LockedError) Unwrap() error { return store.ErrLocked }

// lockedError builds the locked-store error for dir, reading the server's
// address file when there is one.
func lockedError(dir string) error {
	e := &LockedError{Dir: dir}
	if b, err := os.ReadFile(filepath.Join(dir, serveAddrFile)); err == nil {
		e.Join = joinCommand(strings.TrimSpace(string(b)))
	}
	return e
}

// joinCommand turns a listen address into the ssh command that joins it.
func joinCommand(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return ""
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "localhost"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == "22" {
		return "ssh " + host
	}
	return "ssh -p " + port + " " + host
}

// usageError marks an error as a usage error (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitError carries an exit code with an optional message already printed.
type exitError struct {
	code int
	msg  string // printed as "owg: msg" when not empty
}

func (e exitError) Error() string {
	if e.msg == "" {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.msg
}

// isTerminal reports whether f is a terminal.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
