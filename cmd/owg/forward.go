package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
)

// A running `owg serve` holds the store, so every other owg command on the
// same data directory is forwarded to it over a unix socket in the data
// directory and run there, in-process, by the same command tree against the
// open store (the same rules, the same audit trail). The client prints
// what comes back and exits with the same code.
//
// The wire protocol is small and private to owg:
//   - client to server: one JSON line (forwardRequest), then standard
//     input as raw bytes until the client half-closes;
//   - server to client: frames of one kind byte ('o' stdout, 'e' stderr,
//     'x' exit code in decimal), a 4-byte big-endian length and the bytes.

// adminSocketName is the socket `owg serve` listens on in the data directory.
const adminSocketName = "owg.sock"

// Command annotations: annotLocal marks a command that never forwards to a
// running server (its value says why, to whoever asks the server to run
// it); annotNoSSH one that the server runs for the local socket only.
const (
	annotLocal = "owg/local"
	annotNoSSH = "owg/no-ssh"
)

// Bounds on one forwarded request.
const (
	maxRequestHeader = 256 << 10 // the JSON line: arguments and environment
	maxFrame         = 1 << 20

	requestHeaderTimeout = 10 * time.Second
)

// forwardRequest is the first line a client sends.
type forwardRequest struct {
	V    int               `json:"v"`
	Args []string          `json:"args"`
	Cwd  string            `json:"cwd"`
	Env  map[string]string `json:"env,omitempty"`
}

// annotate sets annotation key on cmd to why and returns cmd.
func annotate(cmd *cobra.Command, key, why string) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[key] = why
	return cmd
}

// annotation returns cmd's own annotation key, or "".
func annotation(cmd *cobra.Command, key string) string {
	return cmd.Annotations[key]
}

// isHelp reports whether cmd is cobra's help or completion command.
func isHelp(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		switch c.Name() {
		case "help", "completion", "__complete", "__completeNoDesc":
			return true
		}
	}
	return false
}

// hostedRefusal says why cmd cannot run inside the server for this
// caller, or "" when it can.
func hostedRefusal(cmd *cobra.Command, app *App) string {
	if isHelp(cmd) {
		return ""
	}
	if why := annotation(cmd, annotLocal); why != "" {
		return why
	}
	if app.host.remote() {
		if why := annotation(cmd, annotNoSSH); why != "" {
			return why
		}
	}
	return ""
}

// maybeForward runs before every command: when a server holds the data
// directory it forwards the command there and returns the remote exit code
// as an exitError (so the local run stops); otherwise it returns nil and the
// command runs here.
func maybeForward(cmd *cobra.Command, app *App) error {
	if app.host != nil {
		if why := hostedRefusal(cmd, app); why != "" {
			return exitError{code: 1, msg: why}
		}
		return nil
	}
	if isHelp(cmd) || annotation(cmd, annotLocal) != "" {
		return nil
	}
	if cmd.Flags().Changed("help") {
		return nil
	}
	dir, err := app.DataDir()
	if err != nil {
		return nil // the command reports it
	}
	conn, err := dialServer(dir)
	if err != nil {
		return nil // no server: run here
	}
	defer conn.Close()
	// The command was parsed and handed on: whatever fails from here (a
	// lost connection, the server's own error) is not a usage error.
	app.started = true
	code, err := forwardOver(cmd.Context(), conn, app)
	if err != nil {
		return fmt.Errorf("the server on %s: %w", dir, err)
	}
	return exitError{code: code}
}

// dialServer connects to the admin socket in dir, if a server listens there.
func dialServer(dir string) (*net.UnixConn, error) {
	path := filepath.Join(dir, adminSocketName)
	if _, err := os.Lstat(path); err != nil {
		return nil, err
	}
	c, err := net.DialTimeout("unix", path, 2*time.Second)
	if err != nil {
		return nil, err
	}
	return c.(*net.UnixConn), nil
}

// forwardOver sends app's command to the server on conn, copies the output
// to app's streams and returns the exit code.
func forwardOver(ctx context.Context, conn *net.UnixConn, app *App) (int, error) {
	cwd, _ := os.Getwd()
	req := forwardRequest{V: 1, Args: app.args, Cwd: cwd, Env: map[string]string{}}
	names := []string{"OWG_DATA", "OWG_KEY_FILE", "NO_COLOR", "TERM", "HOME", "XDG_DATA_HOME"}
	for _, kv := range os.Environ() {
		if k, _, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "OWG_") {
			names = append(names, k)
		}
	}
	for _, k := range names {
		if v := app.Getenv(k); v != "" {
			req.Env[k] = v
		}
	}
	b, err := json.Marshal(req)
	if err != nil {
		return 1, err
	}
	if _, err := conn.Write(append(b, '\n')); err != nil {
		return 1, err
	}
	// Standard input goes on as it is, unless it is the terminal (a
	// forwarded command never prompts).
	if app.Stdin != nil && !isTerminal(app.Stdin) {
		go func() {
			_, _ = io.Copy(conn, app.Stdin)
			_ = conn.CloseWrite()
		}()
	} else {
		_ = conn.CloseWrite()
	}
	stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Now()) })
	defer stop()
	r := bufio.NewReader(conn)
	for {
		kind, data, err := readFrame(r)
		if err != nil {
			if ctx.Err() != nil {
				return 130, nil
			}
			return 1, fmt.Errorf("connection lost before the command finished: %w", err)
		}
		switch kind {
		case 'o':
			_, _ = app.Stdout.Write(data)
		case 'e':
			_, _ = app.Stderr.Write(data)
		case 'x':
			code, err := strconv.Atoi(string(data))
			if err != nil {
				return 1, fmt.Errorf("bad exit frame %q", data)
			}
			return code, nil
		default:
			return 1, fmt.Errorf("unknown frame %q", kind)
		}
	}
}

func readFrame(r *bufio.Reader) (byte, []byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n > maxFrame {
		return 0, nil, fmt.Errorf("frame of %d bytes", n)
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(r, data); err != nil {
		return 0, nil, err
	}
	return hdr[0], data, nil
}

// frameWriter writes one stream of a forwarded command as frames; writers
// of the same connection share the lock.
type frameWriter struct {
	mu   *sync.Mutex
	w    io.Writer
	kind byte
}

func (f frameWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for len(p) > 0 {
		chunk := p
		if len(chunk) > maxFrame {
			chunk = chunk[:maxFrame]
		}
		var hdr [5]byte
		hdr[0] = f.kind
		binary.BigEndian.PutUint32(hdr[1:], uint32(len(chunk)))
		if _, err := f.w.Write(hdr[:]); err != nil {
			return n, err
		}
		if _, err := f.w.Write(chunk); err != nil {
			return n, err
		}
		n += len(chunk)
		p = p[len(chunk):]
	}
	return n, nil
}

// adminSocket is the server's end: it accepts connections from the same OS
// user only and runs each request on the server's store.
type adminSocket struct {
	ln   *net.UnixListener
	path string
	srv  *serverState
	wg   sync.WaitGroup
}

// listenAdmin listens on the admin socket in dir (mode 0600). A stale socket
// left by a server that died is removed: the caller holds the store's lock,
// so no other server can be using it.
func listenAdmin(dir string, srv *serverState) (*adminSocket, error) {
	path := filepath.Join(dir, adminSocketName)
	if len(path) > 100 {
		return nil, fmt.Errorf("admin socket path %s is too long for a unix socket (100 bytes at most): use a shorter --data", path)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("%s exists and is not a socket: move it away", path)
		}
		_ = os.Remove(path)
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	ln.SetUnlinkOnClose(true)
	return &adminSocket{ln: ln, path: path, srv: srv}, nil
}

// serve accepts requests until the listener closes.
func (a *adminSocket) serve(ctx context.Context) {
	for {
		c, err := a.ln.AcceptUnix()
		if err != nil {
			return
		}
		a.wg.Go(func() { a.handle(ctx, c) })
	}
}

// close stops accepting and waits (bounded by ctx) for running requests.
func (a *adminSocket) close(ctx context.Context) {
	_ = a.ln.Close()
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

func (a *adminSocket) handle(ctx context.Context, c *net.UnixConn) {
	defer c.Close()
	var mu sync.Mutex
	stdout := frameWriter{mu: &mu, w: c, kind: 'o'}
	stderr := frameWriter{mu: &mu, w: c, kind: 'e'}
	exit := func(code int) {
		_, _ = frameWriter{mu: &mu, w: c, kind: 'x'}.Write([]byte(strconv.Itoa(code)))
	}
	if err := checkPeer(c); err != nil {
		a.srv.log.Warn("admin socket: refused a connection", "err", err)
		fmt.Fprintf(stderr, "owg: %v\n", err)
		exit(1)
		return
	}
	// A caller that connects and says nothing does not hold a goroutine
	// (and the server's shutdown) for long.
	_ = c.SetReadDeadline(time.Now().Add(requestHeaderTimeout))
	r := bufio.NewReaderSize(c, 64<<10)
	line, err := readLine(r, maxRequestHeader)
	_ = c.SetReadDeadline(time.Time{})
	if err != nil {
		fmt.Fprintf(stderr, "owg: bad request: %v\n", err)
		exit(2)
		return
	}
	var req forwardRequest
	if err := json.Unmarshal(line, &req); err != nil || req.V != 1 {
		fmt.Fprintln(stderr, "owg: bad request: this server speaks another owg version")
		exit(2)
		return
	}
	code := a.srv.runHosted(ctx, &hostedRun{srv: a.srv, workDir: req.Cwd, env: req.Env}, req.Args, r, stdout, stderr)
	exit(code)
}

// readLine reads one line of at most max bytes.
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	var out []byte
	for {
		chunk, err := r.ReadSlice('\n')
		out = append(out, chunk...)
		if len(out) > max {
			return nil, errors.New("request too long")
		}
		if err == nil {
			return out, nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
	}
}

// readInput reads a file argument, or standard input for "-".
func readInput(app *App, path string) ([]byte, error) { return readInputLimit(app, path, 0) }

// readInputLimit is readInput bounded to limit bytes (0: no bound): a
// longer input is an error wrapping store.ErrFileTooLarge.
func readInputLimit(app *App, path string, limit int64) ([]byte, error) {
	if limit > 0 {
		if path == "-" {
			b, err := io.ReadAll(io.LimitReader(app.Stdin, limit+1))
			if err == nil && int64(len(b)) > limit {
				err = fmt.Errorf("standard input: %w (over %d KiB)", store.ErrFileTooLarge, limit>>10)
			}
			return b, err
		}
		p, err := app.path(path)
		if err != nil {
			return nil, err
		}
		return store.ReadFileLimit(p, limit)
	}
	if path == "-" {
		return io.ReadAll(app.Stdin)
	}
	p, err := app.path(path)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}
