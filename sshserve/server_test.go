package sshserve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui"
)

// waitLong bounds a wait for something that does come (a screen, an
// exit): generous, since CI runs the race build and the benchmarks of
// two packages at once on two cores.
const waitLong = 20 * time.Second

func isKey(s string) func(tea.Msg) bool {
	return func(m tea.Msg) bool {
		k, ok := m.(tea.KeyPressMsg)
		return ok && k.String() == s
	}
}

func isNotice(text string) func(tea.Msg) bool {
	return func(m tea.Msg) bool {
		n, ok := m.(tui.NoticeMsg)
		return ok && n.Text == text
	}
}

func denials(t *testing.T, e *testEnv, subject string) []store.AuditEvent {
	t.Helper()
	evs, err := e.db.ListAudit(context.Background(), store.AuditFilter{Action: store.AuditDenied, Subject: subject})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestPasswordAndKeyboardInteractiveRefused(t *testing.T) {
	e := newTestEnv(t, nil)
	e.addUser("alice", store.RoleCaseManager, true)
	_, err := e.dial(
		gossh.Password("alice"),
		gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return []string{"alice"}, nil }),
	)
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("dial with password => %v, want unable to authenticate", err)
	}
}

func TestDisabledUserRefused(t *testing.T) {
	e := newTestEnv(t, nil)
	k := e.addUser("bob", store.RolePolice, false)
	fp := gossh.FingerprintSHA256(k.PublicKey())
	c := e.open(k, true)
	defer c.close()
	if code := c.wait(t, waitLong); code != 1 {
		t.Errorf("exit status %d => want 1", code)
	}
	if got := c.out.text(); !strings.Contains(got, "disabled") {
		t.Errorf("output %q => want it to say the account is disabled", got)
	}
	evs := denials(t, e, fp)
	if len(evs) != 1 || evs[0].Detail != DetailDisabled || evs[0].User != "bob" {
		t.Errorf("audit %+v => want one denied event for bob, detail %s", evs, DetailDisabled)
	}
}

func TestNoPtyRefused(t *testing.T) {
	e := newTestEnv(t, nil)
	k := e.addUser("carol", store.RolePM, true)
	c := e.open(k, false)
	defer c.close()
	if code := c.wait(t, waitLong); code != 1 {
		t.Errorf("exit status %d => want 1", code)
	}
	if got := c.out.text(); got != "owg: owg needs an interactive terminal; connect with ssh -t\n" {
		t.Errorf("output %q => want the one-line pty reason", got)
	}
	evs := denials(t, e, gossh.FingerprintSHA256(k.PublicKey()))
	if len(evs) != 1 || evs[0].Detail != DetailNoPty {
		t.Errorf("audit %+v => want one %s denial", evs, DetailNoPty)
	}
}

func TestLoginAuditedAndOptions(t *testing.T) {
	e := newTestEnv(t, nil)
	k := e.addUser("dana", store.RoleSupervisor, true)
	c := e.open(k, true)
	defer c.close()
	c.out.waitFor(t, 0, "user dana (supervisor) theme default", waitLong)
	evs, err := e.db.ListAudit(context.Background(), store.AuditFilter{Action: store.AuditLogin, User: "dana"})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Role != store.RoleSupervisor || evs[0].Subject != gossh.FingerprintSHA256(k.PublicKey()) || evs[0].Addr == "" {
		t.Errorf("login audit %+v => want one with role, key and address", evs)
	}
	ss := e.srv.Sessions()
	if len(ss) != 1 || ss[0].User != "dana" || ss[0].Role != store.RoleSupervisor || ss[0].Agency != "Test" {
		t.Errorf("Sessions() = %+v => want dana the supervisor", ss)
	}
	c.send("q")
	if code := c.wait(t, waitLong); code != 0 {
		t.Errorf("exit after q = %d => want 0", code)
	}
	eventually(t, waitLong, "session unregistered", func() bool { return len(e.srv.Sessions()) == 0 })
}

func TestResizesReachProgram(t *testing.T) {
	e := newTestEnv(t, nil)
	k := e.addUser("erin", store.RolePM, true)
	c := e.open(k, true)
	defer c.close()
	c.out.waitFor(t, 0, "size 80x24", waitLong)
	for i := 1; i <= 20; i++ {
		if err := c.sess.WindowChange(24+i, 80+i); err != nil {
			t.Fatal(err)
		}
	}
	// Sizes coalesce (only the newest matters); the last one always arrives.
	eventually(t, waitLong, "the last resize delivered", func() bool {
		return e.probe.has("erin", func(m tea.Msg) bool { w, ok := m.(tea.WindowSizeMsg); return ok && w.Width == 100 && w.Height == 44 })
	})
	c.out.waitFor(t, 0, "size 100x44", waitLong)
}

func TestPanicEndsOnlyThatSession(t *testing.T) {
	e := newTestEnv(t, nil)
	ka := e.addUser("ann", store.RoleCaseManager, true)
	kb := e.addUser("ben", store.RoleCaseManager, true)
	a, b := e.open(ka, true), e.open(kb, true)
	defer a.close()
	defer b.close()
	a.out.waitFor(t, 0, "user ann", waitLong)
	b.out.waitFor(t, 0, "user ben", waitLong)

	a.send("!")
	if code := a.wait(t, waitLong); code != 1 {
		t.Errorf("panicking session exit %d => want 1", code)
	}
	if !strings.Contains(a.out.text(), "internal error") {
		t.Errorf("panicking session output %q => want an internal error line", a.out.text())
	}
	b.send("x")
	eventually(t, waitLong, "ben's session still works", func() bool { return e.probe.has("ben", isKey("x")) })
	b.out.waitFor(t, 0, "key x", waitLong)

	// A model that panics while being built is caught by the recovery
	// middleware; the server keeps serving.
	e.probe.mu.Lock()
	e.probe.panicOnNew = "cat"
	e.probe.mu.Unlock()
	kc := e.addUser("cat", store.RoleCaseManager, true)
	c := e.open(kc, true)
	defer c.close()
	if code := c.wait(t, waitLong); code != 1 {
		t.Errorf("session whose model panics at start: exit %d => want 1", code)
	}
	eventually(t, waitLong, "only ben left", func() bool { return len(e.srv.Sessions()) == 1 })
	d := e.open(ka, true)
	defer d.close()
	d.out.waitFor(t, 0, "user ann", waitLong)
}

func TestHubChangeReachesEverySession(t *testing.T) {
	e := newTestEnv(t, nil)
	ka := e.addUser("fay", store.RolePM, true)
	kb := e.addUser("gus", store.RolePolice, true)
	a, b := e.open(ka, true), e.open(kb, true)
	defer a.close()
	defer b.close()
	a.out.waitFor(t, 0, "user fay", waitLong)
	b.out.waitFor(t, 0, "user gus", waitLong)

	e.addUser("hal", store.RoleProvider, true) // a committed write: Change{Kind: "user", ID: "hal"}
	changed := func(m tea.Msg) bool {
		c, ok := m.(tui.ChangedMsg)
		if !ok {
			return false
		}
		for _, ch := range c.Changes {
			if ch.Kind == "user" && ch.ID == "hal" {
				return true
			}
		}
		return false
	}
	eventually(t, waitLong, "both sessions hear of the change", func() bool {
		return e.probe.has("fay", changed) && e.probe.has("gus", changed)
	})
	b.out.waitFor(t, 0, "changed user hal", waitLong)

	// Presence: fay joins a meeting; gus sees her there.
	a.send("m")
	inMeeting := func(m tea.Msg) bool {
		p, ok := m.(tui.PresenceMsg)
		if !ok {
			return false
		}
		for _, x := range p.People {
			if x.User == "fay" && x.Role == store.RolePM && x.MeetingID == "M-0001" && x.Following {
				return true
			}
		}
		return false
	}
	eventually(t, waitLong, "gus sees fay in the meeting", func() bool { return e.probe.has("gus", inMeeting) })

	// Notify reaches only the sessions the filter picks.
	n := e.srv.Notify(func(a store.Actor) bool { return a.Role == store.RolePM }, tui.NoticeMsg{Text: "R-0009 new"})
	if n != 1 {
		t.Errorf("Notify to pm reached %d sessions => want 1", n)
	}
	a.out.waitFor(t, 0, "R-0009 new", waitLong)
	if n := e.srv.Broadcast(tui.NoticeMsg{Text: "hello all"}); n != 2 {
		t.Errorf("Broadcast reached %d => want 2", n)
	}
	b.out.waitFor(t, 0, "hello all", waitLong)
	if e.probe.has("gus", isNotice("R-0009 new")) {
		t.Error("gus (police) got the pm-only notice")
	}
}

// A session whose program is stuck never delays the others, and its
// mailbox keeps only the newest state.
func TestStuckSessionDoesNotDelayOthers(t *testing.T) {
	e := newTestEnv(t, nil)
	stuck := make(chan struct{})
	e.probe.mu.Lock()
	e.probe.block["ivy"] = stuck
	e.probe.mu.Unlock()
	ki := e.addUser("ivy", store.RoleProvider, true)
	kj := e.addUser("jon", store.RoleProvider, true)
	i := e.open(ki, true)
	defer i.close()
	eventually(t, waitLong, "ivy registered", func() bool { return len(e.srv.Sessions()) == 1 })
	j := e.open(kj, true)
	defer j.close()
	j.out.waitFor(t, 0, "user jon", waitLong)

	start := time.Now()
	for n := range 200 {
		e.srv.Broadcast(tui.NoticeMsg{Text: "n" + strings.Repeat("x", n%3)})
		e.hubPublish(store.Change{Kind: "participant", ID: "P-0001"})
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("200 broadcasts took %s with a stuck session => want no blocking", d)
	}
	e.srv.Broadcast(tui.NoticeMsg{Text: "last one"})
	j.out.waitFor(t, 0, "last one", waitLong)

	var ivy *member
	for _, m := range e.srv.hub.all() {
		if m.actor.User == "ivy" {
			ivy = m
		}
	}
	ivy.mu.Lock()
	pending := len(ivy.pending)
	ivy.mu.Unlock()
	if pending > 3 {
		t.Errorf("stuck session holds %d pending messages => want at most one per type", pending)
	}
	close(stuck)
	eventually(t, waitLong, "ivy gets the newest notice once unstuck", func() bool { return e.probe.has("ivy", isNotice("last one")) })
}

func (e *testEnv) hubPublish(c store.Change) { e.srv.hub.publish(c) }

func TestIdleLogoffCountsKeystrokesOnly(t *testing.T) {
	// Generous against a loaded machine: keys come every idle/8, so only a
	// stall of the whole process for over a second could log kim off.
	const idle = 1500 * time.Millisecond
	e := newTestEnv(t, func(c *Config) { c.IdleTimeout = idle })
	k := e.addUser("kim", store.RoleCaseManager, true)

	typing := e.open(k, true)
	defer typing.close()
	typing.out.waitFor(t, 0, "user kim", waitLong)
	for range 16 { // 16 x idle/8 of typing: longer than the timeout, still signed in
		typing.send("a")
		time.Sleep(idle / 8)
	}
	if len(e.srv.Sessions()) != 1 {
		t.Fatal("a typing user was logged off")
	}

	// Keepalives are traffic but not keystrokes: they do not keep a session.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				_, _, _ = typing.conn.SendRequest("keepalive@openssh.com", true, nil)
			}
		}
	})
	start := time.Now()
	code := typing.wait(t, waitLong)
	close(stop)
	wg.Wait()
	if took := time.Since(start); took < idle/2 || took > idle+5*time.Second {
		t.Errorf("logged off %s after the last key => want about %s", took, idle)
	}
	if code != 0 || !strings.Contains(typing.out.text(), "logged off after 1.5s without input") {
		t.Errorf("exit %d, output tail %q => want a logoff line", code, tail(typing.out.text(), 80))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func TestSessionCap(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.MaxSessions = 2 })
	k := e.addUser("lee", store.RolePM, true)
	a, b := e.open(k, true), e.open(k, true)
	defer a.close()
	defer b.close()
	a.out.waitFor(t, 0, "user lee", waitLong)
	b.out.waitFor(t, 0, "user lee", waitLong)
	c := e.open(k, true)
	defer c.close()
	if code := c.wait(t, waitLong); code != 1 || !strings.Contains(c.out.text(), "full") {
		t.Errorf("third session: exit %d, %q => want refused as full", code, c.out.text())
	}
	if evs := denials(t, e, gossh.FingerprintSHA256(k.PublicKey())); len(evs) != 1 || evs[0].Detail != DetailSessionCap {
		t.Errorf("audit %+v => want one %s denial", evs, DetailSessionCap)
	}
}

func TestRateLimitPerAddress(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.RatePerSecond, c.RateBurst = 0.001, 2 })
	k := e.addUser("max", store.RolePM, true)
	// Sessions start their handlers concurrently: wait until the first two
	// are running (each took a token) so the third is the one refused.
	a := e.open(k, true)
	defer a.close()
	a.out.waitFor(t, 0, "owg stand-in", waitLong)
	b := e.open(k, true)
	defer b.close()
	b.out.waitFor(t, 0, "owg stand-in", waitLong)
	c := e.open(k, true)
	defer c.close()
	if code := c.wait(t, waitLong); code != 1 || !strings.Contains(c.out.text(), "too many connections") {
		t.Errorf("third quick session: exit %d, %q => want rate limited", code, c.out.text())
	}

	r := newRateLimiter(1, 2)
	now := time.Unix(0, 0)
	got := []bool{r.allow("a", now), r.allow("a", now), r.allow("a", now), r.allow("b", now), r.allow("a", now.Add(time.Second))}
	want := []bool{true, true, false, true, true}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("allow #%d = %v => want %v", i, got[i], want[i])
		}
	}
}

func TestManySessionsLeaveNoGoroutines(t *testing.T) {
	t.Run("stand-in", func(t *testing.T) { testManySessions(t, false) })
	t.Run("following a meeting", func(t *testing.T) { testManySessions(t, true) })
}

// testManySessions connects 50 sessions at once (with the real TUI joined
// to a live meeting when meeting), checks a notice reaches them all, closes
// them and checks the goroutine count settles back.
func testManySessions(t *testing.T, meeting bool) {
	e := newTestEnv(t, nil)
	var site *meetingSite
	if meeting {
		e = newRealTUIEnv(t)
		site = newMeetingSite(t, e, 0)
	}
	keys := make([]gossh.Signer, 50)
	for i := range keys {
		keys[i] = e.addUser(fmt.Sprintf("u%02d", i), store.RoleCaseManager, true)
	}
	const slow = 20 * time.Second // 50 sessions at once under -race
	open := func(k gossh.Signer) (*client, error) {
		c, err := e.tryOpen(k, true)
		if err != nil {
			return nil, err
		}
		if !meeting {
			return c, c.out.await(0, "owg stand-in", slow)
		}
		if err := c.out.await(0, "Meeting", slow); err != nil {
			return c, err
		}
		c.send("5")
		if err := c.out.await(0, "join and follow", slow); err != nil {
			return c, err
		}
		c.send("\r")
		return c, c.out.await(0, "following", slow)
	}
	// Warm up once so lazily started goroutines are in the baseline.
	w, err := open(keys[0])
	if err != nil {
		t.Fatal(err)
	}
	w.close()
	eventually(t, waitLong, "warm-up ended", func() bool { return len(e.srv.Sessions()) == 0 })
	// the warm-up dropped: its place is forgotten, so u00 joins as everyone does
	e.srv.mu.Lock()
	delete(e.srv.dropped, "u00")
	e.srv.mu.Unlock()
	base := settleGoroutines(0, time.Second)

	clients := make([]*client, len(keys))
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() { clients[i], errs[i] = open(k) })
	}
	wg.Wait()
	for i, c := range clients {
		if c != nil {
			defer c.close()
		}
		if errs[i] != nil {
			t.Fatalf("session %d: %v", i, errs[i])
		}
	}
	if len(e.srv.Sessions()) != 50 {
		t.Fatalf("%d sessions => want 50", len(e.srv.Sessions()))
	}
	marks := make([]int, len(clients))
	for i, c := range clients {
		marks[i] = c.out.len()
	}
	if meeting {
		site.advance(t, 1)
		for i, c := range clients {
			c.out.waitFor(t, marks[i], itemTwoTitle, slow)
		}
	} else {
		e.srv.Broadcast(tui.NoticeMsg{Text: "to all fifty"})
		for i, c := range clients {
			c.out.waitFor(t, marks[i], "to all fifty", slow)
		}
	}
	for _, c := range clients {
		c.close()
	}
	eventually(t, waitLong, "all sessions unregistered", func() bool { return len(e.srv.Sessions()) == 0 })
	const tolerance = 5
	if got := settleGoroutines(base+tolerance, 5*time.Second); got > base+tolerance {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines %d after 50 sessions closed => want at most %d + %d\n%s", got, base, tolerance, buf[:runtime.Stack(buf, true)])
	}
}

// settleGoroutines polls until the goroutine count is at most target (or
// stops falling) and returns it.
func settleGoroutines(target int, d time.Duration) int {
	deadline := time.Now().Add(d)
	n := runtime.NumGoroutine()
	for time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m <= target || (target == 0 && m == n) {
			return m
		}
		n = m
	}
	return n
}

func TestShutdownWithOpenSessionsIsPrompt(t *testing.T) {
	e := newTestEnv(t, nil)
	k := e.addUser("ned", store.RolePM, true)
	cs := []*client{e.open(k, true), e.open(k, true), e.open(k, true)}
	for _, c := range cs {
		defer c.close()
		c.out.waitFor(t, 0, "user ned", waitLong)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := e.srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Shutdown took %s with open sessions => want prompt", d)
	}
	select {
	case err := <-e.served:
		if err != nil {
			t.Errorf("Serve returned %v => want nil after Shutdown", err)
		}
	case <-time.After(waitLong):
		t.Error("Serve did not return after Shutdown")
	}
	for _, c := range cs {
		c.wait(t, waitLong)
		if !strings.Contains(c.out.text(), "server is stopping") {
			t.Errorf("client output tail %q => want the stopping line", tail(c.out.text(), 80))
		}
	}
	if n := e.probe.count("ned", isNotice(StoppingNotice)); n != 3 {
		t.Errorf("%d programs got the stopping notice => want 3", n)
	}
	if _, err := e.tryOpen(k, true); err == nil {
		t.Error("a new connection succeeded after Shutdown")
	}
}

func TestShutdownNeverWaitsPastContext(t *testing.T) {
	e := newTestEnv(t, nil)
	stuck := make(chan struct{})
	defer close(stuck)
	e.probe.mu.Lock()
	e.probe.block["oz"] = stuck
	e.probe.mu.Unlock()
	k := e.addUser("oz", store.RolePM, true)
	c := e.open(k, true)
	defer c.close()
	eventually(t, waitLong, "oz registered", func() bool { return len(e.srv.Sessions()) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_ = e.srv.Shutdown(ctx)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Shutdown took %s with a stuck program and a 300ms context", d)
	}
}

func TestHostKeyCreatedOnceAndReused(t *testing.T) {
	dir := t.TempDir()
	e := newTestEnv(t, nil)
	cfg := Config{DataDir: dir, Store: e.db}
	s1, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s1.Close()
	path := filepath.Join(dir, DefaultHostKeyName)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %v => want 0600", st.Mode().Perm())
	}
	s2, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s1.HostKeyFingerprint() != s2.HostKeyFingerprint() || !strings.HasPrefix(s1.HostKeyFingerprint(), "SHA256:") {
		t.Errorf("fingerprints %s, %s => want the same key reused", s1.HostKeyFingerprint(), s2.HostKeyFingerprint())
	}
	if _, err := New(Config{Store: e.db}); err == nil {
		t.Error("New without DataDir or HostKeyPath => want an error")
	}
}

// The session's model gets a context that ends with the connection, so
// its store calls never outlive it.
func TestSessionContextEndsWithConnection(t *testing.T) {
	e := newTestEnv(t, nil)
	k := e.addUser("gil", store.RoleCaseManager, true)
	c := e.open(k, true)
	c.out.waitFor(t, 0, "user gil", waitLong)
	o, ok := e.probe.options("gil")
	if !ok || o.Context == nil {
		t.Fatalf("options %+v => want a Context", o)
	}
	if err := o.Context.Err(); err != nil {
		t.Fatalf("context ended while connected: %v", err)
	}
	c.close()
	eventually(t, waitLong, "the session's context ends", func() bool { return o.Context.Err() != nil })
}
