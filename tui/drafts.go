package tui

import (
	"context"
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
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
	if f, ok := m.form.(*intake.Model); ok && d.Form == intake.DraftForm {
		text := f.Restore(d)
		cmd := m.openOverlay(m.form)
		m.setStatus(text, false)
		return cmd
	}
	if d.Form == "contact" && strings.HasPrefix(d.Screen, "P-") {
		open := m.openParticipant(d.Screen)
		p, ok := m.participant.(*participant)
		if !ok {
			return open
		}
		m.setStatus("restored your unsent "+store.DraftNoun(d.Form)+" from "+d.Saved.In(m.ctx.Time().Location()).Format("15:04")+" (esc to discard it)", false)
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
		open := p.contactForm()
		return tea.Batch(open, p.form.restore(d))
	}
	return nil
}
