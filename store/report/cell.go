package report

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
)

// SmallCell is the smallest count shown to roles that never see
// identities: counts from 1 to SmallCell-1 are suppressed.
const SmallCell = 5

// SuppressedText is how a suppressed cell is rendered, in text and JSON.
const SuppressedText = "<5"

// Cell is one count in a report. When Suppressed is true Value is zero:
// the true count never leaves Build.
type Cell struct {
	Value      int
	Suppressed bool
}

// String renders the cell: its value, or "<5" when suppressed.
func (c Cell) String() string {
	if c.Suppressed {
		return SuppressedText
	}
	return strconv.Itoa(c.Value)
}

// MarshalJSON renders the cell as a number, or the string "<5" when
// suppressed.
func (c Cell) MarshalJSON() ([]byte, error) {
	if c.Suppressed {
		return json.Marshal(SuppressedText)
	}
	return []byte(strconv.Itoa(c.Value)), nil
}

// Num is a derived figure (a share, a median, a percentile). Valid is
// false when there is nothing to compute it from (JSON null, text "-").
type Num struct {
	Value      float64
	Valid      bool
	Suppressed bool
}

// MarshalJSON renders the figure as a number, null when not valid, or
// "<5" when suppressed.
func (n Num) MarshalJSON() ([]byte, error) {
	switch {
	case n.Suppressed:
		return json.Marshal(SuppressedText)
	case !n.Valid:
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(n.Value, 'f', -1, 64)), nil
}

// Percent renders a share as a whole percentage ("42%"), "<5" or "-".
func (n Num) Percent() string {
	switch {
	case n.Suppressed:
		return SuppressedText
	case !n.Valid:
		return "-"
	}
	return strconv.Itoa(int(math.Round(n.Value*100))) + "%"
}

// String renders the figure with at most one decimal, "<5" or "-".
func (n Num) String() string {
	switch {
	case n.Suppressed:
		return SuppressedText
	case !n.Valid:
		return "-"
	}
	return strconv.FormatFloat(n.Value, 'f', -1, 64)
}

// Share is a count out of a total, with the share it makes.
type Share struct {
	Count Cell `json:"count"`
	Of    Cell `json:"of"`
	Share Num  `json:"share"`
}

// Dist summarizes a distribution of durations: how many, the median and
// the 90th percentile (nearest rank).
type Dist struct {
	N      Cell `json:"n"`
	Median Num  `json:"median"`
	P90    Num  `json:"p90"`
}

// cells builds report cells with the viewer's suppression rule.
type cells struct{ restricted bool }

func (c cells) small(n int) bool { return c.restricted && n > 0 && n < SmallCell }

func (c cells) cell(n int) Cell {
	if c.small(n) {
		return Cell{Suppressed: true}
	}
	return Cell{Value: n}
}

// partition builds the cells of counts that add up to a shown total, with
// complementary suppression: if exactly one part is suppressed, the
// smallest other non-zero part is suppressed as well.
func (c cells) partition(parts []int) []Cell {
	out := make([]Cell, len(parts))
	hidden := 0
	for i, n := range parts {
		out[i] = c.cell(n)
		if out[i].Suppressed {
			hidden++
		}
	}
	if hidden == 1 {
		best := -1
		for i, n := range parts {
			if !out[i].Suppressed && n > 0 && (best < 0 || n < parts[best]) {
				best = i
			}
		}
		if best >= 0 {
			out[best] = Cell{Suppressed: true}
		}
	}
	return out
}

func (c cells) share(count, of int) Share {
	s := Share{Count: c.cell(count), Of: c.cell(of)}
	switch {
	case s.Count.Suppressed || s.Of.Suppressed:
		s.Share = Num{Suppressed: true}
	case of > 0:
		s.Share = Num{Value: round(float64(count)/float64(of), 3), Valid: true}
	}
	return s
}

// dist summarizes values; the median and p90 are suppressed with the count.
func (c cells) dist(values []float64) Dist {
	d := Dist{N: c.cell(len(values))}
	if d.N.Suppressed {
		d.Median, d.P90 = Num{Suppressed: true}, Num{Suppressed: true}
		return d
	}
	if len(values) == 0 {
		return d
	}
	d.Median = Num{Value: round(median(values), 1), Valid: true}
	d.P90 = Num{Value: round(percentile(values, 0.9), 1), Valid: true}
	return d
}

// median returns the middle value (the mean of the two middle values for
// an even count). values must not be empty.
func median(values []float64) float64 {
	v := slices.Clone(values)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 1): the
// smallest value with at least p of the values at or below it.
func percentile(values []float64, p float64) float64 {
	v := slices.Clone(values)
	slices.Sort(v)
	rank := int(math.Ceil(p * float64(len(v))))
	rank = max(rank, 1)
	return v[rank-1]
}

func round(v float64, places int) float64 {
	f := math.Pow(10, float64(places))
	return math.Round(v*f) / f
}
