package intake

import (
	"context"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// DraftForm is the draft form name of the new referral form.
const DraftForm = "referral"

// draftEvery is the longest a keystroke waits before the draft is saved:
// one save at most this often while typing, none while idle.
const draftEvery = 2 * time.Second

// draftDueMsg is the debounce timer of owner's draft going off.
type draftDueMsg struct{ owner *Model }

// draftSavedMsg reports a draft save or delete (errors go to the status line).
type draftSavedMsg struct {
	owner *Model
	err   error
}

// draftFields is the form's input as a draft.
func (v *values) draftFields() map[string]string {
	b := func(x bool) string { return strconv.FormatBool(x) }
	return map[string]string{
		"kind": string(v.kind), "name": v.name, "dob": v.dobOrAge, "location": v.location, "offense": v.offense,
		"unsheltered": b(v.unsheltered), "impairment": strconv.Itoa(v.impairment), "victim": b(v.victim),
		"warrant": b(v.warrant), "court": v.court, "contacts": v.contacts, "note": v.note, "callback": v.callback,
		"race": strings.Join(v.race, ";"),
	}
}

// restoreFields fills v from a draft (unknown or bad values are left at
// their defaults: the form validates them again).
func (v *values) restoreFields(f map[string]string, kinds []store.ReferralKind) {
	for _, k := range kinds {
		if string(k) == f["kind"] {
			v.kind = k
		}
	}
	v.name, v.dobOrAge, v.location, v.offense = f["name"], f["dob"], f["location"], f["offense"]
	v.unsheltered, _ = strconv.ParseBool(f["unsheltered"])
	if n, err := strconv.Atoi(f["impairment"]); err == nil && n >= 0 && n <= impairmentLevel {
		v.impairment = n
	}
	v.victim, _ = strconv.ParseBool(f["victim"])
	v.warrant, _ = strconv.ParseBool(f["warrant"])
	v.court, v.contacts, v.note, v.callback = f["court"], f["contacts"], f["note"], f["callback"]
	v.race = nil
	if cs, err := store.ParseRaceEthnicityCategories(f["race"]); err == nil { // anything else is left out: the form offers only HUD's
		for _, c := range cs {
			v.race = append(v.race, c.Label)
		}
	}
}

// touched notes that the input changed: the draft is saved within
// draftEvery (the first keystroke arms one timer; later ones ride on it).
func (m *Model) touched() tea.Cmd {
	if m.ctx.Store == nil || m.state != editing || m.v.empty() {
		return nil
	}
	m.dirty = true
	if m.armed {
		return nil
	}
	m.armed = true
	owner, ctx := m, m.ctx.Context()
	return func() tea.Msg {
		t := time.NewTimer(draftEvery)
		defer t.Stop()
		select {
		case <-t.C:
			return draftDueMsg{owner: owner}
		case <-ctx.Done():
			return nil
		}
	}
}

// saveDraftCmd saves the current input as the draft.
func (m *Model) saveDraftCmd() tea.Cmd {
	m.dirty = false
	d := store.Draft{Form: DraftForm, Screen: "new_referral", Fields: m.fieldsWithFocus()}
	owner, c, w := m, m.ctx, m.draftWrites()
	t := w.Ticket()
	return func() tea.Msg {
		err := w.Write(t, func() error {
			_, err := c.Store.SaveDraft(c.Context(), c.Actor, d)
			return err
		})
		return draftSavedMsg{owner: owner, err: err}
	}
}

// dropDraftCmd deletes the draft (the referral was sent or discarded).
func (m *Model) dropDraftCmd() tea.Cmd {
	m.dirty, m.restored = false, time.Time{}
	if m.ctx.Store == nil {
		return nil
	}
	owner, c, w := m, m.ctx, m.draftWrites()
	t := w.Ticket()
	return func() tea.Msg {
		return draftSavedMsg{owner: owner, err: w.Write(t, func() error { return c.Store.DeleteDraft(c.Context(), c.Actor, DraftForm) })}
	}
}

// FlushDraft saves unsaved input now (the session is ending: quit or a
// dropped connection), with ctx bounding the write.
func (m *Model) FlushDraft(ctx context.Context) error {
	if !m.dirty || m.ctx.Store == nil || m.state == done {
		return nil
	}
	m.dirty = false
	d := store.Draft{Form: DraftForm, Screen: "new_referral", Fields: m.fieldsWithFocus()}
	w := m.draftWrites()
	return w.Write(w.Ticket(), func() error {
		_, err := m.ctx.Store.SaveDraft(ctx, m.ctx.Actor, d)
		return err
	})
}

// draftWrites orders this form's draft writes (a periodic save still in
// flight never lands after the flush or the delete decided after it).
func (m *Model) draftWrites() *common.DraftWrites {
	if m.writes == nil {
		m.writes = &common.DraftWrites{}
	}
	return m.writes
}

// fieldsWithFocus is the draft with the field being typed in, so a
// restored form goes on where the officer was.
func (m *Model) fieldsWithFocus() map[string]string {
	f := m.v.draftFields()
	if m.form == nil {
		return f // never shown: no field has the focus
	}
	if ff := m.form.GetFocusedField(); ff != nil {
		f["focus"] = ff.GetKey()
	}
	return f
}

// focus moves the form's focus to the field keyed k (tabbing, so a field
// that does not validate stops it there).
func (m *Model) focus(k string) {
	for range m.fields {
		ff := m.form.GetFocusedField()
		if k == "" || ff == nil || ff.GetKey() == k {
			return
		}
		m.updateForm(tea.KeyPressMsg{Code: tea.KeyTab})
	}
}

// Restore fills the form from d and returns the status line that says so:
// "restored your unsent referral from 14:02". esc then offers to discard it.
func (m *Model) Restore(d store.Draft) string {
	m.reset()
	m.v.restoreFields(d.Fields, m.kinds())
	m.restored = d.Saved
	m.buildForm()
	m.focus(d.Fields["focus"])
	return "restored your unsent " + store.DraftNoun(d.Form) + " from " + d.Saved.In(m.ctx.Time().Location()).Format("15:04") +
		" (esc to discard it)"
}

// LoadDraftCmd reads the session user's newest unexpired draft; the
// reply is a DraftMsg (Found false when there is none).
func LoadDraftCmd(c *common.Ctx) tea.Cmd {
	if c.Store == nil {
		return nil
	}
	ctx, s, a, p := c.Context(), c.Store, c.Actor, c.Protocol
	return func() tea.Msg {
		days := p.DraftDays
		if days <= 0 {
			days = 7
		}
		ds, err := s.Drafts(ctx, a, time.Duration(days)*24*time.Hour)
		if err != nil || len(ds) == 0 {
			return DraftMsg{Err: err}
		}
		return DraftMsg{Draft: ds[0], Found: true, All: ds}
	}
}

// DraftMsg is the session user's newest draft at sign-in.
type DraftMsg struct {
	Draft store.Draft
	Found bool
	Err   error
	// All is every unexpired draft of the user, newest (Draft) first.
	All []store.Draft
}
