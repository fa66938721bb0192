package sshserve

import (
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
	if err := e.dialKex(k, gossh.KeyExchangeCurve25519); err != nil {
		t.Errorf("curve25519-sha256 refused: %v", err)
	}
	if err := e.dialKex(k, gossh.KeyExchangeMLKEM768X25519); err == nil || !strings.Contains(err.Error(), "no common algorithm") {
		t.Errorf("mlkem768x25519 by default => %v, want no common algorithm (PostQuantumKex is off)", err)
	}
	for _, weak := range []string{gossh.InsecureKeyExchangeDH14SHA1, gossh.KeyExchangeECDHP256} {
		if err := e.dialKex(k, weak); err == nil {
			t.Errorf("%s accepted => want it refused (ssh-audit: weak)", weak)
		}
	}

	pq := newTestEnv(t, func(c *Config) { c.PostQuantumKex = true })
	k = pq.addUser("alice", store.RoleCaseManager, true)
	if err := pq.dialKex(k, gossh.KeyExchangeMLKEM768X25519); err != nil {
		t.Errorf("mlkem768x25519 with PostQuantumKex => %v", err)
	}
	if err := pq.dialKex(k, gossh.KeyExchangeCurve25519); err != nil {
		t.Errorf("curve25519-sha256 with PostQuantumKex => %v", err)
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
