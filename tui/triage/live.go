package triage

import (
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// changesOf returns the changes of a common.ChangedMsg (tui.ChangedMsg).
func changesOf(msg any) ([]store.Change, bool) {
	m, ok := msg.(common.ChangedMsg)
	return m.Changes, ok
}

// reloadMsg asks the pane to load again (a change touched what it shows).
type reloadMsg struct{}

// participantChanges lists the participants a batch of changes names.
func participantChanges(cs []store.Change) []string {
	var ids []string
	for _, c := range cs {
		if c.Kind == "participant" {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// usersAndParticipants reads the users and active participants from the
// session's shared snapshot when it has one (no transaction), else from
// the store.
func usersAndParticipants(c *common.Ctx) ([]store.User, []store.Participant, error) {
	ctx := c.Context()
	if c.Snapshot != nil {
		site, err := c.Snapshot.Site(ctx)
		if err != nil {
			return nil, nil, err
		}
		return site.Users, site.Participants, nil
	}
	users, err := c.Store.ListUsers(ctx)
	if err != nil {
		return nil, nil, err
	}
	parts, err := c.Store.ListParticipants(ctx, store.ParticipantFilter{ActiveOnly: true})
	return users, parts, err
}

// relevantCmd asks for a reload only when one of the changed participants
// differs from the loaded ones in what triage uses (who they are, their
// status and case manager: re-referral matching, capacity, loads).
func relevantCmd(c *common.Ctx, loaded map[string]store.Participant, ids []string) tea.Cmd {
	return func() tea.Msg {
		site, err := c.Snapshot.Site(c.Context())
		if err != nil {
			return reloadMsg{}
		}
		now := map[string]store.Participant{}
		for _, id := range ids {
			now[id] = store.Participant{}
		}
		for _, p := range site.Participants {
			if _, ok := now[p.ID]; ok {
				now[p.ID] = p
			}
		}
		for id, p := range now {
			old, had := loaded[id]
			if had != (p.ID != "") {
				return reloadMsg{}
			}
			if had && (old.Name != p.Name || !old.DOB.Equal(p.DOB) || !slices.Equal(old.Aliases, p.Aliases) ||
				old.Status != p.Status || old.CaseManager != p.CaseManager) {
				return reloadMsg{}
			}
		}
		return nil
	}
}
