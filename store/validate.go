package store

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	participantIDRe = regexp.MustCompile(`^P-\d{4,}$`)
	referralIDRe    = regexp.MustCompile(`^R-\d{4,}$`)
)

// ValidParticipantID reports whether id looks like P-0001.
func ValidParticipantID(id string) bool { return participantIDRe.MatchString(id) }

// ValidReferralID reports whether id looks like R-0001.
func ValidReferralID(id string) bool { return referralIDRe.MatchString(id) }

func oneOf[T ~string](v T, all []T) bool { return slices.Contains(all, v) }

func names[T ~string](all []T) string {
	s := make([]string, len(all))
	for i, v := range all {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool { return oneOf(r, Roles) }

// Validate checks a participant's required fields and enum values as of
// the wall clock; the store uses ValidateAt with its own clock.
func (p Participant) Validate() error { return p.ValidateAt(time.Now()) }

// ValidateAt checks a participant's required fields and enum values, with
// now bounding the date of birth.
func (p Participant) ValidateAt(now time.Time) error {
	v := validator{entity: "participant"}
	if p.ID != "" && !ValidParticipantID(p.ID) {
		v.add("id", "%q is not a participant id (want P-0001)", p.ID)
	}
	if strings.TrimSpace(p.Name) == "" {
		v.add("name", "is required")
	}
	// A date of birth may be unknown (a referral with an approximate age
	// can be accepted); when given it must be a past date.
	if !p.DOB.IsZero() && p.DOB.After(now.AddDate(0, 0, 1)) {
		v.add("dob", "is in the future")
	}
	if !oneOf(p.Status, ParticipantStatuses) {
		v.add("status", "%q is not one of %s", p.Status, names(ParticipantStatuses))
	}
	if p.Status == StatusExited && strings.TrimSpace(p.ExitReason) == "" {
		v.add("exit_reason", "is required when status is exited")
	}
	if strings.TrimSpace(p.CaseManager) == "" && p.Status != StatusExited {
		v.add("case_manager", "is required")
	}
	if p.EnrolledOn.IsZero() {
		v.add("enrolled_on", "is required")
	}
	validRaceEthnicity(&v, p.RaceEthnicity)
	return v.err()
}

// Validate checks a goal.
func (g Goal) Validate() error {
	v := validator{entity: "goal"}
	if g.ParticipantID == "" {
		v.add("participant_id", "is required")
	}
	if strings.TrimSpace(g.Words) == "" {
		v.add("words", "is required (the participant's own words)")
	}
	if !oneOf(g.Domain, GoalDomains) {
		v.add("domain", "%q is not one of %s", g.Domain, names(GoalDomains))
	}
	if !oneOf(g.Status, GoalStatuses) {
		v.add("status", "%q is not one of %s", g.Status, names(GoalStatuses))
	}
	for _, e := range g.Progress {
		if err := e.Validate(); err != nil {
			v.errs = append(v.errs, err.(*ValidationError).Errs...)
		}
	}
	return v.err()
}

// Validate checks a progress entry.
func (e ProgressEntry) Validate() error {
	v := validator{entity: "progress entry"}
	if e.Date.IsZero() {
		v.add("date", "is required")
	}
	if !oneOf(e.Step, Steps) {
		v.add("step", "%q is not one of %s", e.Step, names(Steps))
	}
	if strings.TrimSpace(e.Author) == "" {
		v.add("author", "is required")
	}
	if e.Sensitivity != "" && e.Sensitivity != General && e.Sensitivity != Clinical {
		v.add("sensitivity", "%q is not one of general, clinical", e.Sensitivity)
	}
	return v.err()
}

// Validate checks a contact as of the wall clock; the store uses
// ValidateAt with its own clock.
func (c Contact) Validate() error { return c.ValidateAt(time.Now()) }

// EarliestContactDate is the earliest date a contact may carry when the
// participant's date of birth is not known (with it, the date of birth is
// the floor: see ValidateBirth).
var EarliestContactDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// ValidateAt checks a contact, with now bounding its date.
func (c Contact) ValidateAt(now time.Time) error {
	v := validator{entity: "contact"}
	if c.ParticipantID == "" {
		v.add("participant_id", "is required")
	}
	if c.Date.IsZero() {
		v.add("date", "is required")
	} else if c.Date.After(now.Add(24 * time.Hour)) {
		v.add("date", "is in the future")
	} else if c.Date.Before(EarliestContactDate) {
		v.add("date", "%s is before %s: not a date a contact happened", FormatDate(c.Date), FormatDate(EarliestContactDate))
	}
	if !oneOf(c.Kind, ContactKinds) {
		v.add("kind", "%q is not one of %s", c.Kind, names(ContactKinds))
	}
	if c.Sensitivity != General && c.Sensitivity != Clinical {
		v.add("sensitivity", "%q is not one of general, clinical", c.Sensitivity)
	}
	if strings.TrimSpace(c.Author) == "" {
		v.add("author", "is required")
	}
	return v.err()
}

// ValidateBirth checks a contact's date against the date of birth of its
// participant, when known: no contact happened before the person was born.
func (c Contact) ValidateBirth(dob time.Time) error {
	if dob.IsZero() || c.Date.IsZero() || !c.Date.Before(dob) {
		return nil
	}
	v := validator{entity: "contact"}
	v.add("date", "%s is before the participant's date of birth (%s)", FormatDate(c.Date), FormatDate(dob))
	return v.err()
}

// Validate checks a referral's required fields and enum values. Protocol
// eligibility (age, offenses) is not validation: see Eligibility.
func (r Referral) Validate() error {
	v := validator{entity: "referral"}
	if r.ID != "" && !ValidReferralID(r.ID) {
		v.add("id", "%q is not a referral id (want R-0001)", r.ID)
	}
	if r.Received.IsZero() {
		v.add("received", "is required")
	}
	if !oneOf(r.Kind, ReferralKinds) {
		v.add("kind", "%q is not one of %s", r.Kind, names(ReferralKinds))
	}
	if strings.TrimSpace(r.Person.Name) == "" {
		v.add("name", "is required")
	}
	if !r.Person.DOB.IsZero() && !r.Received.IsZero() && r.Person.DOB.After(r.Received) {
		v.add("dob", "is after the received date")
	}
	if r.Person.ApproxAge < 0 || r.Person.ApproxAge > 120 {
		v.add("approx_age", "%d is not an age", r.Person.ApproxAge)
	}
	if r.Indicators.Impairment < 0 || r.Indicators.Impairment > 2 {
		v.add("impairment", "%d is not 0, 1 or 2", r.Indicators.Impairment)
	}
	if r.Indicators.Contacts12m < 0 || r.Indicators.Contacts12m > 1000 {
		v.add("contacts_12m", "%d is not a count of contacts", r.Indicators.Contacts12m)
	}
	if !oneOf(r.Status, ReferralStatuses) {
		v.add("status", "%q is not one of %s", r.Status, names(ReferralStatuses))
	}
	validRaceEthnicity(&v, r.RaceEthnicity)
	return v.err()
}

// Validate checks a legal case.
func (c LegalCase) Validate() error {
	v := validator{entity: "legal case"}
	if c.ParticipantID == "" {
		v.add("participant_id", "is required")
	}
	if !oneOf(c.Kind, CaseKinds) {
		v.add("kind", "%q is not one of %s", c.Kind, names(CaseKinds))
	}
	if !oneOf(c.Status, CaseStatuses) {
		v.add("status", "%q is not one of %s", c.Status, names(CaseStatuses))
	}
	if c.Position != PositionNone && !oneOf(c.Position, Positions) {
		v.add("position", "%q is not one of %s", c.Position, names(Positions))
	}
	if c.Kind == CaseDivertedArrest && c.IntakeDeadline.IsZero() {
		v.add("intake_deadline", "is required for a diverted arrest")
	}
	return v.err()
}

// Validate checks an ROI.
func (r ROI) Validate() error {
	v := validator{entity: "ROI"}
	if r.ParticipantID == "" {
		v.add("participant_id", "is required")
	}
	if len(r.Covers) > 0 {
		v.add("covers", "is the unscoped form of an old ROI: give roles, agencies and classes")
	}
	if len(r.Roles) == 0 && len(r.Agencies) == 0 {
		v.add("recipients", "names no role or agency")
	}
	for _, role := range r.Roles {
		if !oneOf(role, ROIRecipientRoles) {
			v.add("roles", "%q is not one of %s", role, names(ROIRecipientRoles))
		}
	}
	for _, a := range r.Agencies {
		if strings.TrimSpace(a) == "" {
			v.add("agencies", "has an empty agency name")
		}
	}
	if len(r.Classes) == 0 {
		v.add("classes", "lists no class of information (one or more of %s)", names(ROIClasses))
	}
	for _, c := range r.Classes {
		if !oneOf(c, ROIClasses) {
			v.add("classes", "%q is not one of %s", c, names(ROIClasses))
		}
	}
	if strings.TrimSpace(r.Purpose) == "" {
		v.add("purpose", "is required (why the information is released)")
	}
	if r.Signed.IsZero() {
		v.add("signed", "is required")
	}
	if r.Expires.IsZero() {
		v.add("expires", "is required")
	} else if !r.Signed.IsZero() && r.Expires.Before(r.Signed) {
		v.add("expires", "is before the signed date")
	}
	if !r.Revoked.IsZero() && !r.Signed.IsZero() && r.Revoked.Before(r.Signed) {
		v.add("revoked", "is before the signed date")
	}
	if strings.TrimSpace(r.RecordedBy) == "" {
		v.add("recorded_by", "is required")
	}
	return v.err()
}

// Validate checks a meeting.
func (m Meeting) Validate() error {
	v := validator{entity: "meeting"}
	if m.Date.IsZero() {
		v.add("date", "is required")
	}
	if strings.TrimSpace(m.Facilitator) == "" {
		v.add("facilitator", "is required")
	}
	if m.Status != MeetingPlanned && m.Status != MeetingOpen && m.Status != MeetingEnded {
		v.add("status", "%q is not one of planned, open, ended", m.Status)
	}
	for i, a := range m.ActionItems {
		if strings.TrimSpace(a.Text) == "" {
			v.add("action_items["+strconv.Itoa(i)+"].text", "is required")
		}
		if strings.TrimSpace(a.Owner) == "" {
			v.add("action_items["+strconv.Itoa(i)+"].owner", "is required")
		}
		switch a.State() {
		case ActionOpen, ActionDone:
		case ActionDropped:
			if strings.TrimSpace(a.Reason) == "" {
				v.add("action_items["+strconv.Itoa(i)+"].reason", "is required to drop an action item")
			}
		default:
			v.add("action_items["+strconv.Itoa(i)+"].status", "%q is not one of open, done, dropped", a.Status)
		}
		if a.Sensitivity != "" && a.Sensitivity != General && a.Sensitivity != Clinical {
			v.add("action_items["+strconv.Itoa(i)+"].sensitivity", "%q is not one of general, clinical", a.Sensitivity)
		}
	}
	return v.err()
}

// CheckActionSensitivity refuses a clinical action item of old made
// general in m: its text would then reach roles that may never read it.
func CheckActionSensitivity(old *Meeting, m Meeting) error {
	if old == nil {
		return nil
	}
	clinical := map[string]bool{}
	for _, a := range old.ActionItems {
		if a.ID != "" && a.TextSensitivity() == Clinical {
			clinical[a.ID] = true
		}
	}
	v := validator{entity: "meeting"}
	for i, a := range m.ActionItems {
		if clinical[a.ID] && a.TextSensitivity() != Clinical {
			v.add("action_items["+strconv.Itoa(i)+"].sensitivity", "%s is clinical and stays clinical", a.ID)
		}
	}
	return v.err()
}

// CheckActionDue refuses an action item of m due before the meeting's
// date. Only items new or re-dated since old (nil: all) are checked, so an
// older record never blocks closing its items.
func CheckActionDue(old *Meeting, m Meeting) error {
	prev := map[string]time.Time{}
	if old != nil {
		for _, a := range old.ActionItems {
			prev[a.ID] = a.Due
		}
	}
	v := validator{entity: "meeting"}
	for i, a := range m.ActionItems {
		if a.Due.IsZero() || m.Date.IsZero() {
			continue
		}
		if d, had := prev[a.ID]; had && a.ID != "" && d.Equal(a.Due) {
			continue
		}
		if DateOf(a.Due).Before(DateOf(m.Date)) {
			v.add("action_items["+strconv.Itoa(i)+"].due", "%s is before the meeting date %s", FormatDate(a.Due), FormatDate(m.Date))
		}
	}
	return v.err()
}

// MeetingPastDays is how far in the past a meeting may be dated when it
// is opened.
const MeetingPastDays = 7

// Validate checks a user.
func (u User) Validate() error {
	v := validator{entity: "user"}
	if strings.TrimSpace(u.Name) == "" {
		v.add("name", "is required")
	} else if strings.ContainsAny(u.Name, " \t\n/") {
		v.add("name", "%q may not contain spaces or slashes", u.Name)
	}
	if !ValidRole(u.Role) {
		v.add("role", "%q is not one of %s", u.Role, names(Roles))
	}
	if u.Cap < 0 {
		v.add("cap", "%d is negative", u.Cap)
	}
	return v.err()
}
