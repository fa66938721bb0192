package common

import (
	"context"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
)

// DraftEvery is the most often an open form's draft is saved while the
// user types (issue 18: a dropped link loses at most this much).
const DraftEvery = 2 * time.Second

// DraftThrottle decides when a draft is saved, by the session's clock:
// the first change after a quiet spell saves at once, changes within
// DraftEvery of a save wait for one timer, and nothing runs while idle.
type DraftThrottle struct {
	last  time.Time // when the last save was issued
	dirty bool      // changed since the last save
	armed bool      // a timer is on its way
}

// Touch notes a change at now. save: save now; wait > 0: arm a timer
// for that long (at most one is armed at a time).
func (t *DraftThrottle) Touch(now time.Time) (save bool, wait time.Duration) {
	t.dirty = true
	if t.armed {
		return false, 0
	}
	if since := now.Sub(t.last); t.last.IsZero() || since >= DraftEvery || since < 0 {
		t.last, t.dirty = now, false
		return true, 0
	}
	t.armed = true
	return false, DraftEvery - now.Sub(t.last)
}

// Due is the timer going off at now: save reports whether anything
// changed since the last save.
func (t *DraftThrottle) Due(now time.Time) (save bool) {
	t.armed = false
	if !t.dirty {
		return false
	}
	t.last, t.dirty = now, false
	return true
}

// Flush reports whether input changed since the last save (and counts it
// saved): the session is ending.
func (t *DraftThrottle) Flush() bool {
	d := t.dirty
	t.dirty = false
	return d
}

// DraftDueMsg is a draft keeper's timer going off; only K acts on it.
type DraftDueMsg struct{ K *DraftKeeper }

// DraftKeeper keeps one open form's unsent input as its author's draft
// (store.Drafts): saved as the user types, throttled by DraftThrottle,
// flushed when the session ends, dropped when the form is sent or
// discarded.
type DraftKeeper struct {
	ctx      *Ctx
	draft    store.Draft // form, subject, screen; Fields filled on save
	fields   func() map[string]string
	throttle DraftThrottle
	// Restored is when the draft this form was restored from was saved
	// (zero for a new form): esc then asks before discarding it.
	Restored time.Time
	// confirm: esc was pressed once on a restored form
	confirm bool
	// io orders the keeper's store writes, which run as commands: once
	// the draft is dropped (the form was sent) a save still in flight is
	// skipped, so a sent form never comes back as a draft
	io *draftIO
}

type draftIO struct {
	mu      sync.Mutex
	dropped bool
}

// write runs one store write of the draft: save (keep) or delete.
func (w *draftIO) write(keep bool, fn func() error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if keep && w.dropped {
		return nil
	}
	w.dropped = !keep
	return fn()
}

// NewDraftKeeper keeps the input fields() returns as the draft of form
// about subject, typed on screen.
func NewDraftKeeper(c *Ctx, form, subject, screen string, fields func() map[string]string) *DraftKeeper {
	return &DraftKeeper{ctx: c, draft: store.Draft{Form: form, Subject: subject, Screen: screen}, fields: fields, io: &draftIO{}}
}

func (k *DraftKeeper) snapshot() store.Draft {
	d := k.draft
	d.Fields = k.fields()
	return d
}

// Touched is called after each input message: it saves now, arms the
// timer, or does nothing (a timer is already armed).
func (k *DraftKeeper) Touched() tea.Cmd {
	if k == nil || k.ctx.Store == nil {
		return nil
	}
	k.confirm = false
	save, wait := k.throttle.Touch(k.ctx.Time())
	switch {
	case save:
		return k.saveCmd()
	case wait > 0:
		owner, ctx, after := k, k.ctx.Context(), k.ctx.DraftTimer
		return func() tea.Msg {
			var fire <-chan time.Time
			if after != nil {
				fire = after(wait)
			} else {
				t := time.NewTimer(wait)
				defer t.Stop()
				fire = t.C
			}
			select {
			case <-fire:
				return DraftDueMsg{K: owner}
			case <-ctx.Done():
				return nil
			}
		}
	}
	return nil
}

// Due handles the keeper's timer: saves when input changed meanwhile.
func (k *DraftKeeper) Due(msg DraftDueMsg) tea.Cmd {
	if k == nil || msg.K != k || !k.throttle.Due(k.ctx.Time()) {
		return nil
	}
	return k.saveCmd()
}

func (k *DraftKeeper) saveCmd() tea.Cmd {
	d, c, io := k.snapshot(), k.ctx, k.io
	return func() tea.Msg {
		if err := io.write(true, func() error { _, err := c.Store.SaveDraft(c.Context(), c.Actor, d); return err }); err != nil {
			return StatusMsg{Text: "draft not kept: " + err.Error(), Err: true}
		}
		return nil
	}
}

// Flush saves unsaved input now, bounded by ctx: the program has ended
// (quit or a dropped connection) and no command will run again.
func (k *DraftKeeper) Flush(ctx context.Context) error {
	if k == nil || k.ctx.Store == nil || !k.throttle.Flush() {
		return nil
	}
	d := k.snapshot()
	return k.io.write(true, func() error { _, err := k.ctx.Store.SaveDraft(ctx, k.ctx.Actor, d); return err })
}

// Keep saves fields as the draft from a command, after the form was sent
// and the store refused it: its input is kept, and no save of the form
// still in flight replaces it afterwards.
func (k *DraftKeeper) Keep(ctx context.Context, fields map[string]string) error {
	if k == nil || k.ctx.Store == nil {
		return nil
	}
	d := k.draft
	d.Fields = fields
	k.io.mu.Lock()
	defer k.io.mu.Unlock()
	k.io.dropped = true
	_, err := k.ctx.Store.SaveDraft(ctx, k.ctx.Actor, d)
	return err
}

// DropNow deletes the draft from a command (the form was sent).
func (k *DraftKeeper) DropNow(ctx context.Context) error {
	if k == nil || k.ctx.Store == nil {
		return nil
	}
	return k.io.write(false, func() error {
		return k.ctx.Store.DeleteDraftOf(ctx, k.ctx.Actor, k.draft.Form, k.draft.Subject)
	})
}

// Drop deletes the draft (the form was sent or discarded).
func (k *DraftKeeper) Drop() tea.Cmd {
	if k == nil || k.ctx.Store == nil {
		return nil
	}
	k.throttle.Flush()
	form, subject, c, io := k.draft.Form, k.draft.Subject, k.ctx, k.io
	return func() tea.Msg {
		if err := io.write(false, func() error { return c.Store.DeleteDraftOf(c.Context(), c.Actor, form, subject) }); err != nil {
			return StatusMsg{Text: "draft not dropped: " + err.Error(), Err: true}
		}
		return nil
	}
}

// Draft is the draft as it would be saved now.
func (k *DraftKeeper) Draft() store.Draft { return k.snapshot() }

// Escape handles esc on the keeper's form. On a restored form the first
// esc only asks (close false); otherwise the form closes and cmd drops
// the draft. text is the status line to show either way.
func (k *DraftKeeper) Escape(cancelled string) (text string, close bool, cmd tea.Cmd) {
	if k == nil {
		return cancelled, true, nil
	}
	if !k.Restored.IsZero() && !k.confirm {
		k.confirm = true
		return "press esc again to discard the restored " + store.DraftNoun(k.draft.Form) +
			", any other key to keep editing", false, nil
	}
	if !k.Restored.IsZero() {
		cancelled = "restored draft discarded: nothing was saved"
	}
	return cancelled, true, k.Drop()
}

// RestoredLine is the status line of a restored draft: "restored your
// unsent meeting note from 14:02 (esc to discard it)".
func RestoredLine(c *Ctx, d store.Draft) string { return RestoredFrom(c, d) + " (esc to discard it)" }

// RestoredFrom is "restored your unsent meeting note from 14:02".
func RestoredFrom(c *Ctx, d store.Draft) string {
	return "restored your unsent " + store.DraftNoun(d.Form) + " from " + d.Saved.In(c.Time().Location()).Format("15:04")
}

// DraftFlusher is a pane that keeps drafts of its open forms: the root
// flushes them when the program ends.
type DraftFlusher interface {
	FlushDrafts(ctx context.Context) error
}

// DraftElsewhereMsg asks the root to show a draft that cannot go back
// into its form (its meeting has ended, its item is gone) where the user
// can read and copy it: a draft is never dropped silently.
type DraftElsewhereMsg struct {
	Draft store.Draft
	Why   string
}

// DraftRestorer is a pane that reopens a draft typed on it.
type DraftRestorer interface {
	RestoreDraft(d store.Draft) tea.Cmd
}
