package store

import (
	"slices"
	"strings"
	"time"
)

// DataKind is a row of the visibility matrix in DOMAIN.md.
type DataKind string

// The data rows of the visibility matrix.
const (
	DataIdentity         DataKind = "identity" // identity, status, goals
	DataClinicalContacts DataKind = "clinical_contacts"
	DataGeneralContacts  DataKind = "general_contacts"
	DataLegalCases       DataKind = "legal_cases"
	DataReferrals        DataKind = "referrals"
	DataAggregates       DataKind = "aggregates"
)

// DataKinds lists every data row.
var DataKinds = []DataKind{DataIdentity, DataClinicalContacts, DataGeneralContacts, DataLegalCases, DataReferrals, DataAggregates}

// Access is what a role sees of one kind of data.
type Access string

// Access levels.
const (
	Shown        Access = "shown"
	Redacted     Access = "redacted"      // "not shared with your role"
	DeIdentified Access = "de_identified" // community: items without identity
	StatusOnly   Access = "status_only"   // police: legal case status only
	OwnOnly      Access = "own_only"      // police: their own referrals' status
)

// NotShared is the neutral placeholder shown in place of redacted data.
const NotShared = "not shared with your role"

// Visible reports what role sees of data about one participant, given
// whether a valid ROI covers that role (roiCovers). It is the single
// source of the visibility matrix: every screen, export and session asks it.
func Visible(role Role, roiCovers bool, data DataKind) Access {
	if data == DataAggregates {
		return Shown
	}
	switch role {
	case RolePM:
		if data == DataClinicalContacts {
			return Redacted
		}
		return Shown
	case RoleSupervisor, RoleCaseManager:
		return Shown
	case RoleProsecutor, RoleDefender:
		switch data {
		case DataIdentity, DataGeneralContacts, DataLegalCases:
			if roiCovers {
				return Shown
			}
		}
		return Redacted
	case RolePolice, RoleProvider:
		switch data {
		case DataIdentity, DataGeneralContacts:
			if roiCovers {
				return Shown
			}
		case DataLegalCases:
			if roiCovers {
				if role == RolePolice {
					return StatusOnly
				}
				return Shown
			}
		case DataReferrals:
			return OwnOnly // their own referrals' outcome label (issue 12)
		}
		return Redacted
	case RoleCommunity:
		switch data {
		case DataIdentity:
			return DeIdentified
		case DataReferrals:
			return OwnOnly // their own referrals' outcome label (issue 12)
		}
		return Redacted
	}
	return Redacted
}

// Allowed reports whether access a lets the viewer see the data at all
// (anything but Redacted and DeIdentified).
func (a Access) Allowed() bool { return a == Shown || a == StatusOnly || a == OwnOnly }

// NeedsROI reports whether role's view of participants depends on an ROI.
func NeedsROI(role Role) bool {
	switch role {
	case RoleProsecutor, RoleDefender, RolePolice, RoleProvider:
		return true
	}
	return false
}

// Valid reports whether the ROI is in force on day: signed on or before,
// not expired (expires is the last valid day), not revoked on or before.
func (r ROI) Valid(day time.Time) bool {
	day = DateOf(day)
	if r.Signed.IsZero() || DateOf(r.Signed).After(day) {
		return false
	}
	if !r.Expires.IsZero() && day.After(DateOf(r.Expires)) {
		return false
	}
	if !r.Revoked.IsZero() && !DateOf(r.Revoked).After(day) {
		return false
	}
	return true
}

// CoversPartner reports whether the ROI names the role or the agency.
func (r ROI) CoversPartner(role Role, agency string) bool {
	for _, c := range r.Covers {
		if strings.EqualFold(c, string(role)) || (agency != "" && strings.EqualFold(c, agency)) {
			return true
		}
	}
	return false
}

// ROICovers reports whether any valid ROI among rois covers the viewer
// (role and agency) on day. Roles that need no ROI get true.
func ROICovers(rois []ROI, role Role, agency string, day time.Time) bool {
	if !NeedsROI(role) {
		return true
	}
	return slices.ContainsFunc(rois, func(r ROI) bool { return r.Valid(day) && r.CoversPartner(role, agency) })
}

// CanSeeContact reports whether the viewer may see a contact of the given
// sensitivity about a participant.
func CanSeeContact(role Role, roiCovers bool, s Sensitivity) bool {
	if s == Clinical {
		return Visible(role, roiCovers, DataClinicalContacts) == Shown
	}
	return Visible(role, roiCovers, DataGeneralContacts) == Shown
}

// CanSeeNote reports whether the viewer may see a meeting note of the
// given sensitivity about a participant (same rule as contacts).
func CanSeeNote(role Role, roiCovers bool, s Sensitivity) bool {
	return CanSeeContact(role, roiCovers, s)
}

// CanWrite reports whether role may create or change data of this kind.
func CanWrite(role Role, data DataKind) bool {
	switch role {
	case RolePM:
		return data != DataClinicalContacts
	case RoleSupervisor, RoleCaseManager:
		return true
	case RoleProsecutor, RoleDefender:
		return data == DataLegalCases
	case RolePolice, RoleProvider, RoleCommunity:
		return data == DataReferrals
	}
	return false
}

// IsLawEnforcement reports whether role is on the criminal-legal side that
// must never receive clinical information.
func IsLawEnforcement(role Role) bool {
	return role == RolePolice || role == RoleProsecutor
}

// SeesIdentities reports whether a role may ever see identifying data (used
// for small-cell suppression in reports: roles that never see identities
// get cells under 5 suppressed).
func SeesIdentities(role Role) bool {
	switch role {
	case RolePM, RoleSupervisor, RoleCaseManager:
		return true
	}
	return false
}

// CanSeeItemText reports whether the viewer may see the free text recorded
// on a meeting agenda item (decisions and action items): it may name or
// describe the item's subject, so it follows the rule of general notes
// about that subject. roiCovers tells whether a valid ROI of the subject
// covers the viewer; for an item with no participant subject (other
// business, the last meeting's action items, a referral the viewer may not
// see in full), a role that needs an ROI counts as not covered.
func CanSeeItemText(role Role, roiCovers bool) bool { return CanSeeNote(role, roiCovers, General) }

// SeesMeetings reports whether role may attend OWG meetings and read their
// minutes: everyone but the evaluator, who gets aggregates only.
func SeesMeetings(role Role) bool {
	switch role {
	case RolePM, RoleSupervisor, RoleCaseManager, RoleProsecutor, RoleDefender, RolePolice, RoleProvider, RoleCommunity:
		return true
	}
	return false
}

// CanDecideReferrals reports whether role records the OWG's decisions on
// referrals (accept, waitlist, decline): the pm and supervisors. Case
// managers see the queue but do not decide.
func CanDecideReferrals(role Role) bool { return role == RolePM || role == RoleSupervisor }

// CanSeeCaseNote reports whether the viewer may see note n on a legal case
// they see with caseAccess. Only a viewer who sees the case in full sees
// its notes, and the defense's notes (a defender's, or a note with no
// author role) reach defenders only: never the prosecution, police,
// providers or LEAD staff.
func CanSeeCaseNote(role Role, caseAccess Access, n CaseNote) bool {
	if caseAccess != Shown {
		return false
	}
	if n.Role == RoleDefender || n.Role == "" {
		return role == RoleDefender
	}
	return true
}
