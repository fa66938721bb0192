package store

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

type rankingJSON struct {
	AsOf            string           `json:"as_of"`
	ProtocolVersion string           `json:"protocol_version,omitempty"`
	Capacity        int              `json:"capacity"`
	Ranked          []rankedJSON     `json:"ranked"`
	ScreenedOut     []screenedJSON   `json:"screened_out"`
	ReReferrals     []reReferralJSON `json:"re_referrals"`
	Equity          []equityJSON     `json:"equity"`
}

type rankedJSON struct {
	ID               string `json:"id"`
	Rank             int    `json:"rank"`
	Score            int    `json:"score"`
	Decision         string `json:"decision"`
	WaitlistPosition int    `json:"waitlist_position,omitempty"`
	// Held: the OWG waitlisted it against an offer; it waits in its rank
	Held    bool           `json:"held,omitempty"`
	Factors map[string]int `json:"factors"`
}

type screenedJSON struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

type reReferralJSON struct {
	ID          string `json:"id"`
	Participant string `json:"participant"`
}

type equityJSON struct {
	Group   string  `json:"group"`
	Ranked  int     `json:"ranked"`
	Offered int     `json:"offered"`
	Share   float64 `json:"share"`
	Flag    bool    `json:"flag"`
}

// JSON renders the ranking as `owg referral rank --json` prints it: an
// object with as_of (YYYY-MM-DD), capacity, ranked (rank order; id, rank,
// score, decision, waitlist_position when waitlisted, factors as name →
// points for the non-zero factors), screened_out (id, reason), re_referrals
// (id, participant) and equity (group, ranked, offered, share rounded to 4
// places, flag). Arrays are never null. Indented, with a final newline.
func (rk Ranking) JSON() ([]byte, error) {
	out := rankingJSON{
		AsOf:            FormatDate(rk.AsOf),
		ProtocolVersion: rk.ProtocolVersion,
		Capacity:        rk.Capacity,
		Ranked:          make([]rankedJSON, 0, len(rk.Ranked)),
		ScreenedOut:     make([]screenedJSON, 0, len(rk.ScreenedOut)),
		ReReferrals:     make([]reReferralJSON, 0, len(rk.ReReferrals)),
		Equity:          make([]equityJSON, 0, len(rk.Equity)),
	}
	for _, rr := range rk.Ranked {
		f := map[string]int{}
		for _, x := range rr.Factors {
			if x.Points != 0 {
				f[x.Name] = x.Points
			}
		}
		row := rankedJSON{ID: rr.Referral.ID, Rank: rr.Rank, Score: rr.Score, Decision: rr.Decision, Held: rr.Held, Factors: f}
		if rr.Decision == DecisionWaitlist {
			row.WaitlistPosition = rr.WaitlistPos
		}
		out.Ranked = append(out.Ranked, row)
	}
	for _, s := range rk.ScreenedOut {
		out.ScreenedOut = append(out.ScreenedOut, screenedJSON{ID: s.Referral.ID, Reason: s.Reason})
	}
	for _, r := range rk.ReReferrals {
		out.ReReferrals = append(out.ReReferrals, reReferralJSON{ID: r.Referral.ID, Participant: r.ParticipantID})
	}
	for _, e := range rk.Equity {
		out.Equity = append(out.Equity, equityJSON{
			Group: e.Group, Ranked: e.Ranked, Offered: e.Offered,
			Share: math.Round(e.Share*10000) / 10000, Flag: e.Flag,
		})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

var screenPhrases = map[string]string{
	ScreenKind:          "kind not accepted by the protocol",
	ScreenAge:           "under the minimum age",
	ScreenExcluded:      "offense excluded by the protocol",
	ScreenNotDivertible: "arrest diversion without a divertible offense",
}

// Text renders the ranking as a readable table for a terminal width
// columns wide (80 when width <= 0): one row per ranked referral with its
// breakdown beneath, a cut line where capacity ends, then the screened-out
// referrals, the re-referrals and the equity check. It names no one: rows
// show ids, kinds and dates only.
func (rk Ranking) Text(width int) string {
	if width <= 0 {
		width = 80
	}
	width = max(width, 40)
	var b strings.Builder
	para := func(text, indent string) { writeWords(&b, text, indent, width) }
	para(fmt.Sprintf("Referral ranking as of %s: capacity %d, %d ranked, %d screened out, %d re-referral%s.",
		FormatDate(rk.AsOf), rk.Capacity, len(rk.Ranked), len(rk.ScreenedOut), len(rk.ReReferrals), rkPlural(len(rk.ReReferrals))), "")
	if rk.ProtocolVersion != "" {
		para("Protocol version "+rk.ProtocolVersion+".", "")
	}

	cut := func(label string) {
		line := "── " + label + " "
		if n := width - rkCells(line); n > 0 {
			line += strings.Repeat("─", n)
		}
		b.WriteString(rkClip(line, width))
		b.WriteByte('\n')
	}
	wide := width >= 68 // room for the received date
	row := func(rank, id, score, decision, received, kind string) {
		line := fmt.Sprintf("%4s  %-10s %5s  %-11s  ", rank, id, score, decision)
		if wide {
			line += fmt.Sprintf("%-10s  ", received)
		}
		b.WriteString(rkClip(line+kind, width))
		b.WriteByte('\n')
	}

	b.WriteByte('\n')
	if len(rk.Ranked) == 0 {
		b.WriteString("No referrals to rank.\n")
	} else {
		row("RANK", "ID", "SCORE", "DECISION", "RECEIVED", "KIND")
		if rk.Capacity == 0 {
			cut("capacity 0: no open slots, all waitlisted")
		}
		last, offered := rk.LastOffered(), rk.Offered()
		for i, rr := range rk.Ranked {
			dec := rr.Decision
			if rr.Decision == DecisionWaitlist {
				dec = fmt.Sprintf("waitlist #%d", rr.WaitlistPos)
			}
			if rr.Held {
				dec = fmt.Sprintf("held #%d", rr.WaitlistPos)
			}
			row(fmt.Sprint(rr.Rank), rkClip(CleanLine(rr.Referral.ID), 10), fmt.Sprint(rr.Score), dec,
				FormatDate(rr.Referral.Received), KindLabel(rr.Referral.Kind))
			why := breakdown(rr)
			if rr.Held {
				why += "; held on the waitlist by the OWG's decision"
			}
			writeWrapped(&b, why, "      why: ", "           ", width)
			if i == last && offered < len(rk.Ranked) {
				cut(fmt.Sprintf("capacity %d: offered above, waitlisted below", rk.Capacity))
			}
		}
		if offered == len(rk.Ranked) && rk.Capacity > 0 {
			open := rk.Capacity - offered
			cut(fmt.Sprintf("capacity %d: all offered, %d slot%s left open", rk.Capacity, open, rkPlural(open)))
		}
	}

	if len(rk.ScreenedOut) > 0 {
		b.WriteByte('\n')
		para(fmt.Sprintf("Screened out (%d), never ranked:", len(rk.ScreenedOut)), "")
		for _, s := range rk.ScreenedOut {
			line := fmt.Sprintf("  %-10s  %-14s  %s", rkClip(CleanLine(s.Referral.ID), 10), rkClip(CleanLine(s.Reason), 40), screenPhrases[s.Reason])
			b.WriteString(rkClip(strings.TrimRight(line, " "), width))
			b.WriteByte('\n')
		}
	}
	if len(rk.ReReferrals) > 0 {
		b.WriteByte('\n')
		para(fmt.Sprintf("Re-referrals (%d), routed to the participant's case manager, no capacity used:", len(rk.ReReferrals)), "")
		for _, r := range rk.ReReferrals {
			b.WriteString(rkClip(fmt.Sprintf("  %-10s  -> %s", rkClip(CleanLine(r.Referral.ID), 10), CleanLine(r.ParticipantID)), width))
			b.WriteByte('\n')
		}
	}

	notRecorded := 0
	for _, rr := range rk.Ranked {
		if !RaceEthnicityRecorded(rr.Referral.RaceEthnicity) {
			notRecorded++
		}
	}
	b.WriteByte('\n')
	para(fmt.Sprintf("Equity check: share offered per race/ethnicity group with %d or more ranked; a group below %.1f x the highest share is flagged.",
		EquityMinRanked, EquityRatio), "")
	if len(rk.Equity) == 0 {
		para("no group has enough ranked referrals to compare", "  ")
	} else {
		b.WriteString("  SHARE  OFFERED  RANKED  FLAG  GROUP\n")
		for _, e := range rk.Equity {
			flag := ""
			if e.Flag {
				flag = "FLAG"
			}
			fmt.Fprintf(&b, "  %5.2f  %7d  %6d  %-4s  %s\n", e.Share, e.Offered, e.Ranked, flag, rkClip(e.Group, max(width-32, 8)))
		}
	}
	if notRecorded > 0 {
		para(fmt.Sprintf("not recorded: %d ranked (never a group, never flagged)", notRecorded), "  ")
	}
	return b.String()
}

// breakdown is "arrest_diversion 20 + waiting 3 = 23" over the non-zero factors.
func breakdown(rr RankedReferral) string {
	var parts []string
	for _, f := range rr.Factors {
		if f.Points != 0 {
			parts = append(parts, fmt.Sprintf("%s %d", f.Name, f.Points))
		}
	}
	if len(parts) == 0 {
		return "no factor applies = 0"
	}
	return strings.Join(parts, " + ") + fmt.Sprintf(" = %d", rr.Score)
}

// writeWrapped writes text after first, wrapping at width on " + " joins,
// continuing lines with rest.
func writeWrapped(b *strings.Builder, text, first, rest string, width int) {
	line := first
	lineHasWord := false
	for i, word := range strings.Split(text, " + ") {
		piece := word
		if i > 0 {
			piece = "+ " + word
		}
		sep := ""
		if lineHasWord {
			sep = " "
		}
		if lineHasWord && rkCells(line)+len(sep)+rkCells(piece) > width {
			b.WriteString(line)
			b.WriteByte('\n')
			line, sep = rest, ""
		}
		line += sep + piece
		lineHasWord = true
	}
	b.WriteString(line)
	b.WriteByte('\n')
}

// writeWords writes text word-wrapped at width, each line after indent.
func writeWords(b *strings.Builder, text, indent string, width int) {
	line := indent
	for _, w := range strings.Fields(text) {
		if line != indent && rkCells(line)+1+rkCells(w) > width {
			b.WriteString(line)
			b.WriteByte('\n')
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += w
	}
	b.WriteString(line)
	b.WriteByte('\n')
}

// rkCells counts runes: the ranking's own text is ASCII and box lines.
func rkCells(s string) int { return len([]rune(s)) }

func rkClip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n <= 1 {
		return string(r[:n])
	}
	return string(r[:n-1]) + "…"
}

func rkPlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
