package store

import (
	"errors"
	"fmt"
)

// WriteAction is one kind of write the store performs. MayWrite decides
// who may perform it; the Badger store checks it inside every write
// transaction, so no screen, command or session can write around it.
type WriteAction string

// The write actions. A store method may perform several (UpdateCase can
// record a position and append a note): each one is checked.
const (
	// WriteParticipant creates or changes a participant's record (status,
	// housing, case manager, ...).
	WriteParticipant WriteAction = "participant"
	// WriteFlag flags a participant for the next meeting's goal review.
	WriteFlag WriteAction = "participant.flag"
	// WriteReview records a goal review held in a meeting (last review,
	// flag cleared): done by whoever runs the meeting.
	WriteReview WriteAction = "participant.review"
	// WriteGoal creates or changes a goal or appends to its progress.
	WriteGoal WriteAction = "goal"
	// WriteContact records a contact.
	WriteContact WriteAction = "contact"
	// WriteCase creates a legal case or changes its facts (court dates,
	// hearings, status, intake).
	WriteCase WriteAction = "case"
	// WritePosition records the prosecution's position on a case.
	WritePosition WriteAction = "case.position"
	// WriteCaseNote appends a note of the author's own role to a case.
	WriteCaseNote WriteAction = "case.note"
	// WriteROI records or revokes a release of information.
	WriteROI WriteAction = "roi"
	// WriteAddReferral adds one referral (intake, field referral).
	WriteAddReferral WriteAction = "referral.add"
	// WriteImportReferrals imports referrals in bulk (CSV).
	WriteImportReferrals WriteAction = "referral.import"
	// WriteEditReferral changes a referral's recorded facts.
	WriteEditReferral WriteAction = "referral.edit"
	// WriteDecideReferral records the OWG's decision on a referral.
	WriteDecideReferral WriteAction = "referral.decide"
	// WriteAckReferral takes the on-call handoff of a referral.
	WriteAckReferral WriteAction = "referral.ack"
	// WriteHandoff moves a taken handoff on (on scene, completed, could
	// not locate): the person who took it (Relation.HandoffTaker), the pm
	// or a supervisor.
	WriteHandoff WriteAction = "referral.handoff"
	// WriteDraft saves or discards the actor's own unsent form draft
	// (Relation.Self): everyone, for themselves only.
	WriteDraft WriteAction = "draft"
	// WriteRunMeeting opens, facilitates (agenda, current item,
	// decisions) and ends a meeting.
	WriteRunMeeting WriteAction = "meeting.run"
	// WriteMeetingNote adds a note to an agenda item during a meeting.
	WriteMeetingNote WriteAction = "meeting.note"
	// WriteActionItem adds an action item during a meeting.
	WriteActionItem WriteAction = "meeting.action_item"
	// WriteCloseAction marks an action item done or drops it: its owner
	// (Relation.Self), the pm or a supervisor.
	WriteCloseAction WriteAction = "meeting.action_close"
	// WriteUser creates, changes or removes a user (roles, keys, caps).
	WriteUser WriteAction = "user"
	// WriteUserPrefs changes a user's own display preferences (theme,
	// low-bandwidth mode).
	WriteUserPrefs WriteAction = "user.prefs"
	// WriteProtocol changes the site protocol.
	WriteProtocol WriteAction = "protocol"
)

// WriteActions lists every write action, for tables and tests.
var WriteActions = []WriteAction{
	WriteParticipant, WriteFlag, WriteReview, WriteGoal, WriteContact, WriteCase, WritePosition, WriteCaseNote, WriteROI,
	WriteAddReferral, WriteImportReferrals, WriteEditReferral, WriteDecideReferral, WriteAckReferral, WriteHandoff, WriteDraft,
	WriteRunMeeting, WriteMeetingNote, WriteActionItem, WriteCloseAction, WriteUser, WriteUserPrefs, WriteProtocol,
}

// Relation is how the actor stands to the subject of a write. The store
// fills in what it can tell from the records inside the transaction.
type Relation struct {
	// OwnCaseload: the participant the write is about is on the actor's
	// caseload (and stays there).
	OwnCaseload bool
	// OwnReferral: the referral names the actor as the user who made it.
	OwnReferral bool
	// OwnAgency: the subject belongs to the actor's agency.
	OwnAgency bool
	// Self: the user record written is the actor's own.
	Self bool
	// HandoffTaker: the actor took the referral's on-call handoff.
	HandoffTaker bool
	// Covered: the actor may see the participant (a valid ROI covers them,
	// or their role needs none).
	Covered bool
}

// ForbiddenError is a write the store refused: who tried what, and why in
// plain words. It matches ErrForbidden (and ErrDenied) with errors.Is.
type ForbiddenError struct {
	Role    Role
	Action  WriteAction
	Subject string // the id written, when known
	Reason  string
}

// ErrForbidden is the error a refused write matches: the same value as
// ErrDenied, so callers that check either see it.
var ErrForbidden = ErrDenied

// Error says what was refused and why.
func (e *ForbiddenError) Error() string {
	s := e.Reason
	if e.Subject != "" {
		s = e.Subject + ": " + s
	}
	return s + " (" + ErrDenied.Error() + ")"
}

// Unwrap returns ErrDenied.
func (e *ForbiddenError) Unwrap() error { return ErrDenied }

// AsForbidden returns the *ForbiddenError in err's chain, if any.
func AsForbidden(err error) (*ForbiddenError, bool) {
	var fe *ForbiddenError
	ok := errors.As(err, &fe)
	return fe, ok
}

// MayWrite reports whether actor may perform action on a subject it
// stands to as rel: nil, or a *ForbiddenError giving the reason. It is the
// one rule of who writes what (issue 12, section 4):
//   - the system actor (demo, migrations, the operator at the machine) may
//     do anything;
//   - police and community members add referrals, one at a time and their
//     own, and nothing else (no notes, no flags: an officer's concern about
//     someone enrolled is a re-referral); providers add their own
//     referrals, and notes and action items in meetings;
//   - a case manager writes the participants on their own caseload (their
//     record, goals, progress, contacts, cases, ROIs); supervisors write
//     every caseload;
//   - the pm and supervisors import and decide referrals and run meetings
//     (the supervisor stands in as facilitator);
//   - the prosecutor records positions; defenders and prosecutors add case
//     notes in their own role's name;
//   - the pm manages users and the protocol; everyone sets their own
//     display preferences;
//   - partners who may see a participant (prosecutor, defender, provider)
//     and staff flag them for review.
func MayWrite(actor Actor, action WriteAction, rel Relation) error {
	if actor.System {
		return nil
	}
	deny := func(format string, args ...any) error {
		return &ForbiddenError{Role: actor.Role, Action: action, Reason: fmt.Sprintf(format, args...)}
	}
	r := actor.Role
	staff := r == RolePM || r == RoleSupervisor
	switch action {
	case WriteParticipant, WriteGoal, WriteContact, WriteCase, WriteROI:
		switch {
		case r == RoleSupervisor:
			return nil
		case r == RoleCaseManager && rel.OwnCaseload:
			return nil
		case r == RoleCaseManager:
			return deny("case managers write only the participants on their own caseload")
		}
		return deny("%s is written by case management, not the %s role", writeNoun(action), r)
	case WriteFlag:
		switch r {
		case RolePolice, RoleCommunity, RoleEvaluator:
			// police and community members add referrals and nothing else
			// (an officer's concern about someone enrolled is a re-referral)
			return deny("flagging participants for review is not open to the %s role", r)
		}
		if !rel.Covered {
			return deny("only someone who may see the participant flags them for review")
		}
		return nil
	case WriteReview, WriteRunMeeting, WriteDecideReferral, WriteImportReferrals, WriteEditReferral:
		if staff {
			return nil
		}
		return deny("%s is for the pm or a supervisor, not the %s role", writeNoun(action), r)
	case WriteAddReferral:
		switch r {
		case RolePM, RoleSupervisor, RoleCaseManager:
			return nil
		case RolePolice, RoleProvider, RoleCommunity:
			if rel.OwnReferral {
				return nil
			}
			return deny("a referral is added in its referrer's own name")
		}
		return deny("making referrals is not open to the %s role", r)
	case WriteAckReferral:
		switch r {
		case RolePM, RoleSupervisor, RoleCaseManager:
			return nil
		}
		return deny("the on-call handoff is taken by case management, not the %s role", r)
	case WriteHandoff:
		switch {
		case r == RolePM || r == RoleSupervisor:
			return nil
		case r == RoleCaseManager && rel.HandoffTaker:
			return nil
		}
		return deny("a handoff is moved on by the person who took it, the pm or a supervisor")
	case WriteDraft:
		if rel.Self {
			return nil
		}
		return deny("a draft is its author's own")
	case WritePosition:
		if r == RoleProsecutor {
			return nil
		}
		return deny("the prosecution's position is recorded by the prosecutor, not the %s role", r)
	case WriteCaseNote:
		if r == RoleDefender || r == RoleProsecutor {
			return nil
		}
		return deny("case notes are added by the defender or the prosecutor, not the %s role", r)
	case WriteMeetingNote:
		switch r {
		case RolePolice, RoleCommunity, RoleEvaluator:
			return deny("notes are not taken by the %s role", r)
		}
		return nil
	case WriteActionItem:
		switch r {
		case RolePM, RoleSupervisor, RoleCaseManager, RoleProvider:
			return nil
		}
		return deny("action items are not added by the %s role", r)
	case WriteCloseAction:
		if staff || rel.Self {
			return nil
		}
		return deny("an action item is closed by its owner or the pm, not by another %s", r)
	case WriteUser, WriteProtocol:
		if r == RolePM {
			return nil
		}
		return deny("%s is managed by the pm, not the %s role", writeNoun(action), r)
	case WriteUserPrefs:
		if rel.Self || r == RolePM {
			return nil
		}
		return deny("only the user themselves sets their preferences")
	}
	return deny("unknown write %q", action)
}

func writeNoun(a WriteAction) string {
	switch a {
	case WriteParticipant:
		return "a participant's record"
	case WriteGoal:
		return "a goal"
	case WriteContact:
		return "a contact"
	case WriteCase:
		return "a legal case"
	case WriteROI:
		return "a release of information"
	case WriteReview:
		return "recording a meeting's review"
	case WriteRunMeeting:
		return "running a meeting"
	case WriteDecideReferral:
		return "deciding referrals"
	case WriteImportReferrals:
		return "importing referrals"
	case WriteEditReferral:
		return "editing a referral"
	case WriteUser:
		return "the user list"
	case WriteProtocol:
		return "the protocol"
	}
	return string(a)
}
