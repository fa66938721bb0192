// Package tui is owg's bubbletea v2 application: a thin root model that
// routes between tabs, one component per pane, styles built per session
// from a theme. The same model runs locally (owg) and per SSH session
// (sshserve).
package tui

import (
	"context"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/snapshot"
	"github.com/leadtable/owg/themes"
	"github.com/leadtable/owg/tui/common"
)

// Options configure one TUI session.
type Options struct {
	// Context ends with the session (SSH) or the program; store calls made
	// by the session use it. Defaults to context.Background.
	Context  context.Context
	Store    store.Store
	Actor    store.Actor // the signed-in user and role
	Protocol store.Protocol
	// Theme is the theme the session opens with (see themes.Pick: the
	// caller applies --theme, the user's saved preference and the
	// environment). The zero Theme is themes.Default.
	Theme themes.Theme
	// LowBandwidth drops decorations (no borders, short help, ASCII theme).
	LowBandwidth bool
	// Env is the session's environment (NAME=value). The theme switcher
	// applies its NO_COLOR and TERM overrides (themes.Pick) to the theme
	// the user picks; nil means no overrides.
	Env []string
	// Now returns the current time; tests fix it. Defaults to time.Now.
	Now func() time.Time
	// OnPresence, when set, is told which meeting this session is in and
	// whether it follows the facilitator (sshserve's hub listens).
	OnPresence func(Presence)
	// FrameBarrier, when set, is common.Ctx.FrameBarrier: sshserve's frame
	// writer tells shared writes when the session's own frame went out.
	FrameBarrier func() func()
	// Audience, when set, is common.Ctx.Audience: sshserve's hub lists the
	// other sessions following a meeting, with their actors.
	Audience func(meetingID string) []store.Actor
	// Remote is true for SSH sessions (changes quit wording and the
	// "join over SSH" hints).
	Remote bool
	// DisplayName is the user's full name, shown in the header beside the
	// sign-in name ("" shows the sign-in name alone).
	DisplayName string
	// LastBackup, when set, reports the server's last successful backup
	// and the last attempt's error; the pm's and supervisors' Today shows it.
	LastBackup func() (time.Time, error)
	// Sessions, when set, lists the server's live sessions: the pm opens
	// them with W.
	Sessions func() []SessionRow
	// OnTab, when set, is told the name of the tab the session shows, at
	// start and on every switch (the server's session list shows it).
	OnTab func(tab string)
	// Snapshot is the process's shared site snapshot, kept current by the
	// caller from the store's changes (sshserve makes one per server). Nil:
	// the program makes its own from Store when the store can read one,
	// kept current from the ChangedMsgs it receives.
	Snapshot *snapshot.Snapshot
	// Resume, when set, is where a dropped session of this user was: the
	// new one opens there and says "reconnected".
	Resume *Resume
	// BackgroundAsked: the host asks the terminal for its background colour
	// itself (sshserve writes the query with its others, so its program
	// need not tick to flush one); the model only takes the answer.
	BackgroundAsked bool
}

// Resume is where a session was when its connection dropped: a small
// value the server keeps in memory for the user's next session (it holds
// record ids and positions, never a record's text). The model tui.New
// returns reports it with Where once its program has ended.
type Resume struct {
	Tab string // the tab's name, as OnTab reported it
	// Places is where each list tab stood, by tab name: the selected
	// record's id and its line in the window.
	Places map[string]Place
	// Participant is the id of the Participant screen that was open ("":
	// none), and ParticipantLine the first line of it shown.
	Participant     string
	ParticipantLine int
	// NewReferral: the New referral form was on screen.
	NewReferral bool
	// Meeting is where the session stood in a live meeting.
	Meeting MeetingPlace
}

// Place is where a list stood (common.Place).
type Place = common.Place

// MeetingPlace is where a session stood in a live meeting (common.MeetingPlace).
type MeetingPlace = common.MeetingPlace

// Resumable is implemented by the model tui.New returns: Where reports
// where the session stands, for the server to keep when the connection
// drops (read after the program has ended, as FlushDrafts is).
type Resumable interface {
	Where() Resume
}

// SessionRow is one live session on the pm's Sessions screen.
type SessionRow = common.SessionRow

// Presence is one session's place in a live meeting.
type Presence = common.Presence

// ChangedMsg tells a session that the store changed (coalesced).
type ChangedMsg = common.ChangedMsg

// PresenceMsg tells a session who is in which meeting.
type PresenceMsg = common.PresenceMsg

// NoticeMsg shows a one-line server notice on the status line.
type NoticeMsg = common.NoticeMsg
