package sshserve

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/tui"
)

// droppedFor reports whether the server keeps a place for user.
func droppedFor(e *testEnv, user string) bool {
	e.srv.mu.Lock()
	defer e.srv.mu.Unlock()
	return len(e.srv.dropped[user]) > 0
}

// TestFollowerReconnectsFollowing: a follower's TCP connection is cut
// while the facilitator moves on; the follower signs straight back in
// and is in the meeting again, following, on the facilitator's current
// item, with "reconnected" on the status line — without a key pressed.
func TestFollowerReconnectsFollowing(t *testing.T) {
	e := newRealTUIEnv(t)
	site := newMeetingSite(t, e, 1)
	pam := site.join(t, "pam")
	defer pam.close()
	cara, err := e.openCounted(site.keys["cara"], "xterm-256color", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := joinOn(cara.client, false, waitLong); err != nil {
		t.Fatal(err)
	}
	cara.out.waitFor(t, 0, "1. "+itemOneTitle, waitLong)
	cara.kill() // the link goes: no SSH goodbye
	eventually(t, waitLong, "the drop is noted", func() bool { return droppedFor(e, "cara") })

	mark := pam.out.len()
	pam.send("n")
	pam.out.waitFor(t, mark, itemTwoTitle, waitLong)
	mark = pam.out.len()
	pam.send("n")
	pam.out.waitFor(t, mark, itemThreeTitle, waitLong)
	eventually(t, waitLong, "the meeting moved to item 3", func() bool {
		mt, err := e.db.GetMeeting(context.Background(), site.meetingID)
		return err == nil && mt.Current == 2
	})

	again, err := e.openCounted(site.keys["cara"], "xterm-256color", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer again.close()
	again.out.waitFor(t, 0, "reconnected", waitLong)
	again.out.waitFor(t, 0, "following", waitLong)
	again.out.waitFor(t, 0, "3. "+itemThreeTitle, waitLong)
	eventually(t, waitLong, "cara follows again, as the hub sees it", func() bool {
		for _, s := range e.srv.Sessions() {
			if s.User == "cara" && s.MeetingID == site.meetingID && s.Following && s.Tab == "Meeting" {
				return true
			}
		}
		return false
	})
	// and goes on following
	mark = again.out.len()
	pam.send("p")
	again.out.waitFor(t, mark, itemTwoTitle, waitLong)
}

// TestCaseManagerReconnectsOnTheSameParticipant: a case manager on
// Caseload with the second participant selected loses the connection;
// the next session opens on Caseload with that participant selected
// (enter opens them, not the first row).
func TestCaseManagerReconnectsOnTheSameParticipant(t *testing.T) {
	s := newIntakeSite(t)
	carl := s.open(t, "carl", "Today")
	mark := carl.out.len()
	carl.send("2")
	carl.out.waitFor(t, mark, "Caseload", waitLong)
	carl.out.waitFor(t, mark, enrolledName, waitLong)
	carl.out.waitFor(t, mark, routedName, waitLong)
	carl.out.settle(actionQuiet, 3*time.Second)
	carl.send("j")
	carl.out.settle(actionQuiet, 3*time.Second)
	// which one is second: open it, note the name, come back
	mark = carl.out.len()
	carl.send(keyEnter)
	chosen := ""
	eventually(t, waitLong, "the participant screen", func() bool {
		got := ansi.Strip(string(carl.out.bytesFrom(mark)))
		for _, n := range []string{enrolledName, routedName} {
			if strings.Contains(got, n+" · P-") {
				chosen = n
				return true
			}
		}
		return false
	})
	mark = carl.out.len()
	carl.send("\x1b")
	carl.out.waitFor(t, mark, "Caseload", waitLong)
	carl.out.settle(actionQuiet, 3*time.Second)
	carl.kill()
	eventually(t, waitLong, "the drop is noted", func() bool { return droppedFor(s.e, "carl") })

	again := s.open(t, "carl", "reconnected")
	defer again.close()
	if got := again.out.text(); !strings.Contains(got, "[2 Caseload]") {
		t.Fatalf("reconnected session is not on Caseload:\n%s", got)
	}
	mark = again.out.len()
	again.send(keyEnter)
	again.out.waitFor(t, mark, chosen+" · P-", waitLong)
}

// TestReconnectKeepsNothingOnQuitOrForALiveSession: quitting keeps no
// place; a second session of a user whose first session is still
// connected opens fresh (it never takes the live session's place); once
// the first drops, the next session takes its place.
func TestReconnectKeepsNothingOnQuitOrForALiveSession(t *testing.T) {
	s := newIntakeSite(t)
	cora := s.open(t, "cora", "Today")
	mark := cora.out.len()
	cora.send("2")
	cora.out.waitFor(t, mark, "Caseload", waitLong)
	cora.out.settle(actionQuiet, 3*time.Second)
	cora.send("q")
	if code := cora.wait(t, waitLong); code != 0 {
		t.Fatalf("quit => exit %d", code)
	}
	if droppedFor(s.e, "cora") {
		t.Fatal("a quit kept a place to resume")
	}
	fresh := s.open(t, "cora", "Today")
	defer fresh.close()
	if strings.Contains(fresh.out.text(), "reconnected") {
		t.Fatal("a session after a quit says reconnected")
	}

	// fresh stays connected on Caseload; a second session opens on Today
	mark = fresh.out.len()
	fresh.send("2")
	fresh.out.waitFor(t, mark, "Caseload", waitLong)
	fresh.out.settle(actionQuiet, 3*time.Second)
	second := s.open(t, "cora", "Today")
	if got := second.out.text(); strings.Contains(got, "reconnected") || strings.Contains(got, "[2 Caseload]") {
		t.Fatalf("a second session took the live session's place:\n%s", got)
	}
	n := 0
	for _, si := range s.e.srv.Sessions() {
		if si.User == "cora" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("cora has %d sessions => want 2 (the live one answered the keepalive and stays)", n)
	}
	second.close()
	eventually(t, waitLong, "the second session's drop is noted", func() bool { return droppedFor(s.e, "cora") })
	// the second dropped on Today: taken by the next session
	third := s.open(t, "cora", "reconnected")
	if strings.Contains(third.out.text(), "[2 Caseload]") {
		t.Fatal("the third session resumed the live session's tab, not the dropped one's")
	}
	third.close()
	eventually(t, waitLong, "the third session's drop is noted", func() bool { return droppedFor(s.e, "cora") })
	_ = s.open(t, "cora", "reconnected") // (closed with the server)
}

// TestTakeResumeWithinTheIdleTimeout: a kept place is taken once, by its
// user, within the idle timeout; the newest of several first.
func TestTakeResumeWithinTheIdleTimeout(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 15, 0, 0, 0, time.UTC)
	idle := 10 * time.Minute
	for _, tt := range []struct {
		name  string
		keep  []string // tabs dropped, a second apart from t0
		user  string
		after time.Duration // since the last drop
		want  []string      // tabs taken by successive sessions
	}{
		{"just after", []string{"Caseload"}, "ana", time.Second, []string{"Caseload", ""}},
		{"at the limit", []string{"Caseload"}, "ana", idle, []string{"Caseload", ""}},
		{"past the limit", []string{"Caseload"}, "ana", idle + time.Second, []string{""}},
		{"another user", []string{"Caseload"}, "ben", time.Second, []string{""}},
		{"newest first", []string{"Today", "Cases"}, "ana", time.Second, []string{"Cases", "Today", ""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{cfg: Config{IdleTimeout: idle, Now: func() time.Time { return t0 }}}
			var at time.Time
			for i, tab := range tt.keep {
				at = t0.Add(time.Duration(i) * time.Second)
				s.keepDropped("ana", tui.Resume{Tab: tab, Places: map[string]tui.Place{tab: {Key: "P-0001", Line: 2}}}, at)
			}
			for i, want := range tt.want {
				got := ""
				if r := s.takeResume(tt.user, at.Add(tt.after)); r != nil {
					got = r.Tab
					if r.Places[got].Key != "P-0001" {
						t.Errorf("take %d: place %+v => want P-0001 kept", i, r.Places)
					}
				}
				if got != want {
					t.Errorf("take %d => %q, want %q", i, got, want)
				}
			}
		})
	}
}

// TestDroppedPlacesAreForgotten: once the idle timeout has passed, a
// place no session took is gone from the server's memory too.
func TestDroppedPlacesAreForgotten(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 15, 0, 0, 0, time.UTC)
	now := t0
	s := &Server{cfg: Config{IdleTimeout: time.Minute, Now: func() time.Time { return now }}}
	s.keepDropped("ana", tui.Resume{Tab: "Caseload"}, t0)
	s.keepDropped("ben", tui.Resume{Tab: "Today"}, t0.Add(30*time.Second))
	for _, tt := range []struct {
		at   time.Duration
		want []string
	}{
		{time.Minute, []string{"ana", "ben"}},
		{time.Minute + time.Second, []string{"ben"}},
		{2 * time.Minute, nil},
	} {
		now = t0.Add(tt.at)
		s.pruneDropped()
		var got []string
		for _, u := range []string{"ana", "ben"} {
			if len(s.dropped[u]) > 0 {
				got = append(got, u)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("at +%s: places kept for %v => want %v", tt.at, got, tt.want)
		}
	}
}

// TestHalfOpenSessionGivesUpItsPlace: a case manager's link goes silent
// (a lost tether: the server is never told). When they sign in again, the
// old session does not answer the new one's keepalive, is taken as
// dropped, and the new session opens where it was, saying "reconnected".
// A session whose client answers keeps its place (the test above).
func TestHalfOpenSessionGivesUpItsPlace(t *testing.T) {
	s := newIntakeSite(t)
	p := newCutProxy(t, s.e.addr, 0, true)
	carl, err := s.e.openCountedVia(p.addr(), s.keys["carl"], "xterm-256color", nil)
	if err != nil {
		t.Fatal(err)
	}
	landing(t, carl.client, "Today")
	mark := carl.out.len()
	carl.send("2")
	carl.out.waitFor(t, mark, "Caseload", waitLong)
	carl.out.settle(actionQuiet, 3*time.Second)
	p.cut() // silent: both ends stay open
	again := s.open(t, "carl", "reconnected")
	defer again.close()
	if got := again.out.text(); !strings.Contains(got, "[2 Caseload]") {
		t.Fatalf("reconnected session is not on Caseload:\n%s", got)
	}
	if droppedFor(s.e, "carl") {
		t.Error("the place is still kept after the new session took it")
	}
}

// TestFacilitatorReconnectsDriving: the facilitator's link is cut; signed
// back in, they are in the meeting facilitating, and their next key moves
// the meeting for everyone.
func TestFacilitatorReconnectsDriving(t *testing.T) {
	e := newRealTUIEnv(t)
	site := newMeetingSite(t, e, 1)
	pam, err := e.openCounted(site.keys["pam"], "xterm-256color", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := joinOn(pam.client, true, waitLong); err != nil {
		t.Fatal(err)
	}
	cara := site.join(t, "cara")
	defer cara.close()
	pam.out.settle(actionQuiet, 3*time.Second)
	pam.kill()
	eventually(t, waitLong, "the drop is noted", func() bool { return droppedFor(e, "pam") })

	again, err := e.openCounted(site.keys["pam"], "xterm-256color", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer again.close()
	again.out.waitFor(t, 0, "reconnected", waitLong)
	again.out.waitFor(t, 0, "facilitating", waitLong)
	again.out.settle(actionQuiet, 3*time.Second)
	mark := cara.out.len()
	again.send("n")
	cara.out.waitFor(t, mark, itemTwoTitle, waitLong)
	eventually(t, waitLong, "the meeting moved on", func() bool {
		mt, err := e.db.GetMeeting(context.Background(), site.meetingID)
		return err == nil && mt.Current == 1
	})
}
