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
	if err := e.dialKex(k, gossh.InsecureKeyExchangeDH14SHA1); err == nil {
		t.Error("diffie-hellman-group14-sha1 accepted => want it refused")
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
