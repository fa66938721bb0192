package store

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// AgendaInput is everything BuildAgenda reads. The caller loads it from the
// store; BuildAgenda itself touches nothing.
type AgendaInput struct {
	Protocol Protocol
	AsOf     time.Time // the meeting's date (or now)
	// LastMeeting is the last meeting held before this one, nil when none:
	// its open action items come first, and "new" means since it ended.
	LastMeeting  *Meeting
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

// BuildAgenda builds a meeting's agenda from the data, in the order of
// DOMAIN.md rule 3:
//
//  1. one item for the last meeting's open action items, if any;
//  2. referrals: each ranked referral that is new since the last meeting,
//     still undecided (status new) or newly offered a slot from the
//     waitlist, in rank order with its rank, score and decision; then the
//     re-referrals of enrolled participants;
//  3. pending cases (open cases of active participants), each once, in
//     this order: court dates in the next court_window_days, post-enrollment
//     cases opened since the last meeting, active warrants, diverted arrests
//     whose intake deadline is within deadline_near_days (or past) and
//     whose intake is not complete;
//  4. goal reviews, each active participant at most once: those flagged by
//     a partner, then those with no contact for more than
//     overdue_contact_days (longest first), then the rotation: those never
//     reviewed or whose last review would be more than review_rotation_days
//     old by the next meeting (meeting_every_days on), oldest first, so that
//     everyone is reviewed at least once per rotation period.
//
// Titles never name anyone: they are built from ids and kinds. Items are
// numbered "1", "2", ... and pending.
func BuildAgenda(in AgendaInput) []AgendaItem {
	p := in.Protocol
	asOf := in.AsOf
	day := DateOf(asOf)
	since := in.since()
	var items []AgendaItem
	push := func(it AgendaItem) {
		it.ID = strconv.Itoa(len(items) + 1)
		it.Status = ItemPending
		items = append(items, it)
	}

	// 1. Action items from the last meeting.
	if m := in.LastMeeting; m != nil {
		open, late := 0, 0
		for _, a := range m.ActionItems {
			if a.Done {
				continue
			}
			open++
			if !a.Due.IsZero() && DateOf(a.Due).Before(day) {
				late++
			}
		}
		if open > 0 {
			reason := fmt.Sprintf("%d open", open)
			if late > 0 {
				reason += fmt.Sprintf(", %d past due", late)
			}
			push(AgendaItem{
				Kind: ItemActionItems, Subject: m.ID,
				Title:     "Action items from " + titleID(m.ID),
				Reason:    reason,
				Presenter: CleanLine(m.Facilitator),
			})
		}
	}

	// 2. New referrals with the ranking and capacity, then re-referrals.
	rk := in.Ranking
	for _, rr := range rk.Ranked {
		r := rr.Referral
		reopened := r.Status == RefWaitlisted && rr.Decision == DecisionOffer
		if !(r.Status == RefNew || reopened || newSince(r.Received, since)) {
			continue
		}
		reason := fmt.Sprintf("rank %d of %d, score %d, ", rr.Rank, len(rk.Ranked), rr.Score)
		if rr.Decision == DecisionWaitlist {
			reason += fmt.Sprintf("waitlist #%d", rr.WaitlistPos)
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

	// 4. Goal reviews: flagged, overdue, rotation; each participant once.
	var active []Participant
	for _, pt := range in.Participants {
		if pt.Status.Active() {
			active = append(active, pt)
		}
	}
	slices.SortFunc(active, func(a, b Participant) int { return compareIDs(a.ID, b.ID) })
	reviewed := map[string]bool{}
	review := func(pt Participant, reason string) {
		reviewed[pt.ID] = true
		push(AgendaItem{
			Kind: ItemGoalReview, Subject: pt.ID,
			Title:     "Goal review: " + titleID(pt.ID),
			Reason:    reason,
			Presenter: CleanLine(pt.CaseManager),
		})
	}
	for _, pt := range active {
		if CleanLine(pt.FlaggedBy) != "" {
			review(pt, "flagged by "+CleanLine(pt.FlaggedBy))
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
		review(o.pt, overdueReason(o.pt, day))
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
		review(pt, reason)
	}
	if items == nil {
		items = []AgendaItem{}
	}
	return items
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
