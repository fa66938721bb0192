package intake

import (
	"context"
	"fmt"
	"slices"
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
}

// PendingNotices lists the field referrals (arrest diversion and social
// contact) with status new that no one has acknowledged yet, oldest first.
func PendingNotices(ctx context.Context, s store.Store, now time.Time) ([]Notice, error) {
	rs, err := s.ListReferrals(ctx, store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefNew}})
	if err != nil {
		return nil, err
	}
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
	return out, nil
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
	return "You took the handoff of " + common.Line(m.ID) + ".", false
}
