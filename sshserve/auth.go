package sshserve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
)

// errUnknownKey is the authentication error of a key no user holds.
var errUnknownKey = errors.New("key not registered with owg")

// errKeyLookup is the authentication error when the store cannot answer.
var errKeyLookup = errors.New("cannot check the key")

// UnknownKeyBanner is what a person whose key is not registered reads in
// their terminal (OpenSSH prints SSH authentication banners by default).
// Their client then tries its next key, so a registered key offered after
// an unknown one still gets in.
func UnknownKeyBanner(fingerprint string) string {
	return fmt.Sprintf("owg: key %s is not registered with owg.\n"+
		"If you have another key, ssh tries it next; otherwise ask your LEAD project manager to add this one.\n", fingerprint)
}

// lookupBanner is the banner when the store cannot check a key.
const lookupBanner = "owg: cannot check your key right now; try again later.\n"

// serverConfig is the per-connection base config: charmbracelet/ssh adds
// the host key and the authentication callbacks to it. ctx is the
// connection's context.
func (s *Server) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	c := &gossh.ServerConfig{}
	c.KeyExchanges = kexAlgorithms(s.cfg.ClassicKex)
	c.Ciphers = cipherAlgorithms()
	c.MACs = macAlgorithms()
	c.VerifiedPublicKeyCallback = s.verifiedKey
	c.AuthLogCallback = func(m gossh.ConnMetadata, _ string, err error) {
		if err == nil {
			if st := stateOf(ctx); st != nil {
				st.authenticated()
			}
			if a, ok := m.(gossh.AlgorithmsConnMetadata); ok {
				ctx.SetValue(kexKey{}, a.Algorithms().KeyExchange)
			}
		}
	}
	return c
}

// kexKey holds, in a connection's context, the key exchange its client
// chose (logged on connect: which clients still use the classic one).
type kexKey struct{}

func kexOf(ctx ssh.Context) string {
	k, _ := ctx.Value(kexKey{}).(string)
	return k
}

// verifiedKey runs once the client has proved it holds key (its signature
// verified; publicKeyHandler has accepted every well-formed key before, so
// an unknown key's owner learns nothing of which keys are registered, and
// a stranger learns nothing of which public keys owg knows). A key no user
// holds fails authentication here, with a banner that says why and an
// audit event; the client then tries its next key. Which user the key
// belongs to is not kept: identify resolves it again per session from the
// fingerprint in the permissions (CVE-2023-43809). A disabled user's key
// passes, so that identify can tell them their account is disabled.
func (s *Server) verifiedKey(conn gossh.ConnMetadata, key gossh.PublicKey, perms *gossh.Permissions, _ string) (*gossh.Permissions, error) {
	fp := gossh.FingerprintSHA256(key)
	if perms == nil || perms.Extensions[extKeyFingerprint] != fp {
		return nil, errors.New("ssh: key and permissions disagree")
	}
	ctx, cancel := context.WithTimeout(context.Background(), auditTimeout)
	_, err := s.cfg.Store.UserByKey(ctx, fp)
	cancel()
	addr := conn.RemoteAddr()
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.refuseKey(addr, fp, DetailUnknownKey)
		return nil, &gossh.BannerError{Err: errUnknownKey, Message: UnknownKeyBanner(fp)}
	case err != nil:
		s.log.Error("user lookup failed", "addr", addr.String(), "err", err)
		s.refuseKey(addr, fp, DetailLookup)
		return nil, &gossh.BannerError{Err: errKeyLookup, Message: lookupBanner}
	}
	return perms, nil
}

// refuseKey audits a key refused during authentication: user (unknown),
// the key's fingerprint, nothing else of the key. Each refusal takes a
// token from the address's rate limiter, so a client cycling through keys
// and connections cannot flood the audit trail; beyond the limit the
// refusal is logged only.
func (s *Server) refuseKey(remote net.Addr, fp, detail string) {
	addr := remote.String()
	if !s.limiter.allow(hostOf(remote), time.Now()) {
		s.log.Warn("refused key not audited: rate limited", "addr", addr, "detail", detail, "key", fp)
		return
	}
	ev := store.AuditEvent{User: UnknownUser, Action: store.AuditDenied, Subject: fp, Detail: detail, Addr: addr}
	if err := s.audit(ev); err != nil {
		s.log.Error("audit failed", "action", ev.Action, "detail", ev.Detail, "err", err)
	}
	s.log.Info("refused key", "addr", addr, "detail", detail, "key", fp)
}
