package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
)

// The out-of-process benchmarks (issue 16) run the real `owg serve` binary
// in its own process on an on-disk demo site (`owg demo --participants N`,
// SyncWrites as always), sign in x/crypto/ssh clients from the benchmark
// process and measure the server process alone: its CPU from
// /proc/PID/task/*/schedstat (nanoseconds on the CPU, every thread), its
// heap from `owg stats --json --gc` over the admin socket. Contacts are
// logged through the running server with `owg contact add` (forwarded over
// the admin socket), and the cost of the same command with no session
// connected is measured first in each run, so the fan-out's share can be
// told apart. Each figure is reported as min, median and max over at least
// three repetitions (-benchtime 1x runs three). The 2,000 size is skipped
// with -short; at 200, -benchtime 1x runs in well under a minute:
//
//	go test ./cmd/owg -run '^$' -bench 'Serve' -benchtime 1x -short
//	go test ./cmd/owg -run '^$' -bench 'Serve' -benchtime 3x

// serveReps is how many repetitions one benchmark iteration makes.
const serveReps = 3

// benchBinary builds owg once per test binary run.
var benchBinary = sync.OnceValues(func() (string, error) {
	// OWG_BENCH_BIN measures another build (an older one, to compare)
	if bin := os.Getenv("OWG_BENCH_BIN"); bin != "" {
		return bin, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	dir, err := benchTempDir("owg-bench-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "owg")
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func owgBinary(b *testing.B) string {
	b.Helper()
	bin, err := benchBinary()
	if err != nil {
		b.Skip(err)
	}
	return bin
}

// benchTemps are the directories that outlive one benchmark (the binary,
// the pristine sites); TestMain removes them (removeBenchTemps).
var (
	benchTempsMu sync.Mutex
	benchTemps   []string
)

func benchTempDir(pattern string) (string, error) {
	dir, err := os.MkdirTemp("", pattern)
	if err == nil {
		benchTempsMu.Lock()
		benchTemps = append(benchTemps, dir)
		benchTempsMu.Unlock()
	}
	return dir, err
}

func removeBenchTemps() {
	benchTempsMu.Lock()
	defer benchTempsMu.Unlock()
	for _, d := range benchTemps {
		os.RemoveAll(d)
	}
	benchTemps = nil
}

// benchSites holds one pristine demo site per size (made once per run,
// copied for each benchmark that writes to it).
var benchSites sync.Map // int -> string

func serveSizes() []int {
	if testing.Short() {
		return []int{200}
	}
	return []int{200, 2000}
}

// benchEnv is the environment the owg processes run with: no OWG_*
// variable of whoever runs the benchmark.
func benchEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OWG_") {
			env = append(env, kv)
		}
	}
	return env
}

// owgRun runs the owg binary on dir with args and returns its stdout.
func owgRun(b *testing.B, bin, dir string, stdin []byte, args ...string) string {
	b.Helper()
	cmd := exec.Command(bin, append([]string{"--data", dir}, args...)...)
	cmd.Env = benchEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	if err := cmd.Run(); err != nil {
		b.Fatalf("owg %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// pristineSite returns a demo site of n participants (made once) with a
// supervisor "bench-sup" holding the returned key.
func pristineSite(b *testing.B, bin string, n int) (string, gossh.Signer) {
	b.Helper()
	key := benchKey(b)
	if d, ok := benchSites.Load(n); ok {
		return d.(string), key
	}
	root, err := benchTempDir("owg-bench-site-")
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(root, "data")
	owgRun(b, bin, dir, nil, "demo", "--participants", strconv.Itoa(n))
	pub := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key.PublicKey())))
	owgRun(b, bin, dir, nil, "user", "add", "--name", "bench-sup", "--role", "supervisor", "--agency", "LEAD Case Management", "--key", pub)
	if distinctUsers() {
		for i := range maxBenchUsers {
			pub := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(userKey(i).PublicKey())))
			owgRun(b, bin, dir, nil, "user", "add", "--name", fmt.Sprintf("bench-sup-%d", i+1), "--role", "supervisor", "--agency", "LEAD Case Management", "--key", pub)
		}
	}
	benchSites.Store(n, dir)
	return dir, key
}

// copySite copies a pristine site into a fresh directory.
func copySite(b *testing.B, src string) string {
	b.Helper()
	dst := filepath.Join(b.TempDir(), "data")
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		b.Fatalf("cp: %v %s", err, out)
	}
	return dst
}

var benchKeyOnce = sync.OnceValue(func() gossh.Signer {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		panic(err)
	}
	return s
})

func benchKey(*testing.B) gossh.Signer { return benchKeyOnce() }

// distinctUsers: with OWG_BENCH_DISTINCT_USERS=1 the fan-out benchmark
// signs each session in as a supervisor of its own (bench-sup-N) instead
// of all as bench-sup: no two screens are then the same (each shows its
// user's name in the tab bar), so sessions share no frame drawing
// (tui/frames/share.go), as at a real site.
func distinctUsers() bool { return os.Getenv("OWG_BENCH_DISTINCT_USERS") == "1" }

const maxBenchUsers = 50

var userKeys = sync.OnceValue(func() []gossh.Signer {
	out := make([]gossh.Signer, maxBenchUsers)
	for i := range out {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			panic(err)
		}
		if out[i], err = gossh.NewSignerFromKey(priv); err != nil {
			panic(err)
		}
	}
	return out
})

func userKey(i int) gossh.Signer { return userKeys()[i%maxBenchUsers] }

// server is one `owg serve` process.
type server struct {
	bin, dir string
	cmd      *exec.Cmd
	addr     string
	pid      int
	logs     *lockedBuf
}

// startServer starts `owg serve` on dir, listening on a free loopback port,
// and stops it (by its PID) when b ends.
func startServer(b *testing.B, bin, dir string) *server {
	b.Helper()
	cmd := exec.Command(bin, "--data", dir, "serve", "--listen", "127.0.0.1:0", "--max-sessions", "500", "--idle-timeout", "2h")
	cmd.Env = benchEnv()
	if prefix := os.Getenv("OWG_BENCH_CPUPROFILE"); prefix != "" {
		// one CPU profile of the whole server run per benchmark, written
		// when it is stopped (OWG_CPUPROFILE)
		name := strings.NewReplacer("/", "_", "=", "", " ", "_").Replace(b.Name())
		cmd.Env = append(cmd.Env, "OWG_CPUPROFILE="+prefix+name+".pprof")
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	logs := &lockedBuf{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s := &server{bin: bin, dir: dir, cmd: cmd, pid: cmd.Process.Pid, logs: logs}
	b.Cleanup(func() {
		_ = syscall.Kill(s.pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = syscall.Kill(s.pid, syscall.SIGKILL)
			<-done
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if rest, ok := strings.CutPrefix(line, "owg serving "); ok {
				if i := strings.LastIndex(rest, " on "); i >= 0 {
					addr <- rest[i+4:]
				}
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			b.Fatalf("owg serve ended before it listened:\n%s", logs.String())
		}
		s.addr = a
	case <-time.After(60 * time.Second):
		b.Fatalf("owg serve did not listen in 60 s:\n%s", logs.String())
	}
	return s
}

// cpu is the server process's time on the CPU so far, summed over its
// threads (nanosecond resolution, unlike /proc/PID/stat's clock ticks).
func (s *server) cpu(b *testing.B) time.Duration {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", s.pid))
	if err != nil {
		b.Fatalf("server CPU: %v", err)
	}
	var total time.Duration
	for _, t := range tasks {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", s.pid, t.Name()))
		if err != nil {
			continue // the thread ended
		}
		f := strings.Fields(string(raw))
		if len(f) > 0 {
			ns, _ := strconv.ParseInt(f[0], 10, 64)
			total += time.Duration(ns)
		}
	}
	return total
}

// rss is the server's resident set from /proc/PID/status.
func (s *server) rss(b *testing.B) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// quiet waits until the server has used under 1 ms of CPU in 50 ms more
// than idle (its CPU per second with nothing happening: the sessions'
// frame ticks), at most d, so the next measurement starts from an idle
// server.
func (s *server) quiet(b *testing.B, idle float64, d time.Duration) {
	const window = 50 * time.Millisecond
	deadline := time.Now().Add(d)
	last := s.cpu(b)
	for time.Now().Before(deadline) {
		time.Sleep(window)
		now := s.cpu(b)
		if now-last < time.Millisecond+time.Duration(idle*float64(window)) {
			return
		}
		last = now
	}
}

// idleRate is the server's CPU per second of wall time while nothing
// happens, over 1 s.
func (s *server) idleRate(b *testing.B) float64 {
	c0, t0 := s.cpu(b), time.Now()
	time.Sleep(time.Second)
	return float64(s.cpu(b)-c0) / float64(time.Since(t0))
}

// stats runs `owg stats --json --gc` against the server.
func (s *server) stats(b *testing.B) serverStats {
	var st serverStats
	out := owgRun(b, s.bin, s.dir, nil, "stats", "--json", "--gc")
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		b.Fatalf("owg stats: %v\n%s", err, out)
	}
	return st
}

// srcAddr hands each connection its own loopback source address, so the
// server's per-address limits (30 sessions a burst, 16 signing in) do not
// slow the benchmark down: they are not what it measures.
var srcAddr atomic.Uint32

func (s *server) dial(key gossh.Signer) (*gossh.Client, error) {
	n := srcAddr.Add(1)
	local := &net.TCPAddr{IP: net.IPv4(127, 1, byte(n>>8), byte(n))}
	d := net.Dialer{LocalAddr: local, Timeout: 20 * time.Second}
	conn, err := d.Dial("tcp", s.addr)
	if err != nil {
		return nil, err
	}
	c, chans, reqs, err := gossh.NewClientConn(conn, s.addr, &gossh.ClientConfig{
		User: "owg", Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 20 * time.Second,
	})
	if err != nil {
		conn.Close()
		return nil, err
	}
	return gossh.NewClient(c, chans, reqs), nil
}

// term is one signed-in 80x24 terminal.
type term struct {
	conn *gossh.Client
	sess *gossh.Session
	in   io.WriteCloser
	out  *lockedBuf
}

// send types s.
func (t *term) send(s string) { _, _ = io.WriteString(t.in, s) }

// shell opens an 80x24 xterm-256color shell on conn.
func shell(conn *gossh.Client) (*term, error) {
	sess, err := conn.NewSession()
	if err != nil {
		return nil, err
	}
	t := &term{conn: conn, sess: sess, out: &lockedBuf{}}
	sess.Stdout, sess.Stderr = t.out, t.out
	if t.in, err = sess.StdinPipe(); err != nil {
		return nil, err
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *term) close() {
	_ = t.sess.Close()
	_ = t.conn.Close()
}

// await waits until the screen shows want (at most d).
func (t *term) await(want string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for !strings.Contains(ansi.Strip(t.out.String()), want) {
		if time.Now().After(deadline) {
			return fmt.Errorf("no %q on the screen in %s; got %q", want, d, ansi.Strip(t.out.String()))
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

// growth waits until the screen holds more than n bytes (at most d).
func (t *term) growth(n int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for t.out.Len() <= n {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(200 * time.Microsecond)
	}
	return true
}

// settle waits until nothing arrives for quiet (at most d).
func (t *term) settle(quiet, d time.Duration) {
	deadline := time.Now().Add(d)
	n, since := t.out.Len(), time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		if m := t.out.Len(); m != n {
			n, since = m, time.Now()
		} else if time.Since(since) >= quiet {
			return
		}
	}
}

// signIn dials, opens the shell and waits for the Today frame.
func (s *server) signIn(b *testing.B, key gossh.Signer) *term {
	b.Helper()
	conn, err := s.dial(key)
	if err != nil {
		b.Fatalf("dial: %v\n%s", err, s.logs.String())
	}
	t, err := shell(conn)
	if err != nil {
		conn.Close()
		b.Fatal(err)
	}
	if err := t.await("Overdue", 60*time.Second); err != nil {
		t.close()
		b.Fatal(err)
	}
	return t
}

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuf) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Len()
}

// overdueIDs lists active participants past the protocol's contact days
// (a contact for one changes every supervisor's Today), read from the
// store before the server holds it.
func overdueIDs(b *testing.B, dir string) []string {
	b.Helper()
	db, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ps, err := db.ListParticipants(context.Background(), store.ParticipantFilter{ActiveOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	days, today := store.DefaultProtocol().OverdueContactDays, store.Today(time.Now())
	var out []string
	for _, p := range ps {
		last := p.LastContact
		if last.IsZero() {
			last = p.EnrolledOn
		}
		if store.DaysBetween(last, today) > days {
			out = append(out, p.ID)
		}
	}
	return out
}

// reportSpread reports min, median and max of ds in milliseconds.
func reportSpread(b *testing.B, ds []time.Duration, unit string) {
	if len(ds) == 0 {
		return
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(s[0]), "min-"+unit)
	b.ReportMetric(ms(s[len(s)/2]), unit)
	b.ReportMetric(ms(s[len(s)-1]), "max-"+unit)
}

func medianOf(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkServeContactFanout: the server's CPU per contact logged through
// it (`owg contact add` over the admin socket) with 1, 10 and 50
// supervisors on Today, and the time from starting the command until the
// last session's screen changed. cpu-ms/contact is the whole; net is the
// whole less the median of the same command with no session connected
// (measured first in each run, base-cpu-ms/contact).
func BenchmarkServeContactFanout(b *testing.B) {
	bin := owgBinary(b)
	for _, n := range serveSizes() {
		for _, sessions := range []int{1, 10, 50} {
			b.Run(fmt.Sprintf("participants=%d/sessions=%d", n, sessions), func(b *testing.B) {
				src, key := pristineSite(b, bin, n)
				dir := copySite(b, src)
				todo := overdueIDs(b, dir)
				srv := startServer(b, bin, dir)
				next := 0
				contact := func() (time.Duration, time.Duration, time.Time) {
					if next >= len(todo) {
						b.Fatalf("only %d overdue participants to contact", len(todo))
					}
					id := todo[next]
					next++
					c0, t0 := srv.cpu(b), time.Now()
					owgRun(b, bin, dir, nil, "contact", "add", id, "--kind", "phone", "--note", "bench call")
					return c0, time.Since(t0), t0
				}
				// the same command with nobody connected
				// (one first to warm the server's command path, not counted)
				srv.quiet(b, 0, 5*time.Second)
				contact()
				srv.quiet(b, 0, 5*time.Second)
				var base []time.Duration
				for range serveReps {
					c0, _, _ := contact()
					srv.quiet(b, 0, 5*time.Second)
					base = append(base, srv.cpu(b)-c0)
				}
				ts := make([]*term, sessions)
				for i := range ts {
					k := key
					if distinctUsers() {
						k = userKey(i)
					}
					ts[i] = srv.signIn(b, k)
					defer ts[i].close()
				}
				for _, t := range ts {
					t.settle(200*time.Millisecond, 10*time.Second)
				}
				srv.quiet(b, 0, 3*time.Second)
				idle := srv.idleRate(b)

				var cpu, netCPU, last, cmdWall []time.Duration
				missed, contacts := 0, 0
				for b.Loop() {
					for range serveReps {
						before := make([]int, len(ts))
						for j, t := range ts {
							before[j] = t.out.Len()
						}
						c0, wall, t0 := contact()
						contacts++
						cmdWall = append(cmdWall, wall)
						var lastAt time.Time
						for j, t := range ts {
							if t.growth(before[j], 20*time.Second) {
								lastAt = time.Now()
							} else {
								missed++
							}
						}
						if !lastAt.IsZero() {
							last = append(last, lastAt.Sub(t0))
						}
						srv.quiet(b, idle, 10*time.Second)
						used := srv.cpu(b) - c0 - time.Duration(idle*float64(time.Since(t0)))
						cpu = append(cpu, used)
						netCPU = append(netCPU, used-medianOf(base))
					}
				}
				if os.Getenv("OWG_BENCH_LOG") != "" {
					b.Logf("cpu per contact, in order: %v", cpu)
				}
				reportSpread(b, cpu, "cpu-ms/contact")
				reportSpread(b, netCPU, "net-cpu-ms/contact")
				reportSpread(b, base, "base-cpu-ms/contact")
				reportSpread(b, last, "ms-to-last-repaint")
				reportSpread(b, cmdWall, "ms-command")
				b.ReportMetric(idle*1000, "idle-cpu-ms/s")
				b.ReportMetric(float64(missed)/float64(contacts), "sessions-not-repainted/contact")
			})
		}
	}
}

// BenchmarkServeSignIn: the server's CPU to sign one supervisor in, from
// the dial to the full Today frame, split into the SSH handshake (key
// exchange and public-key authentication: until the client's dial
// returns) and the session (pty, shell, first frame); then the heap and
// resident memory each of 20 connected sessions keeps (`owg stats --gc`).
func BenchmarkServeSignIn(b *testing.B) {
	bin := owgBinary(b)
	for _, n := range serveSizes() {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			src, key := pristineSite(b, bin, n)
			dir := copySite(b, src)
			srv := startServer(b, bin, dir)
			// one sign-in first: the shared snapshot is read once per
			// process, not per session
			srv.signIn(b, key).close()
			srv.quiet(b, 0, 3*time.Second)
			idle := srv.idleRate(b)
			var cpu, hs, sess, wall []time.Duration
			for b.Loop() {
				for range serveReps {
					srv.quiet(b, idle, 10*time.Second)
					c0, t0 := srv.cpu(b), time.Now()
					conn, err := srv.dial(key)
					if err != nil {
						b.Fatal(err)
					}
					c1 := srv.cpu(b)
					t, err := shell(conn)
					if err != nil {
						b.Fatal(err)
					}
					if err := t.await("Overdue", 60*time.Second); err != nil {
						b.Fatal(err)
					}
					wall = append(wall, time.Since(t0))
					c2 := srv.cpu(b)
					cpu, hs, sess = append(cpu, c2-c0), append(hs, c1-c0), append(sess, c2-c1)
					t.close()
				}
			}
			reportSpread(b, cpu, "cpu-ms/signin")
			reportSpread(b, hs, "handshake-cpu-ms")
			reportSpread(b, sess, "session-cpu-ms")
			reportSpread(b, wall, "ms-to-frame")

			const held = 20
			srv.quiet(b, idle, 10*time.Second)
			st0, rss0 := srv.stats(b), srv.rss(b)
			ts := make([]*term, held)
			for i := range ts {
				ts[i] = srv.signIn(b, key)
				defer ts[i].close()
			}
			for _, t := range ts {
				t.settle(200*time.Millisecond, 10*time.Second)
			}
			srv.quiet(b, idle, 10*time.Second)
			st1, rss1 := srv.stats(b), srv.rss(b)
			if st1.Sessions-st0.Sessions != held {
				b.Fatalf("server counts %d sessions, want %d more than %d", st1.Sessions, held, st0.Sessions)
			}
			b.ReportMetric(float64(int64(st1.HeapInuseBytes)-int64(st0.HeapInuseBytes))/held/(1<<20), "heap-MiB/session")
			b.ReportMetric(float64(rss1-rss0)/held/(1<<20), "rss-MiB/session")
			b.ReportMetric(float64(st1.Goroutines-st0.Goroutines)/held, "goroutines/session")
			b.ReportMetric(idle*1000, "idle-cpu-ms/s")
		})
	}
}

// newSigner makes a fresh ed25519 key.
func newSigner(b *testing.B) gossh.Signer {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// openMeetingSite prepares dir (before the server holds it) for a meeting:
// a pm "bench-pm" and case managers "bench-f00".. each with a key, and an
// open meeting with the agenda the data gives, as the pm's start form
// would make it.
func openMeetingSite(b *testing.B, dir string, followers int) (gossh.Signer, []gossh.Signer) {
	b.Helper()
	ctx := context.Background()
	db, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	add := func(name string, role store.Role) gossh.Signer {
		k := newSigner(b)
		if _, err := db.CreateUser(ctx, store.SystemActor, store.User{Name: name, Role: role, Agency: "LEAD Case Management", Active: true,
			Keys: []string{strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey())))}}); err != nil {
			b.Fatal(err)
		}
		return k
	}
	pm := add("bench-pm", store.RolePM)
	keys := make([]gossh.Signer, followers)
	for i := range keys {
		keys[i] = add(fmt.Sprintf("bench-f%02d", i), store.RoleCaseManager)
	}
	now := time.Now()
	plan, err := store.LoadAgenda(ctx, db, store.DefaultProtocol(), store.Today(now), now)
	if err != nil {
		b.Fatal(err)
	}
	// items about a participant first (goal reviews, then legal cases):
	// each shows every follower allowed a participant's record (an
	// audited view each), the case the figures are about
	rank := func(it store.AgendaItem) int {
		switch it.Kind {
		case store.ItemGoalReview:
			return 0
		case store.ItemCase:
			return 1
		}
		return 2
	}
	items := slices.Clone(plan.Items)
	slices.SortStableFunc(items, func(x, y store.AgendaItem) int { return rank(x) - rank(y) })
	if len(items) <= advanceReps || rank(items[advanceReps]) == 2 {
		b.Fatalf("the agenda has %d items, fewer than %d about a participant", len(items), advanceReps+1)
	}
	if _, err := db.CreateMeeting(ctx, store.Actor{User: "bench-pm", Role: store.RolePM}, store.Meeting{Date: store.Today(now),
		Facilitator: "bench-pm", Status: store.MeetingOpen, Items: items}); err != nil {
		b.Fatal(err)
	}
	return pm, keys
}

// join signs key in, opens the Meeting tab and joins the open meeting,
// waiting for want ("facilitating" or "following").
func (s *server) join(b *testing.B, key gossh.Signer, want string) *term {
	b.Helper()
	conn, err := s.dial(key)
	if err != nil {
		b.Fatalf("dial: %v\n%s", err, s.logs.String())
	}
	t, err := shell(conn)
	if err != nil {
		conn.Close()
		b.Fatal(err)
	}
	if err := t.await("Meeting", 60*time.Second); err != nil {
		b.Fatal(err)
	}
	for try := 0; ; try++ {
		t.send("5")
		if err := t.await("join and follow", 15*time.Second); err == nil {
			break
		} else if try == 3 {
			b.Fatal(err)
		}
	}
	for try := 0; ; try++ {
		t.send("\r")
		if err := t.await(want, 15*time.Second); err == nil {
			return t
		} else if try == 3 {
			b.Fatal(err)
		}
	}
}

// advanceReps is how many agenda moves one iteration of the meeting
// benchmark makes (enough for a p99 to mean something at -benchtime 1x
// only together with more iterations: p99 of 20 is their maximum).
const advanceReps = 20

func percentileOf(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// BenchmarkServeMeetingAdvance50Followers: with 50 followers in the
// meeting, the facilitator's next item ("n" typed in the session; "p" on
// the way back) until the facilitator's own screen changed and until the last
// follower's did, p50 and p99, with the server's CPU and the synced audit
// transactions per advance (`owg stats` before and after, less what the
// stats command itself records).
func BenchmarkServeMeetingAdvance50Followers(b *testing.B) {
	const followers = 50
	bin := owgBinary(b)
	for _, n := range serveSizes() {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			src, _ := pristineSite(b, bin, n)
			dir := copySite(b, src)
			pmKey, keys := openMeetingSite(b, dir, followers)
			srv := startServer(b, bin, dir)
			pm := srv.join(b, pmKey, "facilitating")
			defer pm.close()
			fs := make([]*term, followers)
			for i := range fs {
				fs[i] = srv.join(b, keys[i], "following")
				defer fs[i].close()
			}
			pm.settle(200*time.Millisecond, 10*time.Second)
			for _, f := range fs {
				f.settle(200*time.Millisecond, 10*time.Second)
			}
			srv.quiet(b, 0, 3*time.Second)
			idle := srv.idleRate(b)
			st0 := srv.stats(b)
			st1 := srv.stats(b) // what one stats command records itself
			statsTxns := st1.AuditTransactions - st0.AuditTransactions

			// forward through advanceReps items about participants, then
			// back on the next iteration: each advance shows the followers
			// a participant they were not shown just before
			var own, last, cpu []time.Duration
			forward := true
			for b.Loop() {
				k := "n"
				if !forward {
					k = "p"
				}
				forward = !forward
				for range advanceReps {
					before := make([]int, len(fs))
					for i, f := range fs {
						before[i] = f.out.Len()
					}
					mine := pm.out.Len()
					srv.quiet(b, idle, 5*time.Second)
					c0, t0 := srv.cpu(b), time.Now()
					pm.send(k)
					if !pm.growth(mine, 20*time.Second) {
						b.Fatal("the facilitator's screen did not change")
					}
					own = append(own, time.Since(t0))
					for i, f := range fs {
						if !f.growth(before[i], 20*time.Second) {
							b.Fatalf("follower %d did not repaint", i)
						}
					}
					last = append(last, time.Since(t0))
					pm.settle(100*time.Millisecond, 5*time.Second)
					srv.quiet(b, idle, 5*time.Second)
					cpu = append(cpu, srv.cpu(b)-c0-time.Duration(idle*float64(time.Since(t0))))
				}
			}
			st2 := srv.stats(b)
			advances := float64(len(own))
			b.ReportMetric(float64(st2.AuditTransactions-st1.AuditTransactions-statsTxns)/advances, "audit-txns/advance")
			b.ReportMetric(float64(st2.AuditEvents-st1.AuditEvents)/advances, "audit-events/advance")
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(percentileOf(own, 0.5)), "ms-to-own-repaint")
			b.ReportMetric(ms(percentileOf(own, 0.99)), "p99-ms-to-own-repaint")
			b.ReportMetric(ms(percentileOf(last, 0.5)), "ms-to-last-follower")
			b.ReportMetric(ms(percentileOf(last, 0.99)), "p99-ms-to-last-follower")
			reportSpread(b, cpu, "cpu-ms/advance")
			b.ReportMetric(idle*1000, "idle-cpu-ms/s")
		})
	}
}
