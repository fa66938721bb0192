package report

import (
	"encoding/json"
	"time"

	"github.com/leadtable/owg/store"
)

// Period is a closed range of calendar days: From and To are both in it.
type Period struct {
	From, To time.Time
}

// LastDays is the period of n calendar days ending on asOf's date.
func LastDays(n int, asOf time.Time) Period {
	to := store.DateOf(asOf)
	return Period{From: to.AddDate(0, 0, -(max(n, 1) - 1)), To: to}
}

// Contains reports whether t falls on a day of the period (t's own date).
func (p Period) Contains(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	d := store.DateOf(t)
	return !d.Before(store.DateOf(p.From)) && !d.After(store.DateOf(p.To))
}

// Days is the number of calendar days in the period.
func (p Period) Days() int { return store.DaysBetween(p.From, p.To) + 1 }

// Input is everything a report is computed from, already loaded.
type Input struct {
	Period   Period
	AsOf     time.Time
	Protocol store.Protocol
	// Location is the site's time zone, for the hour and weekday of
	// intake_response; nil means UTC.
	Location *time.Location

	Participants []store.Participant
	Goals        []store.Goal
	Contacts     []store.Contact
	Referrals    []store.Referral
	Cases        []store.LegalCase
	Users        []store.User
	Meetings     []store.Meeting
	// History is every history event, for the LEAD measures (Measure).
	History []store.HistoryEvent
}

// Report is the computed report for one viewer. Its JSON keys are stable.
type Report struct {
	Site string `json:"site,omitempty"`
	// From, To and AsOf are YYYY-MM-DD.
	From string     `json:"from"`
	To   string     `json:"to"`
	AsOf string     `json:"as_of"`
	Role store.Role `json:"role"`
	// SmallCellSuppression is true when counts of 1-4 are shown as "<5".
	SmallCellSuppression bool `json:"small_cell_suppression"`

	Referrals      Referrals      `json:"referrals"`
	Decisions      Decisions      `json:"decisions"`
	Waitlist       Waitlist       `json:"waitlist"`
	Timeliness     Timeliness     `json:"timeliness"`
	Capacity       Capacity       `json:"capacity"`
	Engagement     Engagement     `json:"engagement"`
	Goals          Goals          `json:"goals"`
	Legal          Legal          `json:"legal"`
	Equity         Equity         `json:"equity"`
	NetWidening    NetWidening    `json:"net_widening"`
	IntakeResponse IntakeResponse `json:"intake_response"`
}

// JSON renders the report as indented JSON with snake_case keys.
func (r Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Referrals counts referrals received in the period, per week (weeks start
// on Monday; the first and last may be partial) and by kind.
type Referrals struct {
	Total  Cell            `json:"total"`
	ByKind map[string]Cell `json:"by_kind"`
	Weeks  []ReferralWeek  `json:"weeks"`
}

// ReferralWeek is one week's referrals.
type ReferralWeek struct {
	Start  string          `json:"week_start"` // the Monday, YYYY-MM-DD
	Total  Cell            `json:"total"`
	ByKind map[string]Cell `json:"by_kind"`
}

// Decisions counts where the referrals received in the period stand now.
// Offered is accepted (a slot offered and taken); Pending is still new.
type Decisions struct {
	Referrals           Cell            `json:"referrals"`
	Offered             Cell            `json:"offered"`
	Waitlisted          Cell            `json:"waitlisted"`
	Declined            Cell            `json:"declined"`
	Withdrawn           Cell            `json:"withdrawn"`
	Pending             Cell            `json:"pending"`
	ScreenedOut         Cell            `json:"screened_out"`
	ScreenedOutByReason map[string]Cell `json:"screened_out_by_reason"`
	ReReferrals         Cell            `json:"re_referrals"`
	Overrides           Cell            `json:"overrides"`
	MeetingsHeld        int             `json:"meetings_held"`
}

// Waitlist is the number of referrals waiting for a slot (eligible,
// received, not yet accepted, declined or withdrawn) at the end of each
// week of the period, and now.
type Waitlist struct {
	Waiting    Cell           `json:"waiting"`    // at as-of
	Waitlisted Cell           `json:"waitlisted"` // status waitlisted at as-of
	Weeks      []WaitlistWeek `json:"weeks"`
}

// WaitlistWeek is the waiting count at the end of one week.
type WaitlistWeek struct {
	End     string `json:"week_end"` // YYYY-MM-DD (the period's end for the last week)
	Waiting Cell   `json:"waiting"`
}

// Timeliness is days from referral received to the participant's first
// contact (participants first contacted in the period) and to intake
// (participants enrolled in the period).
type Timeliness struct {
	ReferralToFirstContactDays Dist `json:"referral_to_first_contact_days"`
	ReferralToIntakeDays       Dist `json:"referral_to_intake_days"`
}

// Capacity is each case manager's active caseload against the caps, now.
type Capacity struct {
	SoftCap      int           `json:"soft_cap"` // the protocol's default
	HardCap      int           `json:"hard_cap"`
	CaseManagers []CaseManager `json:"case_managers"`
	Active       Cell          `json:"active"`
	OpenSlots    Cell          `json:"open_slots"`
}

// CaseManager is one case manager's caseload.
type CaseManager struct {
	Name      string `json:"name"`
	Active    Cell   `json:"active"`
	SoftCap   int    `json:"soft_cap"`
	HardCap   int    `json:"hard_cap"`
	OpenSlots Cell   `json:"open_slots"`
	OverSoft  bool   `json:"over_soft_cap"`
	AtHard    bool   `json:"at_hard_cap"`
}

// Engagement is about the active participants at as-of.
type Engagement struct {
	Active         Cell            `json:"active"`
	Contact14d     Share           `json:"contact_last_14_days"`
	Contact30d     Share           `json:"contact_last_30_days"`
	UnableToLocate Cell            `json:"unable_to_locate"`
	ByStatus       map[string]Cell `json:"by_status"`
}

// GoalCounts are goal figures for the period.
type GoalCounts struct {
	Set      Cell `json:"set"`
	Achieved Cell `json:"achieved"`
	Forward  Cell `json:"forward"`
	NoChange Cell `json:"no_change"`
	Setback  Cell `json:"setback"`
}

// Goals counts goals set (created) and achieved (marked achieved) in the
// period and progress entries dated in it, in all and by domain.
type Goals struct {
	GoalCounts
	ByDomain map[string]GoalCounts `json:"by_domain"`
}

// Legal is court dates, warrants and cases in the period.
type Legal struct {
	// CourtDatesKept counts past hearings in the period with outcome "kept"
	// out of all past hearings in the period.
	CourtDatesKept      Share `json:"court_dates_kept"`
	WarrantsResolved    Cell  `json:"warrants_resolved"`
	WarrantsOpen        Cell  `json:"warrants_open"`
	PostEnrollmentCases Cell  `json:"post_enrollment_cases"`
	// DivertedIntakesOnTime counts diverted-arrest intakes completed in the
	// period on or before their deadline, out of all completed in it.
	DivertedIntakesOnTime Share `json:"diverted_intakes_on_time"`
	DivertedIntakesLate   Cell  `json:"diverted_intakes_overdue"` // open, past the deadline, at as-of
}

// Equity is the equity check by race/ethnicity.
type Equity struct {
	// Threshold is the four-fifths rule: a group is flagged when its offer
	// share is below Threshold times the top share.
	Threshold float64 `json:"threshold"`
	// MinDecided is the fewest decided referrals a group needs to be
	// compared at all.
	MinDecided int           `json:"min_decided"`
	TopShare   Num           `json:"top_share"`
	Groups     []EquityGroup `json:"groups"`
}

// EquityGroup is one race/ethnicity group. Decided counts the group's
// referrals received in the period that were accepted, waitlisted or
// declined; OfferShare is accepted out of decided.
type EquityGroup struct {
	Group       string `json:"group"`
	Recorded    bool   `json:"recorded"` // false for "not recorded" and the non-answers (doesn't know, prefers not to answer, data not collected)
	Referrals   Cell   `json:"referrals"`
	Decided     Cell   `json:"decided"`
	Offers      Cell   `json:"offers"`
	OfferShare  Num    `json:"offer_share"`
	Enrollments Cell   `json:"enrollments"`
	Exits       Cell   `json:"exits"`
	Flag        bool   `json:"flag"`
}

// NetWidening is the share of new referrals with no criminal-legal contact
// in the last 12 months and no warrant or court date, by kind.
type NetWidening struct {
	NoRecentContact Share            `json:"no_recent_contact"`
	ByKind          map[string]Share `json:"by_kind"`
}

// IntakeResponse is minutes from an arrest-diversion or social-contact
// referral's receipt to its on-call acknowledgement and to the first
// contact, overall and by the hour and weekday it was received.
type IntakeResponse struct {
	Referrals      Cell `json:"referrals"`
	Unacknowledged Cell `json:"unacknowledged"`
	ToAck          Dist `json:"to_ack_minutes"`
	ToFirstContact Dist `json:"to_first_contact_minutes"`
	// Handoff counts the field referrals by where their warm handoff
	// stands (store.HandoffStates order), small cells suppressed.
	Handoff   []HandoffCount   `json:"handoff_states"`
	ByHour    []ResponseBucket `json:"by_hour"`
	ByWeekday []ResponseBucket `json:"by_weekday"`
}

// HandoffCount is how many field referrals are in one handoff state.
type HandoffCount struct {
	State     store.HandoffState `json:"state"`
	Referrals Cell               `json:"referrals"`
}

// ResponseBucket is one hour of day ("00".."23") or weekday ("mon".."sun").
type ResponseBucket struct {
	Bucket         string `json:"bucket"`
	Referrals      Cell   `json:"referrals"`
	ToAck          Dist   `json:"to_ack_minutes"`
	ToFirstContact Dist   `json:"to_first_contact_minutes"`
}
