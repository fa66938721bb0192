package store

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"
)

// HistoryField names what a history event records the change of.
type HistoryField string

// History fields. Participant: enrolled, status, housing, case_manager,
// exit. Referral: received, status, score, decision. Legal case: opened,
// status, next_court_date, hearing, resolved_on, intake_completed. ROI:
// signed, expires, revoked. Goal: goal_set, goal_status.
const (
	HistEnrolled        HistoryField = "enrolled"
	HistStatus          HistoryField = "status"
	HistHousing         HistoryField = "housing"
	HistCaseManager     HistoryField = "case_manager"
	HistExit            HistoryField = "exit"
	HistReceived        HistoryField = "received"
	HistScore           HistoryField = "score"
	HistDecision        HistoryField = "decision"
	HistOpened          HistoryField = "opened"
	HistNextCourtDate   HistoryField = "next_court_date"
	HistHearing         HistoryField = "hearing"
	HistResolvedOn      HistoryField = "resolved_on"
	HistIntakeCompleted HistoryField = "intake_completed"
	HistSigned          HistoryField = "signed"
	HistExpires         HistoryField = "expires"
	HistRevoked         HistoryField = "revoked"
	HistGoalSet         HistoryField = "goal_set"
	HistGoalStatus      HistoryField = "goal_status"
)

// Record kinds of history events: the record an event is about.
const (
	HistParticipant = "participant"
	HistReferral    = "referral"
	HistCase        = "case"
	HistROI         = "roi"
	HistGoal        = "goal"
)

// ScoreRecord is a referral's score as a ranking showed it or a decision
// was made on it: the protocol version in force, the total, every
// criterion's points and the rank.
type ScoreRecord struct {
	ReferralID      string   `json:"referral_id"`
	ProtocolVersion string   `json:"protocol_version,omitempty"`
	Score           int      `json:"score"`
	Factors         []Factor `json:"factors,omitempty"`
	Rank            int      `json:"rank,omitempty"`     // 1-based; 0 when not ranked (screened out)
	Decision        string   `json:"decision,omitempty"` // the ranking's: offer, waitlist, screened_out
}

// HistoryEvent is one dated change of a record, kept apart from the audit
// trail. It holds codes and dates, never free text: an exit reason or a
// housing status is the record's own value. Who may read it follows the
// class of the data it is about (HistoryClass).
type HistoryEvent struct {
	Seq           uint64       `json:"seq"`
	Time          time.Time    `json:"time"`     // when the change took effect
	Recorded      time.Time    `json:"recorded"` // when the store wrote it
	Kind          string       `json:"kind"`     // HistParticipant, HistReferral, ...
	Record        string       `json:"record"`   // P-0001, R-0001, L-0001, I-0001, G-0001
	ParticipantID string       `json:"participant_id,omitempty"`
	Field         HistoryField `json:"field"`
	From          string       `json:"from,omitempty"`
	To            string       `json:"to,omitempty"`
	// Domain is a goal event's domain: its class follows the protocol's
	// sensitive domains at read time.
	Domain GoalDomain `json:"domain,omitempty"`
	Actor  string     `json:"actor,omitempty"`
	// Initial marks a first event made from what a store held before it
	// kept history (the migration on open).
	Initial bool `json:"initial,omitempty"`
	// Score is the score, breakdown and protocol version of a score or
	// decision event.
	Score *ScoreRecord `json:"score,omitempty"`
	// Override is a decision against the ranking; OverriddenRank the rank
	// (or screen-out) it overrode.
	Override       bool   `json:"override,omitempty"`
	OverriddenRank string `json:"overridden_rank,omitempty"`
}

// HistoryClass is the class of data a history event is about: identity
// for a participant's status, housing, case manager and exit and for ROIs;
// the goal's class (GoalClass) for goals; legal cases; referrals.
func HistoryClass(e HistoryEvent, sensitive []GoalDomain) DataKind {
	switch e.Kind {
	case HistReferral:
		return DataReferrals
	case HistCase:
		return DataLegalCases
	case HistGoal:
		return GoalClass(Goal{Domain: e.Domain}, sensitive)
	}
	return DataIdentity
}

// HistoryFilter selects history events. Empty fields match everything.
type HistoryFilter struct {
	ParticipantID string
	Record        string
	Kind          string
}

// History is the store's record of dated changes.
type History interface {
	// ListHistory lists the events f selects, by time then seq.
	ListHistory(ctx context.Context, f HistoryFilter) ([]HistoryEvent, error)
	// RecordScores writes a score event for every referral whose score,
	// breakdown or protocol version differs from its last recorded one (a
	// ranking shown); it returns how many it wrote.
	RecordScores(ctx context.Context, a Actor, scores []ScoreRecord) (int, error)
	// ReplaceHistory replaces the events of kind about one record (the
	// system actor only: the demo writing a site's past, an import
	// bringing entry and exit dates).
	ReplaceHistory(ctx context.Context, a Actor, kind, record string, evs []HistoryEvent) error
}

// VisibleHistory keeps the events viewer may read: rois are the
// participants' ROIs by participant id, sensitive the protocol's
// sensitive domains. Referral events are for the roles that see referrals
// in full; a police or community viewer reads their own referrals'
// outcome through ReferrerView, never here.
func VisibleHistory(viewer Actor, evs []HistoryEvent, rois map[string][]ROI, day time.Time, sensitive []GoalDomain) []HistoryEvent {
	var out []HistoryEvent
	for _, e := range evs {
		cls := HistoryClass(e, sensitive)
		acc := Sees(viewer, rois[e.ParticipantID], day, cls)
		if acc == Shown || (acc == StatusOnly && e.Field != HistHearing) {
			out = append(out, e)
		}
	}
	return out
}

// SortHistory orders events by time, then seq.
func SortHistory(evs []HistoryEvent) {
	sort.SliceStable(evs, func(i, j int) bool {
		if !evs[i].Time.Equal(evs[j].Time) {
			return evs[i].Time.Before(evs[j].Time)
		}
		return evs[i].Seq < evs[j].Seq
	})
}

func histDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// ParticipantChanges are the history events of a participant's change
// from old (nil when created) to p, at now.
func ParticipantChanges(old *Participant, p Participant, now time.Time) []HistoryEvent {
	ev := func(f HistoryField, from, to string, at time.Time) HistoryEvent {
		return HistoryEvent{Time: at, Kind: HistParticipant, Record: p.ID, ParticipantID: p.ID, Field: f, From: from, To: to}
	}
	var out []HistoryEvent
	var o Participant
	if old == nil {
		at := p.EnrolledOn
		if at.IsZero() {
			at = now
		}
		out = append(out, ev(HistEnrolled, "", histDate(p.EnrolledOn), at))
	} else {
		o = *old
	}
	if o.Status != p.Status {
		if p.Status == StatusExited {
			out = append(out, ev(HistExit, string(o.Status), p.ExitReason, now))
		}
		at := now
		if old == nil && !p.EnrolledOn.IsZero() {
			at = p.EnrolledOn
		}
		out = append(out, ev(HistStatus, string(o.Status), string(p.Status), at))
	} else if p.Status == StatusExited && o.ExitReason != p.ExitReason {
		out = append(out, ev(HistExit, o.ExitReason, p.ExitReason, now))
	}
	if o.Housing != p.Housing {
		at := now
		if old == nil && !p.EnrolledOn.IsZero() {
			at = p.EnrolledOn
		}
		out = append(out, ev(HistHousing, o.Housing, p.Housing, at))
	}
	if o.CaseManager != p.CaseManager {
		at := now
		if old == nil && !p.EnrolledOn.IsZero() {
			at = p.EnrolledOn
		}
		out = append(out, ev(HistCaseManager, o.CaseManager, p.CaseManager, at))
	}
	return out
}

// ReferralChanges are the history events of a referral's change from old
// (nil when created) to r, at now. A decision event carries score (may
// be nil) and whether it overrode the ranking.
func ReferralChanges(old *Referral, r Referral, now time.Time) []HistoryEvent {
	ev := func(f HistoryField, from, to string, at time.Time) HistoryEvent {
		return HistoryEvent{Time: at, Kind: HistReferral, Record: r.ID, ParticipantID: r.ParticipantID, Field: f, From: from, To: to}
	}
	var out []HistoryEvent
	var o Referral
	if old == nil {
		at := r.Received
		if at.IsZero() {
			at = now
		}
		out = append(out, ev(HistReceived, "", string(r.Kind), at))
		if r.Status != RefNew && r.Status != "" {
			if !r.DecidedAt.IsZero() {
				at = r.DecidedAt
			}
			out = append(out, ev(HistStatus, string(RefNew), string(r.Status), at))
		}
		return out
	}
	o = *old
	if o.Status != r.Status {
		out = append(out, ev(HistStatus, string(o.Status), string(r.Status), now))
	}
	return out
}

// CaseChanges are the history events of a legal case's change from old
// (nil when created) to c, at now.
func CaseChanges(old *LegalCase, c LegalCase, now time.Time) []HistoryEvent {
	ev := func(f HistoryField, from, to string, at time.Time) HistoryEvent {
		return HistoryEvent{Time: at, Kind: HistCase, Record: c.ID, ParticipantID: c.ParticipantID, Field: f, From: from, To: to}
	}
	var out []HistoryEvent
	var o LegalCase
	if old == nil {
		out = append(out, ev(HistOpened, "", string(c.Kind), now))
		o.Status = CaseOpen
		if c.Status != CaseOpen {
			o.Status = ""
		}
	} else {
		o = *old
	}
	if o.Status != c.Status {
		out = append(out, ev(HistStatus, string(o.Status), string(c.Status), now))
	}
	if !o.NextCourtDate.Equal(c.NextCourtDate) {
		out = append(out, ev(HistNextCourtDate, histDate(o.NextCourtDate), histDate(c.NextCourtDate), now))
	}
	if !o.ResolvedOn.Equal(c.ResolvedOn) {
		out = append(out, ev(HistResolvedOn, histDate(o.ResolvedOn), histDate(c.ResolvedOn), now))
	}
	if !o.IntakeCompleted.Equal(c.IntakeCompleted) {
		out = append(out, ev(HistIntakeCompleted, histDate(o.IntakeCompleted), histDate(c.IntakeCompleted), now))
	}
	for _, h := range c.Hearings {
		if h.Outcome == "" || slices.Contains(o.Hearings, h) {
			continue
		}
		out = append(out, ev(HistHearing, histDate(h.Date), h.Outcome, now))
	}
	return out
}

// ROIChanges are the history events of an ROI's change from old (nil when
// created) to r, at now.
func ROIChanges(old *ROI, r ROI, now time.Time) []HistoryEvent {
	ev := func(f HistoryField, from, to string, at time.Time) HistoryEvent {
		return HistoryEvent{Time: at, Kind: HistROI, Record: r.ID, ParticipantID: r.ParticipantID, Field: f, From: from, To: to}
	}
	var o ROI
	var out []HistoryEvent
	if old == nil {
		at := r.Signed
		if at.IsZero() {
			at = now
		}
		out = append(out, ev(HistSigned, "", histDate(r.Signed), at))
		if !r.Expires.IsZero() {
			out = append(out, ev(HistExpires, "", histDate(r.Expires), at))
		}
		if !r.Revoked.IsZero() {
			out = append(out, ev(HistRevoked, "", histDate(r.Revoked), r.Revoked))
		}
		return out
	} else {
		o = *old
		if !o.Signed.Equal(r.Signed) {
			out = append(out, ev(HistSigned, histDate(o.Signed), histDate(r.Signed), now))
		}
	}
	if !o.Expires.Equal(r.Expires) {
		out = append(out, ev(HistExpires, histDate(o.Expires), histDate(r.Expires), now))
	}
	if !o.Revoked.Equal(r.Revoked) {
		out = append(out, ev(HistRevoked, histDate(o.Revoked), histDate(r.Revoked), now))
	}
	return out
}

// GoalChanges are the history events of a goal's change from old (nil when
// set) to g, at now.
func GoalChanges(old *Goal, g Goal, now time.Time) []HistoryEvent {
	ev := func(f HistoryField, from, to string) HistoryEvent {
		return HistoryEvent{Time: now, Kind: HistGoal, Record: g.ID, ParticipantID: g.ParticipantID, Field: f, From: from, To: to, Domain: g.Domain}
	}
	if old == nil {
		out := []HistoryEvent{ev(HistGoalSet, "", string(g.Domain))}
		if g.Status != GoalActive && g.Status != "" {
			out = append(out, ev(HistGoalStatus, string(GoalActive), string(g.Status)))
		}
		return out
	}
	if old.Status != g.Status {
		return []HistoryEvent{ev(HistGoalStatus, string(old.Status), string(g.Status))}
	}
	return nil
}

// Describe is a one-line description of the event for a timeline: codes
// and dates only.
func (e HistoryEvent) Describe() string {
	arrow := func(what string) string {
		if e.From == "" {
			return what + " " + e.To
		}
		if e.To == "" {
			return what + " " + e.From + " → (none)"
		}
		return what + " " + e.From + " → " + e.To
	}
	switch e.Kind + "/" + string(e.Field) {
	case "participant/enrolled":
		return "enrolled"
	case "participant/status":
		return arrow("status")
	case "participant/housing":
		return arrow("housing")
	case "participant/case_manager":
		return arrow("case manager")
	case "participant/exit":
		return "exited: " + e.To
	case "case/opened":
		return fmt.Sprintf("legal case %s opened (%s)", e.Record, e.To)
	case "case/status":
		return fmt.Sprintf("legal case %s %s", e.Record, arrow("status"))
	case "case/next_court_date":
		return fmt.Sprintf("legal case %s %s", e.Record, arrow("court date"))
	case "case/hearing":
		return fmt.Sprintf("legal case %s court date %s %s", e.Record, e.From, e.To)
	case "case/resolved_on":
		return fmt.Sprintf("legal case %s resolved %s", e.Record, e.To)
	case "case/intake_completed":
		return fmt.Sprintf("legal case %s intake completed %s", e.Record, e.To)
	case "goal/goal_set":
		return fmt.Sprintf("goal %s set (%s)", e.Record, e.Domain)
	case "goal/goal_status":
		if e.To == string(GoalAchieved) {
			return fmt.Sprintf("goal %s achieved (%s)", e.Record, e.Domain)
		}
		return fmt.Sprintf("goal %s %s (%s)", e.Record, arrow("status"), e.Domain)
	case "roi/signed":
		return fmt.Sprintf("ROI %s signed", e.Record)
	case "roi/expires":
		return fmt.Sprintf("ROI %s %s", e.Record, arrow("expires"))
	case "roi/revoked":
		return fmt.Sprintf("ROI %s revoked %s", e.Record, e.To)
	case "referral/received":
		return fmt.Sprintf("referral %s received (%s)", e.Record, e.To)
	case "referral/status":
		return fmt.Sprintf("referral %s %s", e.Record, arrow("status"))
	case "referral/decision":
		return fmt.Sprintf("referral %s decided %s", e.Record, e.To)
	case "referral/score":
		return fmt.Sprintf("referral %s scored %s", e.Record, e.To)
	}
	return fmt.Sprintf("%s %s", e.Record, arrow(string(e.Field)))
}

// StatusAt replays participant status events up to day and returns the
// status in force then ("" before enrolment).
func StatusAt(evs []HistoryEvent, field HistoryField, day time.Time) string {
	v := ""
	for _, e := range evs {
		if e.Kind != HistParticipant || e.Field != field {
			continue
		}
		if e.Time.After(day) {
			break
		}
		v = e.To
	}
	return v
}

// InitialParticipant is the first history of a participant a store held
// before it kept history: enrolment, and the status, housing and case
// manager it holds from the enrolment date (an exit at its last update).
func InitialParticipant(p Participant) []HistoryEvent {
	q := p
	q.Status, q.ExitReason = StatusNotYetEngaged, ""
	evs := ParticipantChanges(nil, q, p.Created)
	if p.Status != q.Status {
		evs = append(evs, ParticipantChanges(&q, p, p.Updated)...)
	}
	return evs
}

// InitialReferral is the first history of a referral: received, and its
// status at its decision time.
func InitialReferral(r Referral) []HistoryEvent { return ReferralChanges(nil, r, r.Created) }

// InitialCase is the first history of a legal case: opened when recorded,
// each hearing outcome at its date, and its status.
func InitialCase(c LegalCase) []HistoryEvent {
	evs := CaseChanges(nil, c, c.Created)
	for i := range evs {
		if evs[i].Field == HistHearing {
			evs[i].Time = DateOf(parseHistDate(evs[i].From))
		}
		if evs[i].Field == HistResolvedOn || (evs[i].Field == HistStatus && !c.ResolvedOn.IsZero()) {
			evs[i].Time = c.ResolvedOn
		}
	}
	return evs
}

// InitialROI is the first history of an ROI: signed, expiry, revoked.
func InitialROI(r ROI) []HistoryEvent {
	return ROIChanges(nil, r, r.Created)
}

// InitialGoal is the first history of a goal: set when created, and its
// status at its last update.
func InitialGoal(g Goal) []HistoryEvent {
	evs := GoalChanges(nil, g, g.Created)
	for i := range evs {
		if evs[i].Field == HistGoalStatus {
			evs[i].Time = g.Updated
		}
	}
	return evs
}

func parseHistDate(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}
