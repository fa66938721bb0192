package store

// ReferrerOutcome is what the person who made a referral may read of it:
// its status and the plain reason (a decision's coded label, a
// screen-out's message), never a decision's internal note.
type ReferrerOutcome struct {
	Status ReferralStatus
	Reason string
}

// ReferrerView is referral r as its referrer may read it under protocol
// p. seesParticipant tells whether the referrer may see the participant a
// re-referral matched (store.Visible shows them identity); when not, a
// re-referral reads exactly as a new referral of the same facts would
// (new, or screened out with the protocol's reason), so nothing tells the
// referrer that the person is known to LEAD.
func ReferrerView(p Protocol, r Referral, seesParticipant bool) ReferrerOutcome {
	out := ReferrerOutcome{Status: r.Status}
	switch r.Status {
	case RefNew:
		// an ineligible referral still in the queue reads as the ranking
		// will treat it (screened out), unless it is a re-referral the
		// referrer may know of (it goes to the case manager, not the ranking)
		if r.ReReferralOf == "" || !seesParticipant {
			if ok, reason := Eligibility(p, r); !ok {
				return ReferrerOutcome{Status: RefScreenedOut, Reason: ScreenOutMessage(p, r, reason)}
			}
		}
	case RefScreenedOut:
		out.Reason = ScreenOutMessage(p, r, r.Reason)
	case RefDeclined, RefWaitlisted:
		out.Reason = OutcomeOf(p, r).Label
	}
	return out
}
