package store

// Protocol is the site's operational protocol (protocol.toml). The default
// is embedded; LoadProtocol/ParseProtocol (protocol_load.go) read and
// validate a file, naming every bad key.
type Protocol struct {
	Site string `toml:"site"`
	// HMISAgency is the agency that runs the site's HMIS: owg export hmis
	// writes only participants whose valid ROI names it (empty: none).
	HMISAgency         string         `toml:"hmis_agency"`
	KindsAccepted      []ReferralKind `toml:"kinds_accepted"`
	MinimumAge         int            `toml:"minimum_age"`
	DivertibleOffenses []string       `toml:"divertible_offenses"`
	ExcludedOffenses   []string       `toml:"excluded_offenses"`
	IntakeDeadlineDays int            `toml:"intake_deadline_days"`
	DeadlineNearDays   int            `toml:"deadline_near_days"`
	CaseloadCap        int            `toml:"caseload_cap"` // soft, per case manager unless the user overrides
	HardCap            int            `toml:"hard_cap"`     // never exceeded
	OverdueContactDays int            `toml:"overdue_contact_days"`
	ReviewRotationDays int            `toml:"review_rotation_days"`
	CourtWindowDays    int            `toml:"court_window_days"` // agenda: court dates in the next N days (14)
	ROIExpiringDays    int            `toml:"roi_expiring_days"` // Today: ROIs expiring within N days (30)
	MeetingEveryDays   int            `toml:"meeting_every_days"`
	AckLimitMinutes    int            `toml:"ack_limit_minutes"` // on-call: flag unacknowledged after N minutes (30)
	OnCall             []OnCallShift  `toml:"on_call"`
	// HandoffMinutes: a field referral's handoff not taken within N
	// minutes escalates to the next on the rota and to supervisors (30).
	HandoffMinutes int `toml:"handoff_minutes"`
	// DraftDays: unsent form drafts expire after N days (7).
	DraftDays int `toml:"draft_days"`
	// SensitiveGoalDomains are the goal domains whose goals (and all their
	// progress) are sensitive data (default substance_use, health): never
	// shown to police or prosecutors, and to others only by an ROI listing
	// the sensitive class.
	SensitiveGoalDomains []GoalDomain `toml:"sensitive_goal_domains"`
	Weights              Weights      `toml:"weights"`
	// DeclineReasons and WaitlistReasons are the coded reasons a decision
	// takes (reasons.go): the referrer reads only the label.
	DeclineReasons  []DecisionReason `toml:"decline_reasons"`
	WaitlistReasons []DecisionReason `toml:"waitlist_reasons"`
	Meeting         MeetingBudget    `toml:"meeting"`
}

// MeetingBudget is the protocol's [meeting] table: how long a meeting is
// and how long each kind of agenda item takes, for the time-budgeted
// agenda (BuildAgenda).
type MeetingBudget struct {
	Minutes        int `toml:"minutes"`          // the meeting's length (90)
	WaitlistShown  int `toml:"waitlist_shown"`   // waitlisted referrals listed one by one (3)
	ActionItems    int `toml:"action_items"`     // minutes per action_items_per open action items (1)...
	ActionItemsPer int `toml:"action_items_per"` // ...(5), at least one block
	Referral       int `toml:"referral"`         // per referral (3)
	Summary        int `toml:"referral_summary"` // the "N more waitlisted" item (2)
	Case           int `toml:"case"`             // per pending case (2)
	GoalReview     int `toml:"goal_review"`      // per goal review (4)
	Other          int `toml:"other"`            // per item added in the meeting (5)
}

// OnCallShift says who is on call on some weekdays and hours.
type OnCallShift struct {
	Days  []string `toml:"days"`  // "mon".."sun"; empty = every day
	From  int      `toml:"from"`  // hour 0-23, inclusive
	To    int      `toml:"to"`    // hour 1-24, exclusive
	Users []string `toml:"users"` // user names; empty = every supervisor
}

// Weights are the prioritization weights of the default score.
type Weights struct {
	ArrestDiversion int `toml:"arrest_diversion"`  // 20
	DeadlineNear    int `toml:"deadline_near"`     // 10
	LegalUrgency    int `toml:"legal_urgency"`     // 20
	LegalWindowDays int `toml:"legal_window_days"` // 30
	PerContact      int `toml:"per_contact"`       // 4
	ContactsMax     int `toml:"contacts_max"`      // 20
	Unsheltered     int `toml:"unsheltered"`       // 10
	PerImpairment   int `toml:"per_impairment"`    // 5
	Victimization   int `toml:"victimization"`     // 10
	PerWeekWaiting  int `toml:"per_week_waiting"`  // 1
	WaitingMax      int `toml:"waiting_max"`       // 26
}
