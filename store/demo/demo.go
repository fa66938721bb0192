// Package demo fills an empty store with a realistic synthetic LEAD site:
// case managers near their caps, participants with goals in their own
// words and months of progress, contacts, legal cases, ROIs, a queue of new
// referrals larger than the open slots, users for every role and one past
// meeting with open action items. Everything is generated from a seed and
// dated relative to an as-of day, so the site always looks current and a
// seed always gives the same site.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/leadtable/owg/store"
)

// DefaultSeed is the seed `owg demo` uses unless told otherwise.
const DefaultSeed uint64 = 20240611

// CaseManagerCap is the soft caseload cap of the demo's case managers.
const CaseManagerCap = 20

// ErrNotEmpty is returned by Fill when the store already holds site data.
var ErrNotEmpty = errors.New("the store is not empty: the demo site only goes into an empty store")

// Summary counts what Fill created.
type Summary struct {
	Users        int
	CaseManagers int
	Participants int // all, exited included
	Active       int // counting toward caseloads
	Capacity     int // total cap of the case managers
	OpenSlots    int // capacity minus active caseloads
	Goals        int
	Progress     int
	Contacts     int
	Clinical     int
	Referrals    int // new referrals in the queue
	ScreenedOut  int // referrals screened out on entry by the protocol
	LegalCases   int
	ROIs         int
	Meetings     int
	OpenActions  int
}

// String is a short human summary.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "users          %d (every role; %d case managers, cap %d each)\n", s.Users, s.CaseManagers, CaseManagerCap)
	fmt.Fprintf(&b, "participants   %d active (%d in all), %d of %d slots open\n", s.Active, s.Participants, s.OpenSlots, s.Capacity)
	fmt.Fprintf(&b, "goals          %d with %d progress entries\n", s.Goals, s.Progress)
	fmt.Fprintf(&b, "contacts       %d (%d clinical)\n", s.Contacts, s.Clinical)
	fmt.Fprintf(&b, "referrals      %d new in the queue, %d screened out\n", s.Referrals, s.ScreenedOut)
	fmt.Fprintf(&b, "legal cases    %d\n", s.LegalCases)
	fmt.Fprintf(&b, "ROIs           %d\n", s.ROIs)
	fmt.Fprintf(&b, "meetings       %d past, %d open action items\n", s.Meetings, s.OpenActions)
	return b.String()
}

// user is a demo user before it is stored.
type user struct {
	name, agency string
	role         store.Role
}

// Users lists the demo's users: every role, the four case managers first
// after the pm and the supervisor. None has an SSH key.
var users = []user{
	{"dana", "LEAD Program", store.RolePM},
	{"keisha", "LEAD Case Management", store.RoleSupervisor},
	{"tomas", "LEAD Case Management", store.RoleCaseManager},
	{"mei", "LEAD Case Management", store.RoleCaseManager},
	{"jamal", "LEAD Case Management", store.RoleCaseManager},
	{"sarah", "LEAD Case Management", store.RoleCaseManager},
	{"ellen", "City Attorney", store.RoleProsecutor},
	{"raj", "Public Defender", store.RoleDefender},
	{"reyes", "Metro PD", store.RolePolice},
	{"obrien", "County Sheriff", store.RolePolice},
	{"harbor", "Harbor Housing", store.RoleProvider},
	{"pastor.james", "Eastside Neighbors", store.RoleCommunity},
	{"uw.eval", "University Evaluation", store.RoleEvaluator},
}

// gen carries the generator's state.
type gen struct {
	ctx   context.Context
	s     store.Store
	r     *rand.Rand
	asOf  time.Time // as-of day, UTC midnight
	sum   Summary
	names map[string]bool
	cms   []string
	// participants created, active ones first in creation order
	parts []store.Participant
	// size is the number of active participants asked for (0: the
	// default site of about seventy); scale multiplies the rest to match.
	size, scale int
}

// Fill fills the empty store s with the demo site as of asOf (its date is
// used), deterministically for seed. It refuses a store holding site data.
func Fill(ctx context.Context, s store.Store, asOf time.Time, seed uint64) (Summary, error) {
	return FillN(ctx, s, asOf, seed, 0)
}

// FillN is Fill with a site of participants active participants (0 or
// less: the default size, exactly what Fill makes). A larger site keeps the
// same seed and shape: goals, contacts and ROIs for each participant, legal
// cases and new referrals in proportion, and enough case managers near
// their caps to hold everyone.
func FillN(ctx context.Context, s store.Store, asOf time.Time, seed uint64, participants int) (Summary, error) {
	empty, err := s.Empty(ctx)
	if err != nil {
		return Summary{}, err
	}
	if !empty {
		return Summary{}, ErrNotEmpty
	}
	g := &gen{
		ctx:   ctx,
		s:     s,
		r:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		asOf:  store.DateOf(asOf),
		names: map[string]bool{},
		size:  max(participants, 0),
		scale: 1,
	}
	if g.size > 0 {
		g.scale = max(1, (g.size+defaultActive-1)/defaultActive)
	}
	steps := []func() error{g.users, g.participants, g.cases, g.referrals, g.meeting, g.history, g.timelines}
	for _, step := range steps {
		if err := step(); err != nil {
			return g.sum, err
		}
	}
	return g.sum, nil
}

// day returns the as-of day moved by n days.
func (g *gen) day(n int) time.Time { return g.asOf.AddDate(0, 0, n) }

// at returns day n at a working hour.
func (g *gen) at(n int) time.Time {
	return g.day(n).Add(time.Duration(8+g.r.IntN(10))*time.Hour + time.Duration(g.r.IntN(60))*time.Minute)
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func cmActor(name string) store.Actor {
	return store.Actor{User: name, Role: store.RoleCaseManager, Agency: "LEAD Case Management"}
}

// name returns a new unique person name.
func (g *gen) name() string {
	for _, n := range fixedNames {
		if !g.names[n] {
			g.names[n] = true
			return n
		}
	}
	for tries := 0; ; tries++ {
		n := pick(g.r, firstNames) + " " + pick(g.r, lastNames)
		if tries > 20 { // a large site runs out of pairs: add a middle initial
			f, l, _ := strings.Cut(n, " ")
			n = f + " " + string(rune('A'+g.r.IntN(26))) + ". " + l
		}
		if !g.names[n] {
			g.names[n] = true
			return n
		}
	}
}

// dob returns a date of birth for an adult of 19 to 66 on the as-of day.
func (g *gen) dob() time.Time {
	return g.day(-(19*365 + g.r.IntN(47*365)))
}

// defaultActive is about the default site's active participants.
const defaultActive = 67

// extraCaseManagers returns how many case managers beyond the four a site
// of size active participants needs to keep its caseloads near 85% of the
// caps, as the default site is.
func extraCaseManagers(size int) int {
	need := (size*100 + CaseManagerCap*85 - 1) / (CaseManagerCap * 85)
	return max(0, need-4)
}

func (g *gen) users() error {
	all := slices.Clone(users)
	for i := range extraCaseManagers(g.size) {
		all = append(all, user{fmt.Sprintf("cm%03d", i+1), "LEAD Case Management", store.RoleCaseManager})
	}
	for _, u := range all {
		su := store.User{Name: u.name, Role: u.role, Agency: u.agency, Active: true}
		if u.role == store.RoleCaseManager {
			su.Cap = CaseManagerCap
			g.cms = append(g.cms, u.name)
			g.sum.CaseManagers++
			g.sum.Capacity += CaseManagerCap
		}
		if _, err := g.s.CreateUser(g.ctx, store.SystemActor, su); err != nil {
			return fmt.Errorf("demo user %s: %w", u.name, err)
		}
		g.sum.Users++
	}
	return nil
}

func (g *gen) participants() error {
	active := 64 + g.r.IntN(7) // 64..70 of 80 slots
	exited := 3 + g.r.IntN(3)
	if g.size > 0 {
		active, exited = g.size, max(exited, g.size/20)
	}
	for i := range active + exited {
		cm := g.cms[i%len(g.cms)]
		enrolledDays := 20 + g.r.IntN(500)
		if i < 6 {
			enrolledDays = 8 + g.r.IntN(20) // a few recent enrollments
		}
		p := store.Participant{
			Name:          g.name(),
			DOB:           g.dob(),
			Pronouns:      pick(g.r, pronouns),
			RaceEthnicity: pick(g.r, raceEthnicities),
			EnrolledOn:    g.day(-enrolledDays),
			CaseManager:   cm,
			Status:        store.StatusEngaging,
			Housing:       pick(g.r, housing),
		}
		if g.chance(0.15) {
			p.Aliases = []string{strings.Fields(p.Name)[0][:1] + "."}
		}
		switch x := g.r.IntN(10); {
		case x == 0:
			p.Status = store.StatusUnableToLocate
		case x <= 2:
			p.Status = store.StatusNotYetEngaged
		}
		if i >= active {
			p.Status = store.StatusExited
			p.ExitReason = pick(g.r, []string{"moved out of the area", "graduated: housed and stable", "chose to leave the program"})
		}
		if g.chance(0.1) && p.Status != store.StatusExited {
			p.FlaggedBy = pick(g.r, []string{"harbor", "reyes", "raj"})
		}
		created, err := g.s.CreateParticipant(g.ctx, store.SystemActor, p)
		if err != nil {
			return fmt.Errorf("demo participant: %w", err)
		}
		g.parts = append(g.parts, created)
		g.sum.Participants++
		if created.Status.Active() {
			g.sum.Active++
		}
		if err := g.goals(created, enrolledDays); err != nil {
			return err
		}
		if err := g.contacts(created, enrolledDays); err != nil {
			return err
		}
		if err := g.rois(created, enrolledDays); err != nil {
			return err
		}
	}
	g.sum.OpenSlots = max(0, g.sum.Capacity-g.sum.Active)
	return nil
}

// goals creates one to three goals with a progress entry every few weeks
// since enrollment: mostly forward, some no change, some setbacks.
func (g *gen) goals(p store.Participant, enrolledDays int) error {
	n := 1 + g.r.IntN(3)
	texts := slices.Clone(goalTexts)
	g.r.Shuffle(len(texts), func(i, j int) { texts[i], texts[j] = texts[j], texts[i] })
	for _, t := range texts[:n] {
		goal := store.Goal{
			ParticipantID: p.ID,
			Words:         t.words,
			Domain:        store.GoalDomain(t.domain),
			Status:        store.GoalActive,
		}
		if g.chance(0.12) {
			goal.Status = store.GoalAchieved
		} else if g.chance(0.06) {
			goal.Status = store.GoalSetAside
		}
		for d := enrolledDays - 3 - g.r.IntN(7); d > 2; d -= 12 + g.r.IntN(25) {
			step := store.StepForward
			switch x := g.r.IntN(10); {
			case x < 2:
				step = store.StepSetback
			case x < 4:
				step = store.StepNoChange
			}
			e := store.ProgressEntry{
				Date:   g.at(-d),
				Step:   step,
				Note:   pick(g.r, progressNotes[string(step)]),
				Author: p.CaseManager,
			}
			// clinical in the sensitive domains; a note about use is
			// clinical on any goal
			e.Sensitivity = store.DefaultProgressSensitivity(goal, store.DefaultSensitiveGoalDomains())
			if slices.Contains(clinicalProgressNotes, e.Note) {
				e.Sensitivity = store.Clinical
			}
			goal.Progress = append(goal.Progress, e)
		}
		author := cmActor(p.CaseManager)
		if p.CaseManager == "" {
			author = store.SystemActor
		}
		if _, err := g.s.CreateGoal(g.ctx, author, goal); err != nil {
			return fmt.Errorf("demo goal: %w", err)
		}
		g.sum.Goals++
		g.sum.Progress += len(goal.Progress)
	}
	return nil
}

// contacts creates a contact every week or three since enrollment; some
// participants have gone a while without one (overdue), and about one in
// six contacts is clinical.
func (g *gen) contacts(p store.Participant, enrolledDays int) error {
	last := 1 + g.r.IntN(10)
	if g.chance(0.15) || p.Status == store.StatusUnableToLocate {
		last = 15 + g.r.IntN(30) // overdue
	}
	if p.Status == store.StatusExited {
		last = 40 + g.r.IntN(60)
	}
	var ds []int
	for d := last; d < enrolledDays && len(ds) < 14; d += 6 + g.r.IntN(18) {
		ds = append(ds, d)
	}
	slices.Reverse(ds) // oldest first
	for _, d := range ds {
		c := store.Contact{
			ParticipantID: p.ID,
			Date:          g.at(-d),
			Kind:          pick(g.r, store.ContactKinds),
			Sensitivity:   store.General,
			Note:          pick(g.r, generalNotes),
			Author:        p.CaseManager,
		}
		if g.chance(0.17) {
			c.Sensitivity = store.Clinical
			c.Note = pick(g.r, clinicalNotes)
			c.Kind = pick(g.r, []store.ContactKind{store.ContactOffice, store.ContactPhone, store.ContactStreet})
		}
		author := cmActor(c.Author)
		if c.Author == "" {
			c.Author, author = g.cms[0], store.SystemActor // no case manager: the system writes
		}
		if _, err := g.s.CreateContact(g.ctx, author, c); err != nil {
			return fmt.Errorf("demo contact: %w", err)
		}
		g.sum.Contacts++
		if c.Sensitivity == store.Clinical {
			g.sum.Clinical++
		}
	}
	return nil
}

// partners are the roles an ROI usually names.
var partners = []store.Role{store.RoleProsecutor, store.RoleDefender, store.RolePolice, store.RoleProvider}

// rois gives most participants an ROI naming every partner role for
// identity, goals, general contacts and legal cases (care coordination);
// some name only the defender; some name agencies (Metro PD but not the
// County Sheriff); some release sensitive data to Harbor Housing for
// treatment coordination; some expired, some were revoked, a few never
// signed one.
func (g *gen) rois(p store.Participant, enrolledDays int) error {
	if g.chance(0.1) {
		return nil // never signed one
	}
	signed := g.day(-enrolledDays + g.r.IntN(5))
	roi := store.ROI{
		ParticipantID: p.ID,
		Roles:         slices.Clone(partners),
		Classes:       slices.Clone(store.LegacyROIClasses),
		Purpose:       "care coordination",
		Signed:        signed,
		Expires:       signed.AddDate(1, 0, 0),
		RecordedBy:    p.CaseManager,
	}
	var extra *store.ROI
	switch x := g.r.IntN(20); {
	case x < 3:
		roi.Roles = []store.Role{store.RoleDefender}
		roi.Classes = []store.DataKind{store.DataIdentity, store.DataGeneralContacts, store.DataLegalCases}
		roi.Purpose = "legal defense"
	case x < 5:
		// a provider by name, with treatment information
		roi.Roles = []store.Role{store.RoleDefender}
		roi.Agencies = []string{"Harbor Housing"}
		roi.Classes = slices.Clone(store.ROIClasses)
		roi.Purpose = "housing placement and treatment coordination"
	case x < 7:
		roi.Expires = g.day(-1 - g.r.IntN(40)) // expired
		roi.Signed = roi.Expires.AddDate(-1, 0, 0)
	case x < 9:
		roi.Revoked = g.day(-1 - g.r.IntN(30))
		if !roi.Revoked.After(signed) {
			roi.Revoked = signed.AddDate(0, 0, 1)
		}
	case x < 11:
		roi.Expires = g.day(3 + g.r.IntN(25)) // expiring soon
		roi.Signed = roi.Expires.AddDate(-1, 0, 0)
	case x < 13:
		// agencies by name: Metro PD officers, not the County Sheriff's
		roi.Roles = []store.Role{store.RoleProvider}
		roi.Agencies = []string{"Metro PD", "City Attorney", "Public Defender"}
	case x < 15:
		// the usual release, and a second one for Harbor Housing's
		// treatment team that lists sensitive data
		extra = &store.ROI{ParticipantID: p.ID, Agencies: []string{"Harbor Housing"},
			Classes: []store.DataKind{store.DataIdentity, store.DataGoals, store.DataSensitive},
			Purpose: "treatment coordination", Signed: signed, Expires: signed.AddDate(0, 6, 0), RecordedBy: p.CaseManager}
		if extra.Expires.Before(g.asOf) {
			extra.Expires = g.day(60)
		}
	}
	if roi.RecordedBy == "" {
		roi.RecordedBy = g.cms[0]
	}
	if extra != nil {
		if extra.RecordedBy == "" {
			extra.RecordedBy = g.cms[0]
		}
		if _, err := g.s.CreateROI(g.ctx, store.SystemActor, *extra); err != nil {
			return fmt.Errorf("demo ROI: %w", err)
		}
		g.sum.ROIs++
	}
	if _, err := g.s.CreateROI(g.ctx, store.SystemActor, roi); err != nil {
		return fmt.Errorf("demo ROI: %w", err)
	}
	g.sum.ROIs++
	return nil
}

// cases creates about twenty legal cases among active participants:
// court dates in the coming weeks, warrants, post-enrollment cases and
// diverted arrests nearing their intake deadline.
func (g *gen) cases() error {
	var active []store.Participant
	for _, p := range g.parts {
		if p.Status.Active() {
			active = append(active, p)
		}
	}
	order := g.r.Perm(len(active))
	base := 18 + g.r.IntN(5)
	n := base * g.scale
	caseNo := 24000 + g.r.IntN(5000)
	for j := range n {
		i := j % base
		p := active[order[j%len(active)]]
		caseNo += 1 + g.r.IntN(300)
		c := store.LegalCase{
			ParticipantID: p.ID,
			CaseNumber:    fmt.Sprintf("%d-CR-%05d", g.asOf.Year()%100, caseNo),
			Court:         pick(g.r, courts),
			Charges:       pick(g.r, chargesByKind),
			Status:        store.CaseOpen,
		}
		switch {
		case i < 7: // pre-existing cases with court dates in the coming weeks
			c.Kind = store.CasePreExisting
			c.NextCourtDate = g.day(1 + g.r.IntN(18))
			c.Hearings = []store.Hearing{{Date: g.day(-20 - g.r.IntN(40)), Outcome: pick(g.r, []string{"kept", "continued", "missed"})}}
			c.Position = pick(g.r, []store.Position{store.PositionNone, store.PositionHoldFiling, store.PositionOffer})
		case i < 11: // warrants
			c.Kind = store.CaseWarrant
			c.Charges = "bench warrant: failure to appear"
			c.Court = "Municipal Court"
		case i < 15: // post-enrollment cases, some new
			c.Kind = store.CasePostEnrollment
			if g.chance(0.6) {
				c.NextCourtDate = g.day(3 + g.r.IntN(25))
			}
		case i < 19: // diverted arrests, intake deadline near
			c.Kind = store.CaseDivertedArrest
			arrest := g.day(-(22 + g.r.IntN(10)))
			c.IntakeDeadline = arrest.AddDate(0, 0, 30)
			c.Court = ""
			c.CaseNumber = ""
			c.Position = store.PositionHoldFiling
		default: // resolved older cases
			c.Kind = store.CasePreExisting
			c.Status = store.CaseResolved
			c.ResolvedOn = g.day(-10 - g.r.IntN(90))
			c.Position = store.PositionDismiss
		}
		if _, err := g.s.CreateCase(g.ctx, store.SystemActor, c); err != nil {
			return fmt.Errorf("demo legal case: %w", err)
		}
		g.sum.LegalCases++
	}
	return nil
}

type refOffense struct {
	kind    store.ReferralKind
	offense string
}

// referralMix is the queue's kinds and offenses: mostly eligible, two
// that this site's protocol screens out.
var referralMix = []refOffense{
	{store.KindArrestDiversion, "drug_possession"}, {store.KindArrestDiversion, "trespass"},
	{store.KindArrestDiversion, "theft_misdemeanor"}, {store.KindArrestDiversion, "prostitution"},
	{store.KindArrestDiversion, "transit_misconduct"}, {store.KindArrestDiversion, "public_disorder"},
	{store.KindArrestDiversion, "drug_possession"}, {store.KindArrestDiversion, "trespass"},
	{store.KindArrestDiversion, "theft_misdemeanor"}, {store.KindArrestDiversion, "drug_possession"},
	{store.KindSocialContact, ""}, {store.KindSocialContact, ""}, {store.KindSocialContact, "public_disorder"},
	{store.KindSocialContact, ""}, {store.KindSocialContact, ""}, {store.KindSocialContact, "drug_possession"},
	{store.KindSocialContact, ""}, {store.KindCommunity, ""}, {store.KindCommunity, ""},
	{store.KindCommunity, ""}, {store.KindCommunity, ""}, {store.KindCommunity, ""},
	{store.KindArrestDiversion, "dui"}, {store.KindSocialContact, "domestic_violence"},
}

// referrals creates about 25 new referrals: more than the open slots.
func (g *gen) referrals() error {
	var mix []refOffense
	for range g.scale {
		mix = append(mix, referralMix...)
	}
	g.r.Shuffle(len(mix), func(i, j int) { mix[i], mix[j] = mix[j], mix[i] })
	var refs []store.Referral
	for _, m := range mix {
		rf := store.Referral{
			Received: g.at(-1 - g.r.IntN(34)),
			Kind:     m.kind,
			Person:   store.Person{Name: g.name()},
			Offense:  m.offense,
			Location: pick(g.r, locations),
			Indicators: store.Indicators{
				Unsheltered:       g.chance(0.55),
				Contacts12m:       g.r.IntN(8),
				Impairment:        g.r.IntN(3),
				VictimizationRisk: g.chance(0.3),
				Warrant:           g.chance(0.15),
			},
			RaceEthnicity: pick(g.r, raceEthnicities),
			Status:        store.RefNew,
		}
		if g.chance(0.85) {
			rf.Person.DOB = g.dob()
		} else {
			rf.Person.ApproxAge = 25 + g.r.IntN(30)
		}
		if g.chance(0.25) {
			rf.Indicators.NextCourtDate = g.day(2 + g.r.IntN(40))
		}
		switch m.kind {
		case store.KindArrestDiversion:
			u := pick(g.r, users[8:10])
			rf.Referrer, rf.Agency, rf.ReferrerUser = "Officer "+strings.ToUpper(u.name[:1])+u.name[1:], u.agency, u.name
			rf.Received = g.at(-1 - g.r.IntN(28))
		case store.KindSocialContact:
			u := pick(g.r, users[8:10])
			rf.Referrer, rf.Agency, rf.ReferrerUser = "Officer "+strings.ToUpper(u.name[:1])+u.name[1:], u.agency, u.name
		default:
			rf.Referrer, rf.Agency = pick(g.r, []string{"Pastor James", "Harbor Housing outreach", "Eastside business association"}),
				pick(g.r, []string{"Eastside Neighbors", "Harbor Housing", "Downtown Business Improvement"})
		}
		refs = append(refs, rf)
	}
	// One re-referral: a new arrest of someone already enrolled.
	if p, ok := g.activeWithDOB(); ok {
		refs = append(refs, store.Referral{
			Received:     g.at(-2),
			Kind:         store.KindArrestDiversion,
			Referrer:     "Officer Reyes",
			Agency:       "Metro PD",
			ReferrerUser: "reyes",
			Person:       store.Person{Name: p.Name, DOB: p.DOB},
			Offense:      "trespass",
			Location:     pick(g.r, locations),
			Indicators:   store.Indicators{Unsheltered: true, Contacts12m: 3},
			Status:       store.RefNew,
			ReReferralOf: p.ID,
		})
	}
	slices.SortStableFunc(refs, func(a, b store.Referral) int { return a.Received.Compare(b.Received) })
	proto := store.DefaultProtocol()
	// Field referrals older than a day were taken by the on-call
	// supervisor within minutes to a couple of hours (so the intake-response
	// report has data); the newest wait on the Today screen for a handoff.
	for i := range refs {
		rf := &refs[i]
		if rf.Kind == store.KindCommunity || g.asOf.Sub(rf.Received) < 24*time.Hour {
			continue
		}
		rf.AckBy = "keisha"
		rf.AckAt = rf.Received.Add(time.Duration(4+(i*37)%115) * time.Minute)
	}
	for _, rf := range refs {
		// Screened on entry as an import or `owg referral add` screens
		// it: an ineligible referral is stored screened_out with its reason.
		if ok, reason := store.Eligibility(proto, rf); !ok && rf.ReReferralOf == "" {
			rf.Status, rf.Reason = store.RefScreenedOut, reason
		}
		if _, err := g.s.CreateReferral(g.ctx, store.SystemActor, rf); err != nil {
			return fmt.Errorf("demo referral: %w", err)
		}
		if rf.Status == store.RefScreenedOut {
			g.sum.ScreenedOut++
		} else {
			g.sum.Referrals++
		}
	}
	return nil
}

func (g *gen) activeWithDOB() (store.Participant, bool) {
	for _, p := range g.parts[len(g.parts)/2:] {
		if p.Status.Active() {
			return p, true
		}
	}
	return store.Participant{}, false
}

// meeting creates one ended meeting about two weeks ago, with its agenda
// and action items, most of them still open.
func (g *gen) meeting() error {
	date := g.day(-14).Add(10 * time.Hour)
	m := store.Meeting{
		Date:        date,
		Facilitator: "dana",
		Attendees:   []string{"dana", "keisha", "tomas", "mei", "jamal", "sarah", "ellen", "raj", "reyes", "harbor"},
		Status:      store.MeetingEnded,
		EndedAt:     date.Add(95 * time.Minute),
	}
	add := func(kind store.ItemKind, subject, title, reason, presenter string) {
		m.Items = append(m.Items, store.AgendaItem{
			ID: fmt.Sprint(len(m.Items) + 1), Kind: kind, Subject: subject, Title: title,
			Reason: reason, Presenter: presenter, Status: store.ItemDiscussed,
		})
	}
	add(store.ItemActionItems, "", "Action items from the last meeting", "", "dana")
	add(store.ItemReferral, "", "New referrals and capacity", "queue over capacity", "keisha")
	var reviewed []store.Participant
	for _, p := range g.parts[:8] {
		if p.Status.Active() {
			reviewed = append(reviewed, p)
		}
	}
	for _, p := range reviewed[:min(4, len(reviewed))] {
		add(store.ItemGoalReview, p.ID, "Goal review "+p.ID, "rotation", p.CaseManager)
	}
	m.Items[len(m.Items)-1].Status = store.ItemSkipped
	m.Current = len(m.Items) - 1
	m.Items[1].Decisions = []store.Decision{{Time: date.Add(20 * time.Minute), Author: "dana", Text: "offer the open slots in rank order; revisit the waitlist next meeting"}}
	m.Items[2].Notes = []store.Note{{Time: date.Add(35 * time.Minute), Author: m.Items[2].Presenter, Text: "housing application submitted; waiting on the ID", Sensitivity: store.General}}
	texts := []struct {
		text, owner string
		sens        store.Sensitivity
	}{
		{"Call the DMV about replacement ID appointments for two participants", "tomas", ""},
		{"Ask the court clerk to move a hearing that conflicts with detox intake", "raj", store.Clinical},
		{"Check which warrants can be quashed before the next sweep", "ellen", ""},
		{"Hold two shelter beds for new enrollments this month", "harbor", ""},
		{"Send the waitlist positions to referring officers", "keisha", ""},
		{"Update the ROI forms to list Harbor Housing by name", "dana", ""},
	}
	for i, t := range texts {
		a := store.ActionItem{
			ID:          fmt.Sprintf("A-%04d", i+1),
			ItemID:      m.Items[min(i%3+1, len(m.Items)-1)].ID,
			Text:        t.text,
			Owner:       t.owner,
			Due:         g.day(-7 + 3*i),
			Sensitivity: t.sens,
		}
		if i == 4 {
			a.Done, a.DoneAt = true, g.at(-5)
		} else {
			g.sum.OpenActions++
		}
		m.ActionItems = append(m.ActionItems, a)
	}
	if _, err := g.s.CreateMeeting(g.ctx, store.SystemActor, m); err != nil {
		return fmt.Errorf("demo meeting: %w", err)
	}
	g.sum.Meetings++
	return nil
}

// history records the referral each participant came from (accepted on
// the day of enrollment) and some past referrals the OWG declined or
// screened out, so decisions, timeliness and the equity check have data.
// It draws from its own generator so the rest of the site stays the same
// for a seed.
func (g *gen) history() error {
	r := rand.New(rand.NewPCG(uint64(len(g.parts))*7919, 0x5eed))
	proto := store.DefaultProtocol()
	kinds := []store.ReferralKind{store.KindArrestDiversion, store.KindSocialContact, store.KindSocialContact, store.KindCommunity}
	offenses := []string{"drug_possession", "trespass", "theft_misdemeanor", "public_disorder"}
	for i, p := range g.parts {
		kind := pick(r, kinds)
		received := p.EnrolledOn.AddDate(0, 0, -(2 + r.IntN(18))).Add(time.Duration(7+r.IntN(14)) * time.Hour)
		rf := store.Referral{
			Received: received, Kind: kind,
			Person:        store.Person{Name: p.Name, DOB: p.DOB},
			Indicators:    store.Indicators{Unsheltered: r.IntN(2) == 0, Contacts12m: r.IntN(6), Impairment: r.IntN(3)},
			RaceEthnicity: p.RaceEthnicity,
			Status:        store.RefAccepted,
			DecidedAt:     p.EnrolledOn.Add(10 * time.Hour),
			DecidedBy:     "dana",
			ParticipantID: p.ID,
		}
		if kind != store.KindCommunity {
			u := pick(r, users[8:10])
			rf.Referrer, rf.Agency, rf.ReferrerUser = "Officer "+strings.ToUpper(u.name[:1])+u.name[1:], u.agency, u.name
			rf.AckBy, rf.AckAt = "keisha", received.Add(time.Duration(5+r.IntN(80))*time.Minute)
			if kind == store.KindArrestDiversion {
				rf.Offense = pick(r, offenses)
			}
		} else {
			rf.Referrer, rf.Agency = "Harbor Housing outreach", "Harbor Housing"
		}
		created, err := g.s.CreateReferral(g.ctx, store.SystemActor, rf)
		if err != nil {
			return fmt.Errorf("demo past referral: %w", err)
		}
		cur, err := g.s.GetParticipant(g.ctx, p.ID)
		if err != nil {
			return err
		}
		cur.ReferralID = created.ID
		// The rotation in steady state: half were reviewed at the last
		// meeting, half at the one before; newcomers not yet.
		if last := g.day(-14 - 14*(i%2)); !cur.EnrolledOn.After(last) && cur.Status.Active() {
			cur.LastReview = last
		}
		if _, err := g.s.UpdateParticipant(g.ctx, store.SystemActor, cur); err != nil {
			return fmt.Errorf("demo participant referral: %w", err)
		}
	}
	// Past referrals that did not become enrollments, over the last 80 days.
	for i := range 14 * g.scale {
		received := g.day(-(10 + r.IntN(70))).Add(time.Duration(6+r.IntN(16)) * time.Hour)
		rf := store.Referral{
			Received: received, Kind: pick(r, kinds[:3]),
			Person:        store.Person{Name: g.name(), DOB: g.dob()},
			Indicators:    store.Indicators{Contacts12m: r.IntN(4), Impairment: r.IntN(2)},
			RaceEthnicity: pick(r, raceEthnicities),
			DecidedAt:     received.AddDate(0, 0, 3+r.IntN(10)),
			DecidedBy:     "dana",
		}
		u := pick(r, users[8:10])
		rf.Referrer, rf.Agency, rf.ReferrerUser = "Officer "+strings.ToUpper(u.name[:1])+u.name[1:], u.agency, u.name
		rf.AckBy, rf.AckAt = "keisha", received.Add(time.Duration(5+r.IntN(100))*time.Minute)
		switch {
		case i%4 == 0:
			rf.Kind, rf.Offense = store.KindArrestDiversion, pick(r, []string{"dui", "felony_assault"})
			_, rf.Reason = store.Eligibility(proto, rf)
			rf.Status = store.RefScreenedOut
		case i%4 == 1:
			rf.Status, rf.Reason = store.RefWithdrawn, "moved out of the area"
		default:
			rf.Status, rf.Reason = store.RefDeclined, pick(r, []string{"declined_by_person", "already_served"})
			rf.DecisionNote = map[string]string{"declined_by_person": "declined services when contacted", "already_served": "already served by another program"}[rf.Reason]
			if rf.Kind == store.KindArrestDiversion {
				rf.Offense = pick(r, offenses)
			}
		}
		if _, err := g.s.CreateReferral(g.ctx, store.SystemActor, rf); err != nil {
			return fmt.Errorf("demo past referral: %w", err)
		}
	}
	return nil
}
