package store

import (
	"slices"
	"time"
)

// Role is a user's role at the site (its store value).
type Role string

// The roles of DOMAIN.md.
const (
	RolePM          Role = "pm"
	RoleSupervisor  Role = "supervisor"
	RoleCaseManager Role = "case_manager"
	RoleProsecutor  Role = "prosecutor"
	RoleDefender    Role = "defender"
	RolePolice      Role = "police"
	RoleProvider    Role = "provider"
	RoleCommunity   Role = "community"
	RoleEvaluator   Role = "evaluator"
)

// Roles lists every role in a stable order.
var Roles = []Role{RolePM, RoleSupervisor, RoleCaseManager, RoleProsecutor, RoleDefender, RolePolice, RoleProvider, RoleCommunity, RoleEvaluator}

// Actor is who performs an action: the signed-in user and their role.
// Every write and every audited read carries one.
type Actor struct {
	User   string `json:"user"`
	Role   Role   `json:"role"`
	Agency string `json:"agency,omitempty"`
	Addr   string `json:"addr,omitempty"` // remote address for SSH sessions
	// System marks the system actor (MayWrite allows it everything). It is
	// never read from JSON: only code at the machine sets it.
	System bool `json:"-"`
}

// SystemActor is the actor for work the operator does at the machine
// (imports, demo, restore, migrations): the pm role, with every write
// allowed (store.MayWrite).
var SystemActor = Actor{User: "operator", Role: RolePM, System: true}

// ParticipantStatus is a participant's engagement status.
type ParticipantStatus string

// Participant statuses.
const (
	StatusEngaging       ParticipantStatus = "engaging"
	StatusNotYetEngaged  ParticipantStatus = "not_yet_engaged"
	StatusUnableToLocate ParticipantStatus = "unable_to_locate"
	StatusExited         ParticipantStatus = "exited"
)

// ParticipantStatuses lists every participant status.
var ParticipantStatuses = []ParticipantStatus{StatusEngaging, StatusNotYetEngaged, StatusUnableToLocate, StatusExited}

// Active reports whether the status counts toward a caseload (not exited).
func (s ParticipantStatus) Active() bool { return s != StatusExited && s != "" }

// Participant is an enrolled LEAD participant.
type Participant struct {
	ID            string            `json:"id"` // P-0001
	Name          string            `json:"name"`
	Aliases       []string          `json:"aliases,omitempty"`
	DOB           time.Time         `json:"dob"` // date only (UTC midnight)
	Pronouns      string            `json:"pronouns,omitempty"`
	RaceEthnicity string            `json:"race_ethnicity,omitempty"` // optional, equity reporting only
	ReferralID    string            `json:"referral_id,omitempty"`
	EnrolledOn    time.Time         `json:"enrolled_on"`
	CaseManager   string            `json:"case_manager"` // user name
	Status        ParticipantStatus `json:"status"`
	ExitReason    string            `json:"exit_reason,omitempty"`
	Housing       string            `json:"housing,omitempty"`
	Flags         []string          `json:"flags,omitempty"`
	// FlaggedBy is set when a partner flags the participant for the next
	// meeting's goal review; cleared when the review is held.
	FlaggedBy    string    `json:"flagged_by,omitempty"`
	LastContact  time.Time `json:"last_contact,omitempty"` // maintained by the store from contacts
	FirstContact time.Time `json:"first_contact,omitempty"`
	LastReview   time.Time `json:"last_review,omitempty"` // last OWG goal review
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
	Version      int64     `json:"version"`
}

// GoalDomain is the life area a goal belongs to.
type GoalDomain string

// Goal domains.
const (
	DomainHousing       GoalDomain = "housing"
	DomainIncome        GoalDomain = "income"
	DomainHealth        GoalDomain = "health"
	DomainSubstanceUse  GoalDomain = "substance_use"
	DomainLegal         GoalDomain = "legal"
	DomainRelationships GoalDomain = "relationships"
	DomainOther         GoalDomain = "other"
)

// GoalDomains lists every goal domain.
var GoalDomains = []GoalDomain{DomainHousing, DomainIncome, DomainHealth, DomainSubstanceUse, DomainLegal, DomainRelationships, DomainOther}

// GoalStatus is a goal's status.
type GoalStatus string

// Goal statuses.
const (
	GoalActive   GoalStatus = "active"
	GoalAchieved GoalStatus = "achieved"
	GoalSetAside GoalStatus = "set_aside"
)

// GoalStatuses lists every goal status.
var GoalStatuses = []GoalStatus{GoalActive, GoalAchieved, GoalSetAside}

// Step is the direction of one progress entry.
type Step string

// Progress steps: success is incremental, never pass/fail.
const (
	StepForward  Step = "forward"
	StepNoChange Step = "no_change"
	StepSetback  Step = "setback"
)

// Steps lists every step.
var Steps = []Step{StepForward, StepNoChange, StepSetback}

// ProgressEntry is one entry in a goal's progress log.
type ProgressEntry struct {
	Date   time.Time `json:"date"`
	Step   Step      `json:"step"`
	Note   string    `json:"note,omitempty"`
	Author string    `json:"author"`
	// Sensitivity is general or clinical; a clinical entry is sensitive
	// data even on an ordinary goal. Empty on entries recorded before
	// entries had one: read by ProgressSensitivity.
	Sensitivity Sensitivity `json:"sensitivity,omitempty"`
}

// Goal is a goal in the participant's own words.
type Goal struct {
	ID            string          `json:"id"` // G-0001
	ParticipantID string          `json:"participant_id"`
	Words         string          `json:"words"` // the participant's own words
	Domain        GoalDomain      `json:"domain"`
	Status        GoalStatus      `json:"status"`
	Progress      []ProgressEntry `json:"progress,omitempty"`
	Created       time.Time       `json:"created"`
	Updated       time.Time       `json:"updated"`
	Version       int64           `json:"version"`
}

// ContactKind is how a contact happened.
type ContactKind string

// Contact kinds.
const (
	ContactStreet      ContactKind = "street_outreach"
	ContactPhone       ContactKind = "phone"
	ContactOffice      ContactKind = "office"
	ContactCourt       ContactKind = "court"
	ContactWithOfficer ContactKind = "with_officer"
	ContactOther       ContactKind = "other"
)

// ContactKinds lists every contact kind.
var ContactKinds = []ContactKind{ContactStreet, ContactPhone, ContactOffice, ContactCourt, ContactWithOfficer, ContactOther}

// Sensitivity marks a note as general or clinical.
type Sensitivity string

// Sensitivities. Clinical notes never reach law enforcement.
const (
	General  Sensitivity = "general"
	Clinical Sensitivity = "clinical"
)

// Contact is one contact between case management and a participant.
type Contact struct {
	ID            string      `json:"id"` // C-0001
	ParticipantID string      `json:"participant_id"`
	Date          time.Time   `json:"date"`
	Kind          ContactKind `json:"kind"`
	Note          string      `json:"note,omitempty"`
	Author        string      `json:"author"`
	Sensitivity   Sensitivity `json:"sensitivity"`
	Created       time.Time   `json:"created"`
}

// ReferralKind is how a referral came in.
type ReferralKind string

// Referral kinds.
const (
	KindArrestDiversion ReferralKind = "arrest_diversion"
	KindSocialContact   ReferralKind = "social_contact"
	KindCommunity       ReferralKind = "community"
)

// ReferralKinds lists every referral kind owg knows.
var ReferralKinds = []ReferralKind{KindArrestDiversion, KindSocialContact, KindCommunity}

// ReferralStatus is where a referral stands.
type ReferralStatus string

// Referral statuses.
const (
	RefNew         ReferralStatus = "new"
	RefScreenedOut ReferralStatus = "screened_out"
	RefWaitlisted  ReferralStatus = "waitlisted"
	RefAccepted    ReferralStatus = "accepted"
	RefDeclined    ReferralStatus = "declined"
	RefWithdrawn   ReferralStatus = "withdrawn"
)

// ReferralStatuses lists every referral status.
var ReferralStatuses = []ReferralStatus{RefNew, RefScreenedOut, RefWaitlisted, RefAccepted, RefDeclined, RefWithdrawn}

// Person is the person a referral is about.
type Person struct {
	Name      string    `json:"name"`
	Aliases   []string  `json:"aliases,omitempty"`
	DOB       time.Time `json:"dob,omitempty"` // zero when unknown
	ApproxAge int       `json:"approx_age,omitempty"`
}

// Indicators are the prioritization inputs of a referral. Race,
// ethnicity, gender, disability type and the referrer are never inputs.
type Indicators struct {
	Unsheltered       bool      `json:"unsheltered,omitempty"`
	Contacts12m       int       `json:"contacts_12m,omitempty"` // criminal-legal or crisis contacts in the last 12 months
	Impairment        int       `json:"impairment,omitempty"`   // observed functional impairment 0, 1, 2
	VictimizationRisk bool      `json:"victimization_risk,omitempty"`
	Warrant           bool      `json:"warrant,omitempty"`
	NextCourtDate     time.Time `json:"next_court_date,omitempty"`
}

// Referral is a referral into LEAD.
type Referral struct {
	ID            string         `json:"id"` // R-0001
	Received      time.Time      `json:"received"`
	Kind          ReferralKind   `json:"kind"`
	Referrer      string         `json:"referrer,omitempty"`      // referrer's name
	Agency        string         `json:"agency,omitempty"`        // referrer's agency
	ReferrerUser  string         `json:"referrer_user,omitempty"` // owg user who made it, when made in owg
	Person        Person         `json:"person"`
	Offense       string         `json:"offense,omitempty"`
	Location      string         `json:"location,omitempty"`
	Indicators    Indicators     `json:"indicators"`
	RaceEthnicity string         `json:"race_ethnicity,omitempty"`
	Notes         string         `json:"notes,omitempty"`
	Status        ReferralStatus `json:"status"`
	Reason        string         `json:"reason,omitempty"`        // screen-out code, or decision code (OutcomeOf)
	DecisionNote  string         `json:"decision_note,omitempty"` // internal note: never the referrer's (SeesDecisionNote)
	Override      bool           `json:"override,omitempty"`
	// OverriddenRank is what an override went against (rank and decision).
	OverriddenRank string `json:"overridden_rank,omitempty"`
	// DecisionScore is the protocol version, score and breakdown the
	// decision was made on.
	DecisionScore *ScoreRecord `json:"decision_score,omitempty"`
	DecidedAt     time.Time    `json:"decided_at,omitempty"`
	DecidedBy     string       `json:"decided_by,omitempty"`
	MeetingID     string       `json:"meeting_id,omitempty"`
	ParticipantID string       `json:"participant_id,omitempty"` // set when accepted or linked
	ReReferralOf  string       `json:"re_referral_of,omitempty"` // participant id of an enrolled person
	WaitlistPos   int          `json:"waitlist_position,omitempty"`
	AckBy         string       `json:"ack_by,omitempty"` // on-call acknowledgement ("I'm taking the handoff")
	AckAt         time.Time    `json:"ack_at,omitempty"`
	// Callback is the number the officer chose to give the person taking
	// the handoff (optional).
	Callback      string       `json:"callback,omitempty"`
	HandoffState  HandoffState `json:"handoff_state,omitempty"` // past taken (HandoffOf derives received/taken)
	OnSceneAt     time.Time    `json:"on_scene_at,omitempty"`
	HandoffDoneAt time.Time    `json:"handoff_done_at,omitempty"` // completed or could not locate
	HandoffNote   string       `json:"handoff_note,omitempty"`    // the taker's note: never the referrer's
	// Entered is what the referrer typed, kept as typed: My referrals shows
	// it, never anything LEAD recorded about the person since.
	Entered *Entered  `json:"entered,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	Version int64     `json:"version"`
}

// Entered is what a referrer typed when they made a referral in owg.
type Entered struct {
	Name     string    `json:"name,omitempty"`
	Location string    `json:"location,omitempty"`
	At       time.Time `json:"at"`
}

// IntakeDeadline is the date by which intake must be complete for an
// arrest diversion (received + days); zero for other kinds.
func (r Referral) IntakeDeadline(days int) time.Time {
	if r.Kind != KindArrestDiversion {
		return time.Time{}
	}
	return DateOf(r.Received).AddDate(0, 0, days)
}

// CaseKind is the kind of a legal case.
type CaseKind string

// Legal case kinds.
const (
	CasePreExisting    CaseKind = "pre_existing"
	CasePostEnrollment CaseKind = "post_enrollment"
	CaseDivertedArrest CaseKind = "diverted_arrest"
	CaseWarrant        CaseKind = "warrant"
)

// CaseKinds lists every legal case kind.
var CaseKinds = []CaseKind{CasePreExisting, CasePostEnrollment, CaseDivertedArrest, CaseWarrant}

// CaseStatus is a legal case's status.
type CaseStatus string

// Legal case statuses.
const (
	CaseOpen     CaseStatus = "open"
	CaseResolved CaseStatus = "resolved" // warrant quashed/served, case resolved
	CaseClosed   CaseStatus = "closed"
)

// CaseStatuses lists every legal case status.
var CaseStatuses = []CaseStatus{CaseOpen, CaseResolved, CaseClosed}

// Position is the liaison prosecutor's position on a case.
type Position string

// Prosecution positions.
const (
	PositionNone       Position = ""
	PositionHoldFiling Position = "hold_filing"
	PositionDismiss    Position = "dismiss"
	PositionOffer      Position = "offer"
	PositionProceed    Position = "proceed"
)

// Positions lists every prosecution position (none excluded).
var Positions = []Position{PositionHoldFiling, PositionDismiss, PositionOffer, PositionProceed}

// Hearing is one court date of a case and whether it was kept.
type Hearing struct {
	Date    time.Time `json:"date"`
	Outcome string    `json:"outcome,omitempty"` // "", "kept", "missed", "continued"
}

// CaseNote is a note on a legal case by a defender or prosecutor.
type CaseNote struct {
	Time   time.Time `json:"time"`
	Author string    `json:"author"`
	Role   Role      `json:"role"`
	Text   string    `json:"text"`
}

// LegalCase is a pending or past legal matter of a participant.
type LegalCase struct {
	ID              string     `json:"id"` // L-0001
	ParticipantID   string     `json:"participant_id"`
	Kind            CaseKind   `json:"kind"`
	CaseNumber      string     `json:"case_number,omitempty"`
	Court           string     `json:"court,omitempty"`
	Charges         string     `json:"charges,omitempty"`
	Status          CaseStatus `json:"status"`
	NextCourtDate   time.Time  `json:"next_court_date,omitempty"`
	Hearings        []Hearing  `json:"hearings,omitempty"`
	Position        Position   `json:"position,omitempty"`
	PositionNote    string     `json:"position_note,omitempty"`
	DefenderNotes   []CaseNote `json:"defender_notes,omitempty"`
	IntakeDeadline  time.Time  `json:"intake_deadline,omitempty"`  // diverted arrests
	IntakeCompleted time.Time  `json:"intake_completed,omitempty"` // diverted arrests
	ResolvedOn      time.Time  `json:"resolved_on,omitempty"`
	Created         time.Time  `json:"created"`
	Updated         time.Time  `json:"updated"`
	Version         int64      `json:"version"`
}

// ROI is a participant's release of information to partners, with the
// elements 42 CFR 2.31 asks of a consent: who receives (roles and/or named
// agencies), what (the classes of data), why (purpose), when it was
// signed, when it expires or was revoked, and who recorded it.
type ROI struct {
	ID            string `json:"id"` // I-0001
	ParticipantID string `json:"participant_id"`
	// Roles are recipients named by role: that role at every agency.
	Roles []Role `json:"roles,omitempty"`
	// Agencies are recipients named by agency: only users of that agency.
	Agencies []string `json:"agencies,omitempty"`
	// Classes are the classes of data released (from ROIClasses).
	Classes    []DataKind `json:"classes,omitempty"`
	Purpose    string     `json:"purpose,omitempty"`
	Signed     time.Time  `json:"signed"`
	Expires    time.Time  `json:"expires"`
	Revoked    time.Time  `json:"revoked,omitempty"`
	RecordedBy string     `json:"recorded_by,omitempty"` // user who recorded it (set by the store)
	// Covers is the recipient list of an ROI recorded before consent was
	// scoped (role store values and agency names mixed). The store migrates
	// it on open (MigrateROI); new ROIs never carry it.
	Covers  []string  `json:"covers,omitempty"`
	Created time.Time `json:"created"`
	Version int64     `json:"version"`
}

// MeetingStatus is where a meeting stands.
type MeetingStatus string

// Meeting statuses.
const (
	MeetingPlanned MeetingStatus = "planned"
	MeetingOpen    MeetingStatus = "open"
	MeetingEnded   MeetingStatus = "ended"
)

// ItemKind is the kind of an agenda item.
type ItemKind string

// Agenda item kinds, in agenda order.
const (
	ItemActionItems ItemKind = "action_items"
	ItemReferral    ItemKind = "referral"
	ItemCase        ItemKind = "case"
	ItemGoalReview  ItemKind = "goal_review"
	ItemOther       ItemKind = "other"
	// ItemReferralSummary stands for the referrals not listed one by one
	// ("9 more waitlisted, 4 screened out"); More holds their ids.
	ItemReferralSummary ItemKind = "referral_summary"
)

// ItemStatus is an agenda item's status.
type ItemStatus string

// Agenda item statuses.
const (
	ItemPending   ItemStatus = "pending"
	ItemDiscussed ItemStatus = "discussed"
	ItemSkipped   ItemStatus = "skipped"
	// ItemNotReached is an item the meeting ended without: nothing was
	// recorded on it and the facilitator did not mark it discussed. It
	// comes back on the next agenda.
	ItemNotReached ItemStatus = "not_reached"
)

// Note is a note recorded on an agenda item.
type Note struct {
	Time        time.Time   `json:"time"`
	Author      string      `json:"author"`
	Text        string      `json:"text"`
	Sensitivity Sensitivity `json:"sensitivity"`
}

// Decision is a decision recorded on an agenda item.
type Decision struct {
	Time   time.Time `json:"time"`
	Author string    `json:"author"`
	Text   string    `json:"text"`
}

// AgendaItem is one item of a meeting's agenda.
type AgendaItem struct {
	ID        string     `json:"id"` // stable within the meeting: "1", "2", ...
	Kind      ItemKind   `json:"kind"`
	Subject   string     `json:"subject,omitempty"` // participant, referral or case id
	Title     string     `json:"title"`             // never identifying: built from ids and kinds
	Reason    string     `json:"reason,omitempty"`  // why it is on the agenda (e.g. "court in 3 days")
	Presenter string     `json:"presenter,omitempty"`
	Status    ItemStatus `json:"status"`
	Notes     []Note     `json:"notes,omitempty"`
	Decisions []Decision `json:"decisions,omitempty"`
	// Typed is set when a person typed the title (an item added in the
	// meeting): attached to a participant, it follows that participant's
	// identity rule; unattached, it may not name any participant.
	Typed bool `json:"typed,omitempty"`
	// Minutes is the time budgeted for the item (the protocol's [meeting]
	// minutes for its kind).
	Minutes int `json:"minutes,omitempty"`
	// More holds the referral ids a summary item stands for ("9 more
	// waitlisted, 4 screened out"); the facilitator can expand it.
	More []string `json:"more,omitempty"`
}

// ActionStatus is where an action item stands.
type ActionStatus string

// Action item statuses.
const (
	ActionOpen    ActionStatus = "open"
	ActionDone    ActionStatus = "done"
	ActionDropped ActionStatus = "dropped" // with a reason
)

// ActionItem is a task that came out of a meeting.
type ActionItem struct {
	ID     string `json:"id"` // A-0001 (site-wide)
	ItemID string `json:"item_id,omitempty"`
	// Subject is the participant the action item is attached to (its text
	// then follows that participant's visibility), "" when general.
	Subject string       `json:"subject,omitempty"`
	Text    string       `json:"text"`
	Owner   string       `json:"owner"`
	Due     time.Time    `json:"due,omitempty"`
	Status  ActionStatus `json:"status,omitempty"` // "" is open (or done when Done)
	Done    bool         `json:"done,omitempty"`   // kept in step with Status for older readers
	DoneAt  time.Time    `json:"done_at,omitempty"`
	// Reason says why a dropped item was dropped.
	Reason   string `json:"reason,omitempty"`
	ClosedBy string `json:"closed_by,omitempty"`
	// Sensitivity of the text: clinical text (a detox intake, a methadone
	// appointment) follows the rule of clinical notes on its subject, so
	// it never reaches law enforcement. "" is general.
	Sensitivity Sensitivity `json:"sensitivity,omitempty"`
}

// TextSensitivity is the sensitivity its text is judged by (general when
// not set, as on items written before it could be).
func (a ActionItem) TextSensitivity() Sensitivity {
	if a.Sensitivity == Clinical {
		return Clinical
	}
	return General
}

// State is the action item's status, reading records written before
// Status existed.
func (a ActionItem) State() ActionStatus {
	switch {
	case a.Status != "":
		return a.Status
	case a.Done:
		return ActionDone
	}
	return ActionOpen
}

// IsOpen reports whether the action item is still to be done.
func (a ActionItem) IsOpen() bool { return a.State() == ActionOpen }

// OverdueOn reports whether an open action item's due date is before day.
func (a ActionItem) OverdueOn(day time.Time) bool {
	return a.IsOpen() && !a.Due.IsZero() && DateOf(a.Due).Before(DateOf(day))
}

// Meeting is an OWG meeting.
type Meeting struct {
	ID          string        `json:"id"` // M-0001
	Date        time.Time     `json:"date"`
	Facilitator string        `json:"facilitator"`
	Attendees   []string      `json:"attendees,omitempty"`
	Status      MeetingStatus `json:"status"`
	Items       []AgendaItem  `json:"items,omitempty"`
	Current     int           `json:"current"` // index of the item under discussion
	ActionItems []ActionItem  `json:"action_items,omitempty"`
	EndedAt     time.Time     `json:"ended_at,omitempty"`
	Created     time.Time     `json:"created"`
	Updated     time.Time     `json:"updated"`
	Version     int64         `json:"version"`
}

// Clone is a deep copy of m: changing it leaves m as it was.
func (m Meeting) Clone() Meeting {
	m.Attendees = slices.Clone(m.Attendees)
	m.ActionItems = slices.Clone(m.ActionItems)
	m.Items = slices.Clone(m.Items)
	for i := range m.Items {
		it := &m.Items[i]
		it.Notes, it.Decisions, it.More = slices.Clone(it.Notes), slices.Clone(it.Decisions), slices.Clone(it.More)
	}
	return m
}

// User is a person who signs in to owg.
type User struct {
	Name         string    `json:"name"`
	DisplayName  string    `json:"display_name,omitempty"` // full name shown beside Name
	Role         Role      `json:"role"`
	Agency       string    `json:"agency,omitempty"`
	Keys         []string  `json:"keys,omitempty"` // authorized_keys lines
	Cap          int       `json:"cap,omitempty"`  // case managers: soft caseload cap (0 = protocol default)
	Active       bool      `json:"active"`
	Theme        string    `json:"theme,omitempty"`
	LowBandwidth bool      `json:"low_bandwidth,omitempty"`
	Created      time.Time `json:"created"`
	Version      int64     `json:"version"`
}

// AuditAction is what an audit event records.
type AuditAction string

// Audit actions.
const (
	AuditView   AuditAction = "view"
	AuditCreate AuditAction = "create"
	AuditUpdate AuditAction = "update"
	AuditExport AuditAction = "export"
	AuditLogin  AuditAction = "login"
	AuditDenied AuditAction = "denied"
	AuditDelete AuditAction = "delete"
)

// AuditEvent is one entry of the append-only, hash-chained audit trail.
// It never carries participant content: only ids and codes.
type AuditEvent struct {
	Seq      uint64      `json:"seq"`
	Time     time.Time   `json:"time"`
	User     string      `json:"user"`
	Role     Role        `json:"role,omitempty"`
	Action   AuditAction `json:"action"`
	Subject  string      `json:"subject,omitempty"` // an id: P-0001, R-0001, M-0001, a user name, a key fingerprint
	Detail   string      `json:"detail,omitempty"`  // a code, never free text (e.g. "override", "contact:C-0004")
	Addr     string      `json:"addr,omitempty"`
	PrevHash string      `json:"prev_hash"`
	Hash     string      `json:"hash"`
	// Chain says how Hash is made: "" plain SHA-256 (events written before
	// the chain was keyed), AuditChainHMAC keyed.
	Chain string `json:"chain,omitempty"`
}
