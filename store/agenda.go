package store

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AgendaInput is everything BuildAgenda reads. The caller loads it from the
// store; BuildAgenda itself touches nothing.
type AgendaInput struct {
	Protocol Protocol
	AsOf     time.Time // the meeting's date (or now)
	// LastMeeting is the last meeting held before this one, nil when none:
	// "new" means since it ended, and its items added in the meeting that
	// were not reached come back.
	LastMeeting *Meeting
	// Earlier holds every meeting before this one: each open action item
	// of any of them comes back until it is closed. Nil: LastMeeting's.
	Earlier      []Meeting
	Ranking      Ranking       // Rank over the referral queue as of AsOf
	Participants []Participant // every participant (exited ones are skipped)
	Cases        []LegalCase   // every legal case (only open ones count)
}

// since is the instant "new" is measured from: when the last meeting
// ended, else its date; zero when there was none.
func (in AgendaInput) since() time.Time {
	if in.LastMeeting == nil {
		return time.Time{}
	}
	if !in.LastMeeting.EndedAt.IsZero() {
		return in.LastMeeting.EndedAt
	}
	return in.LastMeeting.Date
}

func newSince(t, since time.Time) bool { return since.IsZero() || t.After(since) }

// OpenAction is an open action item and the meeting it came from.
type OpenAction struct {
	ActionItem
	MeetingID string
	// ItemSubject is the subject of the agenda item it was recorded on
	// ("" when none): its text follows it when the action has no Subject.
	ItemSubject string
}

// FollowsSubject is the subject the action item's text follows, "" when
// general.
func (a OpenAction) FollowsSubject() string {
	if IsParticipantSubject(a.Subject) {
		return a.Subject
	}
	if IsParticipantSubject(a.ItemSubject) {
		return a.ItemSubject
	}
	return ""
}

// OpenActions returns the open action items of meetings ms, grouped by
// owner (owners with an overdue item first, then by name), overdue first
// within an owner, then by due date (none last) and id.
func OpenActions(ms []Meeting, day time.Time) []OpenAction {
	var out []OpenAction
	for _, m := range ms {
		subj := map[string]string{}
		for _, it := range m.Items {
			if it.Kind != ItemActionItems {
				subj[it.ID] = it.Subject
			}
		}
		for _, a := range m.ActionItems {
			if a.IsOpen() {
				out = append(out, OpenAction{ActionItem: a, MeetingID: m.ID, ItemSubject: subj[a.ItemID]})
			}
		}
	}
	late := map[string]bool{}
	for _, a := range out {
		if a.OverdueOn(day) {
			late[a.Owner] = true
		}
	}
	slices.SortStableFunc(out, func(a, b OpenAction) int {
		if late[a.Owner] != late[b.Owner] {
			if late[a.Owner] {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.Owner, b.Owner); c != 0 {
			return c
		}
		if ao, bo := a.OverdueOn(day), b.OverdueOn(day); ao != bo {
			if ao {
				return -1
			}
			return 1
		}
		switch {
		case a.Due.IsZero() && !b.Due.IsZero():
			return 1
		case !a.Due.IsZero() && b.Due.IsZero():
			return -1
		}
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return compareIDs(a.ID, b.ID)
	})
	return out
}

// AgendaPlan is a built agenda and its time budget.
type AgendaPlan struct {
	Items    []AgendaItem
	Estimate int // minutes: the sum of the items' minutes
	Budget   int // the protocol's [meeting] minutes
	// ReviewsDue is how many goal reviews were due (flagged, overdue,
	// rotation); ReviewsListed how many fit the time left. The rest wait
	// for the next meeting, first in line.
	ReviewsDue, ReviewsListed int
	// RotationMeetings is how many meetings it takes, at this pace, to
	// review everyone due (1 when all fit).
	RotationMeetings int
}

// ItemMinutes is the time budgeted for one item of kind k (the protocol's
// [meeting] table); open is the number of open action items for the
// action items item.
func ItemMinutes(b MeetingBudget, k ItemKind, open int) int {
	switch k {
	case ItemActionItems:
		per := max(b.ActionItemsPer, 1)
		return b.ActionItems * max((open+per-1)/per, 1)
	case ItemReferral:
		return b.Referral
	case ItemReferralSummary:
		return b.Summary
	case ItemCase:
		return b.Case
	case ItemGoalReview:
		return b.GoalReview
	}
	return b.Other
}

// AgendaMinutes sums the minutes budgeted for items.
func AgendaMinutes(items []AgendaItem) int {
	n := 0
	for _, it := range items {
		n += it.Minutes
	}
	return n
}

// BuildAgenda builds a meeting's agenda (PlanAgenda's items).
func BuildAgenda(in AgendaInput) []AgendaItem { return PlanAgenda(in).Items }

// PlanAgenda builds a meeting's agenda from the data, in the order of
// DOMAIN.md rule 3, within the protocol's [meeting] time budget:
//
//  1. one item for every open action item of any earlier meeting, if any
//     (grouped by owner, overdue first: OpenActions);
//  2. referrals: each the ranking offers a slot, in rank order with its
//     rank, score and decision; the first waitlist_shown waitlisted; the
//     re-referrals of enrolled participants; then one summary item for the
//     rest ("9 more waitlisted, 4 screened out") that the facilitator can
//     expand (More holds their ids);
//  3. pending cases (open cases of active participants), each once, in
//     this order: court dates in the next court_window_days, post-enrollment
//     cases opened since the last meeting, active warrants, diverted arrests
//     whose intake deadline is within deadline_near_days (or past) and
//     whose intake is not complete;
//  4. the items added in the last meeting that it did not reach;
//  5. goal reviews, each active participant at most once: those flagged by
//     a partner, then those with no contact for more than
//     overdue_contact_days (longest first), then the rotation (never
//     reviewed or whose last review would be more than review_rotation_days
//     old by the next meeting, oldest first), but only as many as the
//     minutes left allow. A review not held keeps its place (its last
//     review date does not move), so the rotation resumes next meeting.
//
// Titles never name anyone: they are built from ids and kinds. Items are
// numbered "1", "2", ... and pending, each with its minutes.
func PlanAgenda(in AgendaInput) AgendaPlan {
	p := in.Protocol
	b := p.Meeting
	asOf := in.AsOf
	day := DateOf(asOf)
	since := in.since()
	var items []AgendaItem
	push := func(it AgendaItem) {
		it.ID = strconv.Itoa(len(items) + 1)
		it.Status = ItemPending
		if it.Minutes == 0 {
			it.Minutes = ItemMinutes(b, it.Kind, 0)
		}
		items = append(items, it)
	}

	// 1. Every open action item of an earlier meeting.
	earlier := in.Earlier
	if earlier == nil && in.LastMeeting != nil {
		earlier = []Meeting{*in.LastMeeting}
	}
	if open := OpenActions(earlier, day); len(open) > 0 {
		late := 0
		owners := map[string]bool{}
		from := []string{}
		for _, a := range open {
			if a.OverdueOn(day) {
				late++
			}
			owners[a.Owner] = true
			if !slices.Contains(from, a.MeetingID) {
				from = append(from, a.MeetingID)
			}
		}
		slices.SortFunc(from, compareIDs)
		reason := fmt.Sprintf("%d open, %d owner%s", len(open), len(owners), rkPlural(len(owners)))
		if late > 0 {
			reason += fmt.Sprintf(", %d past due", late)
		}
		title := "Open action items"
		if len(from) == 1 {
			title += " from " + titleID(from[0])
		} else {
			title += fmt.Sprintf(" from %d meetings", len(from))
		}
		presenter := ""
		if in.LastMeeting != nil {
			presenter = CleanLine(in.LastMeeting.Facilitator)
		}
		subject := ""
		if in.LastMeeting != nil {
			subject = in.LastMeeting.ID
		}
		push(AgendaItem{
			Kind: ItemActionItems, Subject: subject, Title: title, Reason: reason, Presenter: presenter,
			Minutes: ItemMinutes(b, ItemActionItems, len(open)),
		})
	}

	// 2. Referrals offered a slot, the first waitlisted, re-referrals, and
	// a summary of the rest.
	rk := in.Ranking
	var more []string
	waitMore := 0
	for _, rr := range rk.Ranked {
		r := rr.Referral
		if r.Status != RefNew && r.Status != RefWaitlisted {
			continue
		}
		if rr.Decision == DecisionWaitlist && rr.WaitlistPos > b.WaitlistShown {
			more = append(more, r.ID)
			waitMore++
			continue
		}
		reopened := r.Status == RefWaitlisted && rr.Decision == DecisionOffer
		reason := fmt.Sprintf("rank %d of %d, score %d, ", rr.Rank, len(rk.Ranked), rr.Score)
		if rr.Decision == DecisionWaitlist {
			reason += fmt.Sprintf("waitlist #%d", rr.WaitlistPos)
			if rr.Held {
				reason += ", held by the OWG's decision"
			}
		} else {
			reason += "offer"
		}
		reason += fmt.Sprintf(" (capacity %d)", rk.Capacity)
		if reopened {
			reason += "; a slot opened for this waitlisted referral"
		}
		if Unacknowledged(p, r, asOf) {
			reason += fmt.Sprintf("; not acknowledged within %d minutes", p.AckLimitMinutes)
		}
		push(AgendaItem{
			Kind: ItemReferral, Subject: r.ID,
			Title:  fmt.Sprintf("Referral %s (%s)", titleID(r.ID), KindLabel(r.Kind)),
			Reason: reason,
		})
	}
	for _, rr := range rk.ReReferrals {
		r := rr.Referral
		if !(r.Status == RefNew || newSince(r.Received, since)) {
			continue
		}
		push(AgendaItem{
			Kind: ItemReferral, Subject: r.ID,
			Title:  fmt.Sprintf("Re-referral %s (of %s)", titleID(r.ID), titleID(rr.ParticipantID)),
			Reason: "already enrolled: routed to the case manager, uses no capacity",
		})
	}
	screened := 0
	for _, so := range rk.ScreenedOut {
		if so.Referral.Status == RefNew || so.Referral.Status == RefScreenedOut || so.Referral.Status == RefWaitlisted {
			more = append(more, so.Referral.ID)
			screened++
		}
	}
	if len(more) > 0 {
		var parts []string
		if waitMore > 0 {
			parts = append(parts, fmt.Sprintf("%d more waitlisted", waitMore))
		}
		if screened > 0 {
			parts = append(parts, fmt.Sprintf("%d screened out", screened))
		}
		push(AgendaItem{
			Kind: ItemReferralSummary, Title: "Other referrals: " + strings.Join(parts, ", "),
			Reason: "x lists them one by one", More: more,
		})
	}

	// Participants by id, for case presenters and goal reviews.
	byID := make(map[string]Participant, len(in.Participants))
	for _, pt := range in.Participants {
		byID[pt.ID] = pt
	}

	// 3. Pending cases.
	type caseHit struct {
		c      LegalCase
		cat    int
		key    time.Time
		reason string
	}
	var hits []caseHit
	for _, c := range in.Cases {
		if c.Status != CaseOpen {
			continue
		}
		if pt, ok := byID[c.ParticipantID]; ok && !pt.Status.Active() {
			continue
		}
		hit := caseHit{c: c, cat: -1}
		var reasons []string
		consider := func(cat int, key time.Time, reason string) {
			if hit.cat < 0 {
				hit.cat, hit.key = cat, key
			}
			reasons = append(reasons, reason)
		}
		if !c.NextCourtDate.IsZero() {
			if d := DaysBetween(day, c.NextCourtDate); d >= 0 && d <= p.CourtWindowDays {
				consider(0, DateOf(c.NextCourtDate), "court "+inDays(d))
			}
		}
		if c.Kind == CasePostEnrollment && newSince(c.Created, since) {
			consider(1, c.Created, "new since the last meeting")
		}
		if c.Kind == CaseWarrant {
			consider(2, c.Created, "active warrant")
		}
		if c.Kind == CaseDivertedArrest && c.IntakeCompleted.IsZero() && !c.IntakeDeadline.IsZero() {
			if d := DaysBetween(day, c.IntakeDeadline); d <= p.DeadlineNearDays {
				r := "intake due " + inDays(d)
				if d < 0 {
					r = fmt.Sprintf("intake overdue by %d day%s", -d, rkPlural(-d))
				}
				consider(3, DateOf(c.IntakeDeadline), r)
			}
		}
		if hit.cat < 0 {
			continue
		}
		hit.reason = joinReasons(reasons)
		hits = append(hits, hit)
	}
	slices.SortFunc(hits, func(a, b caseHit) int {
		if a.cat != b.cat {
			return cmp.Compare(a.cat, b.cat)
		}
		if c := a.key.Compare(b.key); c != 0 {
			return c
		}
		return compareIDs(a.c.ID, b.c.ID)
	})
	caseTitles := [...]string{"Court date", "New post-enrollment case", "Active warrant", "Intake deadline"}
	for _, h := range hits {
		push(AgendaItem{
			Kind: ItemCase, Subject: h.c.ID,
			Title:     fmt.Sprintf("%s: %s (%s)", caseTitles[h.cat], titleID(h.c.ID), titleID(h.c.ParticipantID)),
			Reason:    h.reason,
			Presenter: CleanLine(byID[h.c.ParticipantID].CaseManager),
		})
	}

	// 4. Items added in the last meeting that it did not reach.
	if m := in.LastMeeting; m != nil {
		for _, it := range m.Items {
			if it.Kind != ItemOther || it.Status == ItemDiscussed {
				continue
			}
			push(AgendaItem{
				Kind: ItemOther, Subject: it.Subject, Title: it.Title, Typed: it.Typed,
				Reason: "not reached in " + titleID(m.ID), Presenter: it.Presenter,
			})
		}
	}

	// 5. Goal reviews: flagged, overdue, rotation; each participant once;
	// as many as the minutes left allow.
	var active []Participant
	for _, pt := range in.Participants {
		if pt.Status.Active() {
			active = append(active, pt)
		}
	}
	slices.SortFunc(active, func(a, b Participant) int { return compareIDs(a.ID, b.ID) })
	type review struct {
		pt     Participant
		reason string
	}
	var due []review
	reviewed := map[string]bool{}
	add := func(pt Participant, reason string) {
		reviewed[pt.ID] = true
		due = append(due, review{pt, reason})
	}
	for _, pt := range active {
		if CleanLine(pt.FlaggedBy) != "" {
			add(pt, "flagged by "+CleanLine(pt.FlaggedBy))
		}
	}
	type waited struct {
		pt   Participant
		days int
	}
	var overdue []waited
	for _, pt := range active {
		if !reviewed[pt.ID] && Overdue(p, pt, asOf) {
			ref, _ := contactReference(pt)
			d := 1 << 30
			if !ref.IsZero() {
				d = DaysBetween(ref, day)
			}
			overdue = append(overdue, waited{pt, d})
		}
	}
	slices.SortStableFunc(overdue, func(a, b waited) int { return cmp.Compare(b.days, a.days) })
	for _, o := range overdue {
		add(o.pt, overdueReason(o.pt, day))
	}
	var rotation []Participant
	for _, pt := range active {
		if !reviewed[pt.ID] && ReviewDue(p, pt, asOf) {
			rotation = append(rotation, pt)
		}
	}
	slices.SortStableFunc(rotation, func(a, b Participant) int {
		switch {
		case a.LastReview.IsZero() && b.LastReview.IsZero():
			return DateOf(a.EnrolledOn).Compare(DateOf(b.EnrolledOn))
		case a.LastReview.IsZero():
			return -1
		case b.LastReview.IsZero():
			return 1
		}
		return DateOf(a.LastReview).Compare(DateOf(b.LastReview))
	})
	for _, pt := range rotation {
		reason := "never reviewed in the OWG"
		if !pt.LastReview.IsZero() {
			d := DaysBetween(pt.LastReview, day)
			reason = fmt.Sprintf("rotation: last reviewed %d day%s ago", d, rkPlural(d))
		}
		add(pt, reason)
	}
	plan := AgendaPlan{Budget: b.Minutes, ReviewsDue: len(due)}
	per := max(b.GoalReview, 1)
	fit := max((b.Minutes-AgendaMinutes(items))/per, 0)
	for _, r := range due[:min(fit, len(due))] {
		push(AgendaItem{
			Kind: ItemGoalReview, Subject: r.pt.ID,
			Title:     "Goal review: " + titleID(r.pt.ID),
			Reason:    r.reason,
			Presenter: CleanLine(r.pt.CaseManager),
		})
	}
	plan.ReviewsListed = min(fit, len(due))
	plan.RotationMeetings = 1
	if plan.ReviewsDue > plan.ReviewsListed {
		if plan.ReviewsListed == 0 {
			plan.RotationMeetings = 0 // no time for any review: never at this pace
		} else {
			plan.RotationMeetings = (plan.ReviewsDue + plan.ReviewsListed - 1) / plan.ReviewsListed
		}
	}
	if items == nil {
		items = []AgendaItem{}
	}
	plan.Items = items
	plan.Estimate = AgendaMinutes(items)
	return plan
}

// Overdue reports whether an active participant has had no contact for
// more than the protocol's overdue_contact_days as of asOf. With no contact
// recorded, the days count from enrollment.
func Overdue(p Protocol, part Participant, asOf time.Time) bool {
	if !part.Status.Active() {
		return false
	}
	ref, _ := contactReference(part)
	if ref.IsZero() {
		return true
	}
	return DaysBetween(ref, asOf) > p.OverdueContactDays
}

// ReviewDue reports whether an active participant is due for a goal review
// in the rotation at a meeting on asOf: never reviewed, or their last review
// would be more than review_rotation_days old by the next meeting
// (meeting_every_days later).
func ReviewDue(p Protocol, part Participant, asOf time.Time) bool {
	if !part.Status.Active() {
		return false
	}
	if part.LastReview.IsZero() {
		return true
	}
	return DaysBetween(part.LastReview, asOf)+p.MeetingEveryDays > p.ReviewRotationDays
}

// Unacknowledged reports whether a field referral (arrest diversion or
// social contact) still waiting for its on-call acknowledgement is older
// than the protocol's ack_limit_minutes at now.
func Unacknowledged(p Protocol, r Referral, now time.Time) bool {
	if r.AckBy != "" || r.Received.IsZero() {
		return false
	}
	if r.Kind != KindArrestDiversion && r.Kind != KindSocialContact {
		return false
	}
	if r.Status != RefNew && r.Status != RefWaitlisted {
		return false
	}
	return now.Sub(r.Received) > time.Duration(p.AckLimitMinutes)*time.Minute
}

// contactReference is the date "no contact" counts from: the last contact,
// else enrollment, else creation. fromContact tells which.
func contactReference(pt Participant) (t time.Time, fromContact bool) {
	switch {
	case !pt.LastContact.IsZero():
		return pt.LastContact, true
	case !pt.EnrolledOn.IsZero():
		return pt.EnrolledOn, false
	default:
		return pt.Created, false
	}
}

func overdueReason(pt Participant, day time.Time) string {
	ref, fromContact := contactReference(pt)
	if ref.IsZero() {
		return "no contact recorded"
	}
	d := DaysBetween(ref, day)
	if fromContact {
		return fmt.Sprintf("no contact for %d days", d)
	}
	return fmt.Sprintf("no contact since enrollment %d days ago", d)
}

// inDays says when a day d days from now is: "today", "tomorrow", "in 3 days".
func inDays(d int) string {
	switch d {
	case 0:
		return "today"
	case 1:
		return "tomorrow"
	}
	return fmt.Sprintf("in %d days", d)
}

func joinReasons(rs []string) string {
	out := ""
	for i, r := range rs {
		if i > 0 {
			out += "; "
		}
		out += r
	}
	return out
}

// titleID cleans an id for a title (ids are never names, but they come
// from the store and may have been imported).
func titleID(id string) string {
	if id == "" {
		return "?"
	}
	return rkClip(CleanLine(id), 24)
}
