package store

import "strings"

// HeadingAccess is what a reader may see of the heading of agenda item it
// (its title, the reason it is on the agenda, its subject id), given what
// the reader (every reader, in a room) may see of the identity of the
// item's participant (participant and case subjects: Visible or
// RoomAccess over DataIdentity) and of its referral (referral subjects:
// ReferralAccess, or RoomAccess over DataReferrals). Items of no subject
// (open action items, the summary of other referrals, business typed
// without one) are shown: their text was checked for names when written.
func HeadingAccess(it AgendaItem, identity, referral Access) Access {
	switch {
	case it.Kind == ItemActionItems || it.Kind == ItemReferralSummary:
		return Shown
	case strings.HasPrefix(it.Subject, "R-"):
		if referral == Shown || referral == OwnOnly {
			return referral
		}
		return Redacted
	case strings.HasPrefix(it.Subject, "P-"), strings.HasPrefix(it.Subject, "L-"):
		if identity == Shown {
			return Shown
		}
		return Redacted
	}
	return Shown
}

// ItemHeading is agenda item it's heading as a reader with access
// (HeadingAccess) may read it: its title, the reason it is on the agenda
// and its subject id. A built title or reason carries facts of its
// subject: a re-referral names the participant it is of and says they
// are enrolled, a case item its kind, case and participant, a goal review
// who flagged whom. So a reader who may not see the subject reads the
// item's kind only, with hidden (NotShared, or NotSharedRoom) in place of
// the rest; a referrer reads a referral of their own as "Your referral",
// the same whether its person is enrolled or not, with no ranking.
func ItemHeading(it AgendaItem, access Access, hidden string) (title, reason, subject string) {
	switch access {
	case Shown:
		return it.Title, it.Reason, it.Subject
	case OwnOnly:
		if strings.HasPrefix(it.Subject, "R-") {
			return "Your referral " + titleID(it.Subject), "", it.Subject
		}
	}
	word := ItemKindWord(it.Kind)
	return strings.ToUpper(word[:1]) + word[1:] + " (" + hidden + ")", "", ""
}
