package export

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/report"
)

// Column is one column of the de-identified CSV.
type Column struct {
	Name string
	Doc  string
}

// Columns are the columns of the de-identified CSV, in order. Every row is
// one referral received in the period or one participant enrolled by the
// period's end and not exited before it; a column that does not apply to
// the row's record type is empty. Dates are YYYY-MM-DD (no times); counts
// over "the period" use the export's period.
//
//	record                  "referral" or "participant"
//	pseudo_id               stable pseudonym of the record: "X-" + 10 hex digits of HMAC-SHA256(site key, record id)
//	linked_pseudo_id        referral: pseudonym of the participant it became or re-referred to; participant: of the referral it came from
//	kind                    referral kind: arrest_diversion, social_contact, community
//	status                  referral: new, screened_out, waitlisted, accepted, declined, withdrawn; participant: engaging, not_yet_engaged, unable_to_locate, exited
//	screen_out_reason       screen-out code when status is screened_out (decision reasons are free text and left out)
//	received                referral: date received
//	decided                 referral: date of the latest decision
//	override                referral: true when the OWG overrode the ranking
//	waitlist_position       referral: position when waitlisted
//	re_referral             referral: true when the person was already enrolled
//	offense                 referral: offense code when it is on the protocol's divertible or excluded lists, "other" for anything else, empty when none
//	unsheltered             referral indicator: true/false
//	contacts_12m            referral indicator: criminal-legal or crisis contacts in the last 12 months
//	impairment              referral indicator: observed functional impairment 0, 1 or 2
//	victimization_risk      referral indicator: true/false
//	warrant                 referral indicator: known warrant, true/false
//	court_date_pending      referral indicator: a next court date was given, true/false
//	ack_minutes             referral: whole minutes from receipt to the on-call acknowledgement, empty when none
//	no_recent_contact       referral: no contact in 12 months and no warrant or court date (net-widening watch)
//	age_band                age on the referral's receipt or the participant's enrollment: under 18, 18-24, 25-34, 35-44, 45-54, 55-64, 65+; empty when unknown
//	race_ethnicity          HUD's HMIS race and ethnicity categories (store.RaceCategories), "; "
//	                        between several; empty when not recorded; free text recorded before
//	                        the vocabulary is "Data not collected", never its text
//	enrolled                participant: enrollment date
//	case_manager_pseudo_id  participant: pseudonym of the case manager's user name
//	days_to_first_contact   participant: days from the source referral's receipt to the first contact
//	days_to_intake          participant: days from the source referral's receipt to enrollment
//	days_since_contact      participant: days from the last contact to the as-of date
//	contacts                participant: contacts dated in the period (general and clinical, counted only)
//	goals_set               participant: goals created in the period
//	goals_achieved          participant: goals marked achieved in the period
//	progress_forward        participant: progress entries "step forward" in the period
//	progress_no_change      participant: progress entries "no change" in the period
//	progress_setback        participant: progress entries "setback" in the period
//	hearings_past           participant: court hearings in the period up to the as-of date
//	hearings_kept           participant: of those, hearings kept
//	post_enrollment_cases   participant: post-enrollment legal cases opened in the period
//	warrants_open           participant: open warrants at the as-of date
//
// Never in the file: names, aliases, dates of birth, pronouns, notes,
// goals' words, locations, charges, case numbers, referrers, agencies,
// exit or decision reasons (free text), and record ids.
var Columns = []Column{
	{"record", "referral or participant"},
	{"pseudo_id", "stable pseudonym of the record id"},
	{"linked_pseudo_id", "pseudonym of the linked participant or source referral"},
	{"kind", "referral kind"},
	{"status", "referral or participant status"},
	{"screen_out_reason", "screen-out code"},
	{"received", "referral received date"},
	{"decided", "referral decision date"},
	{"override", "ranking overridden"},
	{"waitlist_position", "waitlist position"},
	{"re_referral", "person already enrolled"},
	{"offense", "protocol offense code or other"},
	{"unsheltered", "indicator"},
	{"contacts_12m", "indicator"},
	{"impairment", "indicator"},
	{"victimization_risk", "indicator"},
	{"warrant", "indicator"},
	{"court_date_pending", "indicator"},
	{"ack_minutes", "minutes to on-call acknowledgement"},
	{"no_recent_contact", "net-widening watch"},
	{"age_band", "age band"},
	{"race_ethnicity", "HUD's HMIS categories, \"; \" between several; Data not collected for free text from before them"},
	{"enrolled", "enrollment date"},
	{"case_manager_pseudo_id", "pseudonym of the case manager"},
	{"days_to_first_contact", "days referral to first contact"},
	{"days_to_intake", "days referral to enrollment"},
	{"days_since_contact", "days since last contact"},
	{"contacts", "contacts in the period"},
	{"goals_set", "goals created in the period"},
	{"goals_achieved", "goals achieved in the period"},
	{"progress_forward", "progress entries forward"},
	{"progress_no_change", "progress entries no change"},
	{"progress_setback", "progress entries setback"},
	{"hearings_past", "hearings in the period"},
	{"hearings_kept", "hearings kept"},
	{"post_enrollment_cases", "post-enrollment cases opened"},
	{"warrants_open", "open warrants"},
}

// CanExportDeidentified reports whether role may take the row-level
// de-identified CSV: the roles that may see identities anyway, and the
// evaluator it is made for. Partners who know the people they referred
// (police, providers, prosecutors, defenders, community) could re-identify
// rows from a referral date and kind, so they get the aggregate report.
func CanExportDeidentified(role store.Role) bool {
	return store.SeesIdentities(role) || role == store.RoleEvaluator
}

// AgeBand returns the age band of someone aged age ("" when age < 0).
func AgeBand(age int) string {
	switch {
	case age < 0:
		return ""
	case age < 18:
		return "under 18"
	case age <= 24:
		return "18-24"
	case age <= 34:
		return "25-34"
	case age <= 44:
		return "35-44"
	case age <= 54:
		return "45-54"
	case age <= 64:
		return "55-64"
	}
	return "65+"
}

// DeidentifiedCSV writes the de-identified CSV of in (see Columns): one
// row per referral received in in.Period, then one per participant
// enrolled by its end and not exited before its start, each under a keyed
// pseudonym. It writes no name, date of birth or free text.
func DeidentifiedCSV(w io.Writer, in report.Input, key []byte) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(Columns))
	col := map[string]int{}
	for i, c := range Columns {
		head[i], col[c.Name] = c.Name, i
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	asOf := in.AsOf
	if asOf.IsZero() {
		asOf = store.DateOf(in.Period.To)
	}
	offenses := map[string]string{}
	for _, list := range [][]string{in.Protocol.DivertibleOffenses, in.Protocol.ExcludedOffenses} {
		for _, o := range list {
			offenses[strings.ToLower(strings.TrimSpace(o))] = strings.TrimSpace(o)
		}
	}
	newRow := func() ([]string, func(string, string)) {
		r := make([]string, len(Columns))
		return r, func(name, value string) { r[col[name]] = value }
	}

	refs := slices.Clone(in.Referrals)
	slices.SortStableFunc(refs, func(a, b store.Referral) int { return strings.Compare(a.ID, b.ID) })
	byID := map[string]store.Referral{}
	for _, r := range refs {
		byID[r.ID] = r
	}
	for _, r := range refs {
		if !in.Period.Contains(r.Received) {
			continue
		}
		rec, set := newRow()
		set("record", "referral")
		set("pseudo_id", Pseudonym(key, r.ID))
		set("linked_pseudo_id", Pseudonym(key, cmpOr(r.ParticipantID, r.ReReferralOf)))
		set("kind", string(r.Kind))
		set("status", string(r.Status))
		if r.Status == store.RefScreenedOut {
			set("screen_out_reason", code(r.Reason))
		}
		set("received", store.FormatDate(r.Received))
		set("decided", store.FormatDate(r.DecidedAt))
		set("override", boolStr(r.Override))
		if r.Status == store.RefWaitlisted && r.WaitlistPos > 0 {
			set("waitlist_position", strconv.Itoa(r.WaitlistPos))
		}
		set("re_referral", boolStr(r.ReReferralOf != ""))
		if o := strings.ToLower(strings.TrimSpace(r.Offense)); o != "" {
			if c, ok := offenses[o]; ok {
				set("offense", code(c))
			} else {
				set("offense", "other")
			}
		}
		ind := r.Indicators
		set("unsheltered", boolStr(ind.Unsheltered))
		set("contacts_12m", strconv.Itoa(ind.Contacts12m))
		set("impairment", strconv.Itoa(ind.Impairment))
		set("victimization_risk", boolStr(ind.VictimizationRisk))
		set("warrant", boolStr(ind.Warrant))
		set("court_date_pending", boolStr(!ind.NextCourtDate.IsZero()))
		if !r.AckAt.IsZero() {
			set("ack_minutes", strconv.Itoa(max(0, int(r.AckAt.Sub(r.Received).Minutes()))))
		}
		set("no_recent_contact", boolStr(ind.Contacts12m == 0 && !ind.Warrant && ind.NextCourtDate.IsZero()))
		switch {
		case !r.Person.DOB.IsZero():
			set("age_band", AgeBand(store.AgeOn(r.Person.DOB, r.Received)))
		case r.Person.ApproxAge > 0:
			set("age_band", AgeBand(r.Person.ApproxAge))
		}
		set("race_ethnicity", store.RaceEthnicityGroup(r.RaceEthnicity))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}

	type acc struct {
		contacts, set, achieved, fwd, same, back, past, kept, post, warrants int
		last                                                                 time.Time
	}
	per := map[string]*acc{}
	get := func(id string) *acc {
		a, ok := per[id]
		if !ok {
			a = &acc{}
			per[id] = a
		}
		return a
	}
	asOfDay := store.DateOf(asOf)
	for _, c := range in.Contacts {
		a := get(c.ParticipantID)
		if in.Period.Contains(c.Date) {
			a.contacts++
		}
		if d := store.DateOf(c.Date); !d.After(asOfDay) && d.After(a.last) {
			a.last = d
		}
	}
	for _, g := range in.Goals {
		a := get(g.ParticipantID)
		if in.Period.Contains(g.Created) {
			a.set++
		}
		if g.Status == store.GoalAchieved && in.Period.Contains(g.Updated) {
			a.achieved++
		}
		for _, e := range g.Progress {
			if !in.Period.Contains(e.Date) {
				continue
			}
			switch e.Step {
			case store.StepForward:
				a.fwd++
			case store.StepNoChange:
				a.same++
			case store.StepSetback:
				a.back++
			}
		}
	}
	for _, c := range in.Cases {
		a := get(c.ParticipantID)
		for _, h := range c.Hearings {
			if in.Period.Contains(h.Date) && !store.DateOf(h.Date).After(asOfDay) {
				a.past++
				if strings.EqualFold(h.Outcome, "kept") {
					a.kept++
				}
			}
		}
		if c.Kind == store.CasePostEnrollment && in.Period.Contains(c.Created) {
			a.post++
		}
		if c.Kind == store.CaseWarrant && c.Status == store.CaseOpen && !c.Created.After(asOf) {
			a.warrants++
		}
	}

	ps := slices.Clone(in.Participants)
	slices.SortStableFunc(ps, func(a, b store.Participant) int { return strings.Compare(a.ID, b.ID) })
	from, to := store.DateOf(in.Period.From), store.DateOf(in.Period.To)
	for _, p := range ps {
		if p.EnrolledOn.IsZero() || store.DateOf(p.EnrolledOn).After(to) {
			continue
		}
		if p.Status == store.StatusExited && !p.Updated.IsZero() && store.DateOf(p.Updated).Before(from) {
			continue
		}
		a := get(p.ID)
		src, hasSrc := byID[p.ReferralID]
		rec, set := newRow()
		set("record", "participant")
		set("pseudo_id", Pseudonym(key, p.ID))
		set("linked_pseudo_id", Pseudonym(key, p.ReferralID))
		set("status", string(p.Status))
		if hasSrc {
			set("kind", string(src.Kind))
		}
		if !p.DOB.IsZero() {
			set("age_band", AgeBand(store.AgeOn(p.DOB, p.EnrolledOn)))
		}
		race := p.RaceEthnicity
		if strings.TrimSpace(race) == "" && hasSrc {
			race = src.RaceEthnicity
		}
		set("race_ethnicity", store.RaceEthnicityGroup(race))
		set("enrolled", store.FormatDate(p.EnrolledOn))
		if p.CaseManager != "" {
			set("case_manager_pseudo_id", Pseudonym(key, "user:"+p.CaseManager))
		}
		if hasSrc && !p.FirstContact.IsZero() {
			set("days_to_first_contact", strconv.Itoa(max(0, store.DaysBetween(src.Received, p.FirstContact))))
		}
		if hasSrc {
			set("days_to_intake", strconv.Itoa(max(0, store.DaysBetween(src.Received, p.EnrolledOn))))
		}
		last := a.last
		if lc := store.DateOf(p.LastContact); !lc.After(asOfDay) && lc.After(last) {
			last = lc
		}
		if !last.IsZero() {
			set("days_since_contact", strconv.Itoa(store.DaysBetween(last, asOf)))
		}
		for name, n := range map[string]int{"contacts": a.contacts, "goals_set": a.set, "goals_achieved": a.achieved,
			"progress_forward": a.fwd, "progress_no_change": a.same, "progress_setback": a.back, "hearings_past": a.past,
			"hearings_kept": a.kept, "post_enrollment_cases": a.post, "warrants_open": a.warrants} {
			set(name, strconv.Itoa(n))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func boolStr(b bool) string { return strconv.FormatBool(b) }

// code keeps a categorical code: one cleaned line, at most 40 bytes of
// letters, digits, '_', '-' and '.'; anything else is "other".
func code(s string) string {
	s = store.CleanLine(s)
	switch {
	case s == "":
		return ""
	case len(s) > 40:
		return "other"
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return "other"
		}
	}
	return s
}
