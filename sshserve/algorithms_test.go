package sshserve

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
)

// dialKex connects with a client that offers only kex.
func (e *testEnv) dialKex(key gossh.Signer, kex ...string) error {
	cfg := &gossh.ClientConfig{
		User:            "owg",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	}
	cfg.KeyExchanges = kex
	c, err := gossh.Dial("tcp", e.addr, cfg)
	if err == nil {
		c.Close()
	}
	return err
}

func TestKeyExchangeOffer(t *testing.T) {
	e := newTestEnv(t, nil)
	k := e.addUser("alice", store.RoleCaseManager, true)
	for _, kex := range []string{gossh.KeyExchangeMLKEM768X25519, gossh.KeyExchangeCurve25519, "curve25519-sha256@libssh.org"} {
		if err := e.dialKex(k, kex); err != nil {
			t.Errorf("%s refused by default: %v", kex, err)
		}
	}
	for _, weak := range []string{gossh.InsecureKeyExchangeDH14SHA1, gossh.KeyExchangeECDHP256, gossh.KeyExchangeDH14SHA256} {
		if err := e.dialKex(k, weak); err == nil {
			t.Errorf("%s accepted => want it refused (ssh-audit: weak)", weak)
		}
	}

	// An x/crypto client with its defaults chooses the hybrid; with
	// ClassicKex, curve25519.
	if got := negotiatedKex(t, e, k); got != gossh.KeyExchangeMLKEM768X25519 {
		t.Errorf("x/crypto client's defaults negotiated %s => want mlkem768x25519-sha256", got)
	}

	classic := newTestEnv(t, func(c *Config) { c.ClassicKex = true })
	k = classic.addUser("alice", store.RoleCaseManager, true)
	if got := negotiatedKex(t, classic, k); got != gossh.KeyExchangeCurve25519 {
		t.Errorf("ClassicKex: negotiated %s => want curve25519-sha256", got)
	}
	if err := classic.dialKex(k, gossh.KeyExchangeMLKEM768X25519); err == nil || !strings.Contains(err.Error(), "no common algorithm") {
		t.Errorf("mlkem768x25519 with ClassicKex => %v, want no common algorithm", err)
	}
	if err := classic.dialKex(k, gossh.KeyExchangeCurve25519); err != nil {
		t.Errorf("curve25519-sha256 with ClassicKex => %v", err)
	}
}

// negotiatedKex is the key exchange an x/crypto client with its default
// algorithms agrees on with e.
func negotiatedKex(t *testing.T, e *testEnv, key gossh.Signer) string {
	t.Helper()
	c, err := e.dial(gossh.PublicKeys(key))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	a, ok := c.Conn.(gossh.AlgorithmsConnMetadata)
	if !ok {
		t.Fatal("x/crypto client connection does not report its algorithms")
	}
	return a.Algorithms().KeyExchange
}

// kexInit is the server's first key exchange packet (RFC 4253 7.1): what
// ssh-audit reads.
type kexInit struct {
	kex, hostKey, ciphers, macs, compression []string
}

// readKexInit connects to addr and reads the server's KEXINIT, which it
// sends in the clear right after its version line.
func readKexInit(t *testing.T, addr string) kexInit {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte("SSH-2.0-kexinit-test\r\n")); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("version line: %v", err)
		}
		if strings.HasPrefix(line, "SSH-") {
			break
		}
	}
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		t.Fatal(err)
	}
	n := binary.BigEndian.Uint32(hdr[:4])
	if n < 1+17 || n > 35000 {
		t.Fatalf("packet length %d", n)
	}
	body := make([]byte, n-1)
	if _, err := io.ReadFull(r, body); err != nil {
		t.Fatal(err)
	}
	body = body[:len(body)-int(hdr[4])] // padding
	if body[0] != 20 {
		t.Fatalf("first packet is message %d, want KEXINIT (20)", body[0])
	}
	p := body[17:] // message number, cookie
	var lists [10][]string
	for i := range lists {
		if len(p) < 4 {
			t.Fatalf("KEXINIT cut short at name-list %d", i)
		}
		l := binary.BigEndian.Uint32(p)
		if uint32(len(p)-4) < l {
			t.Fatalf("KEXINIT name-list %d overruns", i)
		}
		if l > 0 {
			lists[i] = strings.Split(string(p[4:4+l]), ",")
		}
		p = p[4+l:]
	}
	// Client-to-server and server-to-client lists are the same here.
	for i := 2; i < 10; i += 2 {
		if !slices.Equal(lists[i], lists[i+1]) {
			t.Errorf("name-lists %d and %d differ: %v / %v", i, i+1, lists[i], lists[i+1])
		}
	}
	return kexInit{kex: lists[0], hostKey: lists[1], ciphers: lists[2], macs: lists[4], compression: lists[6]}
}

// TestServerKexInit checks what the server offers the way ssh-audit
// does, by reading its KEXINIT: post-quantum hybrid first, curve25519
// (both names) after it, the Terrapin marker; ed25519 host key only; AEAD
// ciphers (aes128-ctr last, for clients with none); encrypt-then-MAC only;
// no compression. With ClassicKex: the same less mlkem768x25519-sha256.
func TestServerKexInit(t *testing.T) {
	const strict = "kex-strict-s-v00@openssh.com"
	for _, tc := range []struct {
		name    string
		classic bool
		kex     []string
	}{
		{"default", false, []string{gossh.KeyExchangeMLKEM768X25519, gossh.KeyExchangeCurve25519, "curve25519-sha256@libssh.org", strict}},
		{"classic", true, []string{gossh.KeyExchangeCurve25519, "curve25519-sha256@libssh.org", strict}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t, func(c *Config) { c.ClassicKex = tc.classic })
			k := readKexInit(t, e.addr)
			if !slices.Equal(k.kex, tc.kex) {
				t.Errorf("kex %v => want %v", k.kex, tc.kex)
			}
			if !slices.Equal(k.hostKey, []string{gossh.KeyAlgoED25519}) {
				t.Errorf("host key algorithms %v => want ssh-ed25519 only", k.hostKey)
			}
			aead := []string{gossh.CipherChaCha20Poly1305, gossh.CipherAES128GCM, gossh.CipherAES256GCM}
			for i, c := range k.ciphers {
				if !slices.Contains(aead, c) && (c != gossh.CipherAES128CTR || i != len(k.ciphers)-1) {
					t.Errorf("cipher %s offered (ciphers %v) => want AEAD, aes128-ctr last", c, k.ciphers)
				}
			}
			if len(k.ciphers) == 0 || !slices.Contains(aead, k.ciphers[0]) {
				t.Errorf("ciphers %v => want an AEAD cipher first", k.ciphers)
			}
			for _, m := range k.macs {
				if !strings.HasSuffix(m, "-etm@openssh.com") {
					t.Errorf("MAC %s offered => want encrypt-then-MAC only", m)
				}
			}
			if !slices.Equal(k.compression, []string{"none"}) {
				t.Errorf("compression %v => want none", k.compression)
			}
		})
	}
}

// With aes128-ctr the MAC matters: encrypt-then-MAC only (ssh-audit warns
// on hmac-sha2-256's encrypt-and-MAC).
func TestMACOffer(t *testing.T) {
	e := newTestEnv(t, nil)
	k := e.addUser("alice", store.RoleCaseManager, true)
	dial := func(mac string) error {
		cfg := &gossh.ClientConfig{
			User: "owg", Auth: []gossh.AuthMethod{gossh.PublicKeys(k)},
			HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second,
		}
		cfg.Ciphers = []string{gossh.CipherAES128CTR}
		cfg.MACs = []string{mac}
		c, err := gossh.Dial("tcp", e.addr, cfg)
		if err == nil {
			c.Close()
		}
		return err
	}
	if err := dial(gossh.HMACSHA256ETM); err != nil {
		t.Errorf("aes128-ctr with hmac-sha2-256-etm => %v", err)
	}
	if err := dial(gossh.HMACSHA256); err == nil {
		t.Error("hmac-sha2-256 (encrypt-and-MAC) accepted => want it refused")
	}
}

// Issue 6's 4 KB from TCP connect to the first full frame holds with the
// classic exchange; the default hybrid adds its ML-KEM ciphertext (1,088
// bytes and framing) and nothing else (README: 1,120 bytes).
func TestFirstFrameWireBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("draws the real Today screen")
	}
	first := func(classic bool) int {
		e, keys := newDemoEnv(t, func(c *Config) { c.ClassicKex = classic })
		c, err := e.openCounted(keys["keisha"], "xterm-256color", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.close()
		landing(t, c.client, "capacity")
		return int(c.wire.read.Load())
	}
	classic, pq := first(true), first(false)
	t.Logf("connect to first frame, wire bytes received: classic %d, default (mlkem768x25519) %d", classic, pq)
	if classic > 4096 {
		t.Errorf("--classic-kex: %d bytes from connect to first frame => want <= 4096", classic)
	}
	// The screens' own bytes vary by a few dozen with how frames coalesce.
	if d := pq - classic; d < 900 || d > 1400 {
		t.Errorf("the hybrid exchange costs %d bytes more => want about its ciphertext's 1,088 plus framing", d)
	}
}
