package store

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var asOf = time.Date(2025, 3, 31, 10, 0, 0, 0, time.UTC)

func daysBefore(n int) time.Time { return DateOf(asOf).AddDate(0, 0, -n).Add(9 * time.Hour) }
func daysAfter(n int) time.Time  { return DateOf(asOf).AddDate(0, 0, n) }

func factor(fs []Factor, name string) int {
	for _, f := range fs {
		if f.Name == name {
			return f.Points
		}
	}
	panic("no factor " + name)
}

func TestScoreFactorBoundaries(t *testing.T) {
	p := DefaultProtocol()
	base := func() Referral {
		return Referral{ID: "R-0001", Kind: KindSocialContact, Received: asOf, Status: RefNew}
	}
	with := func(f func(*Referral)) Referral { r := base(); f(&r); return r }
	tests := []struct {
		name   string
		r      Referral
		factor string
		want   int
	}{
		{"arrest diversion", with(func(r *Referral) { r.Kind = KindArrestDiversion }), FactorArrestDiversion, 20},
		{"social contact", base(), FactorArrestDiversion, 0},
		{"deadline day 7 of the window: near", with(func(r *Referral) { r.Kind = KindArrestDiversion; r.Received = daysBefore(23) }), FactorDeadlineNear, 10},
		{"deadline day 8: not near", with(func(r *Referral) { r.Kind = KindArrestDiversion; r.Received = daysBefore(22) }), FactorDeadlineNear, 0},
		{"deadline today", with(func(r *Referral) { r.Kind = KindArrestDiversion; r.Received = daysBefore(30) }), FactorDeadlineNear, 10},
		{"deadline past", with(func(r *Referral) { r.Kind = KindArrestDiversion; r.Received = daysBefore(45) }), FactorDeadlineNear, 10},
		{"no deadline for social contact", with(func(r *Referral) { r.Received = daysBefore(45) }), FactorDeadlineNear, 0},
		{"warrant", with(func(r *Referral) { r.Indicators.Warrant = true }), FactorLegalUrgency, 20},
		{"court today", with(func(r *Referral) { r.Indicators.NextCourtDate = daysAfter(0) }), FactorLegalUrgency, 20},
		{"court on day 30", with(func(r *Referral) { r.Indicators.NextCourtDate = daysAfter(30) }), FactorLegalUrgency, 20},
		{"court on day 31", with(func(r *Referral) { r.Indicators.NextCourtDate = daysAfter(31) }), FactorLegalUrgency, 0},
		{"past court date", with(func(r *Referral) { r.Indicators.NextCourtDate = daysAfter(-1) }), FactorLegalUrgency, 0},
		{"warrant and court count once", with(func(r *Referral) { r.Indicators.Warrant = true; r.Indicators.NextCourtDate = daysAfter(3) }), FactorLegalUrgency, 20},
		{"0 contacts", base(), FactorRepeatContacts, 0},
		{"4 contacts", with(func(r *Referral) { r.Indicators.Contacts12m = 4 }), FactorRepeatContacts, 16},
		{"5 contacts", with(func(r *Referral) { r.Indicators.Contacts12m = 5 }), FactorRepeatContacts, 20},
		{"6 contacts: capped", with(func(r *Referral) { r.Indicators.Contacts12m = 6 }), FactorRepeatContacts, 20},
		{"negative contacts", with(func(r *Referral) { r.Indicators.Contacts12m = -3 }), FactorRepeatContacts, 0},
		{"unsheltered", with(func(r *Referral) { r.Indicators.Unsheltered = true }), FactorUnsheltered, 10},
		{"impairment 0", base(), FactorImpairment, 0},
		{"impairment 1", with(func(r *Referral) { r.Indicators.Impairment = 1 }), FactorImpairment, 5},
		{"impairment 2", with(func(r *Referral) { r.Indicators.Impairment = 2 }), FactorImpairment, 10},
		{"impairment 3 clamps to 2", with(func(r *Referral) { r.Indicators.Impairment = 3 }), FactorImpairment, 10},
		{"victimization", with(func(r *Referral) { r.Indicators.VictimizationRisk = true }), FactorVictimization, 10},
		{"waited 6 days: 0 weeks", with(func(r *Referral) { r.Received = daysBefore(6) }), FactorWaiting, 0},
		{"waited 7 days: 1 week", with(func(r *Referral) { r.Received = daysBefore(7) }), FactorWaiting, 1},
		{"waited 13 days: 1 week", with(func(r *Referral) { r.Received = daysBefore(13) }), FactorWaiting, 1},
		{"waited 14 days: 2 weeks", with(func(r *Referral) { r.Received = daysBefore(14) }), FactorWaiting, 2},
		{"received late on day -7 still 1 week", with(func(r *Referral) { r.Received = DateOf(asOf).AddDate(0, 0, -7).Add(23*time.Hour + 59*time.Minute) }), FactorWaiting, 1},
		{"waited 26 weeks", with(func(r *Referral) { r.Received = daysBefore(182) }), FactorWaiting, 26},
		{"waited 27 weeks: capped", with(func(r *Referral) { r.Received = daysBefore(189) }), FactorWaiting, 26},
		{"received after as-of", with(func(r *Referral) { r.Received = daysAfter(8) }), FactorWaiting, 0},
	}
	for _, tt := range tests {
		total, fs := Score(p, tt.r, asOf)
		if got := factor(fs, tt.factor); got != tt.want {
			t.Errorf("%s: %s => %d, want %d", tt.name, tt.factor, got, tt.want)
		}
		sum := 0
		for _, f := range fs {
			sum += f.Points
		}
		if sum != total {
			t.Errorf("%s: total %d != sum of factors %d", tt.name, total, sum)
		}
		if len(fs) != len(FactorNames) {
			t.Errorf("%s: %d factors, want %d", tt.name, len(fs), len(FactorNames))
		}
	}
}

func TestScoreFullBreakdown(t *testing.T) {
	r := Referral{
		ID: "R-0007", Kind: KindArrestDiversion, Received: daysBefore(24), Status: RefNew,
		RaceEthnicity: "anything", Referrer: "Officer", Agency: "PD",
		Indicators: Indicators{Unsheltered: true, Contacts12m: 2, Impairment: 1, VictimizationRisk: true, NextCourtDate: daysAfter(5)},
	}
	total, fs := Score(DefaultProtocol(), r, asOf)
	want := []Factor{
		{FactorArrestDiversion, 20}, {FactorDeadlineNear, 10}, {FactorLegalUrgency, 20}, {FactorRepeatContacts, 8},
		{FactorUnsheltered, 10}, {FactorImpairment, 5}, {FactorVictimization, 10}, {FactorWaiting, 3},
	}
	if total != 86 || !reflect.DeepEqual(fs, want) {
		t.Errorf("Score => %d %v, want 86 %v", total, fs, want)
	}
	// never inputs: race/ethnicity, referrer, agency, gender-like fields
	r2 := r
	r2.RaceEthnicity, r2.Referrer, r2.Agency, r2.ReferrerUser, r2.Notes = "other", "someone else", "Sheriff", "u", "notes"
	if t2, _ := Score(DefaultProtocol(), r2, asOf); t2 != total {
		t.Errorf("score changed with race/referrer: %d vs %d", t2, total)
	}
}

func TestCapacity(t *testing.T) {
	p := DefaultProtocol()
	users := []User{
		{Name: "cm1", Role: RoleCaseManager, Active: true},          // default 20, 18 active -> 2
		{Name: "cm2", Role: RoleCaseManager, Active: true, Cap: 5},  // 7 active -> 0, never below
		{Name: "cm3", Role: RoleCaseManager, Active: false},         // inactive
		{Name: "sup", Role: RoleSupervisor, Active: true},           // not a case manager
		{Name: "cm4", Role: RoleCaseManager, Active: true, Cap: 30}, // above the hard cap: 25
		{Name: "cm1", Role: RoleCaseManager, Active: true},          // listed twice: once
	}
	var parts []Participant
	add := func(cm string, n int, st ParticipantStatus) {
		for range n {
			parts = append(parts, Participant{ID: fmt.Sprintf("P-%04d", len(parts)+1), CaseManager: cm, Status: st})
		}
	}
	add("cm1", 18, StatusEngaging)
	add("cm1", 5, StatusExited)
	add("cm2", 7, StatusUnableToLocate)
	add("sup", 3, StatusEngaging)
	if got := Capacity(p, users, parts); got != 2+0+25 {
		t.Errorf("Capacity => %d, want 27", got)
	}
	if got := Capacity(p, nil, parts); got != 0 {
		t.Errorf("Capacity(no users) => %d, want 0", got)
	}
	if got := Capacity(p, users[1:2], parts); got != 0 {
		t.Errorf("Capacity(over cap) => %d, want 0 (never below zero)", got)
	}
	if got := CaseloadLimit(p, users[4]); got != 25 {
		t.Errorf("CaseloadLimit(cap 30) => %d, want the hard cap 25", got)
	}
}

func ids(rk Ranking) []string {
	var out []string
	for _, r := range rk.Ranked {
		out = append(out, r.Referral.ID)
	}
	return out
}

func TestRankTieBreaks(t *testing.T) {
	p := DefaultProtocol()
	same := daysBefore(1)
	tests := []struct {
		name string
		refs []Referral
		want []string
	}{
		{"score first", []Referral{
			{ID: "R-0001", Kind: KindSocialContact, Received: daysBefore(2), Status: RefNew},
			{ID: "R-0002", Kind: KindSocialContact, Received: daysBefore(1), Status: RefNew, Indicators: Indicators{Unsheltered: true}},
		}, []string{"R-0002", "R-0001"}},
		{"equal score: received earlier", []Referral{
			{ID: "R-0001", Kind: KindSocialContact, Received: daysBefore(1).Add(time.Hour), Status: RefNew},
			{ID: "R-0002", Kind: KindSocialContact, Received: daysBefore(1), Status: RefNew},
		}, []string{"R-0002", "R-0001"}},
		{"equal score and received: nearer deadline, none last", []Referral{
			{ID: "R-0001", Kind: KindSocialContact, Received: same, Status: RefNew, Indicators: Indicators{Unsheltered: true, VictimizationRisk: true}},
			{ID: "R-0002", Kind: KindArrestDiversion, Offense: "trespass", Received: same, Status: RefNew},
		}, []string{"R-0002", "R-0001"}},
		{"all equal: id ascending, numerically", []Referral{
			{ID: "R-10000", Kind: KindSocialContact, Received: same, Status: RefNew},
			{ID: "R-9999", Kind: KindSocialContact, Received: same, Status: RefWaitlisted},
			{ID: "R-0002", Kind: KindSocialContact, Received: same, Status: RefNew},
		}, []string{"R-0002", "R-9999", "R-10000"}},
	}
	for _, tt := range tests {
		for _, order := range [][]Referral{tt.refs, reversed(tt.refs)} {
			rk := Rank(p, order, nil, 1, asOf)
			if got := ids(rk); !slices.Equal(got, tt.want) {
				t.Errorf("%s: Rank => %v, want %v", tt.name, got, tt.want)
			}
		}
	}
	// deadline level directly: nearer first, none last
	refs := []Referral{{ID: "R-0003"}, {ID: "R-0001"}, {ID: "R-0000"}}
	keys := []rankKey{
		{score: 5, recvSec: 7, deadline: noDeadline, idx: 2},
		{score: 5, recvSec: 7, deadline: dayNum(daysAfter(4)), idx: 1},
		{score: 5, recvSec: 7, deadline: dayNum(daysAfter(3)), idx: 0},
	}
	slices.SortFunc(keys, rankCompare(refs))
	if keys[0].idx != 0 || keys[1].idx != 1 || keys[2].idx != 2 {
		t.Errorf("deadline tie-break => %v", keys)
	}
}

func reversed(rs []Referral) []Referral {
	out := slices.Clone(rs)
	slices.Reverse(out)
	return out
}

func TestRankQueue(t *testing.T) {
	p := DefaultProtocol()
	dob := day("1985-02-03")
	parts := []Participant{
		{ID: "P-0001", Name: "Ana Reyes", DOB: dob, Status: StatusEngaging, CaseManager: "cm1"},
		{ID: "P-0002", Name: "Ben Cole", DOB: dob, Status: StatusExited},
	}
	refs := []Referral{
		{ID: "R-0001", Kind: KindArrestDiversion, Offense: "trespass", Received: daysBefore(3), Status: RefNew},
		{ID: "R-0002", Kind: KindSocialContact, Received: daysBefore(10), Status: RefWaitlisted},
		{ID: "R-0003", Kind: KindSocialContact, Received: daysBefore(1), Status: RefNew},
		{ID: "R-0004", Kind: KindSocialContact, Offense: "dui", Received: daysBefore(1), Status: RefNew},
		{ID: "R-0005", Kind: KindArrestDiversion, Received: daysBefore(1), Status: RefNew},
		{ID: "R-0006", Kind: KindSocialContact, Received: daysBefore(1), Status: RefScreenedOut, Reason: ScreenAge},
		{ID: "R-0007", Kind: KindSocialContact, Received: daysBefore(1), Status: RefAccepted},
		{ID: "R-0008", Kind: KindSocialContact, Received: daysBefore(1), Status: RefDeclined},
		{ID: "R-0009", Kind: KindSocialContact, Received: daysBefore(1), Status: RefWithdrawn},
		{ID: "R-0010", Kind: KindSocialContact, Received: daysBefore(1), Status: RefNew, Person: Person{Name: "ana  reyes", DOB: dob}},
		{ID: "R-0011", Kind: KindSocialContact, Received: daysBefore(1), Status: RefNew, Person: Person{Name: "Ben Cole", DOB: dob}},
		{ID: "R-0012", Kind: KindSocialContact, Received: daysBefore(1), Status: RefNew, ReReferralOf: "P-0001"},
		{ID: "R-0013", Kind: KindSocialContact, Received: daysBefore(1), Status: RefScreenedOut, Reason: "duplicate of R-0003", Offense: "homicide"},
		{ID: "R-0014", Kind: KindSocialContact, Received: daysBefore(1), Status: RefScreenedOut, Reason: "OWG: out of area"},
		{ID: "R-0015", Kind: KindSocialContact, Received: daysBefore(1), Status: RefNew, Person: Person{Name: "Kid", DOB: day("2010-01-01")}},
	}
	rk := Rank(p, refs, parts, 2, asOf)
	if got, want := ids(rk), []string{"R-0001", "R-0002", "R-0003", "R-0011"}; !slices.Equal(got, want) {
		t.Errorf("ranked => %v, want %v", got, want)
	}
	var decisions []string
	for _, r := range rk.Ranked {
		decisions = append(decisions, fmt.Sprintf("%d:%s:%d", r.Rank, r.Decision, r.WaitlistPos))
	}
	if want := []string{"1:offer:0", "2:offer:0", "3:waitlist:1", "4:waitlist:2"}; !slices.Equal(decisions, want) {
		t.Errorf("decisions => %v, want %v", decisions, want)
	}
	var screened []string
	for _, s := range rk.ScreenedOut {
		screened = append(screened, s.Referral.ID+":"+s.Reason)
	}
	if want := []string{"R-0004:excluded", "R-0005:not_divertible", "R-0006:age", "R-0013:excluded", "R-0014:OWG: out of area", "R-0015:age"}; !slices.Equal(screened, want) {
		t.Errorf("screened out => %v, want %v", screened, want)
	}
	var rr []string
	for _, r := range rk.ReReferrals {
		rr = append(rr, r.Referral.ID+">"+r.ParticipantID)
	}
	if want := []string{"R-0010>P-0001", "R-0012>P-0001"}; !slices.Equal(rr, want) {
		t.Errorf("re-referrals => %v, want %v", rr, want)
	}
	if !rk.AsOf.Equal(DateOf(asOf)) || rk.Capacity != 2 {
		t.Errorf("AsOf/Capacity => %v %d", rk.AsOf, rk.Capacity)
	}
}

func TestRankCapacityEdges(t *testing.T) {
	p := DefaultProtocol()
	var refs []Referral
	for i := 1; i <= 3; i++ {
		refs = append(refs, Referral{ID: fmt.Sprintf("R-%04d", i), Kind: KindSocialContact, Received: daysBefore(i), Status: RefNew})
	}
	for _, tt := range []struct{ capacity, offered, wantCap int }{{-5, 0, 0}, {0, 0, 0}, {1, 1, 1}, {3, 3, 3}, {10, 3, 10}} {
		rk := Rank(p, refs, nil, tt.capacity, asOf)
		offered := 0
		for i, r := range rk.Ranked {
			if r.Decision == DecisionOffer {
				offered++
				if r.WaitlistPos != 0 {
					t.Errorf("capacity %d: offered with waitlist position %d", tt.capacity, r.WaitlistPos)
				}
			} else if r.WaitlistPos != i-rk.Capacity+1 {
				t.Errorf("capacity %d: rank %d waitlist position %d", tt.capacity, r.Rank, r.WaitlistPos)
			}
		}
		if offered != tt.offered || rk.Capacity != tt.wantCap {
			t.Errorf("capacity %d => %d offered, capacity %d; want %d, %d", tt.capacity, offered, rk.Capacity, tt.offered, tt.wantCap)
		}
	}
}

func rankedGroup(group string, ranked, offered int) []RankedReferral {
	var out []RankedReferral
	for i := range ranked {
		d := DecisionWaitlist
		if i < offered {
			d = DecisionOffer
		}
		out = append(out, RankedReferral{Referral: Referral{RaceEthnicity: group}, Decision: d})
	}
	return out
}

func TestEquity(t *testing.T) {
	var rs []RankedReferral
	a, b, c := "Asian or Asian American", "Black, African American, or African", "White"
	rs = append(rs, rankedGroup(a, 5, 5)...)                                        // 1.0: top
	rs = append(rs, rankedGroup("asian", 0, 0)...)                                  // same group, short code
	rs = append(rs, rankedGroup(b, 5, 4)...)                                        // 0.8 = 0.8 x 1.0: not flagged
	rs = append(rs, rankedGroup(c, 10, 7)...)                                       // 0.7 < 0.8: flagged
	rs = append(rs, rankedGroup("Hispanic/Latina/e/o", 4, 0)...)                    // under 5 ranked: not a group
	rs = append(rs, rankedGroup("", 20, 0)...)                                      // blank: never a group
	rs = append(rs, rankedGroup("  \x1b[0m ", 20, 0)...)                            // blank after cleaning
	rs = append(rs, rankedGroup("White; named Rosa Okafor, uses heroin", 20, 0)...) // free text from before the vocabulary: never a group, never shown
	rs = append(rs, rankedGroup("Client prefers not to answer", 20, 0)...)          // a non-answer: never a group
	got := equity(rs)
	want := []EquityRow{
		{Group: a, Ranked: 5, Offered: 5, Share: 1, Flag: false},
		{Group: b, Ranked: 5, Offered: 4, Share: 0.8, Flag: false},
		{Group: c, Ranked: 10, Offered: 7, Share: 0.7, Flag: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("equity =>\n%+v\nwant\n%+v", got, want)
	}

	// 5 vs 4 ranked threshold, and a blank group with the top share never sets it
	rs = nil
	rs = append(rs, rankedGroup(a, 5, 2)...)    // 0.4
	rs = append(rs, rankedGroup(b, 5, 1)...)    // 0.2 < 0.32: flagged
	rs = append(rs, rankedGroup(c, 4, 4)...)    // 1.0 but only 4 ranked
	rs = append(rs, rankedGroup("", 10, 10)...) // 1.0 but blank
	got = equity(rs)
	if len(got) != 2 || got[0].Group != a || got[0].Flag || got[1].Group != b || !got[1].Flag {
		t.Errorf("equity threshold => %+v", got)
	}
	rs = append(rs, rankedGroup(c, 1, 1)...) // White reaches 5
	got = equity(rs)
	if len(got) != 3 || got[2].Group != c || !got[0].Flag || !got[1].Flag || got[2].Flag {
		t.Errorf("equity with Z at 5 => %+v", got)
	}

	// nobody offered: no flags
	got = equity(rankedGroup(a, 6, 0))
	if len(got) != 1 || got[0].Flag {
		t.Errorf("equity, none offered => %+v", got)
	}
	if got := equity(nil); got == nil || len(got) != 0 {
		t.Errorf("equity(nil) => %#v, want empty non-nil", got)
	}
}

func TestRankingJSON(t *testing.T) {
	p := DefaultProtocol()
	refs := []Referral{
		{ID: "R-0001", Kind: KindArrestDiversion, Offense: "trespass", Received: daysBefore(23), Status: RefNew, Indicators: Indicators{Unsheltered: true}},
		{ID: "R-0002", Kind: KindSocialContact, Received: daysBefore(1), Status: RefNew},
		{ID: "R-0003", Kind: KindSocialContact, Offense: "dui", Received: daysBefore(1), Status: RefNew},
		{ID: "R-0004", Kind: KindSocialContact, Received: daysBefore(1), Status: RefNew, ReReferralOf: "P-0001"},
	}
	parts := []Participant{{ID: "P-0001", Status: StatusEngaging}}
	rk := Rank(p, refs, parts, 1, asOf)
	got, err := rk.JSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "as_of": "2025-03-31",
  "capacity": 1,
  "ranked": [
    {
      "id": "R-0001",
      "rank": 1,
      "score": 43,
      "decision": "offer",
      "factors": {
        "arrest_diversion": 20,
        "deadline_near": 10,
        "unsheltered": 10,
        "waiting": 3
      }
    },
    {
      "id": "R-0002",
      "rank": 2,
      "score": 0,
      "decision": "waitlist",
      "waitlist_position": 1,
      "factors": {}
    }
  ],
  "screened_out": [
    {
      "id": "R-0003",
      "reason": "excluded"
    }
  ],
  "re_referrals": [
    {
      "id": "R-0004",
      "participant": "P-0001"
    }
  ],
  "equity": []
}
`
	if string(got) != want {
		t.Errorf("JSON =>\n%s\nwant\n%s", got, want)
	}

	empty, _ := Rank(p, nil, nil, 0, asOf).JSON()
	var m map[string]any
	if err := json.Unmarshal(empty, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"ranked", "screened_out", "re_referrals", "equity"} {
		if a, ok := m[k].([]any); !ok || len(a) != 0 {
			t.Errorf("empty ranking %s => %#v, want []", k, m[k])
		}
	}
	if len(m) != 6 {
		t.Errorf("keys => %v, want exactly 6", m)
	}

	// equity rows: share rounded, keys exact
	var eq []Referral
	for i := range 6 {
		eq = append(eq, Referral{ID: fmt.Sprintf("R-%04d", i+1), Kind: KindSocialContact, Received: daysBefore(1), Status: RefNew, RaceEthnicity: "white"})
	}
	b, _ := Rank(p, eq, nil, 4, asOf).JSON()
	if !strings.Contains(string(b), `"equity": [
    {
      "group": "White",
      "ranked": 6,
      "offered": 4,
      "share": 0.6667,
      "flag": false
    }
  ]`) {
		t.Errorf("equity JSON =>\n%s", b)
	}
}

func TestRankingText(t *testing.T) {
	p := DefaultProtocol()
	var refs []Referral
	for i := 1; i <= 4; i++ {
		refs = append(refs, Referral{ID: fmt.Sprintf("R-%04d", i), Kind: KindArrestDiversion, Offense: "trespass",
			Received: daysBefore(i * 7), Status: RefNew, Person: Person{Name: "Secret Name"},
			Indicators: Indicators{Unsheltered: true, Contacts12m: 3, Impairment: 2, VictimizationRisk: true, Warrant: true}})
	}
	refs = append(refs, Referral{ID: "R-0009", Kind: KindSocialContact, Offense: "dui", Received: daysBefore(1), Status: RefNew})
	text := Rank(p, refs, nil, 2, asOf).Text(60)
	lines := strings.Split(text, "\n")
	cut := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "── capacity 2") {
			cut = i
		}
		if n := len([]rune(l)); n > 60 {
			t.Errorf("line %q is %d wide, over 60", l, n)
		}
	}
	if cut < 0 {
		t.Fatalf("no cut line in:\n%s", text)
	}
	above, below := strings.Join(lines[:cut], "\n"), strings.Join(lines[cut:], "\n")
	if !strings.Contains(above, "R-0004") || !strings.Contains(above, "R-0003") || strings.Contains(above, "R-0002") {
		t.Errorf("above the cut line:\n%s", above)
	}
	if !strings.Contains(below, "waitlist #1") || !strings.Contains(below, "R-0002") {
		t.Errorf("below the cut line:\n%s", below)
	}
	for _, want := range []string{"why: arrest_diversion 20", "+ waiting 4 = 96", "Screened out (1)", "R-0009", "excluded", "Equity check"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Secret Name") {
		t.Errorf("text names the person:\n%s", text)
	}
	if zero := Rank(p, refs, nil, 0, asOf).Text(80); !strings.Contains(zero, "capacity 0: no open slots, all waitlisted") {
		t.Errorf("capacity 0 text:\n%s", zero)
	}
	if all := Rank(p, refs, nil, 9, asOf).Text(0); !strings.Contains(all, "5 slots left open") {
		t.Errorf("capacity 9 text:\n%s", all)
	}
}

func benchReferrals(n int) ([]Referral, []Participant) {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []ReferralKind{KindArrestDiversion, KindSocialContact, KindCommunity}
	offenses := []string{"trespass", "drug_possession", "", "dui", "burglary", "public_disorder"}
	groups := []string{"", "Black", "White", "Latine", "Asian", "Native Hawaiian"}
	refs := make([]Referral, n)
	for i := range refs {
		refs[i] = Referral{
			ID:            fmt.Sprintf("R-%05d", i+1),
			Kind:          kinds[rng.IntN(3)],
			Offense:       offenses[rng.IntN(len(offenses))],
			Received:      asOf.Add(-time.Duration(rng.IntN(200*24)) * time.Hour),
			Status:        []ReferralStatus{RefNew, RefNew, RefWaitlisted, RefAccepted}[rng.IntN(4)],
			Person:        Person{Name: fmt.Sprintf("Person %d", i), DOB: day("1960-01-01").AddDate(0, 0, rng.IntN(15000))},
			RaceEthnicity: groups[rng.IntN(len(groups))],
			Indicators: Indicators{
				Unsheltered: rng.IntN(2) == 0, Contacts12m: rng.IntN(8), Impairment: rng.IntN(3),
				VictimizationRisk: rng.IntN(3) == 0, Warrant: rng.IntN(10) == 0,
				NextCourtDate: asOf.AddDate(0, 0, rng.IntN(60)-10),
			},
		}
	}
	parts := make([]Participant, 2000)
	for i := range parts {
		parts[i] = Participant{ID: fmt.Sprintf("P-%04d", i+1), Name: fmt.Sprintf("Person %d", i*5), DOB: refs[i*5].Person.DOB, Status: StatusEngaging}
	}
	return refs, parts
}

func TestRankLarge(t *testing.T) {
	refs, parts := benchReferrals(10000)
	rk := Rank(DefaultProtocol(), refs, parts, 100, asOf)
	if len(rk.Ranked) == 0 || len(rk.ReReferrals) == 0 || len(rk.ScreenedOut) == 0 || len(rk.Equity) == 0 {
		t.Fatalf("large ranking => %d ranked %d re %d screened %d equity", len(rk.Ranked), len(rk.ReReferrals), len(rk.ScreenedOut), len(rk.Equity))
	}
	for i := 1; i < len(rk.Ranked); i++ {
		a, b := rk.Ranked[i-1], rk.Ranked[i]
		if a.Score < b.Score || b.Rank != a.Rank+1 {
			t.Fatalf("rank %d (%d) before rank %d (%d)", a.Rank, a.Score, b.Rank, b.Score)
		}
		total, fs := Score(DefaultProtocol(), b.Referral, asOf)
		if total != b.Score || !reflect.DeepEqual(fs, b.Factors) {
			t.Fatalf("rank %d: factors differ from Score", b.Rank)
		}
	}
}

func BenchmarkRank10000(b *testing.B) {
	refs, parts := benchReferrals(10000)
	p := DefaultProtocol()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Rank(p, refs, parts, 100, asOf)
	}
}

// TestRankHoldsAnOverriddenWaitlist: a referral the OWG waitlisted
// against the ranking's offer stays waitlisted in its rank (it was
// offered again at once, counted against capacity), and its slot goes to
// the next; a referral waitlisted for want of capacity is offered when a
// slot opens, as before.
func TestRankHoldsAnOverriddenWaitlist(t *testing.T) {
	p := DefaultProtocol()
	var refs []Referral
	for i := 1; i <= 4; i++ {
		refs = append(refs, Referral{ID: fmt.Sprintf("R-%04d", i), Kind: KindSocialContact, Received: daysBefore(10 - i), Status: RefNew})
	}
	refs[0].Status, refs[0].Override = RefWaitlisted, true // held by the OWG
	refs[2].Status = RefWaitlisted                         // waitlisted for want of a slot
	rk := Rank(p, refs, nil, 2, asOf)
	got := map[string]string{}
	for _, rr := range rk.Ranked {
		got[rr.Referral.ID] = decisionWord(rr)
	}
	want := map[string]string{"R-0001": "held 1", "R-0002": "offer", "R-0003": "offer", "R-0004": "waitlist 2"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s => %s, want %s (all: %v)", id, got[id], w, got)
		}
	}
	if rk.Offered() != 2 || rk.LastOffered() != 2 {
		t.Errorf("offered %d, last offered at %d; want 2, 2", rk.Offered(), rk.LastOffered())
	}
	text := rk.Text(100)
	if !strings.Contains(text, "held #1") || !strings.Contains(text, "held on the waitlist by the OWG's decision") {
		t.Errorf("ranking text => no held referral:\n%s", text)
	}
}

// decisionWord is rr's decision in a word and position, for tests.
func decisionWord(rr RankedReferral) string {
	switch {
	case rr.Held:
		return fmt.Sprintf("held %d", rr.WaitlistPos)
	case rr.Decision == DecisionWaitlist:
		return fmt.Sprintf("waitlist %d", rr.WaitlistPos)
	}
	return rr.Decision
}
