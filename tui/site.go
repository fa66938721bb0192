package tui

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// site is one read of what the list screens show: every participant with
// the viewer's access to them, their cases and ROIs, users and meetings.
type site struct {
	version  uint64 // the snapshot version projected (0: read from the store)
	today    time.Time
	proto    store.Protocol
	parts    []*pinfo // shared between projections: never modified once built
	byID     map[string]int
	cases    []store.LegalCase
	users    []store.User
	meetings []store.Meeting
	der      derived // computed on first use
	// prev and changed chain a projection to the one before it: the rows
	// of participants not in changed are as in version prev (changed nil:
	// no chain, anything may differ).
	prev    uint64
	changed map[string]bool
}

// pinfo is one participant as a viewer may list them.
type pinfo struct {
	P          store.Participant // use only through Label unless Access is Shown
	ROIs       []store.ROI
	Cases      []store.LegalCase // open cases
	Label      string            // viewer-safe (store.ParticipantLabel)
	Access     store.Access      // identity access
	Coverage   store.Coverage    // the classes valid ROIs release to the viewer
	CaseAccess store.Access
	Urg        urgency
}

// Shown reports whether the viewer sees the participant's identity.
func (p pinfo) Shown() bool { return p.Access == store.Shown }

// urgency orders a caseload: court date soon, overdue contact, intake
// deadline, flagged, expiring ROI, then the rest.
type urgency struct {
	rank int    // 0 court .. 4 ROI, 5 none
	days int    // days to the event (or overdue by) for the rank
	why  string // short reason, e.g. "court in 3d"
	n    int    // how many reasons apply
}

// protocolOf fills a zero protocol with the default one.
func protocolOf(c *common.Ctx) store.Protocol {
	p := c.Protocol
	if p.OverdueContactDays == 0 && p.CourtWindowDays == 0 && p.CaseloadCap == 0 {
		return store.DefaultProtocol()
	}
	return p
}

// loadSite is the viewer's read of the site for the list screens: the
// projection of the shared snapshot when the session has one (built once
// per snapshot version and day for all its panes), else a read of the
// store.
func loadSite(c *common.Ctx) (*site, error) {
	if c.Snapshot != nil && c.SiteMemo != nil {
		return projectSite(c)
	}
	return readSite(c)
}

// readSite reads the store once for the list screens.
func readSite(c *common.Ctx) (*site, error) {
	ctx, s, now := c.Context(), c.Store, c.Time()
	if s == nil {
		return nil, fmt.Errorf("no store")
	}
	st := &site{today: store.Today(now), proto: protocolOf(c), byID: map[string]int{}}
	ps, err := s.ListParticipants(ctx, store.ParticipantFilter{ActiveOnly: true})
	if err != nil {
		return nil, fmt.Errorf("participants: %w", err)
	}
	if st.cases, err = s.AllCases(ctx); err != nil {
		return nil, fmt.Errorf("cases: %w", err)
	}
	casesOf := map[string][]store.LegalCase{}
	for _, lc := range st.cases {
		if lc.Status == store.CaseOpen {
			casesOf[lc.ParticipantID] = append(casesOf[lc.ParticipantID], lc)
		}
	}
	for _, p := range ps {
		rois, err := s.ListROIs(ctx, p.ID)
		if err != nil {
			return nil, fmt.Errorf("ROIs of %s: %w", p.ID, err)
		}
		label, access := store.ParticipantLabel(p, rois, c.Actor, now)
		covers := store.ROICoverage(rois, c.Actor, now)
		pi := pinfo{P: p, ROIs: rois, Cases: casesOf[p.ID], Label: label, Access: access, Coverage: covers,
			CaseAccess: store.Visible(c.Actor.Role, covers, store.DataLegalCases)}
		pi.Urg = urgencyOf(pi, st.proto, st.today)
		st.byID[p.ID] = len(st.parts)
		st.parts = append(st.parts, &pi)
	}
	if st.users, err = s.ListUsers(ctx); err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	if st.meetings, err = s.ListMeetings(ctx); err != nil {
		return nil, fmt.Errorf("meetings: %w", err)
	}
	return st, nil
}

// lastContactDay is the day contact was last made, or enrolment when never.
func lastContactDay(p store.Participant) time.Time {
	if !p.LastContact.IsZero() {
		return p.LastContact
	}
	return p.EnrolledOn
}

// contactOverdue is how a participant's contact stands against the
// protocol's overdue-contact days.
type contactOverdue struct {
	days    int  // since the last contact, or since enrolment when never
	never   bool // no contact since enrolment
	overdue bool // past the protocol's days, or never contacted at all
}

// neverContactedFirst sorts a participant never contacted ahead of every
// overdue contact in the caseload (urgency days sort ascending).
const neverContactedFirst = 1 << 20

// contactOverdueOf says whether p's contact is overdue. A participant never
// contacted since enrolment is overdue from the day they enrol: a new
// enrollee waiting for a first contact is the most urgent, never the last.
func contactOverdueOf(p store.Participant, proto store.Protocol, today time.Time) contactOverdue {
	d := store.DaysBetween(lastContactDay(p), today)
	if p.LastContact.IsZero() {
		return contactOverdue{days: d, never: true, overdue: true}
	}
	return contactOverdue{days: d, overdue: d > proto.OverdueContactDays}
}

// short is the caseload's reason, fitting its column at 80x24: "no contact yet 3d" (never contacted), "no contact 20d".
func (o contactOverdue) short() string {
	if o.never {
		return fmt.Sprintf("no contact yet %dd", o.days)
	}
	return fmt.Sprintf("no contact %dd", o.days)
}

// long is Today's reason: "never contacted, enrolled 3d ago", "no contact for 20d".
func (o contactOverdue) long() string {
	if o.never {
		return fmt.Sprintf("never contacted, enrolled %dd ago", o.days)
	}
	return fmt.Sprintf("no contact for %dd", o.days)
}

// nextCourt returns the soonest next court date on or after today among open cases.
func nextCourt(cases []store.LegalCase, today time.Time) (store.LegalCase, bool) {
	var best store.LegalCase
	found := false
	for _, c := range cases {
		if c.Status != store.CaseOpen || c.NextCourtDate.IsZero() || store.DaysBetween(today, c.NextCourtDate) < 0 {
			continue
		}
		if !found || c.NextCourtDate.Before(best.NextCourtDate) {
			best, found = c, true
		}
	}
	return best, found
}

// intakeDue returns the nearest open intake deadline of a diverted arrest.
func intakeDue(cases []store.LegalCase) (time.Time, bool) {
	var best time.Time
	for _, c := range cases {
		if c.Kind != store.CaseDivertedArrest || c.Status != store.CaseOpen || c.IntakeDeadline.IsZero() || !c.IntakeCompleted.IsZero() {
			continue
		}
		if best.IsZero() || c.IntakeDeadline.Before(best) {
			best = c.IntakeDeadline
		}
	}
	return best, !best.IsZero()
}

// roiExpiring returns the earliest expiry within days among valid ROIs.
func roiExpiring(rois []store.ROI, today time.Time, days int) (time.Time, bool) {
	var best time.Time
	for _, r := range rois {
		if !r.Valid(today) || r.Expires.IsZero() || store.DaysBetween(today, r.Expires) > days {
			continue
		}
		if best.IsZero() || r.Expires.Before(best) {
			best = r.Expires
		}
	}
	return best, !best.IsZero()
}

func urgencyOf(pi pinfo, proto store.Protocol, today time.Time) urgency {
	u := urgency{rank: 5}
	add := func(rank, days int, why string) {
		u.n++
		if rank < u.rank {
			u.rank, u.days, u.why = rank, days, why
		}
	}
	if c, ok := nextCourt(pi.Cases, today); ok {
		if d := store.DaysBetween(today, c.NextCourtDate); d <= proto.CourtWindowDays {
			add(0, d, fmt.Sprintf("court in %dd", d))
		}
	}
	if o := contactOverdueOf(pi.P, proto, today); o.overdue {
		// never contacted: ahead of every overdue contact, the longest
		// enrolled first
		days := -o.days
		if o.never {
			days -= neverContactedFirst
		}
		add(1, days, o.short())
	}
	if t, ok := intakeDue(pi.Cases); ok {
		if d := store.DaysBetween(today, t); d <= proto.DeadlineNearDays {
			why := fmt.Sprintf("intake in %dd", d)
			if d < 0 {
				why = fmt.Sprintf("intake late %dd", -d)
			}
			add(2, d, why)
		}
	}
	if pi.P.FlaggedBy != "" {
		add(3, 0, "flagged")
	}
	if t, ok := roiExpiring(pi.ROIs, today, proto.ROIExpiringDays); ok {
		add(4, store.DaysBetween(today, t), fmt.Sprintf("ROI ends %dd", store.DaysBetween(today, t)))
	}
	return u
}

// sortByUrgency orders participants most urgent first, then by id.
func sortByUrgency(ps []pinfo) {
	slices.SortStableFunc(ps, func(a, b pinfo) int {
		return cmp.Or(cmp.Compare(a.Urg.rank, b.Urg.rank), cmp.Compare(a.Urg.days, b.Urg.days), cmp.Compare(a.P.ID, b.P.ID))
	})
}

// derived holds what the screens compute from a site on every frame
// (capacity, case managers, their loads), computed once per site: a site
// is never changed once loaded.
type derived struct {
	once     sync.Once
	capacity int
	cms      []store.User
	loads    map[string]int
}

func (s *site) derive() *derived {
	s.der.once.Do(func() {
		d := &s.der
		d.loads = map[string]int{}
		for _, p := range s.parts {
			if p.P.Status.Active() {
				d.loads[p.P.CaseManager]++
			}
		}
		s.deriveFromLoads()
	})
	return &s.der
}

// deriveFrom computes s's derived values from old's (the projection just
// before it, whose rows differ only for the participants in changed):
// each case manager's load moves by the changed participants alone.
func (s *site) deriveFrom(old *site, changed map[string]bool) {
	od := old.derive()
	s.der.once.Do(func() {
		d := &s.der
		if sameLoads(old, s, changed) {
			// no case manager's load moved and the users are the same (a
			// contact, a goal, a note): old's values stand, shared (they are
			// never modified once derived)
			d.loads, d.cms, d.capacity = od.loads, od.cms, od.capacity
			return
		}
		d.loads = make(map[string]int, len(od.loads))
		for k, v := range od.loads {
			d.loads[k] = v
		}
		for id := range changed {
			if i, ok := old.byID[id]; ok && old.parts[i].P.Status.Active() {
				d.loads[old.parts[i].P.CaseManager]--
			}
			if i, ok := s.byID[id]; ok && s.parts[i].P.Status.Active() {
				d.loads[s.parts[i].P.CaseManager]++
			}
		}
		for k, v := range d.loads {
			if v == 0 {
				delete(d.loads, k)
			}
		}
		s.deriveFromLoads()
	})
}

// sameLoads reports whether s counts the same loads as old for the same
// users: every changed participant is active (or not) with the same case
// manager in both, and the user list is the very same.
func sameLoads(old, s *site, changed map[string]bool) bool {
	if len(old.users) != len(s.users) || (len(s.users) > 0 && &old.users[0] != &s.users[0]) || old.proto.CaseloadCap != s.proto.CaseloadCap {
		return false
	}
	for id := range changed {
		i, had := old.byID[id]
		j, has := s.byID[id]
		if had != has {
			return false
		}
		if !had {
			continue
		}
		a, b := old.parts[i].P, s.parts[j].P
		if a.Status.Active() != b.Status.Active() || a.CaseManager != b.CaseManager {
			return false
		}
	}
	return true
}

// deriveFromLoads fills the case managers and the capacity once loads
// are counted (inside der.once).
func (s *site) deriveFromLoads() {
	d := &s.der
	for _, u := range s.users {
		if u.Active && u.Role == store.RoleCaseManager {
			d.cms = append(d.cms, u)
		}
	}
	slices.SortFunc(d.cms, func(a, b store.User) int { return cmp.Compare(a.Name, b.Name) })
	d.capacity = store.CapacityOfLoads(s.proto, s.users, d.loads)
}

// caseManagers returns the active case managers, by name.
func (s *site) caseManagers() []store.User { return s.derive().cms }

// load counts a case manager's active caseload.
func (s *site) load(cm string) int { return s.derive().loads[cm] }

// softCap is a case manager's soft cap (store.CaseloadLimit).
func (s *site) softCap(u store.User) int { return store.CaseloadLimit(s.proto, u) }

// capacity is the open slots (store.Capacity).
func (s *site) capacity() int { return s.derive().capacity }

// mine reports whether the participant is on the viewer's caseload for
// the Today screen: their own for case managers, all for pm and supervisors.
func mine(c *common.Ctx, p store.Participant) bool {
	switch c.Actor.Role {
	case store.RolePM, store.RoleSupervisor:
		return true
	case store.RoleCaseManager:
		return p.CaseManager == c.Actor.User
	}
	return false
}

// nextMeeting is the next planned meeting, else the last one plus the
// protocol's interval; ok is false when neither is known.
func (s *site) nextMeeting() (time.Time, bool) {
	var last time.Time
	for _, m := range s.meetings {
		d := store.DateOf(m.Date)
		if m.Status != store.MeetingEnded && !d.Before(s.today) {
			return d, true
		}
		if d.After(last) {
			last = d
		}
	}
	if last.IsZero() {
		return time.Time{}, false
	}
	next := last.AddDate(0, 0, max(s.proto.MeetingEveryDays, 1))
	for next.Before(s.today) {
		next = next.AddDate(0, 0, max(s.proto.MeetingEveryDays, 1))
	}
	return next, true
}

// daysText says how far day is from today ("today", "in 3d", "2d ago").
func daysText(today, day time.Time) string {
	d := store.DaysBetween(today, day)
	switch {
	case d == 0:
		return "today"
	case d > 0:
		return fmt.Sprintf("in %dd", d)
	}
	return fmt.Sprintf("%dd ago", -d)
}

// daysAgo says how many days ago t was ("never" when zero).
func daysAgo(today, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return fmt.Sprintf("%dd", store.DaysBetween(t, today))
}

// touchesSite reports whether a batch of store changes touches what a site
// view holds: participants, cases, ROIs and users, and meetings when
// withMeetings (Today shows action items and the next meeting). A meeting
// advance or note, a goal, a contact (its date arrives as a participant
// change) or a referral alone leaves Caseload and Cases as they are, so a
// live meeting does not reload them in every session at every step. An
// empty batch means "anything may have changed".
func touchesSite(cs []store.Change, withMeetings bool) bool {
	if len(cs) == 0 {
		return true
	}
	for _, c := range cs {
		switch c.Kind {
		case "participant", "case", "roi", "user":
			return true
		case "meeting":
			if withMeetings {
				return true
			}
		}
	}
	return false
}
