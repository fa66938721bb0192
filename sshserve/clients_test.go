package sshserve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
)

// The clients people use: OpenSSH's ssh, PuTTY's plink (Debian
// putty-tools) and Dropbear's dbclient (dropbear-bin) each sign in to a
// real server on the demo site with the default (post-quantum first) and
// the classic key exchange, in a pty of 80x24, and draw the Today screen.
// A client whose binary (or key converter) is missing is skipped, with
// the package to install.
func TestRealClientsDrawFirstScreen(t *testing.T) {
	if testing.Short() {
		t.Skip("starts external SSH clients")
	}
	dir := t.TempDir()
	hostKey := filepath.Join(dir, "host_key")
	keyFile, signer := writeClientKey(t, dir, "owg interop")

	type client struct {
		name, bin, pkg string
		// args are the client's arguments to sign in as the key's owner
		// to port with host key fingerprint fp, asking for a pty.
		args func(port, fp string) ([]string, error)
	}
	clients := []client{
		{"openssh", "ssh", "openssh-client", func(port, _ string) ([]string, error) {
			return []string{"-F", "/dev/null", "-p", port, "-i", keyFile, "-o", "IdentitiesOnly=yes",
				"-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
				"-o", "LogLevel=ERROR", "-tt", "owg@127.0.0.1"}, nil
		}},
		{"plink", "plink", "putty-tools", func(port, fp string) ([]string, error) {
			ppk := keyFile + ".ppk"
			if err := convertKey(ppk, "puttygen", keyFile, "-O", "private", "-o", ppk); err != nil {
				return nil, err
			}
			return []string{"-ssh", "-batch", "-P", port, "-i", ppk, "-hostkey", fp, "-t", "-noagent", "owg@127.0.0.1"}, nil
		}},
		{"dropbear", "dbclient", "dropbear-bin", func(port, _ string) ([]string, error) {
			db := keyFile + ".dropbear"
			if err := convertKey(db, "dropbearconvert", "openssh", "dropbear", keyFile, db); err != nil {
				return nil, err
			}
			// -y -y: accept the host key without writing known_hosts.
			return []string{"-y", "-y", "-p", port, "-i", db, "-t", "owg@127.0.0.1"}, nil
		}},
	}

	for _, classic := range []bool{false, true} {
		kexName := "default-kex"
		if classic {
			kexName = "classic-kex"
		}
		e, _ := newDemoEnv(t, func(c *Config) { c.HostKeyPath = hostKey; c.ClassicKex = classic })
		addKey(t, e, "keisha", signer)
		_, port, _ := net.SplitHostPort(e.addr)
		fp := hostFingerprint(t, hostKey)
		for _, c := range clients {
			t.Run(c.name+"/"+kexName, func(t *testing.T) {
				bin, err := exec.LookPath(c.bin)
				if err != nil {
					t.Skipf("%s not installed (Debian package %s)", c.bin, c.pkg)
				}
				args, err := c.args(port, fp)
				if err != nil {
					t.Skip(err)
				}
				out, err := runInPty(t, bin, args, "capacity", 20*time.Second)
				if err != nil {
					t.Fatalf("%s %s: %v\noutput:\n%q", c.bin, strings.Join(args, " "), err, lastBytes(out, 2000))
				}
				if !bytes.Contains(out, []byte("Today")) {
					t.Errorf("%s: no Today tab on the first screen:\n%q", c.bin, lastBytes(out, 2000))
				}
			})
		}
	}
}

// convertKey runs a key converter that writes out, skipping the test
// when the converter is missing.
func convertKey(out, bin string, args ...string) error {
	if _, err := os.Stat(out); err == nil {
		return nil
	}
	if _, err := exec.LookPath(bin); err != nil {
		return fmt.Errorf("%s not installed: %w", bin, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+filepath.Dir(out))
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v: %s", bin, err, b)
	}
	return nil
}

// addKey registers key with the demo user name.
func addKey(t *testing.T, e *testEnv, name string, key gossh.Signer) {
	t.Helper()
	ctx := context.Background()
	users, err := e.db.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(users, func(u store.User) bool { return u.Name == name })
	if i < 0 {
		t.Fatalf("no demo user %s", name)
	}
	u := users[i]
	u.Keys = append(u.Keys, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key.PublicKey()))))
	if _, err := e.db.UpdateUser(ctx, store.SystemActor, u); err != nil {
		t.Fatal(err)
	}
}

// hostFingerprint is the SHA256 fingerprint of the host key at path.
func hostFingerprint(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	return gossh.FingerprintSHA256(s.PublicKey())
}

// runInPty runs bin in an 80x24 pty with HOME in a temporary directory
// (no known_hosts, PuTTY or agent state of the machine's user is read or
// written) until its output holds want or wait passes; then it is killed.
// It returns everything the client wrote to its terminal.
func runInPty(t *testing.T, bin string, args []string, want string, wait time.Duration) ([]byte, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	home := t.TempDir()
	cmd.Env = []string{"HOME=" + home, "TERM=xterm-256color", "PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8"}
	cmd.Dir = home
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	var out []byte
	found := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		seen := false
		for {
			n, err := f.Read(buf)
			mu.Lock()
			out = append(out, buf[:n]...)
			if !seen && bytes.Contains(out, []byte(want)) {
				seen = true
				close(found)
			}
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var result error
	select {
	case <-found:
	case err := <-exited:
		result = fmt.Errorf("exited before %q appeared: %v", want, err)
		exited <- err
	case <-time.After(wait):
		result = fmt.Errorf("no %q within %s", want, wait)
	}
	_ = cmd.Process.Kill()
	<-exited
	// Drain what the client wrote before it ended (its error, if any).
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	_ = f.Close()
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(out), result
}

func lastBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// writeClientKey makes an ed25519 key, writes it in OpenSSH's format to
// dir/id_ed25519 for an external client, and returns the file and its
// signer.
func writeClientKey(t *testing.T, dir, comment string) (string, gossh.Signer) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, comment)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "id_ed25519")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return keyFile, signer
}
