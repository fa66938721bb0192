package meeting

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/triage"
)

// NoteDraftForm is the draft form name of a note on an agenda item.
const NoteDraftForm = "meeting_note"

// draftSubject is the subject of a draft typed on item itemID of meeting
// mid: one draft per item.
func draftSubject(mid, itemID string) string { return mid + "/" + itemID }

// keepDraft makes a note or decision form keep its input as a draft.
func (m *Model) keepDraft(f *form, name string) {
	if f == nil || !m.joined {
		return
	}
	mid, item, v := m.mt.ID, f.itemID, f.v
	f.keep = common.NewDraftKeeper(m.ctx, name, draftSubject(mid, item), "meeting", func() map[string]string {
		out := map[string]string{"meeting": mid, "item": item, "text": v.text}
		if name == NoteDraftForm {
			out["sens"] = v.sens
		}
		return out
	})
}

// writeKept is write for a form that keeps a draft: the draft is dropped
// once the store saved the write, and kept (saved now, whatever the
// throttle says) when it refused it.
func (m *Model) writeKept(what string, keep *common.DraftKeeper, fn func(*store.Meeting) error) tea.Cmd {
	if keep == nil {
		return m.write(what, fn)
	}
	c, id, fields := m.ctx, m.mt.ID, keep.Draft().Fields
	return m.enqueue(func() tea.Msg {
		mt, err := c.Store.MutateMeeting(c.Context(), c.Actor, id, fn)
		msg := savedMsg{mt: mt, what: what, err: err}
		if err == nil {
			_ = keep.DropNow(c.Context()) // one left behind expires after draft_days
		} else {
			msg.kept = keep.Keep(c.Context(), fields) == nil
		}
		return msg
	})
}

// RestoreDraft reopens a meeting note or a decision draft: the meeting is
// joined, the item shown and the form filled in. A draft whose meeting
// has ended (or whose item is gone) is never dropped: it goes back to the
// root as a common.DraftElsewhereMsg, which shows it to read and copy.
func (m *Model) RestoreDraft(d store.Draft) tea.Cmd {
	m.viewGen++
	mid := d.Fields["meeting"]
	if mid == "" || !m.shared() {
		return elsewhere(d, "it belongs to no meeting you can open")
	}
	m.restore = &d
	if m.joined && m.mt.ID == mid && !m.joining {
		return m.restorePending()
	}
	m.joining = true
	return loadMeetingCmd(m.ctx, m.next(), mid, true, true)
}

func elsewhere(d store.Draft, why string) tea.Cmd {
	return func() tea.Msg { return common.DraftElsewhereMsg{Draft: d, Why: why} }
}

// restoreFailed hands a draft whose meeting could not be read to the root.
func (m *Model) restoreFailed(why string) tea.Cmd {
	d := m.restore
	if d == nil {
		return nil
	}
	m.restore = nil
	return elsewhere(*d, "its meeting could not be read ("+why+")")
}

// restorePending reopens the draft waiting for its meeting, once joined.
func (m *Model) restorePending() tea.Cmd {
	d := m.restore
	if d == nil || !m.joined || m.mt.ID != d.Fields["meeting"] {
		return nil
	}
	m.restore = nil
	if m.mt.Status != store.MeetingOpen {
		// nothing can be added to its minutes: back to the lobby, and the
		// text shown where it can be read and copied
		m.joined, m.following = false, false
		m.presence()
		return tea.Batch(m.reloadLobby(), elsewhere(*d, "meeting "+m.mt.ID+" has ended"))
	}
	if ref := d.Fields["ref"]; ref != "" && d.Form == triage.DraftForm {
		return m.restoreDecide(*d, ref)
	}
	i := indexOf(m.mt.Items, d.Fields["item"])
	if i < 0 {
		return elsewhere(*d, "item "+d.Fields["item"]+" is no longer on the agenda of "+m.mt.ID)
	}
	m.show(i)
	it := m.mt.Items[i]
	var f *form
	switch d.Form {
	case NoteDraftForm:
		if !canNote(m.ctx.Actor.Role) {
			return elsewhere(*d, "notes are not taken by your role")
		}
		v := &formVals{text: d.Fields["text"], sens: string(store.General)}
		if s := store.Sensitivity(d.Fields["sens"]); s == store.Clinical && store.CanWrite(m.ctx.Actor.Role, store.DataClinicalContacts) {
			v.sens = string(s)
		}
		f = m.noteFormWith(it, v)
	case triage.DraftForm:
		if !canRun(m.ctx.Actor.Role) {
			return elsewhere(*d, "decisions are recorded by the pm or a supervisor")
		}
		f = m.decisionTextForm(it, &formVals{text: d.Fields["text"]})
	default:
		return nil
	}
	if f.keep != nil {
		f.keep.Restored = d.Saved
	}
	m.setStatus(common.RestoredLine(m.ctx, *d), true)
	return tea.Batch(m.openForm(f), m.ensureCtx())
}

// restoreDecide reopens a referral decision typed in the meeting, on the
// referral as loaded now but checked against the version it was typed
// on: a decision someone else took meanwhile is refused when it is sent.
func (m *Model) restoreDecide(d store.Draft, ref string) tea.Cmd {
	if !canRun(m.ctx.Actor.Role) || m.td == nil {
		return elsewhere(d, "the referral queue is not shown to your role")
	}
	for i, it := range m.mt.Items {
		if it.Kind == store.ItemReferral && it.Subject == ref {
			m.show(i)
		}
	}
	_, verb, _, _ := triage.DraftOf(d)
	in, err := triage.RestoreInput(m.td.ranking, m.td.refs, m.td.parts, m.td.loads, ref, verb, m.mt.ID)
	if err != nil {
		return elsewhere(d, err.Error())
	}
	dec, cmd := triage.RestoreDecide(m.ctx, in, m.width, d)
	m.decide = dec
	dec.Fit(m.width, m.formHeight())
	m.setStatus(common.RestoredLine(m.ctx, d), true)
	return tea.Batch(cmd, m.ensureCtx())
}

// show views item i: the facilitator moves there; anyone else steps away
// from following to look at it.
func (m *Model) show(i int) {
	if i == m.view {
		return
	}
	if !m.drives() {
		m.stepAway()
	}
	m.view = m.clamp(i)
}

// FlushDrafts saves the open note or decision form's unsent input now
// (the program has ended).
func (m *Model) FlushDrafts(ctx context.Context) error {
	var errs []error
	if m.form != nil {
		errs = append(errs, m.form.keep.Flush(ctx))
	}
	if m.decide != nil {
		errs = append(errs, m.decide.FlushDrafts(ctx))
	}
	return errors.Join(errs...)
}
