package report

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/leadtable/owg/store"
)

// Housing categories of the measures: every housing status a site writes
// falls in one (HousingCategory).
const (
	HousingUnsheltered = "unsheltered"
	HousingSheltered   = "sheltered" // shelter, transitional housing
	HousingPermanent   = "permanent"
	HousingOther       = "other" // couch surfing, vehicle, staying with others...
	HousingUnknown     = "not_recorded"
)

// HousingCategories lists the categories in report order.
var HousingCategories = []string{HousingUnsheltered, HousingOther, HousingSheltered, HousingPermanent, HousingUnknown}

// HousingCategory puts a housing status in a category: "unsheltered",
// "street", "unhoused" are unsheltered; "shelter", "transitional" are
// sheltered; "permanent", "housed", "own place", "apartment" permanent;
// anything else other; blank not recorded.
func HousingCategory(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return HousingUnknown
	case strings.Contains(s, "unshelter") || strings.Contains(s, "unhoused") || strings.Contains(s, "street") || strings.Contains(s, "homeless"):
		return HousingUnsheltered
	case strings.Contains(s, "shelter") || strings.Contains(s, "transitional"):
		return HousingSheltered
	case strings.Contains(s, "permanent") || strings.Contains(s, "housed") || strings.Contains(s, "own place") || strings.Contains(s, "apartment"):
		return HousingPermanent
	}
	return HousingOther
}

// month is the average month in days, for participant-months.
const month = 30.4375

// Measures are the published LEAD measures, computed from history: per
// cohort (participants enrolled in the period) and overall, the referral
// funnel and net-widening watch by month, and every measure by race and
// ethnicity group. Counts follow the small-cell rule of Build.
type Measures struct {
	Site                 string     `json:"site,omitempty"`
	From                 string     `json:"from"`
	To                   string     `json:"to"`
	AsOf                 string     `json:"as_of"`
	Role                 store.Role `json:"role"`
	SmallCellSuppression bool       `json:"small_cell_suppression"`
	// Cohort is participants enrolled in the period; Overall everyone.
	Cohort  Block `json:"cohort"`
	Overall Block `json:"overall"`
	// Funnel is referrals received in the period.
	Funnel      Funnel        `json:"funnel"`
	NetWidening []NetMonth    `json:"net_widening"`
	Equity      []GroupBlocks `json:"equity"`
}

// Block is every participant measure over one set of participants.
type Block struct {
	Participants Cell        `json:"participants"`
	Legal        LegalM      `json:"legal"`
	Housing      HousingM    `json:"housing"`
	Dose         DoseM       `json:"dose"`
	Engagement   EngagementM `json:"engagement"`
	Goals        []GoalRow   `json:"goals"`
}

// Window compares new legal cases in a window before enrolment with the
// same window after, among participants enrolled at least that long.
type Window struct {
	Participants Cell `json:"participants"` // with the whole window after enrolment behind them
	Before       Cell `json:"before"`
	After        Cell `json:"after"`
	PerBefore    Num  `json:"per_participant_before"`
	PerAfter     Num  `json:"per_participant_after"`
}

// LegalM is the legal measures. A new case is any case opened (history)
// but a diverted arrest: before enrolment every case, after it
// post-enrolment cases and warrants.
type LegalM struct {
	Months6         Window `json:"months_6"`
	Months12        Window `json:"months_12"`
	AnyNewCase      Share  `json:"any_new_case_after"`
	DaysToFirstCase Dist   `json:"days_to_first_new_case"`
	CourtDatesKept  Share  `json:"court_dates_kept"` // kept of kept + missed, after enrolment
}

// HousingM is housing at entry, at 6 and 12 months (by category) and the
// shares ever sheltered (shelter, transitional or permanent) and ever
// permanently housed after entry.
type HousingM struct {
	AtEntry        map[string]Cell `json:"at_entry"`
	At6Months      map[string]Cell `json:"at_6_months"`
	At12Months     map[string]Cell `json:"at_12_months"`
	EverSheltered  Share           `json:"ever_sheltered"`
	EverPermanent  Share           `json:"ever_permanently_housed"`
	ImprovedShare  Share           `json:"housing_improved"`
	Categorization string          `json:"categories"`
}

// DoseM is case-management dose and timeliness.
type DoseM struct {
	ContactsPerMonth Num  `json:"contacts_per_participant_month"`
	PerParticipant   Dist `json:"contacts_per_month_by_participant"`
	// DoseImproved and DoseNotImproved compare the dose of participants
	// whose housing improved with the others (the Seattle dose question).
	DoseImproved        Num  `json:"dose_housing_improved"`
	DoseNotImproved     Num  `json:"dose_housing_not_improved"`
	ReferralToContact   Dist `json:"days_referral_to_first_contact"`
	ReferralToIntake    Dist `json:"days_referral_to_intake"`
	ParticipantMonths   Num  `json:"participant_months"`
	ContactsDuringStays Cell `json:"contacts"`
}

// EngagementM is the engagement status at 3, 6 and 12 months after entry
// and, month by month, of everyone enrolled by then.
type EngagementM struct {
	At3Months  map[string]Cell   `json:"at_3_months"`
	At6Months  map[string]Cell   `json:"at_6_months"`
	At12Months map[string]Cell   `json:"at_12_months"`
	Months     []EngagementMonth `json:"by_month"`
}

// EngagementMonth is the status of everyone enrolled by a month's end.
type EngagementMonth struct {
	Month    string          `json:"month"` // YYYY-MM
	ByStatus map[string]Cell `json:"by_status"`
}

// GoalRow is the goals of one domain: set, achieved, and the shares of
// progress entries forward, no change, setback.
type GoalRow struct {
	Domain   string `json:"domain"`
	Set      Cell   `json:"set"`
	Achieved Share  `json:"achieved"`
	Forward  Share  `json:"forward"`
	NoChange Share  `json:"no_change"`
	Setback  Share  `json:"setback"`
}

// Funnel is the referral funnel, in total, by kind and by month.
type Funnel struct {
	Total   FunnelRow            `json:"total"`
	ByKind  map[string]FunnelRow `json:"by_kind"`
	ByMonth []FunnelMonth        `json:"by_month"`
}

// FunnelRow counts referrals at each stage.
type FunnelRow struct {
	Received            Cell            `json:"received"`
	ScreenedOut         Cell            `json:"screened_out"`
	ScreenedOutByReason map[string]Cell `json:"screened_out_by_reason"`
	Offered             Cell            `json:"offered"`
	Accepted            Cell            `json:"accepted"`
	Waitlisted          Cell            `json:"waitlisted"`
	WaitlistDays        Dist            `json:"waitlist_days"`
	Declined            Cell            `json:"declined"`
	Withdrawn           Cell            `json:"withdrawn"`
}

// FunnelMonth is the funnel of referrals received in one month.
type FunnelMonth struct {
	Month  string               `json:"month"`
	Total  FunnelRow            `json:"total"`
	ByKind map[string]FunnelRow `json:"by_kind"`
}

// NetMonth is the net-widening watch of one month: social-contact and
// community referrals of people with no prior legal contact.
type NetMonth struct {
	Month           string `json:"month"`
	NonArrest       Cell   `json:"social_contact_and_community"`
	NoPriorContact  Share  `json:"no_prior_legal_contact"`
	SocialContact   Cell   `json:"social_contact_no_prior"`
	CommunityNoPrio Cell   `json:"community_no_prior"`
}

// GroupBlocks is every measure for one race/ethnicity group.
type GroupBlocks struct {
	Group   string    `json:"group"`
	Cohort  Block     `json:"cohort"`
	Overall Block     `json:"overall"`
	Funnel  FunnelRow `json:"funnel"`
}

// JSON renders the measures as indented JSON with a final newline.
func (m Measures) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// measurer holds what every block reads.
type measurer struct {
	in     Input
	c      cells
	asOf   time.Time
	hist   map[string][]store.HistoryEvent // participant events by participant, sorted
	cases  map[string][]caseDated          // by participant
	source map[string]store.Referral       // participant -> referral it came from
	cons   map[string][]store.Contact
	goals  map[string][]store.Goal
	refEv  map[string][]store.HistoryEvent // referral events by referral
}

type caseDated struct {
	c      store.LegalCase
	opened time.Time
}

// Measure computes the LEAD measures of in for viewer. It is pure.
func Measure(in Input, viewer store.Actor) Measures {
	m := &measurer{in: in, c: cells{restricted: !store.SeesIdentities(viewer.Role)},
		hist: map[string][]store.HistoryEvent{}, cases: map[string][]caseDated{}, source: map[string]store.Referral{},
		cons: map[string][]store.Contact{}, goals: map[string][]store.Goal{}, refEv: map[string][]store.HistoryEvent{}}
	m.asOf = in.AsOf
	if m.asOf.IsZero() {
		m.asOf = store.DateOf(in.Period.To).Add(24*time.Hour - time.Nanosecond)
	}
	evs := slices.Clone(in.History)
	store.SortHistory(evs)
	opened := map[string]time.Time{}
	for _, e := range evs {
		switch e.Kind {
		case store.HistParticipant:
			m.hist[e.ParticipantID] = append(m.hist[e.ParticipantID], e)
		case store.HistCase:
			if e.Field == store.HistOpened {
				if _, ok := opened[e.Record]; !ok {
					opened[e.Record] = e.Time
				}
			}
		case store.HistReferral:
			m.refEv[e.Record] = append(m.refEv[e.Record], e)
		}
	}
	for _, c := range in.Cases {
		at, ok := opened[c.ID]
		if !ok {
			at = c.Created
		}
		m.cases[c.ParticipantID] = append(m.cases[c.ParticipantID], caseDated{c: c, opened: at})
	}
	for _, r := range in.Referrals {
		if r.ParticipantID != "" && r.ReReferralOf == "" {
			if old, ok := m.source[r.ParticipantID]; !ok || r.Received.Before(old.Received) {
				m.source[r.ParticipantID] = r
			}
		}
	}
	for _, c := range in.Contacts {
		m.cons[c.ParticipantID] = append(m.cons[c.ParticipantID], c)
	}
	for _, g := range in.Goals {
		m.goals[g.ParticipantID] = append(m.goals[g.ParticipantID], g)
	}
	var cohort []store.Participant
	for _, p := range in.Participants {
		if in.Period.Contains(p.EnrolledOn) {
			cohort = append(cohort, p)
		}
	}
	var inP []store.Referral
	for _, r := range in.Referrals {
		if in.Period.Contains(r.Received) {
			inP = append(inP, r)
		}
	}
	out := Measures{
		Site: store.CleanLine(in.Protocol.Site), From: store.FormatDate(in.Period.From), To: store.FormatDate(in.Period.To),
		AsOf: store.FormatDate(m.asOf), Role: viewer.Role, SmallCellSuppression: m.c.restricted,
		Cohort: m.block(cohort), Overall: m.block(in.Participants), Funnel: m.funnel(inP), NetWidening: m.netWidening(inP),
	}
	// equity: every measure by group
	type grp struct {
		name          string
		cohort, all   []store.Participant
		referrals     []store.Referral
		enrolledCount int
	}
	groups := map[string]*grp{}
	get := func(raw string) *grp {
		name, key := group(raw)
		g, ok := groups[key]
		if !ok {
			g = &grp{name: name}
			groups[key] = g
		}
		return g
	}
	for _, p := range in.Participants {
		race := p.RaceEthnicity
		if strings.TrimSpace(race) == "" {
			race = m.source[p.ID].RaceEthnicity
		}
		g := get(race)
		g.all = append(g.all, p)
		if in.Period.Contains(p.EnrolledOn) {
			g.cohort = append(g.cohort, p)
		}
	}
	for _, r := range inP {
		g := get(r.RaceEthnicity)
		g.referrals = append(g.referrals, r)
	}
	list := make([]*grp, 0, len(groups))
	for _, g := range groups {
		list = append(list, g)
	}
	slices.SortFunc(list, func(x, y *grp) int {
		if (x.name == NotRecorded) != (y.name == NotRecorded) {
			if x.name == NotRecorded {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(len(y.all), len(x.all)), strings.Compare(x.name, y.name))
	})
	// the groups' counts add up to the cohort's, everyone's and the
	// referrals' (all shown): complementary suppression across the groups,
	// and a group's block whose count is hidden is hidden whole
	sizes := func(f func(*grp) int) []Cell {
		parts := make([]int, len(list))
		for i, g := range list {
			parts[i] = f(g)
		}
		return m.c.partition(parts)
	}
	cohortN := sizes(func(g *grp) int { return len(g.cohort) })
	allN := sizes(func(g *grp) int { return len(g.all) })
	refN := sizes(func(g *grp) int { return len(g.referrals) })
	hidden := *m
	hidden.c.hide = true
	under := func(c Cell) *measurer {
		if c.Suppressed {
			return &hidden
		}
		return m
	}
	for i, g := range list {
		out.Equity = append(out.Equity, GroupBlocks{Group: g.name, Cohort: under(cohortN[i]).block(g.cohort), Overall: under(allN[i]).block(g.all),
			Funnel: under(refN[i]).funnelRow(g.referrals)})
	}
	return out
}

// at is the value of a participant field in force at t, from history.
func (m *measurer) at(p store.Participant, f store.HistoryField, t time.Time) string {
	return store.StatusAt(m.hist[p.ID], f, t)
}

// followed reports whether p has been enrolled for months months by as-of.
func (m *measurer) followed(p store.Participant, months int) bool {
	return !p.EnrolledOn.AddDate(0, months, 0).After(m.asOf)
}

// end is when a participant's enrolment ended: their exit, else as-of.
func (m *measurer) end(p store.Participant) time.Time {
	for _, e := range m.hist[p.ID] {
		if e.Field == store.HistStatus && e.To == string(store.StatusExited) && e.Time.Before(m.asOf) {
			return e.Time
		}
	}
	if p.Status == store.StatusExited && p.Updated.Before(m.asOf) {
		return p.Updated
	}
	return m.asOf
}

func (m *measurer) keyed(keys []string, counts map[string]int) map[string]Cell {
	parts := make([]int, len(keys))
	for i, k := range keys {
		parts[i] = counts[k]
	}
	cs := m.c.partition(parts)
	out := make(map[string]Cell, len(keys))
	for i, k := range keys {
		out[k] = cs[i]
	}
	return out
}

func (m *measurer) per(n, of int) Num {
	if m.c.small(of) || m.c.small(n) {
		return Num{Suppressed: true}
	}
	if of == 0 {
		return Num{}
	}
	return Num{Value: round(float64(n)/float64(of), 2), Valid: true}
}

func (m *measurer) block(ps []store.Participant) Block {
	return Block{
		Participants: m.c.cell(len(ps)),
		Legal:        m.legal(ps),
		Housing:      m.housing(ps),
		Dose:         m.dose(ps),
		Engagement:   m.engagement(ps),
		Goals:        m.goalRows(ps),
	}
}

// newCase reports whether a case counts as new legal involvement.
func newCase(cd caseDated, enrolled time.Time) bool {
	if cd.c.Kind == store.CaseDivertedArrest {
		return false
	}
	if cd.opened.Before(enrolled) {
		return true
	}
	return cd.c.Kind == store.CasePostEnrollment || cd.c.Kind == store.CaseWarrant
}

func (m *measurer) window(ps []store.Participant, months int) Window {
	n, before, after := 0, 0, 0
	for _, p := range ps {
		if !m.followed(p, months) {
			continue
		}
		n++
		e := p.EnrolledOn
		for _, cd := range m.cases[p.ID] {
			if !newCase(cd, e) {
				continue
			}
			switch {
			case !cd.opened.Before(e.AddDate(0, -months, 0)) && cd.opened.Before(e):
				before++
			case !cd.opened.Before(e) && cd.opened.Before(e.AddDate(0, months, 0)):
				after++
			}
		}
	}
	return Window{Participants: m.c.cell(n), Before: m.c.cell(before), After: m.c.cell(after), PerBefore: m.per(before, n), PerAfter: m.per(after, n)}
}

func (m *measurer) legal(ps []store.Participant) LegalM {
	var days []float64
	kept, heard := 0, 0
	for _, p := range ps {
		e := p.EnrolledOn
		first := time.Time{}
		for _, cd := range m.cases[p.ID] {
			if newCase(cd, e) && !cd.opened.Before(e) && (first.IsZero() || cd.opened.Before(first)) {
				first = cd.opened
			}
			for _, h := range cd.c.Hearings {
				if h.Date.Before(e) {
					continue
				}
				switch h.Outcome {
				case "kept":
					kept++
					heard++
				case "missed":
					heard++
				}
			}
		}
		if !first.IsZero() {
			days = append(days, float64(store.DaysBetween(e, first)))
		}
	}
	return LegalM{
		Months6: m.window(ps, 6), Months12: m.window(ps, 12),
		AnyNewCase: m.c.share(len(days), len(ps)), DaysToFirstCase: m.c.dist(days),
		CourtDatesKept: m.c.share(kept, heard),
	}
}

func housingRank(cat string) int {
	switch cat {
	case HousingUnsheltered:
		return 0
	case HousingOther:
		return 1
	case HousingSheltered:
		return 2
	case HousingPermanent:
		return 3
	}
	return -1
}

// improved reports whether p's housing category is better now (or at
// exit) than at entry.
func (m *measurer) improved(p store.Participant) bool {
	entry := housingRank(HousingCategory(m.at(p, store.HistHousing, p.EnrolledOn.Add(24*time.Hour-time.Nanosecond))))
	now := housingRank(HousingCategory(m.at(p, store.HistHousing, m.end(p))))
	return entry >= 0 && now > entry
}

func (m *measurer) housing(ps []store.Participant) HousingM {
	entry, at6, at12 := map[string]int{}, map[string]int{}, map[string]int{}
	ever, perm, better := 0, 0, 0
	for _, p := range ps {
		eod := p.EnrolledOn.Add(24*time.Hour - time.Nanosecond)
		entry[HousingCategory(m.at(p, store.HistHousing, eod))]++
		if m.followed(p, 6) {
			at6[HousingCategory(m.at(p, store.HistHousing, p.EnrolledOn.AddDate(0, 6, 0)))]++
		}
		if m.followed(p, 12) {
			at12[HousingCategory(m.at(p, store.HistHousing, p.EnrolledOn.AddDate(0, 12, 0)))]++
		}
		sheltered, permanent := false, false
		for _, e := range m.hist[p.ID] {
			if e.Field != store.HistHousing || e.Time.After(m.asOf) {
				continue
			}
			switch HousingCategory(e.To) {
			case HousingSheltered:
				sheltered = true
			case HousingPermanent:
				sheltered, permanent = true, true
			}
		}
		if sheltered {
			ever++
		}
		if permanent {
			perm++
		}
		if m.improved(p) {
			better++
		}
	}
	return HousingM{
		AtEntry: m.keyed(HousingCategories, entry), At6Months: m.keyed(HousingCategories, at6), At12Months: m.keyed(HousingCategories, at12),
		EverSheltered: m.c.share(ever, len(ps)), EverPermanent: m.c.share(perm, len(ps)), ImprovedShare: m.c.share(better, len(ps)),
		Categorization: "sheltered counts shelter, transitional and permanent housing; improved is a better category now (or at exit) than at entry",
	}
}

func (m *measurer) dose(ps []store.Participant) DoseM {
	total := 0
	months := 0.0
	var rates, toContact, toIntake []float64
	var impSum, impN, notSum, notN float64
	for _, p := range ps {
		end := m.end(p)
		mo := end.Sub(p.EnrolledOn).Hours() / 24 / month
		if mo <= 0 {
			continue
		}
		n := 0
		first := p.FirstContact
		for _, c := range m.cons[p.ID] {
			if !c.Date.Before(p.EnrolledOn) && !c.Date.After(end) {
				n++
			}
			if first.IsZero() || c.Date.Before(first) {
				first = c.Date
			}
		}
		total += n
		months += mo
		rate := float64(n) / max(mo, 1)
		rates = append(rates, round(rate, 2))
		if m.improved(p) {
			impSum, impN = impSum+rate, impN+1
		} else {
			notSum, notN = notSum+rate, notN+1
		}
		if r, ok := m.source[p.ID]; ok {
			if !first.IsZero() && !first.Before(r.Received) {
				toContact = append(toContact, float64(store.DaysBetween(r.Received, first)))
			}
			if !p.EnrolledOn.Before(store.DateOf(r.Received)) {
				toIntake = append(toIntake, float64(store.DaysBetween(r.Received, p.EnrolledOn)))
			}
		}
	}
	avg := func(sum, n float64) Num {
		if m.c.small(int(n)) {
			return Num{Suppressed: true}
		}
		if n == 0 {
			return Num{}
		}
		return Num{Value: round(sum/n, 2), Valid: true}
	}
	out := DoseM{
		PerParticipant: m.c.dist(rates), DoseImproved: avg(impSum, impN), DoseNotImproved: avg(notSum, notN),
		ReferralToContact: m.c.dist(toContact), ReferralToIntake: m.c.dist(toIntake),
		ContactsDuringStays: m.c.cell(total),
	}
	if m.c.small(len(rates)) {
		out.ContactsPerMonth, out.ParticipantMonths = Num{Suppressed: true}, Num{Suppressed: true}
	} else if months > 0 {
		out.ContactsPerMonth = Num{Value: round(float64(total)/months, 2), Valid: true}
		out.ParticipantMonths = Num{Value: round(months, 1), Valid: true}
	}
	return out
}

func statusKeys() []string {
	out := make([]string, len(store.ParticipantStatuses))
	for i, s := range store.ParticipantStatuses {
		out[i] = string(s)
	}
	return out
}

func (m *measurer) engagement(ps []store.Participant) EngagementM {
	after := func(months int) map[string]Cell {
		counts := map[string]int{}
		for _, p := range ps {
			if m.followed(p, months) {
				counts[m.at(p, store.HistStatus, p.EnrolledOn.AddDate(0, months, 0))]++
			}
		}
		return m.keyed(statusKeys(), counts)
	}
	out := EngagementM{At3Months: after(3), At6Months: after(6), At12Months: after(12)}
	for _, me := range monthEnds(m.in.Period.From, m.in.Period.To, m.asOf) {
		counts := map[string]int{}
		for _, p := range ps {
			if p.EnrolledOn.After(me) {
				continue
			}
			if s := m.at(p, store.HistStatus, me); s != "" {
				counts[s]++
			}
		}
		out.Months = append(out.Months, EngagementMonth{Month: me.Format("2006-01"), ByStatus: m.keyed(statusKeys(), counts)})
	}
	return out
}

// monthEnds are the last instants of each month from..to (the last one
// cut at asOf).
func monthEnds(from, to, asOf time.Time) []time.Time {
	var out []time.Time
	for mo := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !mo.After(to); mo = mo.AddDate(0, 1, 0) {
		end := mo.AddDate(0, 1, 0).Add(-time.Nanosecond)
		if end.After(asOf) {
			end = asOf
		}
		out = append(out, end)
	}
	return out
}

func (m *measurer) goalRows(ps []store.Participant) []GoalRow {
	var out []GoalRow
	for _, d := range store.GoalDomains {
		set, achieved, entries := 0, 0, 0
		steps := map[store.Step]int{}
		for _, p := range ps {
			for _, g := range m.goals[p.ID] {
				if g.Domain != d {
					continue
				}
				set++
				if g.Status == store.GoalAchieved {
					achieved++
				}
				for _, e := range g.Progress {
					entries++
					steps[e.Step]++
				}
			}
		}
		out = append(out, GoalRow{Domain: string(d), Set: m.c.cell(set), Achieved: m.c.share(achieved, set),
			Forward: m.c.share(steps[store.StepForward], entries), NoChange: m.c.share(steps[store.StepNoChange], entries),
			Setback: m.c.share(steps[store.StepSetback], entries)})
	}
	return out
}

// reached reports whether referral r's history (or its record) ever
// reached status s; offered also counts a ranking that offered it a slot.
func (m *measurer) reached(r store.Referral, s store.ReferralStatus) bool {
	if r.Status == s {
		return true
	}
	for _, e := range m.refEv[r.ID] {
		if (e.Field == store.HistStatus || e.Field == store.HistDecision) && e.To == string(s) {
			return true
		}
	}
	return false
}

func (m *measurer) offered(r store.Referral) bool {
	if r.Status == store.RefAccepted {
		return true
	}
	for _, e := range m.refEv[r.ID] {
		if e.Score != nil && e.Score.Decision == store.DecisionOffer {
			return true
		}
	}
	return false
}

// waitDays is how long r waited on the waitlist: from its first waitlist
// event to the next status change (or as-of); false if never waitlisted.
func (m *measurer) waitDays(r store.Referral) (float64, bool) {
	var start time.Time
	for _, e := range m.refEv[r.ID] {
		if e.Field != store.HistStatus {
			continue
		}
		if e.To == string(store.RefWaitlisted) && start.IsZero() {
			start = e.Time
		} else if !start.IsZero() && e.To != string(store.RefWaitlisted) {
			return e.Time.Sub(start).Hours() / 24, true
		}
	}
	if start.IsZero() {
		if r.Status != store.RefWaitlisted {
			return 0, false
		}
		start = r.DecidedAt
		if start.IsZero() {
			start = r.Received
		}
	}
	return m.asOf.Sub(start).Hours() / 24, true
}

func (m *measurer) funnelRow(rs []store.Referral) FunnelRow {
	var screened, offered, accepted, waitlisted, declined, withdrawn int
	reasons := map[string]int{}
	var waits []float64
	for _, r := range rs {
		if r.Status == store.RefScreenedOut {
			screened++
			reasons[r.Reason]++
		}
		if m.offered(r) {
			offered++
		}
		if r.Status == store.RefAccepted {
			accepted++
		}
		if d, ok := m.waitDays(r); ok {
			waitlisted++
			waits = append(waits, round(d, 1))
		}
		if r.Status == store.RefDeclined {
			declined++
		}
		if r.Status == store.RefWithdrawn {
			withdrawn++
		}
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range reasons {
			if !yield(k) {
				return
			}
		}
	})
	return FunnelRow{
		Received: m.c.cell(len(rs)), ScreenedOut: m.c.cell(screened), ScreenedOutByReason: m.keyed(keys, reasons),
		Offered: m.c.cell(offered), Accepted: m.c.cell(accepted), Waitlisted: m.c.cell(waitlisted), WaitlistDays: m.c.dist(waits),
		Declined: m.c.cell(declined), Withdrawn: m.c.cell(withdrawn),
	}
}

func (m *measurer) byKind(rs []store.Referral) map[string]FunnelRow {
	out := map[string]FunnelRow{}
	for _, k := range kinds() {
		var sub []store.Referral
		for _, r := range rs {
			if string(r.Kind) == k {
				sub = append(sub, r)
			}
		}
		out[k] = m.funnelRow(sub)
	}
	return out
}

func (m *measurer) months(rs []store.Referral) [][]store.Referral {
	ends := monthEnds(m.in.Period.From, m.in.Period.To, m.asOf)
	out := make([][]store.Referral, len(ends))
	for _, r := range rs {
		key := r.Received.UTC().Format("2006-01")
		for i, e := range ends {
			if e.Format("2006-01") == key {
				out[i] = append(out[i], r)
			}
		}
	}
	return out
}

func (m *measurer) funnel(rs []store.Referral) Funnel {
	f := Funnel{Total: m.funnelRow(rs), ByKind: m.byKind(rs)}
	ends := monthEnds(m.in.Period.From, m.in.Period.To, m.asOf)
	for i, sub := range m.months(rs) {
		f.ByMonth = append(f.ByMonth, FunnelMonth{Month: ends[i].Format("2006-01"), Total: m.funnelRow(sub), ByKind: m.byKind(sub)})
	}
	return f
}

func (m *measurer) netWidening(rs []store.Referral) []NetMonth {
	ends := monthEnds(m.in.Period.From, m.in.Period.To, m.asOf)
	var out []NetMonth
	for i, sub := range m.months(rs) {
		non, none, social, comm := 0, 0, 0, 0
		for _, r := range sub {
			if r.Kind == store.KindArrestDiversion {
				continue
			}
			non++
			if noRecentContact(r) {
				none++
				if r.Kind == store.KindSocialContact {
					social++
				} else {
					comm++
				}
			}
		}
		out = append(out, NetMonth{Month: ends[i].Format("2006-01"), NonArrest: m.c.cell(non), NoPriorContact: m.c.share(none, non),
			SocialContact: m.c.cell(social), CommunityNoPrio: m.c.cell(comm)})
	}
	return out
}
