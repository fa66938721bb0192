package meeting_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/meeting"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

var keyEsc = tea.KeyPressMsg{Code: tea.KeyEscape}

// countingStore counts the draft saves that reach the store.
type countingStore struct {
	store.Store
	mu    sync.Mutex
	saves int
}

func (s *countingStore) SaveDraft(ctx context.Context, a store.Actor, d store.Draft) (store.Draft, error) {
	s.mu.Lock()
	s.saves++
	s.mu.Unlock()
	return s.Store.SaveDraft(ctx, a, d)
}

func (s *countingStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saves
}

// draftRig is a Meeting screen whose draft timers are held until the test
// lets them go off (hold), on a clock the test moves.
type draftRig struct {
	t     *testing.T
	m     common.Component
	clock time.Time
	waits []time.Duration // each draft timer armed, for how long
	held  []tea.Msg       // draft timers gone off, not yet delivered
	other []tea.Msg       // messages for the root (status, drafts elsewhere)
	cs    *countingStore
	ctx   *common.Ctx
}

func newDraftRig(t *testing.T, site *triagetest.Site, user string) *draftRig {
	r := &draftRig{t: t, clock: triagetest.Now, cs: &countingStore{Store: site.Store}}
	ctx := site.Ctx(triagetest.Actor(user))
	ctx.Store = r.cs
	ctx.Now = func() time.Time { return r.clock }
	ctx.DraftTimer = func(d time.Duration) <-chan time.Time {
		r.waits = append(r.waits, d)
		c := make(chan time.Time, 1)
		c <- r.clock
		return c
	}
	r.ctx = ctx
	r.m = meeting.New(ctx)
	r.m.SetSize(100, 30)
	r.drive(r.m.Init())
	return r
}

// drive runs cmd and its replies in order, as drive does, keeping draft
// timers for hold and the root's messages in other.
func (r *draftRig) drive(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(5 * time.Second): // a bound, never a timing assertion
		return
	}
	if strings.Contains(fmt.Sprintf("%T", msg), "link") {
		return
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, sub := range msg {
			r.drive(sub)
		}
	case common.DraftDueMsg:
		r.held = append(r.held, msg)
	case common.StatusMsg, common.DraftElsewhereMsg:
		r.other = append(r.other, msg)
	default:
		_, next := r.m.Update(msg)
		r.drive(next)
	}
}

func (r *draftRig) key(ks ...tea.KeyPressMsg) {
	for _, k := range ks {
		_, cmd := r.m.Update(k)
		r.drive(cmd)
	}
}

func (r *draftRig) typeText(s string) {
	for _, c := range s {
		r.key(keyRune(c))
	}
}

// paste pastes s in one message (typing it key by key would wait out a
// cursor blink per key).
func (r *draftRig) paste(s string) {
	_, cmd := r.m.Update(tea.PasteMsg{Content: s})
	r.drive(cmd)
}

// hold lets the held draft timers go off now.
func (r *draftRig) hold() {
	held := r.held
	r.held = nil
	for _, msg := range held {
		_, cmd := r.m.Update(msg)
		r.drive(cmd)
	}
}

func (r *draftRig) view() string { return ansi.Strip(r.m.View()) }

func (r *draftRig) drafts() []store.Draft {
	r.t.Helper()
	ds, err := r.cs.Drafts(context.Background(), r.ctx.Actor, 0)
	if err != nil {
		r.t.Fatal(err)
	}
	return ds
}

func (r *draftRig) restore(d store.Draft) {
	r.drive(r.m.(common.DraftRestorer).RestoreDraft(d))
}

func (r *draftRig) elsewhere() (common.DraftElsewhereMsg, bool) {
	for _, msg := range r.other {
		if e, ok := msg.(common.DraftElsewhereMsg); ok {
			return e, true
		}
	}
	return common.DraftElsewhereMsg{}, false
}

// TestMeetingNoteDraftIsThrottled: a note typed on item 3 is kept as the
// pm's draft: the first key saves at once, keys within 2 s wait for one
// timer (armed for the rest of the 2 s), the timer saves what changed,
// a key after a quiet spell saves at once, and FlushDrafts (the program
// ended) saves what the timer had not yet.
func TestMeetingNoteDraftIsThrottled(t *testing.T) {
	site := triagetest.New(t)
	openMeeting(t, site)
	r := newDraftRig(t, site, "ana")
	r.key(keyEnter, keyRune('n'), keyRune('n'), keyRune('c')) // join, item 3, note
	if v := r.view(); !strings.Contains(v, "Note on item 3") {
		t.Fatalf("note form not open:\n%s", v)
	}
	at := func(ms int) { r.clock = triagetest.Now.Add(time.Duration(ms) * time.Millisecond) }
	at(0)
	r.typeText("b")
	if n := r.cs.count(); n != 1 {
		t.Fatalf("first key => %d saves, want 1 at once", n)
	}
	at(500)
	r.typeText("r")
	at(1000)
	r.typeText("i")
	if n := r.cs.count(); n != 1 || len(r.waits) != 1 || r.waits[0] != 1500*time.Millisecond {
		t.Errorf("keys within 2 s => %d saves, timers %v; want 1 save and one timer of 1.5s", n, r.waits)
	}
	at(2000)
	r.hold()
	if ds := r.drafts(); r.cs.count() != 2 || len(ds) != 1 || ds[0].Fields["text"] != "bri" {
		t.Fatalf("the timer => %d saves, drafts %+v; want 2 and the text \"bri\"", r.cs.count(), ds)
	}
	d := r.drafts()[0]
	if d.Form != meeting.NoteDraftForm || d.Subject != "M-0001/3" || d.Fields["meeting"] != "M-0001" || d.Fields["item"] != "3" {
		t.Errorf("draft => %+v, want a meeting_note on M-0001 item 3", d)
	}
	at(5000)
	r.typeText("n")
	if n := r.cs.count(); n != 3 {
		t.Errorf("a key after a quiet spell => %d saves, want 3", n)
	}
	at(5500)
	r.typeText("g")
	if n := r.cs.count(); n != 3 {
		t.Errorf("a key 0.5 s after a save => %d saves, want still 3 (timer armed)", n)
	}
	if err := r.m.(common.DraftFlusher).FlushDrafts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ds := r.drafts(); len(ds) != 1 || ds[0].Fields["text"] != "bring" {
		t.Errorf("after FlushDrafts => %+v, want the text \"bring\"", ds)
	}
	if err := r.m.(common.DraftFlusher).FlushDrafts(context.Background()); err != nil || r.cs.count() != 4 {
		t.Errorf("a second flush with nothing new => %d saves (%v), want 4", r.cs.count(), err)
	}
	// the draft is the pm's alone
	if ds, _ := site.Store.Drafts(context.Background(), triagetest.Actor("sam"), 0); len(ds) != 0 {
		t.Errorf("sam sees drafts %+v", ds)
	}
}

// typeNote leaves a note draft on item it of the open meeting, as the pm
// would before the link dropped, and returns it.
func typeNote(t *testing.T, site *triagetest.Site, item int, text string) store.Draft {
	t.Helper()
	r := newDraftRig(t, site, "ana")
	r.key(keyEnter)
	for range item - 1 {
		r.key(keyRune('n'))
	}
	r.key(keyRune('c'))
	r.paste(text)
	if err := r.m.(common.DraftFlusher).FlushDrafts(context.Background()); err != nil {
		t.Fatal(err)
	}
	ds := r.drafts()
	if len(ds) != 1 || ds[0].Fields["text"] != text {
		t.Fatalf("drafts => %+v, want the note %q", ds, text)
	}
	return ds[0]
}

// TestMeetingNoteDraftRestoreDiscardSend: the next session reopens the
// note on its item, filled in, and says so; esc asks first, another key
// keeps editing, esc twice discards it. Restored again and sent, the note
// is on the item and the draft is gone.
func TestMeetingNoteDraftRestoreDiscardSend(t *testing.T) {
	site := triagetest.New(t)
	openMeeting(t, site)
	d := typeNote(t, site, 3, "bring the housing list")

	r := newDraftRig(t, site, "ana")
	r.restore(d)
	v := r.view()
	for _, want := range []string{"Note on item 3", "bring the housing list", "restored your unsent meeting note from 10:00"} {
		if !strings.Contains(v, want) {
			t.Errorf("restored => want %q on screen:\n%s", want, v)
		}
	}
	r.key(keyEsc)
	if v := r.view(); !strings.Contains(v, "press esc again to discard the restored meeting note") || !strings.Contains(v, "Note on item 3") {
		t.Errorf("esc on a restored note => want the question, the form still open:\n%s", v)
	}
	r.typeText("!")
	r.key(keyEsc)
	if len(r.drafts()) != 1 || !strings.Contains(r.view(), "press esc again") {
		t.Errorf("a key then esc => want the question again and the draft kept")
	}
	r.key(keyEsc)
	if v := r.view(); !strings.Contains(v, "restored draft discarded") || len(r.drafts()) != 0 {
		t.Errorf("esc twice => want discarded and no draft; drafts %+v:\n%s", r.drafts(), v)
	}

	d = typeNote(t, site, 3, "bring the housing list")
	r = newDraftRig(t, site, "ana")
	r.restore(d)
	r.key(keyEnter) // the text
	r.key(keyEnter) // general
	mt, err := site.Store.GetMeeting(context.Background(), d.Fields["meeting"])
	if err != nil {
		t.Fatal(err)
	}
	notes := mt.Items[2].Notes
	if len(notes) != 1 || notes[0].Text != "bring the housing list" || notes[0].Author != "ana" {
		t.Errorf("sent => notes on item 3 %+v, want the restored note", notes)
	}
	if ds := r.drafts(); len(ds) != 0 {
		t.Errorf("sent => drafts %+v, want none", ds)
	}
}

// TestMeetingNoteDraftOfAClosedMeeting: the meeting ended before the pm
// came back: nothing can be added to its minutes, so the pane leaves the
// meeting and hands the draft to the root to show whole (never dropped);
// the same for an item taken off the agenda.
func TestMeetingNoteDraftOfAClosedMeeting(t *testing.T) {
	site := triagetest.New(t)
	mt := openMeeting(t, site)
	d := typeNote(t, site, 3, "bring the housing list")
	if _, err := site.Store.MutateMeeting(context.Background(), triagetest.Actor("ana"), mt.ID, func(m *store.Meeting) error {
		m.Status, m.EndedAt = store.MeetingEnded, triagetest.Now
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r := newDraftRig(t, site, "ana")
	r.restore(d)
	e, ok := r.elsewhere()
	if !ok || e.Draft.Fields["text"] != "bring the housing list" || e.Why != "meeting M-0001 has ended" {
		t.Fatalf("restored on an ended meeting => %+v (%v), want it handed on, \"meeting M-0001 has ended\"", e, ok)
	}
	if mid := r.m.(interface{ MeetingID() string }).MeetingID(); mid != "" {
		t.Errorf("still in ended meeting %s", mid)
	}
	if len(r.drafts()) != 1 {
		t.Errorf("the draft of an ended meeting was dropped")
	}

	site = triagetest.New(t)
	mt = openMeeting(t, site)
	d = typeNote(t, site, 3, "bring the housing list")
	if _, err := site.Store.MutateMeeting(context.Background(), triagetest.Actor("ana"), mt.ID, func(m *store.Meeting) error {
		m.Items = m.Items[:2]
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r = newDraftRig(t, site, "ana")
	r.restore(d)
	if e, ok := r.elsewhere(); !ok || !strings.Contains(e.Why, "item 3 is no longer on the agenda") {
		t.Errorf("item removed => %+v (%v), want it handed on", e, ok)
	}
}

// TestMeetingNoteRefusedIsKept: a note the store refuses (the meeting was
// ended by someone else while it was typed) stays a draft, and the pm is
// told where it is.
func TestMeetingNoteRefusedIsKept(t *testing.T) {
	site := triagetest.New(t)
	mt := openMeeting(t, site)
	r := newDraftRig(t, site, "ana")
	r.key(keyEnter, keyRune('n'), keyRune('n'), keyRune('c'))
	r.paste("call the shelter")
	if _, err := site.Store.MutateMeeting(context.Background(), triagetest.Actor("ana"), mt.ID, func(m *store.Meeting) error {
		m.Items = m.Items[:2] // item 3 taken off the agenda meanwhile
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r.key(keyEnter, keyEnter)
	if v := r.view(); !strings.Contains(v, "kept as a draft (U: drafts)") {
		t.Errorf("refused note => want it said kept:\n%s", v)
	}
	if ds := r.drafts(); len(ds) != 1 || ds[0].Fields["text"] != "call the shelter" {
		t.Errorf("refused note => drafts %+v, want it kept", ds)
	}
}
