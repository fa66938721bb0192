package store

import (
	"context"
	"errors"
	"time"
)

// ParticipantView is what one viewer may see of one participant: the
// visibility matrix applied. Screens, exports and sessions build every
// participant display from it, never from the raw records.
type ParticipantView struct {
	ID string
	// Access is the viewer's access to identity (name, aliases, dob,
	// status, case manager, housing): Shown, DeIdentified (community) or
	// Redacted.
	Access Access
	// Coverage is the classes that valid ROIs release to the viewer.
	Coverage Coverage
	// Participant is complete only when Access is Shown. DeIdentified keeps
	// only Status; Redacted keeps nothing but the ID (which callers must not
	// display to a Redacted viewer: use Label).
	Participant Participant
	// ROIs are shown with identity: every ROI to the roles that need none,
	// only the ROIs naming the viewer to the others.
	ROIs []ROI
	// Goals are the goals the viewer may see (when Access is Shown), each
	// with only the progress entries the viewer may see (VisibleGoals).
	Goals []Goal
	// HiddenGoals counts the goals left out of Goals: shown as
	// HeldByCaseManagement, never with their domain or wording.
	HiddenGoals int
	Contacts    []Contact   // only those the viewer may see, newest first
	Cases       []LegalCase // full when CaseAccess is Shown; status and dates only when StatusOnly
	CaseAccess  Access
}

// Label is the viewer-safe display name of the participant.
func (v ParticipantView) Label() string {
	switch v.Access {
	case Shown:
		return CleanLine(v.Participant.Name)
	case DeIdentified:
		return "participant (de-identified)"
	}
	return NotShared
}

// Viewable reports whether the viewer sees this participant's identity.
func (v ParticipantView) Viewable() bool { return v.Access == Shown }

// ViewParticipant loads participant id with everything viewer may see
// (sensitive is the protocol's SensitiveGoalDomains), and audits the read:
// a "view" event when identity is shown, a "denied" event otherwise. The
// event carries only the id.
func ViewParticipant(ctx context.Context, s Store, viewer Actor, id string, now time.Time, sensitive []GoalDomain) (ParticipantView, error) {
	v, err := PeekParticipant(ctx, s, viewer, id, now, sensitive)
	if err != nil {
		return v, err
	}
	if err := s.Record(ctx, ViewEvent(viewer, id, v.Access)); err != nil {
		return ParticipantView{}, err
	}
	return v, nil
}

// PeekParticipant is ViewParticipant without the audit event, for
// composing lists and live refreshes of a record whose opening was
// already audited.
func PeekParticipant(ctx context.Context, s Store, viewer Actor, id string, now time.Time, sensitive []GoalDomain) (ParticipantView, error) {
	p, err := s.GetParticipant(ctx, id)
	if err != nil {
		return ParticipantView{}, err
	}
	rois, err := s.ListROIs(ctx, id)
	if err != nil {
		return ParticipantView{}, err
	}
	covers := ROICoverage(rois, viewer, now)
	v := ParticipantView{ID: id, Coverage: covers}
	v.Access = Visible(viewer.Role, covers, DataIdentity)
	switch v.Access {
	case Shown:
		v.Participant = p
		for _, r := range rois {
			if !NeedsROI(viewer.Role) || r.Names(viewer) {
				v.ROIs = append(v.ROIs, r)
			}
		}
		goals, err := s.ListGoals(ctx, id)
		if err != nil {
			return ParticipantView{}, err
		}
		v.Goals, v.HiddenGoals = VisibleGoals(viewer.Role, covers, goals, sensitive)
	case DeIdentified:
		v.Participant = Participant{ID: id, Status: p.Status}
	default:
		v.Participant = Participant{ID: id}
	}
	if Visible(viewer.Role, covers, DataGeneralContacts) == Shown || Visible(viewer.Role, covers, DataSensitive) == Shown {
		cs, err := s.ListContacts(ctx, id)
		if err != nil {
			return ParticipantView{}, err
		}
		for _, c := range cs {
			if CanSeeContact(viewer.Role, covers, c.Sensitivity) {
				v.Contacts = append(v.Contacts, c)
			}
		}
	}
	v.CaseAccess = Visible(viewer.Role, covers, DataLegalCases)
	if v.CaseAccess == Shown || v.CaseAccess == StatusOnly {
		cases, err := s.ListCases(ctx, id)
		if err != nil {
			return ParticipantView{}, err
		}
		for _, c := range cases {
			if v.CaseAccess == StatusOnly {
				c = LegalCase{ID: c.ID, ParticipantID: c.ParticipantID, Kind: c.Kind, Status: c.Status, NextCourtDate: c.NextCourtDate}
			}
			v.Cases = append(v.Cases, c)
		}
	}
	return v, nil
}

// ParticipantLabel returns the viewer-safe label of p for list rows, and
// the viewer's identity access, given p's ROIs.
func ParticipantLabel(p Participant, rois []ROI, viewer Actor, now time.Time) (string, Access) {
	a := Sees(viewer, rois, now, DataIdentity)
	switch a {
	case Shown:
		return CleanLine(p.Name), a
	case DeIdentified:
		return "participant (de-identified)", a
	}
	return NotShared, a
}

// ReferralAccess returns what viewer may see of a referral: Shown for the
// roles that see referrals, OwnOnly for referrers (police, providers,
// community) on their own referrals (status and the outcome's label, never
// other people's referrals nor the decision's note), else Redacted.
func ReferralAccess(viewer Actor, r Referral) Access {
	switch Visible(viewer.Role, 0, DataReferrals) {
	case Shown:
		return Shown
	case OwnOnly:
		if r.ReferrerUser != "" && r.ReferrerUser == viewer.User {
			return OwnOnly
		}
	}
	return Redacted
}

// ActorFor returns the actor of a registered user.
func ActorFor(u User) Actor { return Actor{User: u.Name, Role: u.Role, Agency: u.Agency} }

// IsNotFound reports whether err is ErrNotFound.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
