package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/intake"
)

// roomTab is the meeting tab in room view.
type roomTab struct{ common.Component }

func (roomTab) InRoomView() bool { return true }

// TestRoomViewNoticeIsNeutral: on the projector (the meeting in room view)
// the on-call notice says only that field referrals wait, never a
// referral's id, kind or agency: prosecutors, defenders and providers in
// the room see no referrals.
func TestRoomViewNoticeIsNeutral(t *testing.T) {
	m := New(testOptions(seed(t), actorPM)).(*model)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.on.list = []intake.Notice{{ID: "R-0025", Kind: store.KindArrestDiversion, Agency: "County Sheriff", Received: m.ctx.Time()}}
	m.on.at = m.statusAt + 1
	if got := m.statusLine(80); !strings.Contains(got, "R-0025") {
		t.Fatalf("the notice on a screen of one's own => %q, want the referral named", got)
	}
	m.active = TabMeeting
	m.tabs[TabMeeting] = roomTab{m.tabs[TabMeeting]}
	got := m.statusLine(80)
	for _, no := range []string{"R-0025", "arrest", "Sheriff"} {
		if strings.Contains(got, no) {
			t.Errorf("room view notice => %q, shows %q", got, no)
		}
	}
	if !strings.Contains(got, "1 field referral waits") {
		t.Errorf("room view notice => %q, want the count", got)
	}
}
