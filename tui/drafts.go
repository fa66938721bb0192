package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/tui/intake"
)

// onDraft takes the user back to the form of their newest draft, filled
// in, and says so on the status line.
func (m *model) onDraft(msg intake.DraftMsg) tea.Cmd {
	if msg.Err != nil {
		m.setStatus("drafts: "+msg.Err.Error(), true)
		return nil
	}
	f, ok := m.form.(*intake.Model)
	if !msg.Found || !ok || msg.Draft.Form != intake.DraftForm {
		return nil
	}
	text := f.Restore(msg.Draft)
	cmd := m.openOverlay(m.form)
	m.setStatus(text, false)
	return cmd
}

// FlushDrafts saves every form's unsent input now: the program has ended
// (quit, or the connection dropped) and no command will run again.
func (m *model) FlushDrafts(ctx context.Context) error {
	if f, ok := m.form.(*intake.Model); ok {
		return f.FlushDraft(ctx)
	}
	return nil
}
