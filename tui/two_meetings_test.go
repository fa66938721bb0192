package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/export"
)

// TestTwoMeetingsOnDemoSite is issue 14's scripted run on the demo site,
// as the pm at 80x24: the first meeting closes one of M-0001's action
// items and leaves the rest open, holds one goal review and passes over
// the rest of the agenda (not reached); the second's agenda brings back
// the still-open items of M-0001, resumes the rotation after the review
// held, and fits the 90 minutes. Both minutes open with the summary and
// read in plain words.
func TestTwoMeetingsOnDemoSite(t *testing.T) {
	ctx := context.Background()
	s := demoSite(t)
	probe := newScreenProbe(New(testOptions(s, demoPM)))
	tm := teatest.NewTestModel(t, probe, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	})
	e := e2e{t: t, tm: tm, probe: probe}
	openBefore := openActionIDs(t, s, "M-0001")
	if len(openBefore) < 2 {
		t.Fatalf("demo M-0001 => open action items %v, want two or more", openBefore)
	}

	// meeting 1: today, with its estimate on the form's first line
	e.wait("capacity")
	e.keys("5")
	e.wait("No meeting is open")
	e.keys("n")
	e.wait("┃ Meeting date", "Agenda for 2026-03-02: ~", "min,", "items (of 90)")
	e.keys("\r")
	e.wait("┃ Attendees")
	e.keys("\r")
	e.wait("facilitating", "item 1 of ", "0/90 min, 90 left")
	m1 := openMeetingOf(t, s)
	n := len(m1.Items)
	if est := store.AgendaMinutes(m1.Items); est > 90 {
		t.Errorf("first agenda => ~%d min, over the 90-minute budget", est)
	}

	// item 1: the open action items; close the first with D
	e.wait("1. Open action items from M-0001")
	e.keys("D")
	e.wait("┃ Close action item")
	e.keys("\r")
	e.wait("┃ As")
	e.keys("\r")
	e.wait("┃ Reason")
	e.keys("\r")
	e.wait("saved: A-", "done (from M-0001)")

	// the first goal review: a note is something recorded on it
	goalAt := firstOf(m1, store.ItemGoalReview)
	if goalAt < 0 {
		t.Fatalf("first agenda has no goal review")
	}
	reviewed := m1.Items[goalAt].Subject
	e.keys("g" + fmt.Sprint(goalAt+1) + "\r")
	e.wait(fmt.Sprintf("item %d of %d", goalAt+1, n), "Goal review: "+reviewed)
	e.keys("c")
	e.wait("┃ Note on item")
	e.tm.Type("moved into the respite bed")
	e.wait("moved into the respite bed")
	e.keys("\r")
	e.wait("saved: note on item")

	// end: what was not reached is shown before confirming
	e.keys("E")
	e.wait("┃ End meeting "+m1.ID, "not reached (back on the next agenda)")
	e.keys("y")
	e.wait("meeting " + m1.ID + " ended")

	got1, err := s.GetMeeting(ctx, m1.ID)
	if err != nil {
		t.Fatal(err)
	}
	discussed := 0
	for i, it := range got1.Items {
		want := store.ItemNotReached
		if i == 0 || i == goalAt {
			want = store.ItemDiscussed
			discussed++
		}
		if it.Status != want {
			t.Errorf("%s item %d %q => %s, want %s", m1.ID, i+1, it.Title, it.Status, want)
		}
	}
	openAfter := openActionIDs(t, s, "M-0001")
	if len(openAfter) != len(openBefore)-1 {
		t.Fatalf("M-0001 open action items => %v, want one of %v closed", openAfter, openBefore)
	}
	closed := ""
	for _, id := range openBefore {
		if !strings.Contains(strings.Join(openAfter, " "), id) {
			closed = id
		}
	}

	// meeting 2, two weeks on
	e.wait("No meeting is open")
	e.keys("n")
	e.wait("┃ Meeting date")
	for range 10 {
		e.tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	e.tm.Type("2026-03-16")
	e.wait("Agenda for 2026-03-16: ~")
	e.keys("\r")
	e.wait("┃ Attendees")
	e.keys("\r")
	e.wait("facilitating", "item 1 of ")
	m2 := openMeetingOf(t, s)
	if est := store.AgendaMinutes(m2.Items); est > 90 || est == 0 {
		t.Errorf("second agenda => ~%d min, want within the 90-minute budget", est)
	}
	if m2.Items[0].Kind != store.ItemActionItems || !strings.Contains(m2.Items[0].Reason, fmt.Sprintf("%d open", len(openAfter))) {
		t.Errorf("second agenda, item 1 => %q %q, want the %d still-open action items", m2.Items[0].Title, m2.Items[0].Reason, len(openAfter))
	}
	screen := e.wait("1. Open action items from M-0001", fmt.Sprintf("%d open", len(openAfter)))
	e.keys("]") // the list overflows the pane at 80x24: it scrolls
	screen += e.wait("lines above")
	if strings.Contains(screen, closed+" ") {
		t.Errorf("the closed %s is still listed:\n%s", closed, screen)
	}
	var reviews []string
	for _, it := range m2.Items {
		if it.Kind == store.ItemGoalReview {
			reviews = append(reviews, it.Subject)
		}
	}
	if len(reviews) == 0 || reviews[0] == reviewed {
		t.Errorf("second agenda goal reviews %v => want the rotation resumed after %s", reviews, reviewed)
	}
	var passed []string // the first meeting's reviews not reached come first
	for i, it := range got1.Items {
		if it.Kind == store.ItemGoalReview && i != goalAt {
			passed = append(passed, it.Subject)
		}
	}
	if len(passed) > 0 && reviews[0] != passed[0] {
		t.Errorf("second agenda => first review %s, want %s, not reached last time", reviews[0], passed[0])
	}
	e.keys("E")
	e.wait("┃ End meeting " + m2.ID)
	e.keys("y")
	e.wait("meeting " + m2.ID + " ended")

	// the minutes of both
	for _, id := range []string{m1.ID, m2.ID} {
		txt, err := export.MinutesExport(ctx, s, demoPM, id, fixedNow, export.MinutesOptions{Format: store.MinutesText})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Summary", "Facilitator: dana", "Decisions:", "New action items:", "Closed action items:", "Carried over to the next meeting:", "Items discussed"} {
			if !strings.Contains(txt, want) {
				t.Errorf("%s minutes => missing %q:\n%s", id, want, txt)
			}
		}
		for _, no := range []string{"goal_review", "not_reached", "not_yet_engaged", "action_items", "\\#", "\\_"} {
			if strings.Contains(txt, no) {
				t.Errorf("%s minutes => %q in:\n%s", id, no, txt)
			}
		}
		if id == m1.ID {
			if !strings.Contains(txt, closed) || !strings.Contains(txt, "moved into the respite bed") {
				t.Errorf("%s minutes => want the closed %s and the review's note:\n%s", id, closed, txt)
			}
			if got := strings.Count(txt, "\n1. ") + strings.Count(txt, fmt.Sprintf("\n%d. ", goalAt+1)); got != discussed {
				t.Errorf("%s minutes => %d discussed item headings, want %d:\n%s", id, got, discussed, txt)
			}
			if testing.Verbose() {
				t.Log(txt)
			}
			t.Logf("%s: %d items, ~%d min; %s: %d items, ~%d min; minutes %d lines", m1.ID, n, store.AgendaMinutes(m1.Items),
				m2.ID, len(m2.Items), store.AgendaMinutes(m2.Items), strings.Count(txt, "\n"))
		}
	}
}

// openActionIDs lists the open action items of meeting id.
func openActionIDs(t *testing.T, s store.Store, id string) []string {
	t.Helper()
	m, err := s.GetMeeting(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range m.ActionItems {
		if a.IsOpen() {
			out = append(out, a.ID)
		}
	}
	return out
}
