package tui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/intake"
	"github.com/leadtable/owg/tui/meeting"
	"github.com/leadtable/owg/tui/triage"
)

// onDraft takes the user back to the form of their newest draft, filled
// in, and says so on the status line, with how many more are kept (U
// lists them).
func (m *model) onDraft(msg intake.DraftMsg) tea.Cmd {
	if msg.Err != nil {
		m.setStatus("drafts: "+msg.Err.Error(), true)
		return nil
	}
	if !msg.Found {
		return nil
	}
	m.draftCount = max(len(msg.All), 1)
	pre := ""
	if m.resumed {
		pre = "reconnected; "
	}
	more := ""
	if n := len(msg.All) - 1; n > 0 {
		more = fmt.Sprintf("; %d more unsent draft%s kept (U lists them)", n, plural(n))
	}
	cmd, text := m.openDraft(msg.Draft)
	m.setStatus(pre+text+more, false)
	return cmd
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// openDraft reopens d on the screen it was typed on, filled in; text is
// the status line ("restored your unsent meeting note from 14:02 ...").
// A draft with no form to go back to is shown in the Drafts list.
func (m *model) openDraft(d store.Draft) (tea.Cmd, string) {
	line := common.RestoredLine(m.ctx, d)
	switch {
	case d.Form == intake.DraftForm:
		if f, ok := m.form.(*intake.Model); ok {
			text := f.Restore(d)
			return m.openOverlay(m.form), text
		}
	case d.Form == triage.DraftForm && !triage.CanDecide(m.ctx.Actor.Role):
		return m.showDraft(d, "decisions are recorded by the pm or a supervisor"), line
	case d.Form == meeting.NoteDraftForm || d.Form == triage.DraftForm && d.Fields["meeting"] != "":
		if r, ok := m.tabs[TabMeeting].(common.DraftRestorer); ok {
			return tea.Batch(m.switchTab(TabMeeting), r.RestoreDraft(d)), line
		}
	case d.Form == triage.DraftForm:
		if r, ok := m.tabs[TabReferrals].(common.DraftRestorer); ok {
			return tea.Batch(m.switchTab(TabReferrals), r.RestoreDraft(d)), line
		}
	case store.DraftForms[d.Form] != "" && strings.HasPrefix(d.Screen, "P-"):
		open := m.openParticipant(d.Screen)
		if p, ok := m.participant.(*participant); ok {
			return tea.Batch(open, p.restoreDraft(d)), line
		}
		return open, line
	}
	return m.showDraft(d, "this form is not on your screens"), line
}

// showDraft opens the Drafts list on d, whole, to read and copy.
func (m *model) showDraft(d store.Draft, why string) tea.Cmd {
	cmd := tea.Batch(m.openOverlay(m.drafts), m.drafts.Init())
	m.drafts.show(d, why)
	return cmd
}

// draftMsg handles the Drafts list's messages and a draft that cannot go
// back into its form.
func (m *model) draftMsg(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case draftsMsg:
		if msg.err == nil {
			m.draftCount = len(msg.drafts)
		}
	case draftDiscardedMsg:
	case common.DraftElsewhereMsg:
		cmd := m.showDraft(msg.Draft, msg.Why)
		m.setStatus(common.RestoredFrom(m.ctx, msg.Draft)+": "+msg.Why, true) // the Drafts list says the rest
		return cmd, true
	case openDraftMsg:
		m.overlay = nil
		cmd, text := m.openDraft(msg.d)
		m.setStatus(text, false)
		return cmd, true
	default:
		return nil, false
	}
	_, cmd := m.drafts.Update(msg)
	return cmd, true
}

// FlushDrafts saves every form's unsent input now: the program has ended
// (quit, or the connection dropped) and no command will run again.
func (m *model) FlushDrafts(ctx context.Context) error {
	var errs []error
	if f, ok := m.form.(*intake.Model); ok {
		errs = append(errs, f.FlushDraft(ctx))
	}
	if p, ok := m.participant.(*participant); ok {
		errs = append(errs, p.form.flushDraft(ctx))
	}
	for _, t := range m.tabs {
		if f, ok := t.(common.DraftFlusher); ok {
			errs = append(errs, f.FlushDrafts(ctx))
		}
	}
	return errors.Join(errs...)
}

// restoreDraft reopens the form d was typed in on this participant,
// filled in from d.
func (p *participant) restoreDraft(d store.Draft) tea.Cmd {
	switch d.Form {
	case "contact":
		return tea.Batch(p.contactForm(), p.form.restore(d))
	case "roi":
		return tea.Batch(p.roiForm(), p.form.restore(d))
	case "progress", "court":
		p.pending = &d // needs the goal or case: once the record is loaded
	}
	return nil
}

// restorePending reopens a draft that needs the loaded record: the goal
// of a progress entry, the case of a court date.
func (p *participant) restorePending() tea.Cmd {
	d := p.pending
	if d == nil {
		return nil
	}
	p.pending = nil
	var ref struct{ Goal, Case string }
	_ = json.Unmarshal([]byte(d.Fields["json"]), &ref)
	switch d.Form {
	case "progress":
		for _, g := range p.activeGoals() {
			if g.ID == ref.Goal {
				return tea.Batch(p.progressFormFor(g), p.form.restore(*d))
			}
		}
	case "court":
		for _, c := range p.view.Cases {
			if c.ID == ref.Case {
				return tea.Batch(p.courtFormFor(c), p.form.restore(*d))
			}
		}
	}
	return common.StatusCmd("your unsent "+store.DraftNoun(d.Form)+" is for a record you can no longer edit", true)
}

// resume opens the tab a dropped session was on (Options.Resume).
func (m *model) resume(r *Resume) bool {
	if r == nil {
		return false
	}
	for i, name := range m.names {
		if name == r.Tab {
			m.active, m.resumed = i, true
			return true
		}
	}
	return false
}
