package tui

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// formDraftEvery is the longest a keystroke in a hosted form waits
// before its draft is saved (no timer runs while idle).
const formDraftEvery = 2 * time.Second

// formDraftDueMsg is owner's draft timer going off.
type formDraftDueMsg struct{ owner *formHost }

// hostDraft is what a hosted form keeps as a draft: its form name, the
// screen it was open on and the values struct (exported fields, JSON).
type hostDraft struct {
	form, screen string
	values       any
	base         int64 // the version of the record the form edits, when it edits one
	dirty, armed bool
	// restored: the form was filled in from a saved draft, so esc asks
	// before discarding it (confirm: asked once)
	restored, confirm bool
	// from is the subject of the draft restored, when it differs (a draft
	// kept before drafts had subjects): dropped with this one
	from *string
}

// draftable makes the open form keep its input as a draft for its author.
func (h *formHost) draftable(form, screen string, values any) {
	h.draft = &hostDraft{form: form, screen: screen, values: values}
}

func (h *formHost) snapshot() (store.Draft, bool) {
	b, err := json.Marshal(h.draft.values)
	if err != nil {
		return store.Draft{}, false
	}
	f := map[string]string{"json": string(b)}
	if h.draft.base > 0 {
		f["version"] = strconv.FormatInt(h.draft.base, 10)
	}
	// one draft per form and participant: a contact note on one never
	// replaces the one half-written on another
	return store.Draft{Form: h.draft.form, Screen: h.draft.screen, Subject: h.draft.screen, Fields: f}, true
}

// touched arms the draft timer after a keystroke in a draftable form.
func (h *formHost) touched() tea.Cmd {
	if h.draft == nil || h.form == nil || h.ctx.Store == nil {
		return nil
	}
	h.draft.dirty = true
	if h.draft.armed {
		return nil
	}
	h.draft.armed = true
	owner, ctx := h, h.ctx.Context()
	return func() tea.Msg {
		t := time.NewTimer(formDraftEvery)
		defer t.Stop()
		select {
		case <-t.C:
			return formDraftDueMsg{owner: owner}
		case <-ctx.Done():
			return nil
		}
	}
}

// draftDue saves the draft if input changed since the last save.
func (h *formHost) draftDue() tea.Cmd {
	if h.draft == nil {
		return nil
	}
	h.draft.armed = false
	if !h.draft.dirty || h.form == nil {
		return nil
	}
	h.draft.dirty = false
	d, ok := h.snapshot()
	if !ok {
		return nil
	}
	c, w := h.ctx, &h.writes
	t := w.Ticket()
	return func() tea.Msg {
		if err := w.Write(t, func() error { _, err := c.Store.SaveDraft(c.Context(), c.Actor, d); return err }); err != nil {
			return common.StatusMsg{Text: "draft not kept: " + err.Error(), Err: true}
		}
		return nil
	}
}

// dropDraft deletes the form's draft (saved or cancelled).
func (h *formHost) dropDraft() tea.Cmd {
	if h.draft == nil || h.ctx.Store == nil {
		return nil
	}
	form, subjects, c := h.draft.form, []string{h.draft.screen}, h.ctx
	if h.draft.from != nil {
		subjects = append(subjects, *h.draft.from)
	}
	h.draft = nil
	w := &h.writes
	t := w.Ticket()
	return func() tea.Msg {
		err := w.Write(t, func() error {
			for _, subject := range subjects {
				if err := c.Store.DeleteDraftOf(c.Context(), c.Actor, form, subject); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return common.StatusMsg{Text: "draft not dropped: " + err.Error(), Err: true}
		}
		return nil
	}
}

// flushDraft saves unsaved input now (the program has ended).
func (h *formHost) flushDraft(ctx context.Context) error {
	if h.draft == nil || !h.draft.dirty || h.form == nil || h.ctx.Store == nil {
		return nil
	}
	h.draft.dirty = false
	d, ok := h.snapshot()
	if !ok {
		return nil
	}
	return h.writes.Write(h.writes.Ticket(), func() error {
		_, err := h.ctx.Store.SaveDraft(ctx, h.ctx.Actor, d)
		return err
	})
}

// restore fills the open draftable form from d and rebuilds it.
func (h *formHost) restore(d store.Draft) tea.Cmd {
	if h.draft == nil || h.draft.form != d.Form {
		return nil
	}
	if err := json.Unmarshal([]byte(d.Fields["json"]), h.draft.values); err != nil {
		return common.StatusCmd("draft not restored: "+err.Error(), true)
	}
	h.draft.restored = true
	if d.Subject != h.draft.screen {
		from := d.Subject
		h.draft.from = &from
	}
	if v := d.Fields["version"]; v != "" && v != strconv.FormatInt(h.draft.base, 10) {
		// someone changed the record since: the draft never overwrites
		// it silently
		return tea.Batch(h.start(), common.StatusCmd("restored your draft, but the record changed since "+
			d.Saved.In(h.ctx.Time().Location()).Format("15:04")+": check every field before saving", true))
	}
	return h.start()
}

// escRestored handles esc on a form restored from a draft: the first esc
// only asks (handled true); the second goes on to discard it.
func (h *formHost) escRestored(msg tea.Msg) (cmd tea.Cmd, handled bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || h.draft == nil || !h.draft.restored {
		return nil, false
	}
	if k.String() != "esc" {
		h.draft.confirm = false
		return nil, false
	}
	if h.draft.confirm {
		return nil, false
	}
	h.draft.confirm = true
	return common.StatusCmd("press esc again to discard the restored "+store.DraftNoun(h.draft.form)+
		", any other key to keep editing", true), true
}
