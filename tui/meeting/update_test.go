package meeting_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/meeting"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

// press sends key k to c and feeds it the replies (drive).
func press(c common.Component, k tea.KeyPressMsg) {
	_, cmd := c.Update(k)
	drive(c, cmd, 0)
}

// drive runs cmd and gives c its messages and those of the replies, in
// order. Cursor blinks are dropped (they would blink forever); a command
// still running after 5 s would hang the test and is dropped too (none
// of the store's does: it is a bound, never a timing assertion).
func drive(c common.Component, cmd tea.Cmd, depth int) {
	if cmd == nil || depth > 50 {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(5 * time.Second):
		return
	}
	if strings.Contains(fmt.Sprintf("%T", msg), "link") { // cursor.BlinkMsg, initialBlinkMsg
		return
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, sub := range msg {
			drive(c, sub, depth+1)
		}
	default:
		_, next := c.Update(msg)
		drive(c, next, depth+1)
	}
}

// TestDiscussedMeansDiscussed calls Update directly: moving on marks
// nothing; m marks (and unmarks) the item; a note marks its item; ending
// leaves the rest not reached, and the end form lists them first.
func TestDiscussedMeansDiscussed(t *testing.T) {
	site := triagetest.New(t)
	mt := openMeeting(t, site)
	m := meeting.New(site.Ctx(triagetest.Actor("ana")))
	m.SetSize(100, 30)
	drive(m, m.Init(), 0)
	press(m, keyEnter) // join
	press(m, keyRune('n'))
	press(m, keyRune('n')) // on item 3, items 1 and 2 passed over
	get := func() store.Meeting {
		t.Helper()
		got, err := site.Store.GetMeeting(context.Background(), mt.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, it := range get().Items {
		if it.Status != store.ItemPending {
			t.Errorf("item %s passed over => %s, want pending", it.ID, it.Status)
		}
	}
	press(m, keyRune('m'))
	if st := get().Items[2].Status; st != store.ItemDiscussed {
		t.Errorf("m on item 3 => %s, want discussed", st)
	}
	press(m, keyRune('m'))
	if st := get().Items[2].Status; st != store.ItemPending {
		t.Errorf("m again => %s, want pending", st)
	}
	press(m, keyRune('p')) // item 2: a note marks it
	press(m, keyRune('c'))
	for _, r := range "found a room" {
		press(m, keyRune(r))
	}
	press(m, keyEnter)
	press(m, keyEnter)
	if st := get().Items[1].Status; st != store.ItemDiscussed {
		t.Errorf("note on item 2 => %s, want discussed", st)
	}
	press(m, keyRune('E'))
	if v := ansi.Strip(m.View()); !strings.Contains(v, "2 not reached (back on the next agenda)") {
		t.Errorf("end form => want the items not reached listed first:\n%s", v)
	}
	press(m, keyRune('y'))
	var got []string
	for _, it := range get().Items {
		got = append(got, it.ID+":"+string(it.Status))
	}
	if w := "1:not_reached 2:discussed 3:not_reached"; strings.Join(got, " ") != w {
		t.Errorf("ended => %v, want %s", got, w)
	}
	// P-0001's review was not reached: it keeps its rotation place
	if p, _ := site.Store.GetParticipant(context.Background(), site.P1); !p.LastReview.IsZero() {
		t.Errorf("%s => reviewed %v, but its item was not reached", site.P1, p.LastReview)
	}
}
