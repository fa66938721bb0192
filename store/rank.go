package store

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Factor is one criterion of a referral's score and the points it gave.
type Factor struct {
	Name   string `json:"name"`
	Points int    `json:"points"`
}

// The score's factors, in breakdown order.
const (
	FactorArrestDiversion = "arrest_diversion"
	FactorDeadlineNear    = "deadline_near"
	FactorLegalUrgency    = "legal_urgency"
	FactorRepeatContacts  = "repeat_contacts"
	FactorUnsheltered     = "unsheltered"
	FactorImpairment      = "impairment"
	FactorVictimization   = "victimization"
	FactorWaiting         = "waiting"
)

// FactorNames lists the score's factors in breakdown order.
var FactorNames = []string{
	FactorArrestDiversion, FactorDeadlineNear, FactorLegalUrgency, FactorRepeatContacts,
	FactorUnsheltered, FactorImpairment, FactorVictimization, FactorWaiting,
}

// Decisions of a ranking.
const (
	DecisionOffer    = "offer"    // within capacity: offered a slot
	DecisionWaitlist = "waitlist" // past capacity: waitlisted with a position
)

// Equity check thresholds: groups with at least EquityMinRanked ranked
// referrals are compared; a group whose offered share is below
// EquityRatio times the highest group's share is flagged.
const (
	EquityMinRanked = 5
	EquityRatio     = 0.8
)

// Ranking is the explainable triage of the referral queue as of a date.
type Ranking struct {
	AsOf time.Time // a date (UTC midnight)
	// ProtocolVersion is the version of the protocol the ranking used
	// (ProtocolVersionOf its text), set by the caller; empty when unknown.
	ProtocolVersion string
	Capacity        int // open slots: the first Capacity ranked are offered
	Ranked          []RankedReferral
	ScreenedOut     []ScreenedOut // ineligible referrals still in the queue, id order
	ReReferrals     []ReReferral  // referrals of enrolled participants (no capacity used), id order
	Equity          []EquityRow   // race/ethnicity groups with enough ranked referrals, by group
}

// RankedReferral is one eligible referral with its rank and breakdown.
type RankedReferral struct {
	Referral    Referral
	Rank        int      // 1-based
	Score       int      // sum of Factors
	Factors     []Factor // every factor in FactorNames order, zeros included
	Decision    string   // DecisionOffer or DecisionWaitlist
	WaitlistPos int      // 1-based when waitlisted, else 0
	// Held is set on a referral the OWG waitlisted against the ranking's
	// offer (an override): it keeps its rank and waits, never offered a
	// slot again by the ranking, until the OWG decides on it once more.
	Held bool
}

// Offered is how many of the ranked referrals are offered a slot.
func (rk Ranking) Offered() int {
	n := 0
	for _, rr := range rk.Ranked {
		if rr.Decision == DecisionOffer {
			n++
		}
	}
	return n
}

// LastOffered is the index in Ranked of the last referral offered a slot
// (-1: none): the cut line of capacity falls below it.
func (rk Ranking) LastOffered() int {
	for i := len(rk.Ranked) - 1; i >= 0; i-- {
		if rk.Ranked[i].Decision == DecisionOffer {
			return i
		}
	}
	return -1
}

// ScreenedOut is an ineligible referral and its screen-out reason.
type ScreenedOut struct {
	Referral Referral
	Reason   string
}

// ReReferral is a referral of an active participant: routed to their case
// manager, never ranked, using no capacity.
type ReReferral struct {
	Referral      Referral
	ParticipantID string
}

// EquityRow is the equity check for one race/ethnicity group.
type EquityRow struct {
	Group   string
	Ranked  int
	Offered int
	Share   float64 // Offered / Ranked
	Flag    bool    // Share < EquityRatio × the highest group's share
}

// Score computes the protocol's explainable score of r as of the date of
// asOf. It returns the total and every factor of FactorNames in order,
// zeros included. Race, ethnicity, gender, disability type and the
// referrer are never inputs.
func Score(p Protocol, r Referral, asOf time.Time) (total int, factors []Factor) {
	factors = make([]Factor, len(FactorNames))
	total = scoreInto(&p, &r, dayNum(asOf), factors)
	return total, factors
}

// scoreInto fills f (len(FactorNames) long) and returns the total; asOf
// is a day number (dayNum).
func scoreInto(p *Protocol, r *Referral, asOf int, f []Factor) int {
	w := p.Weights
	var arrest, near, legal, contacts, unsheltered, impairment, victim, waiting int
	received := 0
	if !r.Received.IsZero() {
		received = dayNum(r.Received)
	}
	if r.Kind == KindArrestDiversion {
		arrest = w.ArrestDiversion
		// intake deadline = received + intake_deadline_days; near when at most
		// deadline_near_days after as-of, or past
		if !r.Received.IsZero() && received+p.IntakeDeadlineDays-asOf <= p.DeadlineNearDays {
			near = w.DeadlineNear
		}
	}
	in := r.Indicators
	if in.Warrant {
		legal = w.LegalUrgency
	} else if !in.NextCourtDate.IsZero() {
		if d := dayNum(in.NextCourtDate) - asOf; d >= 0 && d <= w.LegalWindowDays {
			legal = w.LegalUrgency
		}
	}
	if c := min(max(in.Contacts12m, 0), 1_000_000); c > 0 {
		contacts = min(c*w.PerContact, w.ContactsMax)
	}
	if in.Unsheltered {
		unsheltered = w.Unsheltered
	}
	impairment = min(max(in.Impairment, 0), 2) * w.PerImpairment
	if in.VictimizationRisk {
		victim = w.Victimization
	}
	if !r.Received.IsZero() {
		if weeks := (asOf - received) / 7; weeks > 0 {
			waiting = min(weeks*w.PerWeekWaiting, w.WaitingMax)
		}
	}
	f[0] = Factor{FactorArrestDiversion, arrest}
	f[1] = Factor{FactorDeadlineNear, near}
	f[2] = Factor{FactorLegalUrgency, legal}
	f[3] = Factor{FactorRepeatContacts, contacts}
	f[4] = Factor{FactorUnsheltered, unsheltered}
	f[5] = Factor{FactorImpairment, impairment}
	f[6] = Factor{FactorVictimization, victim}
	f[7] = Factor{FactorWaiting, waiting}
	return arrest + near + legal + contacts + unsheltered + impairment + victim + waiting
}

// CaseloadLimit is a case manager's soft cap: their own, else the
// protocol's, never above the hard cap.
func CaseloadLimit(p Protocol, u User) int {
	limit := u.Cap
	if limit <= 0 {
		limit = p.CaseloadCap
	}
	if p.HardCap > 0 && limit > p.HardCap {
		limit = p.HardCap
	}
	return limit
}

// Capacity is the number of open slots: the sum over active users with the
// case_manager role of max(0, CaseloadLimit − active caseload). Users of
// other roles and inactive users are skipped; so are exited participants.
func Capacity(p Protocol, caseManagers []User, participants []Participant) int {
	return CapacityOfLoads(p, caseManagers, CaseLoads(participants))
}

// CaseLoads counts each case manager's active caseload (exited
// participants are not counted).
func CaseLoads(participants []Participant) map[string]int {
	load := map[string]int{}
	for _, pt := range participants {
		if pt.Status.Active() {
			load[pt.CaseManager]++
		}
	}
	return load
}

// CapacityOfLoads is Capacity from caseloads already counted (CaseLoads),
// so a caller that keeps the counts current need not count again.
func CapacityOfLoads(p Protocol, caseManagers []User, load map[string]int) int {
	seen := map[string]bool{}
	total := 0
	for _, u := range caseManagers {
		if !u.Active || u.Role != RoleCaseManager || seen[u.Name] {
			continue
		}
		seen[u.Name] = true
		if free := CaseloadLimit(p, u) - load[u.Name]; free > 0 {
			total += free
		}
	}
	return total
}

// rankKey is the sort key of one eligible referral: small, so sorting
// moves little memory.
type rankKey struct {
	score    int
	recvSec  int64 // received, as seconds and nanoseconds
	recvNsec int32
	idx      int32 // index in the referrals given; also breaks ties by id
	deadline int   // day number; noDeadline when none
	slot     int32 // index of its factors
}

// noDeadline sorts after every intake deadline.
const noDeadline = math.MaxInt

// rankCompare orders rank keys: score descending, received earlier, nearer
// intake deadline (none last), id ascending.
func rankCompare(refs []Referral) func(a, b rankKey) int {
	return func(a, b rankKey) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		if a.recvSec != b.recvSec {
			return cmp.Compare(a.recvSec, b.recvSec)
		}
		if a.recvNsec != b.recvNsec {
			return cmp.Compare(a.recvNsec, b.recvNsec)
		}
		if a.deadline != b.deadline {
			return cmp.Compare(a.deadline, b.deadline)
		}
		return compareIDs(refs[a.idx].ID, refs[b.idx].ID)
	}
}

func compareIDs(a, b string) int {
	switch {
	case idLess(a, b):
		return -1
	case idLess(b, a):
		return 1
	}
	return 0
}

// idKey is a precomputed id for sorting many ids.
type idKey struct {
	prefix, digits, raw string
	numeric             bool
	idx                 int32
}

func makeIDKey(id string, idx int) idKey {
	prefix, digits, ok := splitID(id)
	return idKey{prefix: prefix, digits: digits, raw: id, numeric: ok, idx: int32(idx)}
}

func compareIDKeys(a, b idKey) int {
	if a.numeric && b.numeric && a.prefix == b.prefix {
		if len(a.digits) != len(b.digits) {
			return cmp.Compare(len(a.digits), len(b.digits))
		}
		if c := cmp.Compare(a.digits, b.digits); c != 0 {
			return c
		}
	}
	return cmp.Compare(a.raw, b.raw)
}

// Rank triages referrals as of the date of asOf. Only referrals with status
// new or waitlisted are considered: a referral of an active participant
// (ReReferralOf naming one, or matched by MatchParticipant) is listed as a
// re-referral; an ineligible one is screened out with its reason; the rest
// are ranked by score (descending), then received earlier, then nearer
// intake deadline (none last), then id. The first capacity ranked are
// offered, the rest waitlisted with a 1-based position; a referral the OWG
// waitlisted against an offer (Override) is held on the waitlist in its
// rank, and the slot goes to the next. Referrals with
// status screened_out are listed as screened out; accepted, declined and
// withdrawn ones are ignored. A negative capacity counts as zero.
func Rank(p Protocol, referrals []Referral, participants []Participant, capacity int, asOf time.Time) Ranking {
	day := dayNum(asOf)
	rk := Ranking{AsOf: DateOf(asOf), Capacity: max(capacity, 0)}
	if len(referrals) > math.MaxInt32 {
		referrals = referrals[:math.MaxInt32]
	}
	rules := compileRules(&p)
	m := newMatcher(participants)

	// Classify each referral; copy it into the result only once.
	type note struct {
		reason, participant string
	}
	var screened, rereferred []idKey
	notes := make([]note, len(referrals))
	keys := make([]rankKey, 0, len(referrals))
	for i := range referrals {
		r := &referrals[i]
		switch r.Status {
		case RefNew, RefWaitlisted:
		case RefScreenedOut:
			notes[i].reason = screenedReason(rules, r)
			screened = append(screened, makeIDKey(r.ID, i))
			continue
		default:
			continue
		}
		if r.ReReferralOf != "" && m.byID[r.ReReferralOf] {
			notes[i].participant = r.ReReferralOf
			rereferred = append(rereferred, makeIDKey(r.ID, i))
			continue
		}
		if id, ok := m.match(r); ok {
			notes[i].participant = id
			rereferred = append(rereferred, makeIDKey(r.ID, i))
			continue
		}
		if ok, reason := rules.eligibility(r); !ok {
			notes[i].reason = reason
			screened = append(screened, makeIDKey(r.ID, i))
			continue
		}
		deadline := noDeadline
		if r.Kind == KindArrestDiversion && !r.Received.IsZero() {
			deadline = dayNum(r.Received) + p.IntakeDeadlineDays
		}
		keys = append(keys, rankKey{
			recvSec: r.Received.Unix(), recvNsec: int32(r.Received.Nanosecond()),
			deadline: deadline, idx: int32(i),
		})
	}

	n := len(FactorNames)
	factors := make([]Factor, len(keys)*n)
	for j := range keys {
		f := factors[j*n : (j+1)*n : (j+1)*n]
		keys[j].score = scoreInto(&p, &referrals[keys[j].idx], day, f)
		keys[j].slot = int32(j)
	}
	slices.SortFunc(keys, rankCompare(referrals))

	rk.Ranked = make([]RankedReferral, len(keys))
	offered, waiting := 0, 0
	for pos, k := range keys {
		rr := &rk.Ranked[pos]
		rr.Referral = referrals[k.idx]
		rr.Rank = pos + 1
		rr.Score = k.score
		rr.Factors = factors[int(k.slot)*n : int(k.slot+1)*n : int(k.slot+1)*n]
		// the OWG's override to waitlist holds: the slot goes to the next
		rr.Held = rr.Referral.Status == RefWaitlisted && rr.Referral.Override
		if !rr.Held && offered < rk.Capacity {
			rr.Decision = DecisionOffer
			offered++
			continue
		}
		waiting++
		rr.Decision = DecisionWaitlist
		rr.WaitlistPos = waiting
	}
	slices.SortFunc(screened, compareIDKeys)
	rk.ScreenedOut = make([]ScreenedOut, len(screened))
	for j, k := range screened {
		rk.ScreenedOut[j] = ScreenedOut{Referral: referrals[k.idx], Reason: notes[k.idx].reason}
	}
	slices.SortFunc(rereferred, compareIDKeys)
	rk.ReReferrals = make([]ReReferral, len(rereferred))
	for j, k := range rereferred {
		rk.ReReferrals[j] = ReReferral{Referral: referrals[k.idx], ParticipantID: notes[k.idx].participant}
	}
	rk.Equity = equity(rk.Ranked)
	return rk
}

// screenedReason is the reason shown for a referral already screened out:
// its recorded code, else the protocol's reason, else its recorded text.
func screenedReason(rules *rules, r *Referral) string {
	if slices.Contains(ScreenReasons, r.Reason) {
		return r.Reason
	}
	if ok, reason := rules.eligibility(r); !ok {
		return reason
	}
	if s := CleanLine(r.Reason); s != "" {
		return s
	}
	return string(RefScreenedOut)
}

// equity computes the equity check over the ranked referrals. A blank
// race/ethnicity, a non-answer or free text from before the vocabulary
// (store.RaceEthnicityRecorded) is never a group.
func equity(ranked []RankedReferral) []EquityRow {
	type group struct {
		key string
		row EquityRow
	}
	groups := map[string]*group{}
	type named struct{ name, key string }
	seen := map[string]named{} // raw text → cleaned name and group key
	for _, rr := range ranked {
		raw := rr.Referral.RaceEthnicity
		n, ok := seen[raw]
		if !ok {
			if RaceEthnicityRecorded(raw) {
				n.name = RaceEthnicityGroup(raw) // never free text
			}
			n.key = strings.ToLower(strings.Join(strings.Fields(n.name), " "))
			seen[raw] = n
		}
		name, key := n.name, n.key
		if name == "" {
			continue
		}
		g := groups[key]
		if g == nil {
			g = &group{key: key, row: EquityRow{Group: name}}
			groups[key] = g
		}
		g.row.Ranked++
		if rr.Decision == DecisionOffer {
			g.row.Offered++
		}
	}
	rows := []EquityRow{}
	keys := []string{}
	var top *EquityRow
	for _, g := range groups {
		if g.row.Ranked < EquityMinRanked {
			continue
		}
		g.row.Share = float64(g.row.Offered) / float64(g.row.Ranked)
		keys = append(keys, g.key)
	}
	slices.Sort(keys)
	for _, k := range keys {
		rows = append(rows, groups[k].row)
	}
	for i := range rows {
		// compare offered/ranked shares exactly, by cross-multiplying
		if top == nil || rows[i].Offered*top.Ranked > top.Offered*rows[i].Ranked {
			top = &rows[i]
		}
	}
	for i := range rows {
		// share < 0.8 × top  ⇔  5·offered·top.ranked < 4·top.offered·ranked
		rows[i].Flag = 5*rows[i].Offered*top.Ranked < 4*top.Offered*rows[i].Ranked
	}
	return rows
}

// ScoreRecords are the scores a ranking shows, for the store's history:
// every ranked referral with its breakdown, rank and decision, and every
// screened-out one with no score.
func (rk Ranking) ScoreRecords() []ScoreRecord {
	out := make([]ScoreRecord, 0, len(rk.Ranked)+len(rk.ScreenedOut))
	for _, r := range rk.Ranked {
		out = append(out, ScoreRecord{ReferralID: r.Referral.ID, ProtocolVersion: rk.ProtocolVersion, Score: r.Score,
			Factors: slices.Clone(r.Factors), Rank: r.Rank, Decision: r.Decision})
	}
	for _, s := range rk.ScreenedOut {
		out = append(out, ScoreRecord{ReferralID: s.Referral.ID, ProtocolVersion: rk.ProtocolVersion, Decision: "screened_out:" + s.Reason})
	}
	return out
}

// Standing is where referral id stands in the ranking, for a decision's
// record: its score record and a short text ("rank 3 (offer)", "waitlist
// position 2 (rank 5)", "screened out: kind"); false when not in it.
func (rk Ranking) Standing(id string) (ScoreRecord, string, bool) {
	for _, s := range rk.ScoreRecords() {
		if s.ReferralID != id {
			continue
		}
		for _, r := range rk.Ranked {
			if r.Referral.ID == id {
				if r.Decision == DecisionWaitlist {
					return s, "waitlist position " + strconv.Itoa(r.WaitlistPos) + " (rank " + strconv.Itoa(r.Rank) + ")", true
				}
				return s, "rank " + strconv.Itoa(r.Rank) + " (offer)", true
			}
		}
		return s, strings.Replace(s.Decision, "screened_out:", "screened out: ", 1), true
	}
	return ScoreRecord{}, "", false
}
