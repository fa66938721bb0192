package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// served is an `owg serve` running in-process on a test data directory.
type served struct {
	dir, addr string
	out, errs *syncBuffer
	stop      func() int // stops the server and returns its exit code
}

// startServe runs `owg serve` on dir (loopback, port 0) with extra flags
// and waits until its admin socket and address file are there.
func startServe(t *testing.T, dir string, extra ...string) *served {
	t.Helper()
	s := &served{dir: dir, out: &syncBuffer{}, errs: &syncBuffer{}}
	app := newApp(strings.NewReader(""), s.out, s.errs)
	app.Now = func() time.Time { return testNow }
	home := t.TempDir()
	app.Getenv = func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	args := append([]string{"--data", dir, "serve", "--listen", "127.0.0.1:0"}, extra...)
	go func() { done <- run(ctx, app, args) }()
	var once sync.Once
	code := 0
	s.stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(20 * time.Second):
				t.Error("owg serve did not stop")
				code = -1
			}
		})
		return code
	}
	t.Cleanup(func() { s.stop() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(filepath.Join(dir, serveAddrFile))
		_, serr := os.Stat(filepath.Join(dir, adminSocketName))
		if err == nil && serr == nil && len(b) > 0 {
			s.addr = strings.TrimSpace(string(b))
			return s
		}
		select {
		case c := <-done:
			t.Fatalf("owg serve exited %d\nstdout:\n%s\nstderr:\n%s", c, s.out, s.errs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("owg serve did not start\nstdout:\n%s\nstderr:\n%s", s.out, s.errs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sshKey returns a signer and its authorized_keys line.
func sshKey(t *testing.T) (ssh.Signer, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return signer, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
}

// sshDial connects to the served address with key.
func sshDial(t *testing.T, addr string, key ssh.Signer) *ssh.Client {
	t.Helper()
	c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User:            "x",
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(key)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// sshExec runs command over an exec request without a pty.
func sshExec(t *testing.T, addr string, key ssh.Signer, stdin string, command string) result {
	t.Helper()
	c := sshDial(t, addr, key)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var out, errb bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errb
	sess.Stdin = strings.NewReader(stdin)
	code := 0
	if err := sess.Run(command); err != nil {
		ee, ok := err.(*ssh.ExitError)
		if !ok {
			t.Fatalf("ssh %q: %v", command, err)
		}
		code = ee.ExitStatus()
	}
	return result{code, out.String(), errb.String()}
}

func TestForwardedCommandsMatchDirect(t *testing.T) {
	direct := demoDir(t)
	dir := demoDir(t)
	s := startServe(t, dir)

	// While the server runs the CLI forwards: same output, same exit codes.
	for _, args := range [][]string{
		{"report", "--json"},
		{"referral", "rank", "--json"},
		{"user", "list", "--json"},
		{"referral", "nosuch"},
		{"referral", "decide", "R-0001", "maybe"},
		{"audit", "--bogus"},
		{"--as", "keisha", "user", "list"},
		{"--as", "keisha", "referral", "rank", "--json"},
		{"--as", "nobody", "report"},
		{"user", "disable", "nobody"},
	} {
		d := owg(t, nil, append([]string{"--data", direct}, args...)...)
		f := owg(t, nil, append([]string{"--data", dir}, args...)...)
		if d.code != f.code || d.stdout != f.stdout || d.stderr != f.stderr {
			t.Errorf("%v: forwarded differs from direct\ndirect: %s\nforwarded: %s", args, d, f)
		}
	}
	// The store really is the server's: a direct open fails on its lock.
	if _, err := os.Stat(filepath.Join(dir, adminSocketName)); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(filepath.Join(dir, adminSocketName))
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("admin socket mode %v, want 0600", fi.Mode().Perm())
	}

	// Writes, with files relative to the caller and on stdin.
	_, line := sshKey(t)
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", "maria", "--display-name", "Maria Lopez",
		"--role", "pm", "--key", line), 0, "added maria (pm)")
	want(t, owg(t, nil, "--data", dir, "user", "list", "--json"), 0, `"display_name": "Maria Lopez"`)
	csv := "id,received,kind,name,dob,offense,impairment,warrant\nR-0900,2026-03-01,arrest_diversion,Ann One,1980-01-01,trespass,1,no\n"
	want(t, owg(t, strings.NewReader(csv), "--data", dir, "referral", "import", "-"), 0, "imported 1 referrals")
	bk := filepath.Join(t.TempDir(), "b.bak")
	want(t, owg(t, nil, "--data", dir, "backup", bk), 0)
	if fi, err := os.Stat(bk); err != nil || fi.Size() == 0 {
		t.Fatalf("backup file: %v", err)
	}
	want(t, owg(t, nil, "--data", dir, "audit", "--verify"), 0, "audit trail intact")
	want(t, owg(t, nil, "--data", dir, "who"), 0, "0 live session(s)", "backups: off")
	// Commands that cannot run inside the server say so.
	want(t, owg(t, nil, "--data", dir, "restore", bk), 1)
	want(t, owg(t, nil, "--data", dir), 1, "in use", "join it with")
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exit %d\n%s", code, s.errs)
	}
	// Without the server the CLI opens the store itself again.
	want(t, owg(t, nil, "--data", dir, "referral", "rank", "--json"), 0, "R-0900")
	if _, err := os.Stat(filepath.Join(dir, adminSocketName)); err == nil {
		t.Error("admin socket left behind")
	}
}

func TestSSHExecAndWithdrawal(t *testing.T) {
	dir := demoDir(t)
	pmKey, pmLine := sshKey(t)
	cmKey, cmLine := sshKey(t)
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", "maria", "--display-name", "Maria Lopez", "--role", "pm", "--key", pmLine), 0)
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", "carl", "--role", "case_manager", "--key", cmLine), 0)
	s := startServe(t, dir)

	r := sshExec(t, s.addr, pmKey, "", "user list")
	want(t, r, 0, "maria", "Maria Lopez", "carl")
	r = sshExec(t, s.addr, pmKey, "", "referral rank --json")
	want(t, r, 0, `"id"`)
	want(t, sshExec(t, s.addr, pmKey, "", "report --json"), 0)
	want(t, sshExec(t, s.addr, pmKey, "", "audit --verify"), 0, "audit trail intact")
	// Files travel on stdin and stdout over ssh.
	want(t, sshExec(t, s.addr, pmKey, "", "backup /tmp/x.bak"), 1, "give - instead")
	if r := sshExec(t, s.addr, pmKey, "", "backup -"); r.code != 0 || len(r.stdout) < 1000 {
		t.Fatalf("backup - over ssh: exit %d, %d bytes\n%s", r.code, len(r.stdout), r.stderr)
	}
	csv := "id,received,kind,name,dob,offense,impairment,warrant\nR-0901,2026-03-01,arrest_diversion,Bo Two,1981-01-01,trespass,1,no\n"
	want(t, sshExec(t, s.addr, pmKey, csv, "referral import -"), 0, "imported 1 referrals")
	// No --as over ssh, no server-side commands, other roles refused.
	want(t, sshExec(t, s.addr, pmKey, "", "--as carl user list"), 1, "over ssh you act as yourself")
	want(t, sshExec(t, s.addr, pmKey, "", "serve"), 1, "a server already runs")
	want(t, sshExec(t, s.addr, pmKey, "", "demo"), 1, "not over ssh")
	want(t, sshExec(t, s.addr, cmKey, "", "user list"), 1, "for the pm and supervisors")
	want(t, sshExec(t, s.addr, pmKey, "", "report "+strings.Repeat("x ", 3000)), 1, "too long")

	// A live session of a user who is then disabled ends within a second.
	c := sshDial(t, s.addr, cmKey)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	sess.Stdout = &out
	stdin, _ := sess.StdinPipe()
	defer stdin.Close()
	if err := sess.RequestPty("xterm-256color", 24, 80, ssh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(owg(t, nil, "--data", dir, "who").stdout, "carl") {
		if time.Now().After(deadline) {
			t.Fatal("carl's session never showed in owg who")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The tab is reported once the session's program has started.
	for !strings.Contains(owg(t, nil, "--data", dir, "who", "--json").stdout, `"tab": "Today"`) {
		if time.Now().After(deadline) {
			t.Fatal("carl's tab never showed in owg who --json")
		}
		time.Sleep(20 * time.Millisecond)
	}
	want(t, owg(t, nil, "--data", dir, "who", "--json"), 0, `"user": "carl"`, `"role": "case_manager"`)
	want(t, owg(t, nil, "--data", dir, "user", "disable", "carl"), 0, "disabled carl")
	start := time.Now()
	ended := make(chan error, 1)
	go func() { ended <- sess.Wait() }()
	select {
	case <-ended:
	case <-time.After(3 * time.Second):
		t.Fatal("the disabled user's session did not end")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("session ended after %s, want within a second", d)
	}
	if !strings.Contains(out.String(), "your access was withdrawn") {
		t.Errorf("session output lacks the withdrawal notice:\n%q", out.String())
	}
	s.stop()
	want(t, owg(t, nil, "--data", dir, "audit", "--user", "carl"), 0, "access_withdrawn")
}

func TestSIGHUPReloadsTheProtocol(t *testing.T) {
	dir := demoDir(t)
	s := startServe(t, dir)
	csv := "id,received,kind,name,dob,offense,impairment,warrant\nR-0960,2026-03-01,arrest_diversion,Di Four,1980-01-01,trespass,1,no\n"
	os.WriteFile(filepath.Join(dir, protocolFile), []byte("minimum_age = 99\n"), 0o600)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(s.errs.String(), "protocol reloaded") {
		if time.Now().After(deadline) {
			t.Fatalf("no reload in the log:\n%s", s.errs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	want(t, owg(t, strings.NewReader(csv), "--data", dir, "referral", "import", "-"), 0, "1 screened out")
	// A bad file keeps the protocol in force.
	os.WriteFile(filepath.Join(dir, protocolFile), []byte("minimum_age = -1\n"), 0o600)
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	for !strings.Contains(s.errs.String(), "protocol not reloaded") {
		if time.Now().After(deadline) {
			t.Fatalf("no refusal in the log:\n%s", s.errs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestKeyRemovalEndsTheSessionItSignedIn(t *testing.T) {
	dir := demoDir(t)
	k1, l1 := sshKey(t)
	_, l2 := sshKey(t)
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", "maria", "--role", "pm", "--key", l1), 0)
	want(t, owg(t, nil, "--data", dir, "user", "key", "add", "maria", "--key", l2), 0)
	s := startServe(t, dir)
	c := sshDial(t, s.addr, k1)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	sess.Stdout = &out
	stdin, _ := sess.StdinPipe()
	defer stdin.Close()
	sess.RequestPty("xterm", 24, 80, ssh.TerminalModes{})
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(owg(t, nil, "--data", dir, "who").stdout, "maria") {
		if time.Now().After(deadline) {
			t.Fatal("maria's session never showed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Removing the other key leaves the session alone.
	_, fp2 := fingerprintOf(t, l2)
	want(t, owg(t, nil, "--data", dir, "user", "key", "remove", "maria", fp2), 0)
	ended := make(chan error, 1)
	go func() { ended <- sess.Wait() }()
	select {
	case <-ended:
		t.Fatalf("removing another key ended the session:\n%s", out.String())
	case <-time.After(300 * time.Millisecond):
	}
	_, fp1 := fingerprintOf(t, l1)
	want(t, owg(t, nil, "--data", dir, "user", "key", "remove", "maria", fp1), 0)
	select {
	case <-ended:
	case <-time.After(2 * time.Second):
		t.Fatal("removing the session's key did not end it")
	}
	if !strings.Contains(out.String(), "your access was withdrawn") {
		t.Errorf("no withdrawal notice:\n%q", out.String())
	}
}

func fingerprintOf(t *testing.T, line string) (ssh.PublicKey, string) {
	t.Helper()
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	return pub, ssh.FingerprintSHA256(pub)
}

func TestStaleSocketRunsLocally(t *testing.T) {
	dir := demoDir(t)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(dir, adminSocketName), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close() // a server killed with SIGKILL leaves its socket behind
	want(t, owg(t, nil, "--data", dir, "audit", "--verify"), 0, "audit trail intact")
	// and the next server replaces it
	s := startServe(t, dir)
	want(t, owg(t, nil, "--data", dir, "who"), 0, "0 live session(s)")
	s.stop()
}
