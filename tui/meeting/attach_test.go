package meeting_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

// TestGeneralTextNamingAParticipantIsRefused: on a general item, an action
// item that names a participant is refused in the form (on the status
// line, at 80x24) and by the store; attached to the participant it is
// saved, and its text then follows that participant (police without an
// ROI of P-0001 do not see it).
func TestGeneralTextNamingAParticipantIsRefused(t *testing.T) {
	site := triagetest.New(t)
	openMeeting(t, site)
	pm := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	join(t, pm)
	pm.key(keyRune('g'), keyRune('3'), keyEnter)
	pm.probe.WaitText(t, "3. Other business")

	pm.key(keyRune('a'))
	pm.probe.WaitText(t, "┃ Attach to participant")
	pm.key(keyEnter) // general
	pm.probe.WaitText(t, "┃ Action item on item 3")
	pm.tm.Type("call JANE roe about housing")
	pm.probe.WaitText(t, "call JANE roe")
	pm.key(keyEnter)
	pm.probe.WaitText(t, "the action item names a participant: attach it to them instead")
	pm.key(keyRune('\x1b'))

	// the store refuses it too, whatever the screen does
	_, err := site.Store.MutateMeeting(context.Background(), triagetest.Actor("ana"), "M-0001", func(mt *store.Meeting) error {
		mt.ActionItems = append(mt.ActionItems, store.ActionItem{ItemID: "3", Text: "call Jane Roe", Owner: "bo"})
		return nil
	})
	if !errors.Is(err, store.ErrNamesParticipant) {
		t.Fatalf("store write of a general action item naming Jane Roe => %v, want ErrNamesParticipant", err)
	}
	_, err = site.Store.MutateMeeting(context.Background(), triagetest.Actor("ana"), "M-0001", func(mt *store.Meeting) error {
		mt.ActionItems = append(mt.ActionItems, store.ActionItem{ItemID: "3", Subject: site.P1, Text: "call Jane Roe", Owner: "bo"})
		return nil
	})
	if err != nil {
		t.Fatalf("attached action item => %v, want saved", err)
	}

	police := run(t, site.Ctx(triagetest.Actor("ofc")), 100, 30)
	join(t, police)
	police.key(keyRune('g'), keyRune('3'), keyEnter)
	screen := police.probe.WaitText(t, "3. Other business", "A-0001")
	if strings.Contains(screen, "Jane") {
		t.Errorf("police (no ROI of %s) => the attached action item's text must not show:\n%s", site.P1, screen)
	}
	cm := run(t, site.Ctx(triagetest.Actor("bo")), 100, 30)
	join(t, cm)
	cm.key(keyRune('g'), keyRune('3'), keyEnter)
	cm.probe.WaitText(t, "3. Other business", "A-0001", "call Jane Roe")
}

// TestRoomView: with police present (no ROI of P-0001), room view shows
// the facilitator only what the officer may see, says so on the status
// line, and shows the participant again once the officer leaves.
func TestRoomView(t *testing.T) {
	site := triagetest.New(t)
	openMeeting(t, site)
	pm := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	join(t, pm)
	pm.probe.WaitText(t, "1. Goal review: P-0001", "Jane Roe")

	present := func(users ...string) common.PresenceMsg {
		var ps []common.Presence
		for _, u := range users {
			a := triagetest.Actor(u)
			ps = append(ps, common.Presence{User: a.User, Role: a.Role, Agency: a.Agency, MeetingID: "M-0001", Following: true})
		}
		return common.PresenceMsg{People: ps}
	}
	pm.tm.Send(present("ana", "ofc", "bo"))
	pm.key(keyRune('R'))
	screen := pm.probe.WaitText(t, "room view: as every attendee sees it", store.NotShared)
	if strings.Contains(screen, "Jane Roe") || strings.Contains(screen, "get my own place") {
		t.Errorf("room view with police (no ROI) => must not show P-0001:\n%s", screen)
	}
	pm.key(keyDown)
	screen = pm.probe.WaitText(t, "2. Goal review: P-0002", "Mark Doe", "found a room downtown")
	if strings.Contains(screen, "relapse") {
		t.Errorf("room view => clinical note shown:\n%s", screen)
	}
	pm.key(keyRune('p'))
	if screen := pm.probe.WaitText(t, "1. Goal review ("+store.NotSharedRoom+")", store.NotShared); strings.Contains(screen, "P-0001") {
		t.Errorf("room view with police (no ROI) => must not show P-0001's id:\n%s", screen)
	}

	// the officer leaves: recomputed for who is left
	pm.tm.Send(present("ana", "bo"))
	pm.probe.WaitText(t, "room view: as every attendee sees it", "Jane Roe", "get my own place")

	// community joins: de-identified
	pm.tm.Send(present("ana", "bo", "cc"))
	screen = pm.probe.WaitText(t, "participant (de-identified)")
	if strings.Contains(screen, "Jane Roe") {
		t.Errorf("room view with community => must not show the name:\n%s", screen)
	}
	pm.key(keyRune('R'))
	pm.probe.WaitText(t, "room view off", "Jane Roe")
}

// TestActionDueDateRefusedAt80x24: an impossible due date and one before
// the meeting date are refused, the error on the status line at 80x24.
func TestActionDueDateRefusedAt80x24(t *testing.T) {
	site := triagetest.New(t)
	openMeeting(t, site)
	pm := run(t, site.Ctx(triagetest.Actor("ana")), 80, 24)
	join(t, pm)
	pm.key(keyRune('a'))
	pm.probe.WaitText(t, "┃ Action item on item 1")
	pm.tm.Type("call the landlord")
	pm.key(keyEnter)
	pm.probe.WaitText(t, "┃ Owner")
	pm.key(keyEnter)
	pm.probe.WaitText(t, "┃ Due")
	pm.tm.Type("2025-02-30")
	pm.key(keyEnter)
	screen := pm.probe.WaitText(t, "due: ")
	if lines := strings.Split(screen, "\n"); !strings.Contains(lines[len(lines)-1], "due: ") {
		t.Errorf("the due date error => not on the last line at 80x24:\n%s", screen)
	}
	for range 10 {
		pm.key(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	pm.tm.Type("2025-03-01")
	pm.key(keyEnter)
	pm.probe.WaitText(t, "due: 2025-03-01 is before the meeting date 2025-03-10")
	for range 10 {
		pm.key(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	pm.tm.Type("2025-03-17")
	pm.key(keyEnter)
	pm.probe.WaitText(t, "saved: action item for ana")
}
