package store

import (
	"context"
	"io"
	"time"
)

// ParticipantFilter selects participants. Empty fields match everything.
type ParticipantFilter struct {
	CaseManager string
	Status      ParticipantStatus
	ActiveOnly  bool // every status but exited
}

// Participants stores participants.
type Participants interface {
	// CreateParticipant assigns the next P- id when p.ID is empty, saves p
	// and returns it as stored.
	CreateParticipant(ctx context.Context, a Actor, p Participant) (Participant, error)
	// GetParticipant reads one participant without auditing (for rules and
	// lists); screens that show a record call ViewParticipant.
	GetParticipant(ctx context.Context, id string) (Participant, error)
	// UpdateParticipant saves p if p.Version is the stored version, else ErrStale.
	UpdateParticipant(ctx context.Context, a Actor, p Participant) (Participant, error)
	// ListParticipants lists by the case-manager and status index, id order.
	ListParticipants(ctx context.Context, f ParticipantFilter) ([]Participant, error)
}

// Goals stores goals and their progress logs.
type Goals interface {
	// CreateGoal assigns the next G- id and saves g (status active when empty).
	CreateGoal(ctx context.Context, a Actor, g Goal) (Goal, error)
	// GetGoal reads one goal.
	GetGoal(ctx context.Context, id string) (Goal, error)
	UpdateGoal(ctx context.Context, a Actor, g Goal) (Goal, error) // version-checked
	// AppendProgress appends one entry atomically; never loses a concurrent append.
	AppendProgress(ctx context.Context, a Actor, goalID string, e ProgressEntry) (Goal, error)
	// ListGoals lists a participant's goals, id order.
	ListGoals(ctx context.Context, participantID string) ([]Goal, error)
}

// Contacts stores contacts; creating one updates the participant's last contact.
type Contacts interface {
	// CreateContact saves c and, in the same transaction, moves the
	// participant's last (and first) contact date.
	CreateContact(ctx context.Context, a Actor, c Contact) (Contact, error)
	// GetContact reads one contact.
	GetContact(ctx context.Context, id string) (Contact, error)
	// ListContacts lists a participant's contacts, newest first.
	ListContacts(ctx context.Context, participantID string) ([]Contact, error)
}

// ReferralFilter selects referrals. Empty fields match everything.
type ReferralFilter struct {
	Statuses     []ReferralStatus
	ReferrerUser string
	Since        time.Time // received at or after
}

// ReferralDecision is an OWG decision on one referral.
type ReferralDecision struct {
	// Version is the referral's version the decider read: the decision is
	// saved only if the referral is still at it, else ErrStale and nothing
	// is saved (two people deciding at once never overwrite each other).
	// It is required.
	Version     int64
	Status      ReferralStatus // accepted, waitlisted, declined, withdrawn, screened_out
	CaseManager string         // accepted: who takes the participant
	HardCap     int            // accepted: refuse if the case manager's active caseload is at it
	// Code is the coded reason (declined: required; waitlisted: optional),
	// one the protocol lists (callers check it with
	// Protocol.CheckReasonCode): the referrer reads its label only. An
	// override needs a code or a note.
	Code string
	// Note is the internal free-text note (an override's reason, a
	// decline's detail): never shown to the referrer.
	Note        string
	Override    bool
	MeetingID   string
	WaitlistPos int
	// LinkParticipant links an accepted referral to an existing participant
	// instead of creating one.
	LinkParticipant string
	// Score is the ranking the decision was made on: the protocol version,
	// the score and its breakdown, the rank (nil when not ranked).
	Score *ScoreRecord
	// OverriddenRank is what an override went against: "rank 3 (offer)",
	// "waitlist position 2", "screened_out: kind".
	OverriddenRank string
}

// Reason is the decision's reason for the override check: its note, else
// its code.
func (d ReferralDecision) Reason() string {
	if d.Note != "" {
		return d.Note
	}
	return d.Code
}

// Referrals stores referrals.
type Referrals interface {
	// CreateReferral assigns the next R- id when r.ID is empty (an import may
	// bring its own; a taken id is ErrExists).
	CreateReferral(ctx context.Context, a Actor, r Referral) (Referral, error)
	// ImportReferrals creates all of rs in one transaction, or none.
	ImportReferrals(ctx context.Context, a Actor, rs []Referral) ([]Referral, error)
	// GetReferral reads one referral.
	GetReferral(ctx context.Context, id string) (Referral, error)
	UpdateReferral(ctx context.Context, a Actor, r Referral) (Referral, error) // version-checked
	// ListReferrals lists by the status and received-time index, oldest first.
	ListReferrals(ctx context.Context, f ReferralFilter) ([]Referral, error)
	// DecideReferral records a decision in one transaction: accepting
	// creates (or links) the participant and assigns the case manager. The
	// decision is version-checked (d.Version): a stale one is ErrStale.
	DecideReferral(ctx context.Context, a Actor, id string, d ReferralDecision) (Referral, error)
	// AcknowledgeReferral records who takes the on-call handoff, once; the
	// second of two acknowledgements is ErrStale naming who took it.
	AcknowledgeReferral(ctx context.Context, a Actor, id string) (Referral, error)
	// AdvanceHandoff moves a field referral's handoff one step (take,
	// arrived, done, not-located; HandoffNext), with an optional note, in
	// one transaction. Take is AcknowledgeReferral.
	AdvanceHandoff(ctx context.Context, a Actor, id string, step HandoffStep, note string) (Referral, error)
}

// LegalCases stores legal cases.
type LegalCases interface {
	// CreateCase assigns the next L- id and saves c.
	CreateCase(ctx context.Context, a Actor, c LegalCase) (LegalCase, error)
	// GetCase reads one legal case.
	GetCase(ctx context.Context, id string) (LegalCase, error)
	UpdateCase(ctx context.Context, a Actor, c LegalCase) (LegalCase, error) // version-checked
	// ListCases lists a participant's legal cases.
	ListCases(ctx context.Context, participantID string) ([]LegalCase, error)
	// CasesByCourtDate lists open cases with a next court date in [from, to], by date.
	CasesByCourtDate(ctx context.Context, from, to time.Time) ([]LegalCase, error)
	// AllCases lists every case, id order.
	AllCases(ctx context.Context) ([]LegalCase, error)
}

// ROIs stores releases of information.
type ROIs interface {
	// CreateROI assigns the next I- id and saves r.
	CreateROI(ctx context.Context, a Actor, r ROI) (ROI, error)
	UpdateROI(ctx context.Context, a Actor, r ROI) (ROI, error) // version-checked (revoke)
	// ListROIs lists a participant's releases of information.
	ListROIs(ctx context.Context, participantID string) ([]ROI, error)
}

// Meetings stores meetings.
type Meetings interface {
	// CreateMeeting assigns the next M- id (and A- ids to new action items)
	// and saves m; an empty status is planned.
	CreateMeeting(ctx context.Context, a Actor, m Meeting) (Meeting, error)
	// GetMeeting reads one meeting.
	GetMeeting(ctx context.Context, id string) (Meeting, error)
	UpdateMeeting(ctx context.Context, a Actor, m Meeting) (Meeting, error) // version-checked
	// MutateMeeting applies fn to the stored meeting inside one transaction
	// (retried on conflict): for appends that must never overwrite others.
	MutateMeeting(ctx context.Context, a Actor, id string, fn func(*Meeting) error) (Meeting, error)
	ListMeetings(ctx context.Context) ([]Meeting, error) // by date
}

// Users stores users and their keys.
type Users interface {
	// CreateUser saves a new user; a taken name is ErrExists.
	CreateUser(ctx context.Context, a Actor, u User) (User, error)
	// GetUser reads one user by name.
	GetUser(ctx context.Context, name string) (User, error)
	UpdateUser(ctx context.Context, a Actor, u User) (User, error) // version-checked
	// DeleteUser removes the named user and their keys.
	DeleteUser(ctx context.Context, a Actor, name string) error
	// ListUsers lists every user by name.
	ListUsers(ctx context.Context) ([]User, error)
	// UserByKey finds the user holding the key with this SHA256 fingerprint
	// (ssh.FingerprintSHA256 form).
	UserByKey(ctx context.Context, fingerprint string) (User, error)
}

// AuditFilter selects audit events.
type AuditFilter struct {
	Subject string
	User    string
	Since   time.Time
	Action  AuditAction
}

// Audit is the append-only, hash-chained audit trail.
type Audit interface {
	// Record appends an event (Seq, Time, hashes are filled in).
	Record(ctx context.Context, e AuditEvent) error
	// ListAudit lists the events f selects, oldest first.
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
	// VerifyAudit walks the chain; it returns the seq of the first broken
	// event and an error describing it, or 0 and nil when intact.
	VerifyAudit(ctx context.Context) (uint64, error)
	// VerifyAuditAnchor verifies the chain and that it still holds the
	// anchored event unchanged (so nothing up to it was rewritten or cut).
	VerifyAuditAnchor(ctx context.Context, anchor AuditAnchor) (uint64, error)
	// AuditHead returns the last event's seq and hash (0 and "" when empty).
	AuditHead(ctx context.Context) (AuditAnchor, error)
	// AuditList records one view event for a list screen's load, naming
	// every participant id it shows (never one event per row).
	AuditList(ctx context.Context, a Actor, screen string, ids []string) error
}

// Store is the whole of owg's persistence.
type Store interface {
	Participants
	Goals
	Contacts
	Referrals
	LegalCases
	ROIs
	Meetings
	Users
	Audit
	History
	ProtocolVersions
	// ImportParticipants creates all of rows in one transaction, or none
	// (every bad row named by its label): a caseload seeded from another
	// system, with each one's enrolment (and exit) dated in history.
	ImportParticipants(ctx context.Context, a Actor, rows []ParticipantImport) ([]Participant, error)
	Drafts
	// GetSetting reads a small setting (theme, last seen) by name.
	GetSetting(ctx context.Context, key string) (string, error)
	// SetSetting saves a small setting by name.
	SetSetting(ctx context.Context, key, value string) error
	// Empty reports whether the store holds no site data.
	Empty(ctx context.Context) (bool, error)
	// Backup writes a consistent full backup of the store to w.
	Backup(w io.Writer) error
	// Close closes the store.
	Close() error
	// Subscribe calls fn after every committed domain write with the subject
	// id written; it returns a function that unsubscribes.
	Subscribe(fn func(Change)) (unsubscribe func())
}

// ParticipantImport is one participant an import creates: the record,
// the date their enrolment ended (zero when still enrolled) and a label
// naming its source row in errors ("Client.csv line 4").
type ParticipantImport struct {
	Participant Participant
	ExitedOn    time.Time
	Label       string
}

// Change describes one committed write, for live views.
type Change struct {
	Kind    string // "participant", "goal", "contact", "referral", "case", "roi", "meeting", "user"
	ID      string
	Subject string // participant id when the record belongs to one
	Actor   string
}
