package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/leadtable/owg/store"
)

// TestOpenMeetingIsAnnounced: a user who signs in while a meeting is open,
// or is signed in when one opens, is told on the status line how to join;
// the facilitator is not told about their own meeting.
func TestOpenMeetingIsAnnounced(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	if _, err := s.CreateMeeting(ctx, actorPM, store.Meeting{Date: day(0), Facilitator: "pat", Status: store.MeetingOpen}); err != nil {
		t.Fatal(err)
	}
	tm := startTUI(t, testOptions(s, actorCM), 100, 30)
	run(t, tm, step{"", []string{"is open (facilitator pat)", "press 5, then enter to join"}})

	// already signed in when the next meeting opens
	tm2 := startTUI(t, testOptions(s, actorProsecute), 100, 30)
	run(t, tm2, step{"", []string{"is open (facilitator pat)"}})
	m, err := s.ListMeetings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last := m[len(m)-1]
	last.Status, last.EndedAt = store.MeetingEnded, fixedNow
	if _, err := s.UpdateMeeting(ctx, actorPM, last); err != nil {
		t.Fatal(err)
	}
	mt, err := s.CreateMeeting(ctx, actorPM, store.Meeting{Date: day(1), Facilitator: "keisha", Status: store.MeetingOpen})
	if err != nil {
		t.Fatal(err)
	}
	tm2.Send(ChangedMsg{Changes: []store.Change{{Kind: "meeting", ID: mt.ID}}})
	run(t, tm2, step{"", []string{"keisha"}})
	if got := finalScreen(t, tm2); !strings.Contains(got, "meeting "+mt.ID+" is open (facilitator keisha)") {
		t.Errorf("after a new meeting opened => status line missing the announcement:\n%s", got)
	}
}
