package intake

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// Notice is one field referral waiting for someone on call to take the
// handoff. It carries no identifying data about the person.
type Notice struct {
	ID       string
	Kind     store.ReferralKind
	Agency   string
	Received time.Time
	// Escalation is whether it went past the protocol's handoff_minutes
	// untaken, and to whom (filled by EscalateNotices).
	Escalation store.Escalation
}

// EscalateNotices fills each notice's escalation at now
// (store.HandoffEscalation) and returns the ones that user gets: every
// one when all, else only those escalated to user.
func EscalateNotices(p store.Protocol, ns []Notice, now time.Time, users []store.User, user string, all bool) []Notice {
	out := ns[:0:0]
	for _, n := range ns {
		r := store.Referral{ID: n.ID, Kind: n.Kind, Status: store.RefNew, Received: n.Received}
		n.Escalation = store.HandoffEscalation(p, r, now, users)
		if all || n.Escalation.Escalates(user) {
			out = append(out, n)
		}
	}
	return out
}

// Handoff is a handoff the viewer took and has not closed: what they need
// to find the person (location, the officer's description, the callback
// number the officer chose to give).
type Handoff struct {
	ID          string
	State       store.HandoffState
	Received    time.Time
	TakenAt     time.Time
	Location    string
	Description string
	Referrer    string
	Agency      string
	Callback    string
}

// handoffWindow is how far back MyHandoffs looks: a handoff is minutes or
// hours of work, never days.
const handoffWindow = 72 * time.Hour

// MyHandoffs lists the handoffs user took that are taken or on scene,
// oldest first.
func MyHandoffs(ctx context.Context, s store.Store, user string, now time.Time) ([]Handoff, error) {
	if user == "" {
		return nil, nil
	}
	rs, err := s.ListReferrals(ctx, store.ReferralFilter{Since: now.Add(-handoffWindow)})
	if err != nil {
		return nil, err
	}
	var out []Handoff
	for _, r := range rs {
		st := store.HandoffOf(r)
		if r.AckBy != user || (st != store.HandoffTaken && st != store.HandoffOnScene) {
			continue
		}
		out = append(out, HandoffOf(r))
	}
	return out, nil
}

// HandoffOf is what the person taking r's handoff is shown.
func HandoffOf(r store.Referral) Handoff {
	return Handoff{ID: r.ID, State: store.HandoffOf(r), Received: r.Received, TakenAt: r.AckAt,
		Location: common.Line(r.Location), Description: common.Line(r.Notes), Referrer: common.Line(r.Referrer),
		Agency: common.Line(r.Agency), Callback: common.Line(r.Callback)}
}

// Facts is where to go and whom to call: "3rd & Pine · grey hoodie ·
// call reyes 555-0142" (the parts the officer gave).
func (h Handoff) Facts() string {
	var parts []string
	if h.Location != "" {
		parts = append(parts, h.Location)
	}
	if h.Description != "" {
		parts = append(parts, h.Description)
	}
	if h.Callback != "" {
		parts = append(parts, "call "+strings.TrimSpace(h.Referrer+" "+h.Callback))
	}
	if len(parts) == 0 {
		return "no location or description given"
	}
	return strings.Join(parts, " · ")
}

// AdvanceCmd moves the handoff of referral id one step as the session's
// user (store.AdvanceHandoff); its reply is the status line.
func AdvanceCmd(c *common.Ctx, id string, step store.HandoffStep) tea.Cmd {
	ctx, s, actor := c.Context(), c.Store, c.Actor
	return func() tea.Msg {
		r, err := s.AdvanceHandoff(ctx, actor, id, step, "")
		if err != nil {
			return common.StatusMsg{Text: "could not mark " + common.Line(id) + " " + string(step) + ": " + err.Error(), Err: true}
		}
		st := store.HandoffOf(r)
		at := store.HandoffAt(r, st)
		return common.StatusMsg{Text: fmt.Sprintf("%s %s at %s, %s after it was received.", common.Line(r.ID), store.HandoffLabel(st),
			at.In(c.Time().Location()).Format("15:04"), store.Took(at.Sub(r.Received)))}
	}
}

// PendingNotices lists the field referrals (arrest diversion and social
// contact) with status new that no one has acknowledged yet, oldest first.
func PendingNotices(ctx context.Context, s store.Store, now time.Time) ([]Notice, error) {
	rs, err := s.ListReferrals(ctx, store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefNew}})
	if err != nil {
		return nil, err
	}
	return NoticesOf(rs), nil
}

// NoticesOf is PendingNotices over rs, the referrals whose status is new
// (as a site snapshot holds them; rs is not modified).
func NoticesOf(rs []store.Referral) []Notice {
	var out []Notice
	for _, r := range rs {
		if r.AckBy != "" || r.Status != store.RefNew {
			continue
		}
		if r.Kind != store.KindArrestDiversion && r.Kind != store.KindSocialContact {
			continue
		}
		out = append(out, Notice{ID: r.ID, Kind: r.Kind, Agency: r.Agency, Received: r.Received})
	}
	slices.SortStableFunc(out, func(a, b Notice) int { return a.Received.Compare(b.Received) })
	return out
}

// NoticeLine renders a notice as one status line: "New referral R-0031
// arrest diversion from Metro PD, 3 min ago — press a to acknowledge". It
// never names the person.
func NoticeLine(n Notice, now time.Time) string {
	return NoticeText(n, now) + " — press a to acknowledge"
}

// NoticeText is a notice without the key hint: "New referral R-0031
// arrest diversion from Metro PD, 3 min ago". It never names the person.
func NoticeText(n Notice, now time.Time) string {
	s := "New referral " + common.Line(n.ID) + " " + store.KindLabel(n.Kind)
	if a := common.Line(n.Agency); a != "" {
		s += " from " + a
	}
	return s + ", " + Ago(n.Received, now)
}

// Ago says how long ago t was, in minutes up to two hours, then in hours
// and minutes up to two days, then in days and hours ("just now", "3 min
// ago", "2 h 5 min ago", "3 d 4 h ago").
func Ago(t, now time.Time) string {
	d := now.Sub(t)
	switch mins := int(d / time.Minute); {
	case mins < 1:
		return "just now"
	case mins < 120:
		return fmt.Sprintf("%d min ago", mins)
	case mins >= 48*60:
		return fmt.Sprintf("%d d %d h ago", mins/(24*60), mins%(24*60)/60)
	default:
		return fmt.Sprintf("%d h %d min ago", mins/60, mins%60)
	}
}

// AcknowledgedMsg reports an acknowledgement ("I'm taking the handoff").
type AcknowledgedMsg struct {
	ID       string
	Referral store.Referral
	Err      error
}

// AcknowledgeCmd records that the session's user takes the handoff of
// referral id (store.AcknowledgeReferral) and sets the status line.
func AcknowledgeCmd(c *common.Ctx, id string) tea.Cmd {
	ctx, s, actor := c.Context(), c.Store, c.Actor
	return func() tea.Msg {
		r, err := s.AcknowledgeReferral(ctx, actor, id)
		return AcknowledgedMsg{ID: id, Referral: r, Err: err}
	}
}

// StatusLine is the status-line text for an acknowledgement reply.
func (m AcknowledgedMsg) StatusLine() (string, bool) {
	if m.Err != nil {
		return "could not acknowledge " + common.Line(m.ID) + ": " + m.Err.Error(), true
	}
	return "You took the handoff of " + common.Line(m.ID) + ": " + HandoffOf(m.Referral).Facts(), false
}
