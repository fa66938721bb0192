package sshserve

import (
	"context"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/demo"
)

// countConn counts the bytes that cross a client's TCP connection: what
// the link carries, SSH handshake, framing and MACs included.
type countConn struct {
	net.Conn
	read, written atomic.Int64
}

func (c *countConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

func (c *countConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.written.Add(int64(n))
	return n, err
}

// wireClient is a session whose TCP connection is counted.
type wireClient struct {
	*client
	wire *countConn
	raw  net.Conn
}

// openCounted dials with key over a counted TCP connection and starts a
// shell with a pty of type term (80x24) and env. Every byte the server
// sends from the TCP connect on is in wire.read.
func (e *testEnv) openCounted(key gossh.Signer, term string, env map[string]string) (*wireClient, error) {
	return e.openCountedVia(e.addr, key, term, env)
}

// openCountedVia is openCounted through addr (a proxy to the server).
func (e *testEnv) openCountedVia(addr string, key gossh.Signer, term string, env map[string]string) (*wireClient, error) {
	raw, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	cc := &countConn{Conn: raw}
	sc, chans, reqs, err := gossh.NewClientConn(cc, e.addr, &gossh.ClientConfig{
		User:            "owg",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	})
	if err != nil {
		raw.Close()
		return nil, err
	}
	c, err := startShell(gossh.NewClient(sc, chans, reqs), term, env, false)
	if err != nil {
		return nil, err
	}
	return &wireClient{client: c, wire: cc, raw: raw}, nil
}

// kill drops the TCP connection without any SSH goodbye, as a lost
// link does.
func (w *wireClient) kill() { _ = w.raw.Close() }

// actionQuiet is how long a screen must stay quiet after an action before
// its bytes are counted (the program renders at 20 frames a second).
const actionQuiet = 100 * time.Millisecond

// measure runs act and returns the terminal and wire bytes received until
// the screen settles. An action that writes nothing within wait counts 0.
func (w *wireClient) measure(act func(), wait time.Duration) (term, wire int) {
	t0, w0 := w.out.len(), w.wire.read.Load()
	act()
	if !waitGrowth(w.out, t0, wait) {
		return 0, int(w.wire.read.Load() - w0)
	}
	t1 := w.out.settle(actionQuiet, 3*time.Second)
	return t1 - t0, int(w.wire.read.Load() - w0)
}

// profileModes are the two colour modes every figure is reported in:
// ANSI256 (xterm-256color) and ASCII (NO_COLOR: no colour escapes, the
// monochrome theme).
type profileMode struct {
	name string
	env  map[string]string
}

func profileModes() []profileMode {
	return []profileMode{
		{"ANSI256", nil},
		{"ASCII", map[string]string{"NO_COLOR": "1"}},
	}
}

// newDemoEnv is a real-TUI server over the demo site (as of now), every
// demo user holding a fresh key.
func newDemoEnv(tb testing.TB, mod func(*Config)) (*testEnv, map[string]gossh.Signer) {
	tb.Helper()
	e := newTestEnv(tb, func(c *Config) {
		c.NewModel = nil
		if mod != nil {
			mod(c)
		}
	})
	ctx := context.Background()
	if _, err := demo.Fill(ctx, e.db, testNow, demo.DefaultSeed); err != nil {
		tb.Fatal(err)
	}
	users, err := e.db.ListUsers(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	keys := map[string]gossh.Signer{}
	for _, u := range users {
		k := newKey(tb)
		u.Keys = append(u.Keys, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey()))))
		if _, err := e.db.UpdateUser(ctx, store.SystemActor, u); err != nil {
			tb.Fatal(err)
		}
		keys[u.Name] = k
	}
	return e, keys
}

// startDemoMeeting opens a meeting on the demo site with the agenda built
// from the data (as the Meeting tab's start does), facilitated by dana.
func startDemoMeeting(tb testing.TB, e *testEnv) store.Meeting {
	tb.Helper()
	ctx := context.Background()
	s := e.db
	ms, err := s.ListMeetings(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	var last *store.Meeting
	for i := range ms {
		if ms[i].Status == store.MeetingEnded {
			last = &ms[i]
		}
	}
	users, err := s.ListUsers(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	all, err := s.ListParticipants(ctx, store.ParticipantFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	var active []store.Participant
	for _, p := range all {
		if p.Status.Active() {
			active = append(active, p)
		}
	}
	refs, err := s.ListReferrals(ctx, store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefNew, store.RefWaitlisted, store.RefScreenedOut}})
	if err != nil {
		tb.Fatal(err)
	}
	cases, err := s.AllCases(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	p, now := store.DefaultProtocol(), testNow
	rk := store.Rank(p, refs, active, store.Capacity(p, users, active), now)
	items := store.BuildAgenda(store.AgendaInput{Protocol: p, AsOf: now, LastMeeting: last, Ranking: rk, Participants: all, Cases: cases})
	if len(items) < 4 {
		tb.Fatalf("demo agenda has %d items", len(items))
	}
	mt, err := s.CreateMeeting(ctx, demoPM(), store.Meeting{
		Date: store.DateOf(now), Facilitator: demoPM().User, Attendees: []string{"dana", "tomas", "mei"},
		Status: store.MeetingOpen, Items: items,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return mt
}

// demoPM is the demo site's project manager.
func demoPM() store.Actor {
	return store.Actor{User: "dana", Role: store.RolePM, Agency: "LEAD Program"}
}
