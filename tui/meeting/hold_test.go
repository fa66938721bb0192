package meeting

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

// MsgsOf runs cmd and the commands of the batches it returns, and gives
// every message that is not a batch (the external tests use it too).
func MsgsOf(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, MsgsOf(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

// TestFollowerShowsTheNextItemWithItsContext: a follower told that the
// facilitator moved on keeps the item it shows until the next item's
// context has loaded, then shows both at once (one frame, not a
// "loading" one first); an item whose context is loaded already shows at
// once.
func TestFollowerShowsTheNextItemWithItsContext(t *testing.T) {
	site := triagetest.New(t)
	mt, err := site.Store.CreateMeeting(context.Background(), triagetest.Actor("ana"), store.Meeting{Date: store.DateOf(triagetest.Now), Facilitator: "ana",
		Status: store.MeetingOpen, Items: []store.AgendaItem{
			{ID: "1", Kind: store.ItemGoalReview, Subject: site.P1, Title: "first", Status: store.ItemPending},
			{ID: "2", Kind: store.ItemGoalReview, Subject: site.P2, Title: "second", Status: store.ItemPending},
		}})
	if err != nil {
		t.Fatal(err)
	}
	m := New(site.Ctx(triagetest.Actor("bo"))).(*Model)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.joined, m.following, m.mt, m.view = true, true, mt, 0
	for _, msg := range MsgsOf(m.ensureCtx()) {
		m.Update(msg)
	}
	if ic := m.ctxs[site.P1]; !ic.loaded {
		t.Fatal("the first item's context did not load")
	}

	moved := mt
	moved.Items = append([]store.AgendaItem(nil), mt.Items...)
	moved.Current, moved.Version = 1, mt.Version+1
	m.gen++
	cmd := m.onMeeting(meetingMsg{gen: m.gen, mt: moved})
	if m.view != 0 || m.mt.Current != 0 || !strings.Contains(m.View(), "first") {
		t.Fatalf("before the next item's context loaded => view %d, current %d; want the first item still shown", m.view, m.mt.Current)
	}
	var ctxMsgs int
	for _, msg := range MsgsOf(cmd) {
		if _, ok := msg.(itemCtxMsg); ok {
			ctxMsgs++
		}
		_, next := m.Update(msg)
		for _, msg := range MsgsOf(next) {
			m.Update(msg)
		}
	}
	if ctxMsgs != 1 {
		t.Errorf("%d context replies => want 1", ctxMsgs)
	}
	if m.view != 1 || m.mt.Current != 1 || m.held != nil {
		t.Fatalf("after the context loaded => view %d, current %d, held %v; want the second item", m.view, m.mt.Current, m.held != nil)
	}
	if ic := m.ctxs[site.P2]; !ic.loaded || ic.pv == nil {
		t.Errorf("the second item's context => %+v, want loaded", ic)
	}

	// back to the first item, whose context is loaded: shown at once
	back := moved
	back.Current, back.Version = 0, moved.Version+1
	m.gen++
	m.onMeeting(meetingMsg{gen: m.gen, mt: back})
	if m.view != 0 || m.held != nil {
		t.Errorf("moved back to a loaded item => view %d, held %v; want it shown at once", m.view, m.held != nil)
	}
}
