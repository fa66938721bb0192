package sshserve

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
)

// Issue 6: nothing is sent while nothing happens, in a meeting (the
// facilitator's and a follower's links) and on the Today screen; the SSH
// layer adds nothing either (no keepalives from the server).
func TestIdleMeetingSendsNothing(t *testing.T) {
	e := newRealTUIEnv(t)
	site := newMeetingSite(t, e, 2)
	pam := site.join(t, "pam")
	defer pam.close()
	cara, err := e.openCounted(site.keys["cara"], "xterm-256color", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cara.close()
	landing(t, cara.client, "Today")
	cara.send("5")
	cara.out.waitFor(t, 0, "join and follow", waitLong)
	cara.send("\r")
	cara.out.waitFor(t, 0, "following", waitLong)
	pete, err := e.openCounted(site.keys["pete"], "xterm-256color", map[string]string{"NO_COLOR": "1"})
	if err != nil {
		t.Fatal(err)
	}
	defer pete.close()
	landing(t, pete.client, "New referral")
	for _, c := range []*client{pam, cara.client, pete.client} {
		c.out.settle(300*time.Millisecond, 3*time.Second)
	}

	p0, c0, cw0, w0 := pam.out.len(), cara.out.len(), cara.wire.read.Load(), pete.wire.read.Load()
	time.Sleep(idleWindow)
	if n := pam.out.len() - p0; n != 0 {
		t.Errorf("facilitator received %d B while idle => want 0: %q", n, pam.out.bytesFrom(p0))
	}
	if n, w := cara.out.len()-c0, cara.wire.read.Load()-cw0; n != 0 || w != 0 {
		t.Errorf("follower received %d terminal B, %d wire B while idle => want 0: %q", n, w, cara.out.bytesFrom(c0))
	}
	if w := pete.wire.read.Load() - w0; w != 0 {
		t.Errorf("officer on the New referral form received %d wire B while idle => want 0", w)
	}
}

// The session asks the terminal for its background colour itself (its
// program has no tick to flush a query with, programFPS), and the answer
// still reaches the model: a light background restyles the screen.
func TestSessionAsksForTheBackgroundColour(t *testing.T) {
	e := newRealTUIEnv(t)
	key := e.addUser("pam", store.RolePM, true)
	c, err := e.openTerm(key, "xterm-256color", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	landing(t, c, "Today")
	if got := string(c.out.bytesFrom(0)); !strings.Contains(got, ansi.RequestBackgroundColor) {
		t.Fatalf("the client was not asked for its background colour: %q", got)
	}
	n := c.out.len()
	c.send("\x1b]11;rgb:ffff/ffff/ffff\x1b\\")
	if !waitGrowth(c.out, n, waitLong) {
		t.Error("nothing redrawn after a light background was reported => want the light styles")
	}
}
