package meeting

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/triage"
)

// lobbyMsg carries the meetings list (not in a meeting).
type lobbyMsg struct {
	gen      int
	meetings []store.Meeting
	users    []store.User
	err      error
}

// meetingMsg carries a (re)loaded meeting and, on join, the triage data
// its referral items show.
type meetingMsg struct {
	gen     int
	mt      store.Meeting
	open    []store.OpenAction // open action items of every other meeting (nil: not loaded)
	triage  *triageData        // nil: keep what is loaded
	joining bool
	err     error
}

// savedMsg is the result of a MutateMeeting.
type savedMsg struct {
	mt     store.Meeting
	what   string // status text on success
	err    error
	reload bool // reload the ranking and the open action items too
	kept   bool // refused, and the form's input was kept as a draft
}

// endedMsg is the result of ending the meeting.
type endedMsg struct {
	mt  store.Meeting
	err error
}

// itemCtxMsg carries the context of one agenda subject.
type itemCtxMsg struct {
	subject string
	gen     int // the asking Model's number for the ask (loadCtxCmd)
	ic      itemCtx
}

// triageData is the ranking and caseloads for referral items.
type triageData struct {
	ranking store.Ranking
	refs    map[string]store.Referral
	parts   map[string]store.Participant
	loads   []triage.CaseManagerLoad
	users   []store.User
	total   int
	names   []string // every participant's names and aliases: general text may not carry them
}

// itemCtx is what one viewer may see of an item's subject.
type itemCtx struct {
	pv     *store.ParticipantView // participant, or the case's participant
	kase   *store.LegalCase       // case items, as the viewer may see it
	ref    *store.Referral        // referral items
	room   []store.RoomViewer     // room view: each attendee with their ROI coverage
	err    error
	loaded bool
}

func loadLobbyCmd(c *common.Ctx, gen int) tea.Cmd {
	return func() tea.Msg {
		if c.Snapshot != nil {
			// the shared snapshot: one read of the meetings per change
			// for the process, not one per session in the lobby
			if site, err := c.Snapshot.Site(c.Context()); err == nil {
				return lobbyMsg{gen: gen, meetings: site.Meetings, users: site.Users}
			}
		}
		ms, err := c.Store.ListMeetings(c.Context())
		if err != nil {
			return lobbyMsg{gen: gen, err: err}
		}
		us, err := c.Store.ListUsers(c.Context())
		return lobbyMsg{gen: gen, meetings: ms, users: us, err: err}
	}
}

// loadMeetingCmd reads the meeting; withTriage also reloads the ranking and
// the previous meeting.
func loadMeetingCmd(c *common.Ctx, gen int, id string, withTriage, joining bool) tea.Cmd {
	return func() tea.Msg {
		mt, err := meetingOf(c, id)
		out := meetingMsg{gen: gen, mt: mt, joining: joining, err: err}
		if err != nil || !withTriage {
			return out
		}
		out.open, out.err = openActions(c, mt)
		if out.err != nil {
			return out
		}
		out.triage, out.err = loadTriage(c, mt.Date)
		return out
	}
}

// openActions returns the open action items of every meeting but mt, as
// the agenda lists them (store.OpenActions: by owner, overdue first).
func openActions(c *common.Ctx, mt store.Meeting) ([]store.OpenAction, error) {
	var ms []store.Meeting
	if c.Snapshot != nil {
		site, err := c.Snapshot.Site(c.Context())
		if err != nil {
			return nil, err
		}
		ms = site.Meetings
	} else {
		var err error
		if ms, err = c.Store.ListMeetings(c.Context()); err != nil {
			return nil, err
		}
	}
	others := make([]store.Meeting, 0, len(ms))
	for _, x := range ms {
		if x.ID != mt.ID {
			others = append(others, x)
		}
	}
	open := store.OpenActions(others, store.DateOf(mt.Date))
	if open == nil {
		open = []store.OpenAction{}
	}
	return open, nil
}

// loadTriage ranks the queue as of now, or as of the meeting's date when
// it is held on another day (as its agenda was built).
//
// The ranking is the same for every session: with the process's snapshot
// it is computed once per change and shared (snapshot.Derived), not read
// by each of fifty followers on every participant's change.
func loadTriage(c *common.Ctx, day time.Time) (*triageData, error) {
	asOf := store.Today(c.Time())
	if !day.IsZero() && !store.DateOf(day).Equal(asOf) {
		asOf = store.DateOf(day)
	}
	if c.Snapshot == nil {
		return readTriage(c, asOf)
	}
	v, err := c.Snapshot.Derived("meeting-triage "+asOf.Format(time.DateOnly), func() (any, error) {
		return readTriage(c, asOf)
	})
	if err != nil {
		return nil, err
	}
	return v.(*triageData), nil
}

// readTriage reads the ranking as of day asOf from the store.
func readTriage(c *common.Ctx, asOf time.Time) (*triageData, error) {
	ctx, s := c.Context(), c.Store
	users, err := s.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	parts, err := s.ListParticipants(ctx, store.ParticipantFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	refs, err := s.ListReferrals(ctx, store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefNew, store.RefWaitlisted, store.RefScreenedOut}})
	if err != nil {
		return nil, err
	}
	everyone, err := s.ListParticipants(ctx, store.ParticipantFilter{})
	if err != nil {
		return nil, err
	}
	td := &triageData{users: users, refs: map[string]store.Referral{}, parts: map[string]store.Participant{}, names: store.ParticipantNames(everyone)}
	td.ranking = store.Rank(c.Protocol, refs, parts, store.Capacity(c.Protocol, users, parts), asOf)
	for _, r := range refs {
		td.refs[r.ID] = r
	}
	for _, p := range parts {
		td.parts[p.ID] = p
	}
	td.loads = triage.CaseManagerLoads(c.Protocol, users, parts)
	for _, l := range td.loads {
		td.total += l.Cap
	}
	return td, nil
}

// loadItemCtxCmd loads what the viewer may see of an item's subject. The
// first look at a participant is audited (ViewParticipant); live
// refreshes of a subject already shown are not (PeekParticipant).
//
// room (room view) holds the attendees present: the context is then what
// every one of them may see (store.PeekRoom), not audited as the
// facilitator's own view.
func loadItemCtxCmd(c *common.Ctx, it store.AgendaItem, refresh bool, room []store.Actor) tea.Cmd {
	subject := it.Subject
	kind := it.Kind
	if kind == store.ItemOther || kind == store.ItemActionItems {
		switch {
		case strings.HasPrefix(subject, "P-"):
			kind = store.ItemGoalReview
		case strings.HasPrefix(subject, "L-"):
			kind = store.ItemCase
		case strings.HasPrefix(subject, "R-"):
			kind = store.ItemReferral
		}
	}
	return func() tea.Msg {
		ctx, s, now := c.Context(), storeFor(c), c.Time()
		view := store.ViewParticipant
		if refresh {
			view = store.PeekParticipant
		}
		ic := itemCtx{loaded: true}
		if room != nil {
			view = func(ctx context.Context, s store.Store, _ store.Actor, id string, now time.Time, sensitive []store.GoalDomain) (store.ParticipantView, error) {
				pv, rvs, err := store.PeekRoom(ctx, s, room, id, now, sensitive)
				ic.room = rvs
				return pv, err
			}
		}
		switch kind {
		case store.ItemGoalReview:
			pv, err := view(ctx, s, c.Actor, subject, now, c.Protocol.SensitiveGoalDomains)
			ic.pv, ic.err = &pv, err
		case store.ItemCase:
			lc, err := caseOf(c, subject)
			if err != nil {
				ic.err = err
				break
			}
			pv, err := view(ctx, s, c.Actor, lc.ParticipantID, now, c.Protocol.SensitiveGoalDomains)
			if err != nil {
				ic.err = err
				break
			}
			ic.pv = &pv
			if i := slices.IndexFunc(pv.Cases, func(x store.LegalCase) bool { return x.ID == subject }); i >= 0 {
				ic.kase = &pv.Cases[i]
			}
		case store.ItemReferral:
			r, err := s.GetReferral(ctx, subject)
			if err != nil {
				ic.err = err
				break
			}
			if room == nil && store.ReferralAccess(c.Actor, r) != store.Redacted {
				ic.ref = &r
			}
			if room != nil && !slices.ContainsFunc(room, func(a store.Actor) bool { return store.ReferralAccess(a, r) != store.Shown }) {
				ic.ref = &r
			}
		}
		if store.IsNotFound(ic.err) {
			ic.err = errors.New(subject + " no longer exists")
		}
		return itemCtxMsg{subject: subject, ic: ic}
	}
}

// mutateCmd applies fn to the stored meeting in one transaction, so appends
// by two people never overwrite each other.
//
// Everyone in the meeting redraws on the write: it waits until this
// session's own frame of the change has gone out. When the write moves the
// meeting to another item, the followers' views of it are recorded in the
// same transaction (store.MutateMeetingShown).
func mutateCmd(c *common.Ctx, id, what string, fn func(*store.Meeting) error) tea.Cmd {
	ownFrame := c.AfterOwnFrame()
	return func() tea.Msg {
		ownFrame()
		mt, err := mutateShown(c, id, fn)
		return savedMsg{mt: mt, what: what, err: err}
	}
}

// isStale reports whether err means someone else changed the record.
func isStale(err error) bool {
	return errors.Is(err, store.ErrStale) || errors.Is(err, store.ErrConflict)
}

// mutateShown is c.Store.MutateMeeting with the other sessions following
// the meeting as its audience.
func mutateShown(c *common.Ctx, id string, fn func(*store.Meeting) error) (store.Meeting, error) {
	var audience []store.Actor
	if c.Audience != nil {
		audience = c.Audience(id)
	}
	return store.MutateMeetingShown(c.Context(), c.Store, c.Actor, id, fn, audience)
}
