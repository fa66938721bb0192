package tui

import (
	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/meeting"
	"github.com/leadtable/owg/tui/myreferrals"
	"github.com/leadtable/owg/tui/reports"
	"github.com/leadtable/owg/tui/triage"
)

// tabNamesFor names the tabs of a role: referrers (police, providers,
// community) get "My referrals" as tab 3 instead of the triage queue.
func tabNamesFor(role store.Role) [tabCount]string {
	names := [tabCount]string{"Today", "Caseload", "Referrals", "Cases", "Meeting", "Reports"}
	if ownReferrals(role) {
		names[TabReferrals] = "My referrals"
	}
	return names
}

// newTabs builds the six tabs of a session.
func newTabs(ctx *common.Ctx) [tabCount]common.Component {
	refs := triage.New(ctx)
	if ownReferrals(ctx.Actor.Role) {
		refs = myreferrals.New(ctx)
	}
	return [tabCount]common.Component{
		TabToday:     newToday(ctx),
		TabCaseload:  newCaseload(ctx),
		TabReferrals: refs,
		TabCases:     newCases(ctx),
		TabMeeting:   meeting.New(ctx),
		TabReports:   reports.New(ctx),
	}
}

// opensOnForm reports whether a role's session opens on the New referral
// form: the roles that come to owg to make referrals.
func opensOnForm(role store.Role) bool {
	switch role {
	case store.RolePolice, store.RoleProvider, store.RoleCommunity:
		return true
	}
	return false
}

// ownReferrals reports whether role sees only its own referrals' outcomes
// (store.Visible: OwnOnly), on the My referrals screen.
func ownReferrals(role store.Role) bool {
	return store.Visible(role, 0, store.DataReferrals) == store.OwnOnly
}
