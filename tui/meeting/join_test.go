package meeting_test

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/meeting"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

// msgsOf runs cmd and returns its messages (batches flattened).
var msgsOf = meeting.MsgsOf

// feed gives c every message of cmd, and those of the replies, in order.
func feed(c common.Component, cmd tea.Cmd) {
	for _, msg := range msgsOf(cmd) {
		_, next := c.Update(msg)
		feed(c, next)
	}
}

// A store change that lands while a join is being read (the meeting the
// pm just started, someone's note) must not leave the joiner in the
// lobby: the lobby reload it causes used to supersede the join's read,
// and the pm who had just started the meeting was not in it.
func TestJoinSurvivesAChangeDuringTheRead(t *testing.T) {
	site := triagetest.New(t)
	mt, err := site.Store.CreateMeeting(context.Background(), triagetest.Actor("ana"), store.Meeting{
		Date: store.DateOf(triagetest.Now), Facilitator: "ana", Status: store.MeetingOpen,
		Items: []store.AgendaItem{{ID: "1", Kind: store.ItemOther, Title: "Other business", Status: store.ItemPending}},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := meeting.New(site.Ctx(triagetest.Actor("bo")))
	m.SetSize(80, 24)
	feed(m, m.Init())
	if v := ansi.Strip(m.View()); !strings.Contains(v, mt.ID+" is open") {
		t.Fatalf("lobby: want %s open:\n%s", mt.ID, v)
	}
	_, join := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	joined := msgsOf(join) // read now, delivered after the change below
	_, reload := m.Update(common.ChangedMsg{Changes: []store.Change{{Kind: "meeting", ID: mt.ID, Actor: "ana"}}})
	feed(m, reload)
	for _, msg := range joined {
		_, next := m.Update(msg)
		feed(m, next)
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "Meeting "+mt.ID) || strings.Contains(v, "press enter to join") {
		t.Errorf("after enter and a change during the read: want the meeting, joined, no lobby hint:\n%s", v)
	}
}
