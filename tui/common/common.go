// Package common holds what every owg TUI pane shares: the session
// context, the Component interface and the styles built from a theme.
package common

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/snapshot"
	"github.com/leadtable/owg/themes"
)

// Ctx is one session's context, shared by every pane of that session.
// It holds no mutable UI state.
type Ctx struct {
	Ctx          context.Context
	Store        store.Store
	Actor        store.Actor
	Protocol     store.Protocol
	Theme        themes.Theme
	IsDark       bool
	LowBandwidth bool
	Remote       bool
	Now          func() time.Time
	// Styles are rebuilt when the theme or background changes.
	Styles *Styles
	// OnPresence, when set, is told when this session joins a meeting
	// (meetingID), leaves it (meetingID "") or toggles following the
	// facilitator. The meeting pane calls it; the root forwards it to the
	// live hub.
	OnPresence func(meetingID string, following bool)
	// Snapshot is the process's shared read of the site (sshserve makes one
	// per server; tui.New one per program when none is given). Nil: the
	// list screens read the store themselves.
	Snapshot *snapshot.Snapshot
	// SiteMemo holds this session's projection of the latest snapshot
	// version, shared by its panes.
	SiteMemo *Memo
	// DisplayName is the signed-in user's full name ("" when none).
	DisplayName string
	// LastBackup reports the server's last backup (nil: not served, or no
	// backups).
	LastBackup func() (time.Time, error)
	// Sessions lists the server's live sessions for the pm (nil: not served).
	Sessions func() []SessionRow
	// DraftTimer is the timer of draft saves (nil: time.After); tests
	// give one they fire themselves.
	DraftTimer func(time.Duration) <-chan time.Time
	// FrameBarrier, when set (SSH sessions), is called during Update and
	// returns a wait that ends once the frame showing that update has been
	// sent (or shortly after, if it cannot be). A write that others will
	// see (the facilitator's advance) waits for it, so the writer's own
	// screen goes out before 50 followers start redrawing theirs.
	FrameBarrier func() func()
	// Audience, when set (SSH sessions), returns the other sessions
	// following meeting id: a move to the next item records, in its own
	// transaction, that they were shown it (store.MutateMeetingShown).
	Audience func(meetingID string) []store.Actor
}

// AfterOwnFrame is FrameBarrier's wait, or a no-op without one.
func (c *Ctx) AfterOwnFrame() func() {
	if c == nil || c.FrameBarrier == nil {
		return func() {}
	}
	return c.FrameBarrier()
}

// SessionRow is one live SSH session, as the pm's Sessions screen shows it.
type SessionRow struct {
	User      string
	Role      store.Role
	Addr      string
	Since     time.Time
	Tab       string
	MeetingID string
}

// Component is one pane: a bubbletea model with a size and a key map
// whose bindings generate the help line.
type Component interface {
	Init() tea.Cmd
	Update(msg tea.Msg) (Component, tea.Cmd)
	View() string
	SetSize(width, height int)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// Capturing is implemented by components that are taking text input (a
// form or a filter) so the root must not treat keys like q or 1-5 as global.
type Capturing interface {
	Capturing() bool
}

// Dirty is implemented by components holding unsaved input, so quitting
// asks first.
type Dirty interface {
	Dirty() bool
}

// OpenParticipantMsg asks the root to open the Participant screen.
type OpenParticipantMsg struct{ ID string }

// StatusMsg sets the status line (Err true shows it as an error).
type StatusMsg struct {
	Text string
	Err  bool
}

// StatusCmd returns a command that sets the status line.
func StatusCmd(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Err: isErr} }
}
