package sshserve

import (
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/tui"
)

// defaultModel is the model of a real session: owg's TUI.
func defaultModel(o tui.Options) tea.Model { return tui.New(o) }
