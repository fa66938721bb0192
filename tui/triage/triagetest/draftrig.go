package triagetest

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
)

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

// DraftRig drives one pane with Update called directly, on a clock the
// test moves (Clock), with draft timers held until the test lets them go
// off (Hold): what the drafts of issue 18 are tested with.
type DraftRig struct {
	t *testing.T
	// M is the pane.
	M common.Component
	// Clock is the session's time now.
	Clock time.Time
	// Waits is each draft timer armed, for how long.
	Waits []time.Duration
	// Other holds the messages meant for the root (status lines, drafts
	// handed on).
	Other []tea.Msg
	// Ctx is the pane's session context.
	Ctx  *common.Ctx
	held []tea.Msg
	cs   *countingStore
}

// NewDraftRig starts pane (meeting.New, triage.New) for user on site.
func NewDraftRig(t *testing.T, site *Site, user string, pane func(*common.Ctx) common.Component) *DraftRig {
	r := &DraftRig{t: t, Clock: Now, cs: &countingStore{Store: site.Store}}
	ctx := site.Ctx(Actor(user))
	ctx.Store = r.cs
	ctx.Now = func() time.Time { return r.Clock }
	ctx.DraftTimer = func(d time.Duration) <-chan time.Time {
		r.Waits = append(r.Waits, d)
		c := make(chan time.Time, 1)
		c <- r.Clock
		return c
	}
	r.Ctx = ctx
	r.M = pane(ctx)
	r.M.SetSize(100, 30)
	r.Drive(r.M.Init())
	return r
}

// Saves is the number of draft saves that reached the store.
func (r *DraftRig) Saves() int {
	r.cs.mu.Lock()
	defer r.cs.mu.Unlock()
	return r.cs.saves
}

// Drive runs cmd and gives the pane its messages and those of the
// replies, in order; draft timers are held, the root's messages kept in
// Other, cursor blinks dropped. A command still running after 5 s is
// dropped (a bound, never a timing assertion: none of the store's does).
func (r *DraftRig) Drive(cmd tea.Cmd) {
	if cmd == nil {
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
	if strings.Contains(fmt.Sprintf("%T", msg), "link") {
		return
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, sub := range msg {
			r.Drive(sub)
		}
	case common.DraftDueMsg:
		r.held = append(r.held, msg)
	case common.StatusMsg, common.DraftElsewhereMsg:
		r.Other = append(r.Other, msg)
	default:
		_, next := r.M.Update(msg)
		r.Drive(next)
	}
}

// Key sends keys one by one.
func (r *DraftRig) Key(ks ...tea.KeyPressMsg) {
	for _, k := range ks {
		_, cmd := r.M.Update(k)
		r.Drive(cmd)
	}
}

// Type types s key by key.
func (r *DraftRig) Type(s string) {
	for _, c := range s {
		r.Key(tea.KeyPressMsg{Code: c, Text: string(c)})
	}
}

// Paste pastes s in one message (typing it key by key waits out a cursor
// blink per key).
func (r *DraftRig) Paste(s string) {
	_, cmd := r.M.Update(tea.PasteMsg{Content: s})
	r.Drive(cmd)
}

// Hold lets the held draft timers go off now.
func (r *DraftRig) Hold() {
	held := r.held
	r.held = nil
	for _, msg := range held {
		_, cmd := r.M.Update(msg)
		r.Drive(cmd)
	}
}

// View is the pane's screen, styles stripped.
func (r *DraftRig) View() string { return ansi.Strip(r.M.View()) }

// Drafts lists the user's drafts in the store.
func (r *DraftRig) Drafts() []store.Draft {
	r.t.Helper()
	ds, err := r.cs.Drafts(context.Background(), r.Ctx.Actor, 0)
	if err != nil {
		r.t.Fatal(err)
	}
	return ds
}

// Restore asks the pane to reopen d.
func (r *DraftRig) Restore(d store.Draft) {
	r.Drive(r.M.(common.DraftRestorer).RestoreDraft(d))
}

// Flush is the program ending: the pane saves its unsent input.
func (r *DraftRig) Flush() {
	r.t.Helper()
	if err := r.M.(common.DraftFlusher).FlushDrafts(context.Background()); err != nil {
		r.t.Fatalf("FlushDrafts => %v", err)
	}
}

// Elsewhere is the draft the pane handed to the root, if any.
func (r *DraftRig) Elsewhere() (common.DraftElsewhereMsg, bool) {
	for _, msg := range r.Other {
		if e, ok := msg.(common.DraftElsewhereMsg); ok {
			return e, true
		}
	}
	return common.DraftElsewhereMsg{}, false
}
