package tui

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/intake"
)

// onDraft takes the user back to the form of their newest draft, filled
// in, and says so on the status line.
func (m *model) onDraft(msg intake.DraftMsg) tea.Cmd {
	if msg.Err != nil {
		m.setStatus("drafts: "+msg.Err.Error(), true)
		return nil
	}
	if !msg.Found {
		return nil
	}
	d := msg.Draft
	pre := ""
	if m.resumed {
		pre = "reconnected; "
	}
	if f, ok := m.form.(*intake.Model); ok && d.Form == intake.DraftForm {
		text := f.Restore(d)
		cmd := m.openOverlay(m.form)
		m.setStatus(pre+text, false)
		return cmd
	}
	if store.DraftForms[d.Form] != "" && d.Form != intake.DraftForm && strings.HasPrefix(d.Screen, "P-") {
		open := m.openParticipant(d.Screen)
		p, ok := m.participant.(*participant)
		if !ok {
			return open
		}
		m.setStatus(pre+"restored your unsent "+store.DraftNoun(d.Form)+" from "+d.Saved.In(m.ctx.Time().Location()).Format("15:04")+" (esc to discard it)", false)
		return tea.Batch(open, p.restoreDraft(d))
	}
	return nil
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
