package store

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// DataKind is a class of data: a row of the visibility matrix in
// DOMAIN.md. An ROI lists the classes it releases.
type DataKind string

// The classes of data, the rows of the visibility matrix.
const (
	// DataIdentity is name, aliases, date of birth, status, case manager
	// and housing.
	DataIdentity DataKind = "identity"
	// DataGoals is goals in ordinary domains with their general progress.
	DataGoals DataKind = "goals"
	// DataSensitive is goals in the protocol's sensitive_goal_domains with
	// all their progress, every clinical progress entry (on any goal),
	// clinical contacts and clinical meeting notes. Police and prosecutors
	// never see it (42 CFR 2.12(d)).
	DataSensitive DataKind = "sensitive"
	// DataGeneralContacts is general contacts and general meeting notes.
	DataGeneralContacts DataKind = "general_contacts"
	// DataLegalCases is legal cases.
	DataLegalCases DataKind = "legal_cases"
	// DataReferrals is referrals.
	DataReferrals DataKind = "referrals"
	// DataAggregates is aggregate and equity reports.
	DataAggregates DataKind = "aggregates"
)

// DataClinicalContacts is the old name of the class of clinical contacts,
// now part of DataSensitive.
//
// Deprecated: use DataSensitive.
const DataClinicalContacts = DataSensitive

// DataKinds lists every class of data, in matrix order.
var DataKinds = []DataKind{DataIdentity, DataGoals, DataSensitive, DataGeneralContacts, DataLegalCases, DataReferrals, DataAggregates}

// ROIClasses lists the classes an ROI may release: the participant's own
// records (referrals and aggregates are not released by consent).
var ROIClasses = []DataKind{DataIdentity, DataGoals, DataSensitive, DataGeneralContacts, DataLegalCases}

// LegacyROIClasses are the classes an ROI recorded before consent was
// scoped (one "covers" list of roles and agencies) migrates to: never
// DataSensitive.
var LegacyROIClasses = []DataKind{DataIdentity, DataGoals, DataGeneralContacts, DataLegalCases}

// ROIRecipientRoles lists the roles an ROI may name as recipients: the
// roles whose view of a participant depends on consent.
var ROIRecipientRoles = []Role{RolePM, RoleProsecutor, RoleDefender, RolePolice, RoleProvider}

// Coverage is the set of classes that the valid ROIs of one participant
// release to one viewer. The zero value covers nothing.
type Coverage uint16

// CoverageOf returns the coverage of exactly the given classes.
func CoverageOf(classes ...DataKind) Coverage {
	var c Coverage
	for _, d := range classes {
		if i := slices.Index(DataKinds, d); i >= 0 {
			c |= 1 << i
		}
	}
	return c
}

// Has reports whether the coverage includes class d.
func (c Coverage) Has(d DataKind) bool {
	i := slices.Index(DataKinds, d)
	return i >= 0 && c&(1<<i) != 0
}

// Any reports whether the coverage includes any class.
func (c Coverage) Any() bool { return c != 0 }

// Classes lists the classes covered, in matrix order.
func (c Coverage) Classes() []DataKind {
	var out []DataKind
	for _, d := range DataKinds {
		if c.Has(d) {
			out = append(out, d)
		}
	}
	return out
}

// Access is what a role sees of one kind of data.
type Access string

// Access levels.
const (
	Shown        Access = "shown"
	Redacted     Access = "redacted"      // "not shared with your role"
	DeIdentified Access = "de_identified" // community: items without identity
	StatusOnly   Access = "status_only"   // police: legal case status only
	OwnOnly      Access = "own_only"      // police: their own referrals' outcome
)

// NotShared is the neutral placeholder shown in place of redacted data.
const NotShared = "not shared with your role"

// HeldByCaseManagement is what a viewer who may not see some of a
// participant's goals reads in their place: the count, never their domain
// or wording.
func HeldByCaseManagement(n int) string {
	if n == 1 {
		return "1 more goal held by case management"
	}
	return strconv.Itoa(n) + " more goals held by case management"
}

// Visible reports what role sees of one class of data about one
// participant, given the classes that valid ROIs of that participant
// release to the viewer (covered, from ROICoverage). It is the single
// source of the visibility matrix of DOMAIN.md: every screen, export and
// session asks it.
func Visible(role Role, covered Coverage, data DataKind) Access {
	if data == DataAggregates {
		return Shown // evaluators and community get small cells suppressed elsewhere
	}
	consent := func() Access {
		if covered.Has(data) {
			return Shown
		}
		return Redacted
	}
	switch role {
	case RoleSupervisor, RoleCaseManager:
		return Shown
	case RolePM:
		if data == DataSensitive {
			return consent()
		}
		return Shown
	case RoleProsecutor, RolePolice:
		switch data {
		case DataSensitive:
			return Redacted // never, whatever the ROI: 42 CFR 2.12(d)
		case DataReferrals:
			if role == RolePolice {
				return OwnOnly // their own referrals' outcome label
			}
			return Redacted
		case DataLegalCases:
			if role == RolePolice && covered.Has(data) {
				return StatusOnly
			}
		}
		return consent()
	case RoleDefender, RoleProvider:
		if data == DataReferrals {
			if role == RoleProvider {
				return OwnOnly // their own referrals' outcome label
			}
			return Redacted
		}
		return consent()
	case RoleCommunity:
		switch data {
		case DataIdentity:
			return DeIdentified
		case DataReferrals:
			return OwnOnly // their own referrals' outcome label (coded)
		}
		return Redacted
	}
	return Redacted
}

// Allowed reports whether access a lets the viewer see the data at all
// (anything but Redacted and DeIdentified).
func (a Access) Allowed() bool { return a == Shown || a == StatusOnly || a == OwnOnly }

// NeedsROI reports whether role's view of participants depends on an ROI
// for every class of their records (the pm needs one only for sensitive
// data).
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

// Names reports whether the ROI names the viewer as a recipient: by role
// (that role at every agency) or by the viewer's own agency (only users of
// that agency). A legacy ROI not yet migrated is read as MigrateROI reads it.
func (r ROI) Names(viewer Actor) bool {
	r = MigrateROI(r)
	if slices.Contains(r.Roles, viewer.Role) {
		return true
	}
	agency := strings.TrimSpace(viewer.Agency)
	return agency != "" && slices.ContainsFunc(r.Agencies, func(a string) bool { return strings.EqualFold(strings.TrimSpace(a), agency) })
}

// Lists reports whether the ROI releases class d.
func (r ROI) Lists(d DataKind) bool { return slices.Contains(MigrateROI(r).Classes, d) }

// ROICoverage returns the classes that the ROIs valid on day release to
// viewer: the union of the classes of every valid ROI that names them
// (only ROIClasses: consent never releases referrals or row-level
// aggregates).
func ROICoverage(rois []ROI, viewer Actor, day time.Time) Coverage {
	var c Coverage
	for _, r := range rois {
		if r.Valid(day) && r.Names(viewer) {
			c |= CoverageOf(MigrateROI(r).Classes...)
		}
	}
	return c & CoverageOf(ROIClasses...)
}

// Sees is Visible for a viewer given the participant's ROIs.
func Sees(viewer Actor, rois []ROI, day time.Time, data DataKind) Access {
	return Visible(viewer.Role, ROICoverage(rois, viewer, day), data)
}

// LegacyPurpose and LegacyRecorder fill the purpose and recorder of an
// ROI migrated from the unscoped form, which recorded neither.
const (
	LegacyPurpose  = "purpose not recorded: ROI predates scoped consent"
	LegacyRecorder = "unknown: ROI predates scoped consent"
)

// MigrateROI returns r in the scoped form: an ROI recorded before consent
// was scoped carries one Covers list mixing role store values and agency
// names; it becomes those roles and agencies releasing LegacyROIClasses
// (never DataSensitive). An ROI already scoped is returned as it is.
func MigrateROI(r ROI) ROI {
	if len(r.Covers) == 0 || len(r.Roles) > 0 || len(r.Agencies) > 0 || len(r.Classes) > 0 {
		return r
	}
	out := r
	out.Covers = nil
	for _, c := range r.Covers {
		c = strings.TrimSpace(c)
		if role := Role(strings.ToLower(c)); ValidRole(role) {
			if !slices.Contains(out.Roles, role) {
				out.Roles = append(out.Roles, role)
			}
		} else if c != "" {
			out.Agencies = append(out.Agencies, c)
		}
	}
	out.Classes = slices.Clone(LegacyROIClasses)
	if strings.TrimSpace(out.Purpose) == "" {
		out.Purpose = LegacyPurpose
	}
	if strings.TrimSpace(out.RecordedBy) == "" {
		out.RecordedBy = LegacyRecorder
	}
	return out
}

// DefaultSensitiveGoalDomains are the sensitive goal domains of the
// default protocol: substance use and health.
func DefaultSensitiveGoalDomains() []GoalDomain {
	return []GoalDomain{DomainSubstanceUse, DomainHealth}
}

// GoalClass is the class of goal g under the protocol's sensitive goal
// domains: DataSensitive for a goal in one of them, else DataGoals. An
// empty list (a caller without a protocol; a valid protocol always lists
// substance_use) means DefaultSensitiveGoalDomains, so nothing sensitive
// is shown for want of a protocol.
func GoalClass(g Goal, sensitive []GoalDomain) DataKind {
	if len(sensitive) == 0 {
		sensitive = DefaultSensitiveGoalDomains()
	}
	if slices.Contains(sensitive, g.Domain) {
		return DataSensitive
	}
	return DataGoals
}

// ProgressSensitivity is the sensitivity of progress entry e on goal g:
// the one recorded, else (entries recorded before progress had one)
// clinical on a goal in a sensitive domain and general on any other.
func ProgressSensitivity(g Goal, e ProgressEntry, sensitive []GoalDomain) Sensitivity {
	if e.Sensitivity == General || e.Sensitivity == Clinical {
		return e.Sensitivity
	}
	return DefaultProgressSensitivity(g, sensitive)
}

// DefaultProgressSensitivity is the sensitivity a new progress entry on g
// starts with: clinical for a goal in a sensitive domain, else general.
func DefaultProgressSensitivity(g Goal, sensitive []GoalDomain) Sensitivity {
	if GoalClass(g, sensitive) == DataSensitive {
		return Clinical
	}
	return General
}

// ProgressClass is the class of entry e on goal g: a clinical entry is
// DataSensitive even on an ordinary goal; a general one is its goal's class.
func ProgressClass(g Goal, e ProgressEntry, sensitive []GoalDomain) DataKind {
	if ProgressSensitivity(g, e, sensitive) == Clinical {
		return DataSensitive
	}
	return GoalClass(g, sensitive)
}

// VisibleGoals filters goals to what role sees under covered: the goals
// whose class is shown, each with only the progress entries whose class is
// shown (their Sensitivity filled in by ProgressSensitivity). hidden
// counts the goals left out: a viewer learns their number, never their
// domain or wording.
func VisibleGoals(role Role, covered Coverage, goals []Goal, sensitive []GoalDomain) (shown []Goal, hidden int) {
	for _, g := range goals {
		if Visible(role, covered, GoalClass(g, sensitive)) != Shown {
			hidden++
			continue
		}
		var es []ProgressEntry
		for _, e := range g.Progress {
			if Visible(role, covered, ProgressClass(g, e, sensitive)) == Shown {
				e.Sensitivity = ProgressSensitivity(g, e, sensitive)
				es = append(es, e)
			}
		}
		g.Progress = es
		shown = append(shown, g)
	}
	return shown, hidden
}

// ContactClass is the class of a contact or meeting note of sensitivity s.
func ContactClass(s Sensitivity) DataKind {
	if s == Clinical {
		return DataSensitive
	}
	return DataGeneralContacts
}

// CanSeeContact reports whether the viewer may see a contact of the given
// sensitivity about a participant whose ROIs cover them for covered.
func CanSeeContact(role Role, covered Coverage, s Sensitivity) bool {
	return Visible(role, covered, ContactClass(s)) == Shown
}

// CanSeeNote reports whether the viewer may see a meeting note of the
// given sensitivity about a participant (same rule as contacts).
func CanSeeNote(role Role, covered Coverage, s Sensitivity) bool {
	return CanSeeContact(role, covered, s)
}

// CanWrite reports whether role may create or change data of this kind.
func CanWrite(role Role, data DataKind) bool {
	switch role {
	case RolePM:
		return data != DataSensitive
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
// about that subject. covered is what valid ROIs of the subject release
// to the viewer; for an item with no participant subject (other business,
// the last meeting's action items, a referral the viewer may not see in
// full), pass NoSubjectCoverage(role).
func CanSeeItemText(role Role, covered Coverage) bool { return CanSeeNote(role, covered, General) }

// NoSubjectCoverage is the coverage to judge free text with no participant
// subject by: no consent can release it, so a role that needs an ROI is
// covered for nothing, and the others for every class but sensitive
// (which case managers and supervisors see anyway, and the pm only by a
// participant's ROI).
func NoSubjectCoverage(role Role) Coverage {
	if NeedsROI(role) {
		return 0
	}
	return CoverageOf(LegacyROIClasses...)
}

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
