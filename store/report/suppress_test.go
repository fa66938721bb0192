package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

func suppressed(cs []Cell) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return strings.Join(out, " ")
}

// TestBreakdownSuppressedWithItsCell: a breakdown of a suppressed cell is
// suppressed with it; of a shown cell, it gets complementary suppression
// among its own parts.
func TestBreakdownSuppressedWithItsCell(t *testing.T) {
	c := cells{restricted: true}
	for _, tt := range []struct {
		name   string
		parent Cell
		parts  []int
		want   string
	}{
		{"suppressed parent, one large part", Cell{Suppressed: true}, []int{6}, "<5"},
		{"suppressed parent, large parts", Cell{Suppressed: true}, []int{6, 7, 0}, "<5 <5 0"},
		{"shown parent, large parts", Cell{Value: 13}, []int{6, 7}, "6 7"},
		{"shown parent, one small part", Cell{Value: 16}, []int{3, 6, 7}, "<5 <5 7"},
		{"shown parent, two small parts", Cell{Value: 12}, []int{3, 2, 7}, "<5 <5 7"},
		{"shown parent, zeros stay", Cell{Value: 10}, []int{10, 0}, "10 0"},
	} {
		if got := suppressed(c.breakdown(tt.parent, tt.parts)); got != tt.want {
			t.Errorf("%s: breakdown(%v, %v) = %s, want %s", tt.name, tt.parent, tt.parts, got, tt.want)
		}
	}
	if got := suppressed((cells{}).breakdown(Cell{Value: 6}, []int{6})); got != "6" {
		t.Errorf("unrestricted breakdown = %s, want 6", got)
	}
}

// TestTableNoLoneHiddenCell: in a table whose rows and columns add up to
// shown totals, no row or column is left with exactly one hidden cell.
func TestTableNoLoneHiddenCell(t *testing.T) {
	c := cells{restricted: true}
	for _, tt := range []struct {
		name    string
		rows    [][]int
		hideRow []bool
	}{
		{"one small cell", [][]int{{3, 10}, {10, 10}}, []bool{false, false}},
		{"hidden row", [][]int{{6, 0, 0}, {10, 10, 5}, {8, 9, 5}}, []bool{true, false, false}},
		{"hidden row, column alone", [][]int{{6, 7}, {10, 10}, {8, 9}}, []bool{true, false, false}},
		{"all shown", [][]int{{6, 7}, {10, 10}}, []bool{false, false}},
	} {
		got := c.table(tt.rows, tt.hideRow)
		for i, row := range got {
			if tt.hideRow[i] {
				for j, cl := range row {
					if tt.rows[i][j] > 0 && !cl.Suppressed {
						t.Errorf("%s: cell %d,%d of a hidden row shown as %s", tt.name, i, j, cl)
					}
				}
				continue
			}
			if n := hiddenCount(row); n == 1 {
				t.Errorf("%s: row %d has one hidden cell: %s", tt.name, i, suppressed(row))
			}
		}
		for j := range tt.rows[0] {
			col := make([]Cell, len(got))
			for i := range got {
				col[i] = got[i][j]
			}
			if n := hiddenCount(col); n == 1 {
				t.Errorf("%s: column %d has one hidden cell: %s", tt.name, j, suppressed(col))
			}
		}
	}
}

func hiddenCount(cs []Cell) int {
	n := 0
	for _, c := range cs {
		if c.Suppressed {
			n++
		}
	}
	return n
}

// auditInput is the audit's finding: 61 referrals, offered 18, declined 8,
// pending 25, withdrawn 4 and screened out 6, every one for one reason.
// Withdrawn is suppressed, screened out with it (complementary), so the
// one reason's count must not print 6.
func auditInput() Input {
	in := Input{Period: Period{From: day("2025-03-03"), To: day("2025-03-30")}, AsOf: at("2025-03-30 12:00")}
	add := func(n int, status store.ReferralStatus, reason string) {
		for range n {
			id := fmt.Sprintf("R-%04d", len(in.Referrals)+1)
			in.Referrals = append(in.Referrals, store.Referral{ID: id, Received: at("2025-03-04 10:00").Add(time.Duration(len(in.Referrals)) * time.Hour),
				Kind: store.KindSocialContact, Status: status, Reason: reason})
		}
	}
	add(18, store.RefAccepted, "")
	add(8, store.RefDeclined, "")
	add(25, store.RefNew, "")
	add(4, store.RefWithdrawn, "")
	add(6, store.RefScreenedOut, "excluded")
	return in
}

func TestScreenedOutReasonsSuppressedWithScreenedOut(t *testing.T) {
	for _, tt := range []struct {
		name  string
		in    func() Input
		actor store.Actor
		want  string // the excluded reason's cell
	}{
		{"evaluator, screened out hidden for withdrawn", auditInput, evaluator, "<5"},
		{"community likewise", auditInput, community, "<5"},
		{"pm sees the count", auditInput, pm, "6"},
		{"evaluator, no small cell", func() Input {
			in := auditInput()
			for i := range in.Referrals {
				if in.Referrals[i].Status == store.RefWithdrawn {
					in.Referrals[i].Status = store.RefDeclined
				}
			}
			return in
		}, evaluator, "6"},
	} {
		r := Build(tt.in(), tt.actor)
		d := r.Decisions
		if got := d.ScreenedOutByReason["excluded"].String(); got != tt.want {
			t.Errorf("%s: screened out by reason excluded = %s, want %s (screened out %s, withdrawn %s)", tt.name, got, tt.want, d.ScreenedOut, d.Withdrawn)
		}
		if d.ScreenedOut.Suppressed && !d.ScreenedOutByReason["excluded"].Suppressed {
			t.Errorf("%s: screened out suppressed but its breakdown shown", tt.name)
		}
		js, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if tt.want == "<5" && strings.Contains(string(js), `"excluded":6`) {
			t.Errorf("%s: JSON carries the screened-out count: %s", tt.name, js)
		}
		if tt.want == "<5" && strings.Contains(r.Text(100, true), "excluded                6") {
			t.Errorf("%s: text shows the screened-out count", tt.name)
		}
	}
}

// TestBreakdownsFollowTheirCells: every other breakdown of a cell that
// complementary suppression may hide is hidden with it: a week's kinds,
// an hour's or weekday's timings, an equity group's decisions and offers.
func TestBreakdownsFollowTheirCells(t *testing.T) {
	in := Input{Period: Period{From: day("2025-03-03"), To: day("2025-03-16")}, AsOf: at("2025-03-16 12:00")}
	ref := func(n int, received string, kind store.ReferralKind, status store.ReferralStatus, race string) {
		for range n {
			id := fmt.Sprintf("R-%04d", len(in.Referrals)+1)
			rec := at(received)
			in.Referrals = append(in.Referrals, store.Referral{ID: id, Received: rec, Kind: kind, Status: status, RaceEthnicity: race,
				AckAt: rec.Add(10 * time.Minute)})
		}
	}
	// week 1: 3 (suppressed); week 2: 7, hidden with it; all at 09:00
	// or 10:00: hour 09 has 3, hour 10 has 7
	ref(3, "2025-03-04 09:00", store.KindSocialContact, store.RefAccepted, "White")
	ref(7, "2025-03-11 10:00", store.KindArrestDiversion, store.RefAccepted, "Black")
	ref(20, "2025-03-12 11:00", store.KindArrestDiversion, store.RefDeclined, "Black")
	ref(5, "2025-03-12 12:00", store.KindArrestDiversion, store.RefAccepted, "Asian")
	ref(6, "2025-03-12 13:00", store.KindArrestDiversion, store.RefAccepted, "Hispanic")
	r := Build(in, evaluator)
	for _, w := range r.Referrals.Weeks {
		for k, c := range w.ByKind {
			if w.Total.Suppressed && !c.Suppressed && c.Value > 0 {
				t.Errorf("week %s: total suppressed, %s shown as %s", w.Start, k, c)
			}
		}
	}
	for _, bs := range [][]ResponseBucket{r.IntakeResponse.ByHour, r.IntakeResponse.ByWeekday} {
		for _, b := range bs {
			if b.Referrals.Suppressed && (!b.ToAck.N.Suppressed || b.ToAck.Median.Valid) {
				t.Errorf("bucket %s: referrals suppressed, to_ack shown: %+v", b.Bucket, b.ToAck)
			}
		}
	}
	for _, g := range r.Equity.Groups {
		if g.Referrals.Suppressed && !g.Decided.Suppressed && g.Decided.Value > 0 {
			t.Errorf("group %s: referrals suppressed, decided shown as %s", g.Group, g.Decided)
		}
		if g.Decided.Suppressed && !g.Offers.Suppressed && g.Offers.Value > 0 {
			t.Errorf("group %s: decided suppressed, offers shown as %s", g.Group, g.Offers)
		}
	}
	// the hour with 3 is suppressed, the hour with 5 is hidden with it,
	// and so are its timings
	for _, b := range r.IntakeResponse.ByHour {
		if b.Bucket == "12" && !b.Referrals.Suppressed {
			t.Errorf("hour 12 (5) shown beside hour 09 (3) hidden: %s", b.Referrals)
		}
		if b.Bucket == "12" && (b.ToAck.N.String() == "5" || b.ToAck.Median.Valid) {
			t.Errorf("hour 12's to_ack shows the hidden count: %+v", b.ToAck)
		}
	}
}

// TestSuppressedStatisticsReadWithheld: a distribution whose n is
// suppressed reads "n < 5: not shown" in text, never "median <5", and
// its JSON carries no statistic.
func TestSuppressedStatisticsReadWithheld(t *testing.T) {
	for _, tt := range []struct {
		name  string
		actor store.Actor
		hide  bool
	}{
		{"evaluator", evaluator, true},
		{"police", store.Actor{User: "ofc", Role: store.RolePolice}, true},
		{"community", community, true},
		{"pm", pm, false},
	} {
		m := Measure(measureInput(), tt.actor)
		d := m.Cohort.Legal.DaysToFirstCase
		if d.N.Suppressed != tt.hide {
			t.Fatalf("%s: n suppressed = %v, want %v", tt.name, d.N.Suppressed, tt.hide)
		}
		text := m.Text(100, true)
		line := ""
		for l := range strings.SplitSeq(text, "\n") {
			if strings.Contains(l, "days to new case") {
				line = l
				break
			}
		}
		if line == "" {
			t.Fatalf("%s: no days to new case line in\n%s", tt.name, text)
		}
		if tt.hide {
			if !strings.Contains(line, WithheldDistText) || strings.Contains(line, "median") || strings.Contains(line, SuppressedText) {
				t.Errorf("%s: %q, want %q and no median", tt.name, line, WithheldDistText)
			}
			js, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			if want := `{"n":"\u003c5","median":null,"p90":null}`; string(js) != want {
				t.Errorf("%s: JSON %s, want %s", tt.name, js, want)
			}
		} else if !strings.Contains(line, "median 119") && !strings.Contains(line, "median") {
			t.Errorf("%s: %q, want the median", tt.name, line)
		}
	}
	for _, tt := range []struct {
		n    Num
		text string
		js   string
	}{
		{Num{Suppressed: true}, WithheldText, "null"},
		{Num{}, "-", "null"},
		{Num{Value: 26, Valid: true}, "26", "26"},
	} {
		js, _ := json.Marshal(tt.n)
		if tt.n.String() != tt.text || string(js) != tt.js {
			t.Errorf("%+v: text %q json %s, want %q %s", tt.n, tt.n.String(), js, tt.text, tt.js)
		}
	}
}

// TestMeasuresGroupsSuppressedTogether: the measures by race/ethnicity
// group add up to the overall ones, so a group's count under 5 hides the
// next smallest group's too (complementary), and a hidden group's block
// shows nothing that gives its count back.
func TestMeasuresGroupsSuppressedTogether(t *testing.T) {
	in := Input{Period: Period{From: day("2025-01-01"), To: day("2025-03-31")}, AsOf: day("2025-03-31")}
	add := func(n int, race, housing string) {
		for range n {
			id := fmt.Sprintf("P-%04d", len(in.Participants)+1)
			in.Participants = append(in.Participants, store.Participant{ID: id, EnrolledOn: day("2025-02-01"), Status: store.StatusEngaging,
				CaseManager: "alice", RaceEthnicity: race, Housing: housing})
		}
	}
	add(10, "Black, African American, or African", "unsheltered")
	add(8, "White", "unsheltered")
	add(3, "Asian or Asian American", "unsheltered")
	for _, tt := range []struct {
		actor store.Actor
		hide  map[string]bool
	}{
		{evaluator, map[string]bool{"Black, African American, or African": false, "White": true, "Asian or Asian American": true}},
		{pm, map[string]bool{"Black, African American, or African": false, "White": false, "Asian or Asian American": false}},
	} {
		m := Measure(in, tt.actor)
		if len(m.Equity) != 3 {
			t.Fatalf("%s: %d groups", tt.actor.Role, len(m.Equity))
		}
		for _, g := range m.Equity {
			if g.Overall.Participants.Suppressed != tt.hide[g.Group] {
				t.Errorf("%s: group %s participants %s, want suppressed %v", tt.actor.Role, g.Group, g.Overall.Participants, tt.hide[g.Group])
			}
			if !g.Overall.Participants.Suppressed {
				continue
			}
			for k, c := range g.Overall.Housing.AtEntry {
				if !c.Suppressed && c.Value > 0 {
					t.Errorf("%s: hidden group %s shows housing at entry %s = %s", tt.actor.Role, g.Group, k, c)
				}
			}
			if s := g.Overall.Housing.EverSheltered.Of; !s.Suppressed && s.Value > 0 {
				t.Errorf("%s: hidden group %s shows ever sheltered of %s", tt.actor.Role, g.Group, s)
			}
		}
	}
}

// TestNetWideningFollowsReferralsByKind: the net-widening watch's
// referrals of a kind are the referrals section's cell for that kind, so
// a kind hidden there (complementary suppression) is hidden here too.
func TestNetWideningFollowsReferralsByKind(t *testing.T) {
	in := Input{Period: Period{From: day("2025-03-03"), To: day("2025-03-16")}, AsOf: at("2025-03-16 12:00")}
	add := func(n int, kind store.ReferralKind) {
		for range n {
			in.Referrals = append(in.Referrals, store.Referral{ID: fmt.Sprintf("R-%04d", len(in.Referrals)+1), Received: at("2025-03-04 10:00"),
				Kind: kind, Status: store.RefNew})
		}
	}
	add(3, store.KindArrestDiversion)
	add(6, store.KindCommunity)
	add(20, store.KindSocialContact)
	r := Build(in, evaluator)
	for _, k := range kinds() {
		ref, nw := r.Referrals.ByKind[k], r.NetWidening.ByKind[k]
		if ref.Suppressed != nw.Of.Suppressed || (!ref.Suppressed && ref.Value != nw.Of.Value) {
			t.Errorf("%s: referrals by kind %s, net widening of %s", k, ref, nw.Of)
		}
		if nw.Of.Suppressed && !nw.Count.Suppressed && nw.Count.Value > 0 {
			t.Errorf("%s: of suppressed, count shown %s", k, nw.Count)
		}
	}
	if !r.Referrals.ByKind["community"].Suppressed {
		t.Fatalf("community (6) should be hidden beside arrest diversion (3): %v", r.Referrals.ByKind)
	}
}
