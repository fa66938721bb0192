package tui

import (
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/meeting"
	"github.com/leadtable/owg/tui/triage"
)

// newTabs builds the five tabs of a session.
func newTabs(ctx *common.Ctx, _ Options) [5]common.Component {
	return [5]common.Component{
		TabToday:     newToday(ctx),
		TabCaseload:  newCaseload(ctx),
		TabReferrals: triage.New(ctx),
		TabCases:     newCases(ctx),
		TabMeeting:   meeting.New(ctx),
	}
}
