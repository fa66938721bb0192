package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// savedMsg is the reply of a store write started from a form: owner is the
// asking pane, so the reply lands there even after the user moved on.
type savedMsg struct {
	owner string
	what  string
	err   error
}

// saveCmd runs a store write off the UI loop and reports it as a savedMsg.
func saveCmd(owner, what string, fn func() error) tea.Cmd {
	return func() tea.Msg { return savedMsg{owner: owner, what: what, err: fn()} }
}

// formHost embeds one huh form as a sub-model (never form.Run). The
// form's values live in a heap struct the build function captures, so a
// form reopened after a refused save keeps what was typed.
type formHost struct {
	ctx    *common.Ctx
	owner  string
	title  string
	form   *huh.Form
	build  func() *huh.Form
	save   func() tea.Cmd
	saving bool
	width  int
	height int
	// shownErr is the field error put on the status line, so a form's
	// error never falls below the fold at 80x24
	shownErr string
	// draft is the open form's draft, when it keeps one (form_draft.go)
	draft *hostDraft
	// writes orders the drafts' saves and deletes (form_draft.go)
	writes common.DraftWrites
	// esc asks before a first esc discards what was typed
	esc common.EscGuard
}

// formKeys are huh's default keys with esc to cancel and no external
// editor (it would run on the server for SSH sessions).
func formKeys() *huh.KeyMap {
	k := huh.NewDefaultKeyMap()
	k.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	k.Text.Editor.SetEnabled(false)
	return k
}

// cancelKey is the help of an open form's esc; huh's own help line under
// the form lists the field keys (enter, shift+tab). A function, not a
// package-level binding, so no session can change another's keys.
func cancelKey() key.Binding {
	return key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
}

func (h *formHost) active() bool { return h.form != nil || h.saving }

// open shows a new form. build makes the form (reusing its values on every
// call); save starts the store write when the form completes.
func (h *formHost) open(title string, build func() *huh.Form, save func() tea.Cmd) tea.Cmd {
	h.title, h.build, h.save, h.saving, h.draft = title, build, save, false, nil
	h.esc.Reset()
	return h.start()
}

func (h *formHost) start() tea.Cmd {
	h.form = h.build().
		WithKeyMap(formKeys()).
		WithTheme(common.FormTheme(h.ctx.St())).
		WithShowHelp(true).
		WithWidth(min(max(h.width-4, 30), 76))
	init := h.form.Init()
	h.resize()
	return init
}

func (h *formHost) setSize(w, height int) {
	h.width, h.height = w, height
	if h.form != nil {
		h.form = h.form.WithWidth(min(max(w-4, 30), 76))
		h.resize()
	}
}

func (h *formHost) resize() {
	if h.form == nil {
		return
	}
	m, _ := h.form.Update(tea.WindowSizeMsg{Width: h.width, Height: max(h.height-2, 4)})
	if f, ok := m.(*huh.Form); ok {
		h.form = f
	}
}

func (h *formHost) close() { h.form, h.saving, h.shownErr = nil, false, "" }

// update feeds the form; when it completes the save starts, when it is
// cancelled the form closes.
func (h *formHost) update(msg tea.Msg) tea.Cmd {
	if d, ok := msg.(formDraftDueMsg); ok {
		if d.owner != h {
			return nil
		}
		return h.draftDue()
	}
	if h.form == nil {
		return nil
	}
	if _, ok := msg.(tea.WindowSizeMsg); ok {
		return nil // sized by setSize
	}
	if cmd, ok := h.escRestored(msg); ok {
		return cmd
	}
	if h.draft != nil && h.draft.restored {
		return h.feed(msg, true) // a restored draft asks in escRestored
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "esc" {
		if h.esc.Escape() {
			return common.StatusCmd(common.EscAgain, true)
		}
		return h.feed(msg, false)
	}
	if cleared, swallow := h.esc.Other(msg); cleared {
		// the warning goes; a field error it covered comes back
		back := common.StatusCmd(h.shownErr, h.shownErr != "")
		if swallow {
			return back
		}
		return tea.Sequence(back, h.feed(msg, false))
	}
	return h.feed(msg, false)
}

// feed hands msg to the open form and acts on its state after it.
func (h *formHost) feed(msg tea.Msg, restored bool) tea.Cmd {
	var touched tea.Cmd
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg:
		touched = h.touched()
	}
	cmd := tea.Batch(common.UpdateForm(h.form, msg), touched)
	switch h.form.State {
	case huh.StateAborted:
		h.close()
		text := "cancelled: nothing saved"
		if restored {
			text = "restored draft discarded: nothing was saved"
		}
		return tea.Batch(common.StatusCmd(text, false), h.dropDraft())
	case huh.StateCompleted:
		h.form = nil
		h.saving = true
		cmd := h.save()
		if !h.saving {
			return cmd
		}
		return tea.Sequence(common.StatusCmd("saving…", false), cmd)
	}
	errText := ""
	if errs := h.form.Errors(); len(errs) > 0 {
		errText = errs[0].Error()
	}
	if errText != h.shownErr {
		h.shownErr = errText
		return tea.Batch(cmd, common.StatusCmd(errText, errText != ""))
	}
	return cmd
}

// done handles the reply of the save: "saved" only after the store
// returned nil; a refused save reopens the form with the bad fields named;
// a stale record closes it and asks for a reload.
func (h *formHost) done(msg savedMsg) (cmd tea.Cmd, reload bool) {
	h.saving = false
	switch {
	case msg.err == nil:
		h.close()
		return tea.Batch(common.StatusCmd("saved: "+msg.what, false), h.dropDraft()), true
	case errors.Is(msg.err, store.ErrStale) || errors.Is(msg.err, store.ErrConflict):
		h.close()
		return common.StatusCmd(store.ErrStale.Error()+": reloaded, nothing saved", true), true
	}
	text := "not saved: " + msg.err.Error()
	if _, ok := store.AsForbidden(msg.err); ok {
		// the store refused the write for this user: reopening the form
		// would only be refused again
		h.close()
		return common.StatusCmd(text, true), false
	}
	var ve *store.ValidationError
	if errors.As(msg.err, &ve) {
		text = fmt.Sprintf("not saved, fix %s: %s", strings.Join(ve.Fields(), ", "), ve.Error())
	}
	if h.build == nil {
		h.close()
		return common.StatusCmd(text, true), false
	}
	return tea.Batch(h.start(), common.StatusCmd(text, true)), false
}

func (h *formHost) view() string {
	st := h.ctx.St()
	if h.saving {
		return st.Title.Render(h.title) + "\n\n  " + st.Muted.Render("saving…")
	}
	if h.form == nil {
		return ""
	}
	return st.Title.Render(h.title) + "\n" + h.form.View()
}

// dateField validates a YYYY-MM-DD date (empty allowed when optional).
func dateField(name string, optional bool) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			if optional {
				return nil
			}
			return fmt.Errorf("%s: is required (YYYY-MM-DD)", name)
		}
		if _, err := store.ParseDate(s); err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		return nil
	}
}

// futureDateField validates an optional date still to come (the next
// court date): today or later. A date in the past is refused, naming the
// field: a hearing held is recorded as a past hearing instead.
func futureDateField(name string, now time.Time) func(string) error {
	valid := dateField(name, true)
	return func(s string) error {
		if err := valid(s); err != nil || strings.TrimSpace(s) == "" {
			return err
		}
		if d, _ := store.ParseDate(s); d.Before(store.Today(now)) {
			return fmt.Errorf("%s: %s is in the past (record a hearing held as a past hearing)", name, store.FormatDate(d))
		}
		return nil
	}
}

// pastDateField validates the required date of something that happened
// (a contact, a step on a goal): today or before, never in the future,
// where it would hide an overdue contact.
func pastDateField(name string, now time.Time) func(string) error {
	valid := dateField(name, false)
	return func(s string) error {
		if err := valid(s); err != nil {
			return err
		}
		d, _ := store.ParseDate(s)
		if d.After(store.Today(now)) {
			return fmt.Errorf("%s: %s is in the future (today is %s)", name, store.FormatDate(d), store.FormatDate(store.Today(now)))
		}
		if !d.IsZero() && d.Before(store.EarliestContactDate) {
			// the store's floor, said on the form before a save is refused
			return fmt.Errorf("%s: %s is before %s", name, store.FormatDate(d), store.FormatDate(store.EarliestContactDate))
		}
		return nil
	}
}

// required validates a non-blank field.
func required(name string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(store.Clean(s, true)) == "" {
			return fmt.Errorf("%s: is required", name)
		}
		return nil
	}
}

// optDate parses an optional date already validated by dateField.
func optDate(s string) (t time.Time) {
	if strings.TrimSpace(s) == "" {
		return t
	}
	t, _ = store.ParseDate(s)
	return t
}
