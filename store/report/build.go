package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/leadtable/owg/store"
)

// FourFifths is the four-fifths rule of the equity check.
const FourFifths = 0.8

// NotRecorded is the equity group of a blank race/ethnicity: shown, never
// flagged, never the top share.
const NotRecorded = "not recorded"

// Build computes the report of in for viewer. It is pure: the same input
// and viewer always give the same report.
func Build(in Input, viewer store.Actor) Report {
	b := builder{in: in, c: cells{restricted: !store.SeesIdentities(viewer.Role)}}
	b.prepare()
	r := Report{
		Site:                 store.CleanLine(in.Protocol.Site),
		From:                 store.FormatDate(in.Period.From),
		To:                   store.FormatDate(in.Period.To),
		AsOf:                 store.FormatDate(b.asOf),
		Role:                 viewer.Role,
		SmallCellSuppression: b.c.restricted,
	}
	r.Referrals = b.referrals()
	r.Decisions = b.decisions()
	r.Waitlist = b.waitlist()
	r.Timeliness = b.timeliness()
	r.Capacity = b.capacity()
	r.Engagement = b.engagement()
	r.Goals = b.goals()
	r.Legal = b.legal()
	r.Equity = b.equity()
	r.NetWidening = b.netWidening()
	r.IntakeResponse = b.intakeResponse()
	return r
}

type builder struct {
	in    Input
	c     cells
	asOf  time.Time
	loc   *time.Location
	inP   []store.Referral // received in the period, oldest first
	weeks []time.Time      // Mondays covering the period
	refs  map[string]store.Referral
	// source maps a participant id to the referral it came from.
	source map[string]store.Referral
}

func (b *builder) prepare() {
	b.asOf = b.in.AsOf
	if b.asOf.IsZero() {
		b.asOf = store.DateOf(b.in.Period.To).Add(24*time.Hour - time.Nanosecond)
	}
	b.loc = b.in.Location
	if b.loc == nil {
		b.loc = time.UTC
	}
	b.refs = make(map[string]store.Referral, len(b.in.Referrals))
	b.source = map[string]store.Referral{}
	for _, r := range b.in.Referrals {
		b.refs[r.ID] = r
		if b.in.Period.Contains(r.Received) {
			b.inP = append(b.inP, r)
		}
		if r.ParticipantID != "" && r.ReReferralOf == "" {
			if old, ok := b.source[r.ParticipantID]; !ok || r.Received.Before(old.Received) {
				b.source[r.ParticipantID] = r
			}
		}
	}
	for _, p := range b.in.Participants {
		if r, ok := b.refs[p.ReferralID]; ok {
			b.source[p.ID] = r
		}
	}
	slices.SortStableFunc(b.inP, func(x, y store.Referral) int {
		return cmp.Or(x.Received.Compare(y.Received), strings.Compare(x.ID, y.ID))
	})
	from, to := store.DateOf(b.in.Period.From), store.DateOf(b.in.Period.To)
	for w := monday(from); !w.After(to); w = w.AddDate(0, 0, 7) {
		b.weeks = append(b.weeks, w)
	}
}

// monday returns the Monday on or before day.
func monday(day time.Time) time.Time {
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

func (b *builder) week(t time.Time) int {
	if len(b.weeks) == 0 {
		return -1
	}
	i := store.DaysBetween(b.weeks[0], t) / 7
	if i < 0 || i >= len(b.weeks) {
		return -1
	}
	return i
}

func kinds() []string {
	out := make([]string, len(store.ReferralKinds))
	for i, k := range store.ReferralKinds {
		out[i] = string(k)
	}
	return out
}

// keyed builds a map of cells over keys with complementary suppression.
func (b *builder) keyed(keys []string, counts map[string]int) map[string]Cell {
	parts := make([]int, len(keys))
	for i, k := range keys {
		parts[i] = counts[k]
	}
	cs := b.c.partition(parts)
	out := make(map[string]Cell, len(keys))
	for i, k := range keys {
		out[k] = cs[i]
	}
	return out
}

func (b *builder) referrals() Referrals {
	total := map[string]int{}
	perWeek := make([]map[string]int, len(b.weeks))
	weekTotals := make([]int, len(b.weeks))
	for i := range perWeek {
		perWeek[i] = map[string]int{}
	}
	for _, r := range b.inP {
		total[string(r.Kind)]++
		if i := b.week(r.Received); i >= 0 {
			perWeek[i][string(r.Kind)]++
			weekTotals[i]++
		}
	}
	out := Referrals{Total: b.c.cell(len(b.inP)), ByKind: b.keyed(kinds(), total)}
	wt := b.c.partition(weekTotals)
	// each week's kinds break down its total (suppressed with it) and add
	// up, over the weeks, to the kind's total: one table
	rows := make([][]int, len(b.weeks))
	hide := make([]bool, len(b.weeks))
	for i := range b.weeks {
		for _, k := range kinds() {
			rows[i] = append(rows[i], perWeek[i][k])
		}
		hide[i] = wt[i].Suppressed
	}
	cs := b.c.table(rows, hide)
	for i, w := range b.weeks {
		byKind := make(map[string]Cell, len(kinds()))
		for j, k := range kinds() {
			byKind[k] = cs[i][j]
		}
		out.Weeks = append(out.Weeks, ReferralWeek{Start: store.FormatDate(w), Total: wt[i], ByKind: byKind})
	}
	return out
}

func (b *builder) decisions() Decisions {
	var n [6]int // offered, waitlisted, declined, withdrawn, pending, screened out
	reasons := map[string]int{}
	rerefs, overrides := 0, 0
	for _, r := range b.inP {
		switch r.Status {
		case store.RefAccepted:
			n[0]++
		case store.RefWaitlisted:
			n[1]++
		case store.RefDeclined:
			n[2]++
		case store.RefWithdrawn:
			n[3]++
		case store.RefNew:
			n[4]++
		case store.RefScreenedOut:
			n[5]++
			reason := store.CleanLine(r.Reason)
			if reason == "" {
				reason = "unspecified"
			}
			reasons[reason]++
		}
		if r.ReReferralOf != "" {
			rerefs++
		}
		if r.Override {
			overrides++
		}
	}
	cs := b.c.partition(n[:])
	d := Decisions{
		Referrals: b.c.cell(len(b.inP)),
		Offered:   cs[0], Waitlisted: cs[1], Declined: cs[2], Withdrawn: cs[3], Pending: cs[4], ScreenedOut: cs[5],
		ReReferrals: b.c.cell(rerefs),
		Overrides:   b.c.cell(overrides),
	}
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// the reasons break down the screened-out cell: suppressed with it
	parts := make([]int, len(keys))
	for i, k := range keys {
		parts[i] = reasons[k]
	}
	byReason := b.c.breakdown(d.ScreenedOut, parts)
	d.ScreenedOutByReason = make(map[string]Cell, len(keys))
	for i, k := range keys {
		d.ScreenedOutByReason[k] = byReason[i]
	}
	for _, m := range b.in.Meetings {
		if m.Status != store.MeetingPlanned && b.in.Period.Contains(m.Date) {
			d.MeetingsHeld++
		}
	}
	return d
}

// waitingAt reports whether r was waiting for a slot at instant t.
func waitingAt(r store.Referral, t time.Time) bool {
	if r.ReReferralOf != "" || r.Received.After(t) {
		return false
	}
	switch r.Status {
	case store.RefNew, store.RefWaitlisted:
		return true
	case store.RefAccepted, store.RefDeclined, store.RefWithdrawn:
		return !r.DecidedAt.IsZero() && r.DecidedAt.After(t)
	}
	return false
}

func (b *builder) waitlist() Waitlist {
	count := func(t time.Time) int {
		n := 0
		for _, r := range b.in.Referrals {
			if waitingAt(r, t) {
				n++
			}
		}
		return n
	}
	w := Waitlist{Waiting: b.c.cell(count(b.asOf))}
	listed := 0
	for _, r := range b.in.Referrals {
		if r.Status == store.RefWaitlisted && !r.Received.After(b.asOf) {
			listed++
		}
	}
	w.Waitlisted = b.c.cell(listed)
	to := store.DateOf(b.in.Period.To)
	for _, ws := range b.weeks {
		end := ws.AddDate(0, 0, 6)
		if end.After(to) {
			end = to
		}
		t := end.AddDate(0, 0, 1).Add(-time.Nanosecond)
		if t.After(b.asOf) {
			t = b.asOf
		}
		w.Weeks = append(w.Weeks, WaitlistWeek{End: store.FormatDate(end), Waiting: b.c.cell(count(t))})
	}
	return w
}

func (b *builder) timeliness() Timeliness {
	var contact, intake []float64
	for _, p := range b.in.Participants {
		r, ok := b.source[p.ID]
		if !ok {
			continue
		}
		if b.in.Period.Contains(p.FirstContact) {
			contact = append(contact, float64(max(0, store.DaysBetween(r.Received, p.FirstContact))))
		}
		if b.in.Period.Contains(p.EnrolledOn) {
			intake = append(intake, float64(max(0, store.DaysBetween(r.Received, p.EnrolledOn))))
		}
	}
	return Timeliness{ReferralToFirstContactDays: b.c.dist(contact), ReferralToIntakeDays: b.c.dist(intake)}
}

func (b *builder) capacity() Capacity {
	soft, hard := b.in.Protocol.CaseloadCap, b.in.Protocol.HardCap
	out := Capacity{SoftCap: soft, HardCap: hard}
	load := map[string]int{}
	for _, p := range b.in.Participants {
		if p.Status.Active() && p.CaseManager != "" {
			load[p.CaseManager]++
		}
	}
	caps := map[string]int{}
	counted := map[string]bool{} // active case managers: their open slots count
	for _, u := range b.in.Users {
		if u.Role == store.RoleCaseManager && u.Active {
			caps[u.Name] = cmp.Or(u.Cap, soft)
			counted[u.Name] = true
		} else if _, ok := load[u.Name]; ok && u.Cap > 0 {
			caps[u.Name] = u.Cap
		}
	}
	names := make([]string, 0, len(caps)+len(load))
	for n := range caps {
		names = append(names, n)
	}
	for n := range load {
		if _, ok := caps[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	parts := make([]int, len(names))
	for i, n := range names {
		parts[i] = load[n]
	}
	cs := b.c.partition(parts)
	total, open := 0, 0
	for i, n := range names {
		sc := cmp.Or(caps[n], soft)
		hc := max(hard, sc)
		slots := 0
		if counted[n] {
			slots = max(0, sc-load[n])
		}
		cm := CaseManager{Name: store.CleanLine(n), Active: cs[i], SoftCap: sc, HardCap: hc, OpenSlots: Cell{Value: slots},
			OverSoft: load[n] > sc, AtHard: hc > 0 && load[n] >= hc}
		if cs[i].Suppressed {
			cm.OpenSlots = Cell{Suppressed: true}
		}
		out.CaseManagers = append(out.CaseManagers, cm)
		total += load[n]
		open += slots
	}
	out.Active = b.c.cell(total)
	out.OpenSlots = Cell{Value: open}
	if out.Active.Suppressed {
		out.OpenSlots = Cell{Suppressed: true}
	}
	return out
}

// lastContacts returns each participant's latest contact day on or before as-of.
func (b *builder) lastContacts() map[string]time.Time {
	asOf := store.DateOf(b.asOf)
	last := map[string]time.Time{}
	see := func(id string, t time.Time) {
		d := store.DateOf(t)
		if d.IsZero() || d.After(asOf) {
			return
		}
		if d.After(last[id]) {
			last[id] = d
		}
	}
	for _, c := range b.in.Contacts {
		see(c.ParticipantID, c.Date)
	}
	for _, p := range b.in.Participants {
		see(p.ID, p.LastContact)
	}
	return last
}

func (b *builder) engagement() Engagement {
	last := b.lastContacts()
	active, c14, c30 := 0, 0, 0
	status := map[string]int{}
	for _, p := range b.in.Participants {
		if !p.Status.Active() || p.EnrolledOn.After(b.asOf) {
			continue
		}
		active++
		status[string(p.Status)]++
		if lc, ok := last[p.ID]; ok {
			days := store.DaysBetween(lc, b.asOf)
			if days <= 14 {
				c14++
			}
			if days <= 30 {
				c30++
			}
		}
	}
	keys := []string{string(store.StatusEngaging), string(store.StatusNotYetEngaged), string(store.StatusUnableToLocate)}
	by := b.keyed(keys, status)
	return Engagement{
		Active:         b.c.cell(active),
		Contact14d:     b.c.share(c14, active),
		Contact30d:     b.c.share(c30, active),
		UnableToLocate: by[string(store.StatusUnableToLocate)],
		ByStatus:       by,
	}
}

func (b *builder) goals() Goals {
	const set, achieved, forward, noChange, setback = 0, 1, 2, 3, 4
	var total [5]int
	by := map[string]*[5]int{}
	for _, d := range store.GoalDomains {
		by[string(d)] = &[5]int{}
	}
	add := func(domain store.GoalDomain, metric int) {
		total[metric]++
		m, ok := by[string(domain)]
		if !ok {
			m = by[string(store.DomainOther)]
		}
		m[metric]++
	}
	for _, g := range b.in.Goals {
		if b.in.Period.Contains(g.Created) {
			add(g.Domain, set)
		}
		if g.Status == store.GoalAchieved && b.in.Period.Contains(g.Updated) {
			add(g.Domain, achieved)
		}
		for _, e := range g.Progress {
			if !b.in.Period.Contains(e.Date) {
				continue
			}
			switch e.Step {
			case store.StepForward:
				add(g.Domain, forward)
			case store.StepNoChange:
				add(g.Domain, noChange)
			case store.StepSetback:
				add(g.Domain, setback)
			}
		}
	}
	counts := func(v [5]int) GoalCounts {
		return GoalCounts{Set: b.c.cell(v[0]), Achieved: b.c.cell(v[1]), Forward: b.c.cell(v[2]), NoChange: b.c.cell(v[3]), Setback: b.c.cell(v[4])}
	}
	out := Goals{GoalCounts: counts(total), ByDomain: map[string]GoalCounts{}}
	domains := make([]string, len(store.GoalDomains))
	for i, d := range store.GoalDomains {
		domains[i] = string(d)
	}
	// complementary suppression of each metric across domains
	var cols [5][]Cell
	for m := range 5 {
		parts := make([]int, len(domains))
		for i, d := range domains {
			parts[i] = by[d][m]
		}
		cols[m] = b.c.partition(parts)
	}
	for i, d := range domains {
		out.ByDomain[d] = GoalCounts{Set: cols[0][i], Achieved: cols[1][i], Forward: cols[2][i], NoChange: cols[3][i], Setback: cols[4][i]}
	}
	return out
}

func (b *builder) legal() Legal {
	asOf := store.DateOf(b.asOf)
	past, kept, wResolved, wOpen, post, done, onTime, late := 0, 0, 0, 0, 0, 0, 0, 0
	for _, c := range b.in.Cases {
		for _, h := range c.Hearings {
			if b.in.Period.Contains(h.Date) && !store.DateOf(h.Date).After(asOf) {
				past++
				if strings.EqualFold(h.Outcome, "kept") {
					kept++
				}
			}
		}
		switch c.Kind {
		case store.CaseWarrant:
			if c.Status != store.CaseOpen && b.in.Period.Contains(c.ResolvedOn) {
				wResolved++
			}
			if c.Status == store.CaseOpen && !c.Created.After(b.asOf) {
				wOpen++
			}
		case store.CasePostEnrollment:
			if b.in.Period.Contains(c.Created) {
				post++
			}
		case store.CaseDivertedArrest:
			deadline := store.DateOf(c.IntakeDeadline)
			if deadline.IsZero() && !c.Created.IsZero() && b.in.Protocol.IntakeDeadlineDays > 0 {
				deadline = store.DateOf(c.Created).AddDate(0, 0, b.in.Protocol.IntakeDeadlineDays)
			}
			switch {
			case b.in.Period.Contains(c.IntakeCompleted):
				done++
				if !deadline.IsZero() && !store.DateOf(c.IntakeCompleted).After(deadline) {
					onTime++
				}
			case c.IntakeCompleted.IsZero() && c.Status == store.CaseOpen && !deadline.IsZero() && deadline.Before(asOf):
				late++
			}
		}
	}
	return Legal{
		CourtDatesKept:        b.c.share(kept, past),
		WarrantsResolved:      b.c.cell(wResolved),
		WarrantsOpen:          b.c.cell(wOpen),
		PostEnrollmentCases:   b.c.cell(post),
		DivertedIntakesOnTime: b.c.share(onTime, done),
		DivertedIntakesLate:   b.c.cell(late),
	}
}

// group names a race/ethnicity group: HUD's categories as stored, "not
// recorded" when blank; a value outside the vocabulary (free text from
// before it) is "Data not collected", never its text.
func group(s string) (name, key string) {
	s = store.RaceEthnicityGroup(s)
	if s == "" {
		return NotRecorded, ""
	}
	return s, strings.ToLower(s)
}

// recordedGroup reports whether a group names a race or ethnicity: "not
// recorded" and the non-answers (doesn't know, prefers not to answer, not
// collected) are shown, never flagged and never the top share.
func recordedGroup(name string) bool {
	return name != NotRecorded && store.RaceEthnicityRecorded(name)
}

func (b *builder) equity() Equity {
	type acc struct {
		name                                         string
		referrals, decided, offers, enrolled, exited int
	}
	groups := map[string]*acc{}
	get := func(raw string) *acc {
		name, key := group(raw)
		a, ok := groups[key]
		if !ok {
			a = &acc{name: name}
			groups[key] = a
		}
		return a
	}
	for _, r := range b.inP {
		a := get(r.RaceEthnicity)
		a.referrals++
		if r.ReReferralOf != "" {
			continue
		}
		switch r.Status {
		case store.RefAccepted:
			a.decided++
			a.offers++
		case store.RefWaitlisted, store.RefDeclined:
			a.decided++
		}
	}
	for _, p := range b.in.Participants {
		race := p.RaceEthnicity
		if strings.TrimSpace(race) == "" {
			race = b.source[p.ID].RaceEthnicity
		}
		if b.in.Period.Contains(p.EnrolledOn) {
			get(race).enrolled++
		}
		if p.Status == store.StatusExited && b.in.Period.Contains(p.Updated) {
			get(race).exited++
		}
	}
	list := make([]*acc, 0, len(groups))
	for _, a := range groups {
		list = append(list, a)
	}
	slices.SortFunc(list, func(x, y *acc) int {
		if (x.name == NotRecorded) != (y.name == NotRecorded) {
			if x.name == NotRecorded {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(y.referrals, x.referrals), strings.Compare(x.name, y.name))
	})
	// within is a column of counts each part of the group's cell in of (a
	// group's decisions are among its referrals, its offers among its
	// decisions): suppressed with it
	within := func(of []Cell, f func(*acc) int) []Cell {
		parts := make([]int, len(list))
		for i, a := range list {
			parts[i] = f(a)
		}
		if of == nil {
			return b.c.partition(parts)
		}
		return b.c.partitionHiding(parts, func(i int) bool { return of[i].Suppressed })
	}
	col := func(f func(*acc) int) []Cell { return within(nil, f) }
	refs := col(func(a *acc) int { return a.referrals })
	decided := within(refs, func(a *acc) int { return a.decided })
	offers := within(decided, func(a *acc) int { return a.offers })
	enrolled := col(func(a *acc) int { return a.enrolled })
	exited := col(func(a *acc) int { return a.exited })

	out := Equity{Threshold: FourFifths, MinDecided: SmallCell}
	top, topIdx := -1.0, -1
	for i, a := range list {
		if recordedGroup(a.name) && a.decided >= SmallCell {
			if s := float64(a.offers) / float64(a.decided); s > top {
				top, topIdx = s, i
			}
		}
	}
	for i, a := range list {
		g := EquityGroup{Group: a.name, Recorded: recordedGroup(a.name), Referrals: refs[i], Decided: decided[i], Offers: offers[i],
			Enrollments: enrolled[i], Exits: exited[i]}
		switch {
		case g.Offers.Suppressed || g.Decided.Suppressed:
			g.OfferShare = Num{Suppressed: true}
		case a.decided > 0:
			g.OfferShare = Num{Value: round(float64(a.offers)/float64(a.decided), 3), Valid: true}
		}
		if g.Recorded && topIdx >= 0 && a.decided >= SmallCell {
			g.Flag = float64(a.offers)/float64(a.decided) < FourFifths*top
		}
		out.Groups = append(out.Groups, g)
	}
	if topIdx >= 0 {
		out.TopShare = out.Groups[topIdx].OfferShare
	}
	return out
}

// noRecentContact reports whether a referral shows no criminal-legal
// contact in the last 12 months and no warrant or court date.
func noRecentContact(r store.Referral) bool {
	return r.Indicators.Contacts12m == 0 && !r.Indicators.Warrant && r.Indicators.NextCourtDate.IsZero()
}

func (b *builder) netWidening() NetWidening {
	none, all := map[string]int{}, map[string]int{}
	n := 0
	for _, r := range b.inP {
		all[string(r.Kind)]++
		if noRecentContact(r) {
			none[string(r.Kind)]++
			n++
		}
	}
	out := NetWidening{NoRecentContact: b.c.share(n, len(b.inP)), ByKind: map[string]Share{}}
	// a kind's referrals are the referrals section's by-kind cells (with
	// their complementary suppression); its count without recent contact
	// is part of them (suppressed with them), and those counts add up to
	// the overall one
	of := b.keyed(kinds(), all)
	parts := make([]int, len(kinds()))
	for i, k := range kinds() {
		parts[i] = none[k]
	}
	counts := b.c.partitionHiding(parts, func(i int) bool { return of[kinds()[i]].Suppressed })
	for i, k := range kinds() {
		sh := Share{Count: counts[i], Of: of[k]}
		switch {
		case sh.Count.Suppressed || sh.Of.Suppressed:
			sh.Share = Num{Suppressed: true}
		case all[k] > 0:
			sh.Share = Num{Value: round(float64(none[k])/float64(all[k]), 3), Valid: true}
		}
		out.ByKind[k] = sh
	}
	return out
}

var weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

func (b *builder) intakeResponse() IntakeResponse {
	firstContact := map[string]time.Time{} // referral id -> participant's first contact
	for _, p := range b.in.Participants {
		if r, ok := b.source[p.ID]; ok && !p.FirstContact.IsZero() {
			firstContact[r.ID] = p.FirstContact
		}
	}
	type bucket struct {
		n            int
		ack, contact []float64
	}
	var hours [24]bucket
	var days [7]bucket
	var all bucket
	unacked := 0
	states := make([]int, len(store.HandoffStates))
	for _, r := range b.inP {
		if r.Kind != store.KindArrestDiversion && r.Kind != store.KindSocialContact {
			continue
		}
		if i := slices.Index(store.HandoffStates, store.HandoffOf(r)); i >= 0 {
			states[i]++
		}
		local := r.Received.In(b.loc)
		h, d := &hours[local.Hour()], &days[(int(local.Weekday())+6)%7]
		for _, x := range []*bucket{h, d, &all} {
			x.n++
		}
		if r.AckAt.IsZero() {
			unacked++
		} else {
			m := max(0, r.AckAt.Sub(r.Received).Minutes())
			for _, x := range []*bucket{h, d, &all} {
				x.ack = append(x.ack, m)
			}
		}
		if fc, ok := firstContact[r.ID]; ok && r.ReReferralOf == "" {
			m := max(0, fc.Sub(r.Received).Minutes())
			for _, x := range []*bucket{h, d, &all} {
				x.contact = append(x.contact, m)
			}
		}
	}
	out := IntakeResponse{
		Referrals:      b.c.cell(all.n),
		Unacknowledged: b.c.cell(unacked),
		ToAck:          b.c.dist(all.ack),
		ToFirstContact: b.c.dist(all.contact),
	}
	for i, c := range b.c.partition(states) {
		out.Handoff = append(out.Handoff, HandoffCount{State: store.HandoffStates[i], Referrals: c})
	}
	hourN := make([]int, 24)
	for i := range hours {
		hourN[i] = hours[i].n
	}
	// a bucket's timings break down its referrals (suppressed with them)
	// and their counts add up to the overall ones
	buckets := func(bs []bucket, name func(int) string) []ResponseBucket {
		n, ack, contact := make([]int, len(bs)), make([]int, len(bs)), make([]int, len(bs))
		for i, x := range bs {
			n[i], ack[i], contact[i] = x.n, len(x.ack), len(x.contact)
		}
		nc := b.c.partition(n)
		hidden := func(i int) bool { return nc[i].Suppressed }
		ac, cc := b.c.partitionHiding(ack, hidden), b.c.partitionHiding(contact, hidden)
		out := make([]ResponseBucket, len(bs))
		for i, x := range bs {
			out[i] = ResponseBucket{Bucket: name(i), Referrals: nc[i], ToAck: b.c.distOf(ac[i], x.ack), ToFirstContact: b.c.distOf(cc[i], x.contact)}
		}
		return out
	}
	out.ByHour = buckets(hours[:], twoDigits)
	out.ByWeekday = buckets(days[:], func(i int) string { return weekdays[i] })
	return out
}

func twoDigits(i int) string {
	return string([]byte{byte('0' + i/10), byte('0' + i%10)})
}
