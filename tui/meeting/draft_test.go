package meeting_test

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/meeting"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

var keyEsc = tea.KeyPressMsg{Code: tea.KeyEscape}

func newDraftRig(t *testing.T, site *triagetest.Site, user string) *triagetest.DraftRig {
	return triagetest.NewDraftRig(t, site, user, meeting.New)
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
	r.Key(keyEnter, keyRune('n'), keyRune('n'), keyRune('c')) // join, item 3, note
	if v := r.View(); !strings.Contains(v, "Note on item 3") {
		t.Fatalf("note form not open:\n%s", v)
	}
	at := func(ms int) { r.Clock = triagetest.Now.Add(time.Duration(ms) * time.Millisecond) }
	at(0)
	r.Type("b")
	if n := r.Saves(); n != 1 {
		t.Fatalf("first key => %d saves, want 1 at once", n)
	}
	at(500)
	r.Type("r")
	at(1000)
	r.Type("i")
	if n := r.Saves(); n != 1 || len(r.Waits) != 1 || r.Waits[0] != 1500*time.Millisecond {
		t.Errorf("keys within 2 s => %d saves, timers %v; want 1 save and one timer of 1.5s", n, r.Waits)
	}
	at(2000)
	r.Hold()
	if ds := r.Drafts(); r.Saves() != 2 || len(ds) != 1 || ds[0].Fields["text"] != "bri" {
		t.Fatalf("the timer => %d saves, drafts %+v; want 2 and the text \"bri\"", r.Saves(), ds)
	}
	d := r.Drafts()[0]
	if d.Form != meeting.NoteDraftForm || d.Subject != "M-0001/3" || d.Fields["meeting"] != "M-0001" || d.Fields["item"] != "3" {
		t.Errorf("draft => %+v, want a meeting_note on M-0001 item 3", d)
	}
	at(5000)
	r.Type("n")
	if n := r.Saves(); n != 3 {
		t.Errorf("a key after a quiet spell => %d saves, want 3", n)
	}
	at(5500)
	r.Type("g")
	if n := r.Saves(); n != 3 {
		t.Errorf("a key 0.5 s after a save => %d saves, want still 3 (timer armed)", n)
	}
	if err := r.M.(common.DraftFlusher).FlushDrafts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ds := r.Drafts(); len(ds) != 1 || ds[0].Fields["text"] != "bring" {
		t.Errorf("after FlushDrafts => %+v, want the text \"bring\"", ds)
	}
	if err := r.M.(common.DraftFlusher).FlushDrafts(context.Background()); err != nil || r.Saves() != 4 {
		t.Errorf("a second flush with nothing new => %d saves (%v), want 4", r.Saves(), err)
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
	r.Key(keyEnter)
	for range item - 1 {
		r.Key(keyRune('n'))
	}
	r.Key(keyRune('c'))
	r.Paste(text)
	if err := r.M.(common.DraftFlusher).FlushDrafts(context.Background()); err != nil {
		t.Fatal(err)
	}
	ds := r.Drafts()
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
	r.Restore(d)
	v := r.View()
	for _, want := range []string{"Note on item 3", "bring the housing list", "restored your unsent meeting note from 10:00"} {
		if !strings.Contains(v, want) {
			t.Errorf("restored => want %q on screen:\n%s", want, v)
		}
	}
	r.Key(keyEsc)
	if v := r.View(); !strings.Contains(v, "press esc again to discard the restored meeting note") || !strings.Contains(v, "Note on item 3") {
		t.Errorf("esc on a restored note => want the question, the form still open:\n%s", v)
	}
	r.Type("!")
	r.Key(keyEsc)
	if len(r.Drafts()) != 1 || !strings.Contains(r.View(), "press esc again") {
		t.Errorf("a key then esc => want the question again and the draft kept")
	}
	r.Key(keyEsc)
	if v := r.View(); !strings.Contains(v, "restored draft discarded") || len(r.Drafts()) != 0 {
		t.Errorf("esc twice => want discarded and no draft; drafts %+v:\n%s", r.Drafts(), v)
	}

	d = typeNote(t, site, 3, "bring the housing list")
	r = newDraftRig(t, site, "ana")
	r.Restore(d)
	r.Key(keyEnter) // the text
	r.Key(keyEnter) // general
	mt, err := site.Store.GetMeeting(context.Background(), d.Fields["meeting"])
	if err != nil {
		t.Fatal(err)
	}
	notes := mt.Items[2].Notes
	if len(notes) != 1 || notes[0].Text != "bring the housing list" || notes[0].Author != "ana" {
		t.Errorf("sent => notes on item 3 %+v, want the restored note", notes)
	}
	if ds := r.Drafts(); len(ds) != 0 {
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
	r.Restore(d)
	e, ok := r.Elsewhere()
	if !ok || e.Draft.Fields["text"] != "bring the housing list" || e.Why != "meeting M-0001 has ended" {
		t.Fatalf("restored on an ended meeting => %+v (%v), want it handed on, \"meeting M-0001 has ended\"", e, ok)
	}
	if mid := r.M.(interface{ MeetingID() string }).MeetingID(); mid != "" {
		t.Errorf("still in ended meeting %s", mid)
	}
	if len(r.Drafts()) != 1 {
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
	r.Restore(d)
	if e, ok := r.Elsewhere(); !ok || !strings.Contains(e.Why, "item 3 is no longer on the agenda") {
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
	r.Key(keyEnter, keyRune('n'), keyRune('n'), keyRune('c'))
	r.Paste("call the shelter")
	if _, err := site.Store.MutateMeeting(context.Background(), triagetest.Actor("ana"), mt.ID, func(m *store.Meeting) error {
		m.Items = m.Items[:2] // item 3 taken off the agenda meanwhile
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r.Key(keyEnter, keyEnter)
	if v := r.View(); !strings.Contains(v, "kept as a draft (U: drafts)") {
		t.Errorf("refused note => want it said kept:\n%s", v)
	}
	if ds := r.Drafts(); len(ds) != 1 || ds[0].Fields["text"] != "call the shelter" {
		t.Errorf("refused note => drafts %+v, want it kept", ds)
	}
}

// TestMeetingDecisionDraft: a decline of the referral on the agenda,
// half-typed in the meeting, is restored in the meeting on that item; sent
// after someone else decided the referral meanwhile, the store refuses it
// with "changed by someone else" and the text is kept as a draft.
func TestMeetingDecisionDraft(t *testing.T) {
	site := triagetest.New(t)
	ctx := context.Background()
	mt, err := site.Store.CreateMeeting(ctx, triagetest.Actor("ana"), store.Meeting{
		Date: store.DateOf(triagetest.Now), Facilitator: "ana", Status: store.MeetingOpen,
		Items: []store.AgendaItem{
			{ID: "1", Kind: store.ItemOther, Title: "Other business", Status: store.ItemPending},
			{ID: "2", Kind: store.ItemReferral, Subject: "R-0003", Title: "Referral R-0003", Status: store.ItemPending},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := newDraftRig(t, site, "ana")
	r.Key(keyEnter, keyRune('n'), keyRune('d')) // join, item 2, decision
	r.Key(keyDown, keyDown, keyEnter)           // decline
	if v := r.View(); !strings.Contains(v, "Reason to decline R-0003") {
		t.Fatalf("decline form not open:\n%s", v)
	}
	r.Key(keyEnter)
	r.Paste("lives out of county")
	r.Flush()
	ds := r.Drafts()
	if len(ds) != 1 || ds[0].Form != "decision" || ds[0].Subject != "R-0003" || ds[0].Fields["meeting"] != mt.ID || ds[0].Screen != "meeting" {
		t.Fatalf("drafts => %+v, want the decision on R-0003 in %s", ds, mt.ID)
	}
	d := ds[0]
	ref, err := site.Store.GetReferral(ctx, "R-0003")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.Store.DecideReferral(ctx, triagetest.Actor("sam"), "R-0003",
		store.ReferralDecision{Version: ref.Version, Status: store.RefDeclined, Code: "outside_area", Note: "sam first"}); err != nil {
		t.Fatal(err)
	}

	r = newDraftRig(t, site, "ana")
	r.Restore(d)
	v := r.View()
	for _, want := range []string{"lives out of county", "R-0003", "restored your unsent decision from 10:00"} {
		if !strings.Contains(v, want) {
			t.Errorf("restored in the meeting => want %q:\n%s", want, v)
		}
	}
	r.Key(keyEnter, keyEnter)
	if v := r.View(); !strings.Contains(v, "changed by someone else") || !strings.Contains(v, "kept as a draft") {
		t.Errorf("sent over sam's decision => want the conflict and the draft kept:\n%s", v)
	}
	if now, _ := site.Store.GetReferral(ctx, "R-0003"); now.DecisionNote != "sam first" {
		t.Errorf("R-0003 note => %q, want sam's standing", now.DecisionNote)
	}
	if ds := r.Drafts(); len(ds) != 1 || ds[0].Fields["reason"] != "lives out of county" {
		t.Errorf("drafts => %+v, want the text kept", ds)
	}
}

// TestMeetingTextDecisionDraft: a decision in words on a general item is
// kept and restored on its item like a note.
func TestMeetingTextDecisionDraft(t *testing.T) {
	site := triagetest.New(t)
	openMeeting(t, site)
	r := newDraftRig(t, site, "ana")
	r.Key(keyEnter, keyRune('n'), keyRune('n'), keyRune('d')) // join, item 3, decision
	r.Paste("move the OWG to Thursdays")
	r.Flush()
	ds := r.Drafts()
	if len(ds) != 1 || ds[0].Form != "decision" || ds[0].Subject != "M-0001/3" || ds[0].Fields["text"] != "move the OWG to Thursdays" {
		t.Fatalf("drafts => %+v, want the decision on item 3", ds)
	}
	r = newDraftRig(t, site, "ana")
	r.Restore(ds[0])
	v := r.View()
	for _, want := range []string{"Decision on item 3", "move the OWG to Thursdays", "restored your unsent decision from 10:00"} {
		if !strings.Contains(v, want) {
			t.Errorf("restored => want %q:\n%s", want, v)
		}
	}
	r.Key(keyEnter)
	mt, err := site.Store.GetMeeting(context.Background(), "M-0001")
	if err != nil || len(mt.Items[2].Decisions) != 1 || mt.Items[2].Decisions[0].Text != "move the OWG to Thursdays" {
		t.Errorf("sent => decisions %+v (%v), want the restored one", mt.Items[2].Decisions, err)
	}
	if ds := r.Drafts(); len(ds) != 0 {
		t.Errorf("sent => drafts %+v, want none", ds)
	}
}
