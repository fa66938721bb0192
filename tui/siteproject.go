package tui

import (
	"slices"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/snapshot"
	"github.com/leadtable/owg/tui/common"
)

// siteKey names one projection: a snapshot version on a day.
type siteKey struct {
	version uint64
	today   time.Time
}

// projectSite projects the session's shared snapshot through its viewer's
// rules. Panes share the result through the session's memo; when the
// previous projection is of the version just before, only the
// participants that changed are projected again.
func projectSite(c *common.Ctx) (*site, error) {
	snap, err := c.Snapshot.Site(c.Context())
	if err != nil {
		return nil, err
	}
	now := c.Time()
	key := siteKey{version: snap.Version, today: store.Today(now)}
	v, err := c.SiteMemo.Get(key, func(prevKey, prev any) (any, error) {
		var old *site
		if pk, ok := prevKey.(siteKey); ok && pk.today.Equal(key.today) && pk.version+1 == snap.Version && snap.Changed != nil {
			old, _ = prev.(*site)
		}
		return projectFrom(c, snap, old, now), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*site), nil
}

// projectFrom builds the viewer's site from snap, reusing old's rows for
// participants that did not change (old nil: project every row).
func projectFrom(c *common.Ctx, snap *snapshot.Site, old *site, now time.Time) *site {
	st := &site{version: snap.Version, today: store.Today(now), proto: protocolOf(c),
		cases: snap.Cases, users: snap.Users, meetings: snap.Meetings}
	openCases := snap.OpenCases
	if old != nil {
		st.prev, st.changed = old.version, snap.Changed
	}
	if old != nil && len(snap.Changed) == 0 && len(old.parts) == len(snap.Participants) {
		// users or meetings changed (a meeting step): every row stands
		st.parts, st.byID = old.parts, old.byID
		st.deriveFrom(old, nil)
		return st
	}
	if old != nil && len(old.parts) == len(snap.Participants) && sameRows(old, snap) {
		// the same participants in the same order: copy the rows and
		// project again only the changed ones
		st.parts, st.byID = slices.Clone(old.parts), old.byID
		for id := range snap.Changed {
			if i, ok := st.byID[id]; ok {
				st.parts[i] = projectRow(c, snap, snap.Participants[i], st, now, openCases)
			}
		}
		st.deriveFrom(old, snap.Changed)
		return st
	}
	// every row again (a start, or participants added or gone): on
	// every CPU, each row its viewer's projection of one participant
	st.parts = make([]*pinfo, len(snap.Participants))
	st.byID = make(map[string]int, len(snap.Participants))
	common.Parallel(len(snap.Participants), func(lo, hi int) {
		for i, p := range snap.Participants[lo:hi] {
			if old != nil && !snap.Changed[p.ID] {
				if j, ok := old.byID[p.ID]; ok {
					st.parts[lo+i] = old.parts[j]
					continue
				}
			}
			st.parts[lo+i] = projectRow(c, snap, p, st, now, openCases)
		}
	})
	for i, p := range snap.Participants {
		st.byID[p.ID] = i
	}
	if old != nil {
		st.deriveFrom(old, snap.Changed)
	}
	return st
}

// projectRow is one participant as the viewer may list them.
func projectRow(c *common.Ctx, snap *snapshot.Site, p store.Participant, st *site, now time.Time, openCases func(string) []store.LegalCase) *pinfo {
	rois := snap.ROIs[p.ID]
	label, access := store.ParticipantLabel(p, rois, c.Actor, now)
	covers := store.ROICoverage(rois, c.Actor, now)
	pi := pinfo{P: p, ROIs: rois, Cases: openCases(p.ID), Label: label, Access: access, Coverage: covers,
		CaseAccess: store.Visible(c.Actor.Role, covers, store.DataLegalCases)}
	pi.Urg = urgencyOf(pi, st.proto, st.today)
	return &pi
}

// sameRows reports whether every changed participant of snap sits at the
// same index in old (none added or removed).
func sameRows(old *site, snap *snapshot.Site) bool {
	for id := range snap.Changed {
		i, ok := old.byID[id]
		if !ok || i >= len(snap.Participants) || snap.Participants[i].ID != id {
			return false
		}
	}
	return true
}

// observeChanges tells snap about a batch of changes (empty: anything may
// have changed).
func observeChanges(snap *snapshot.Snapshot, cs []store.Change) {
	if len(cs) == 0 {
		snap.Invalidate()
		return
	}
	for _, c := range cs {
		snap.Observe(c)
	}
}

// stale reports whether a loaded site is older than the one shown: async
// loads may finish out of order, and an older snapshot version never
// replaces a newer one.
func stale(shown, loaded *site) bool {
	return shown != nil && loaded != nil && loaded.version != 0 && loaded.version < shown.version
}
