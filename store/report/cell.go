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

// WithheldText is how a derived figure (a share, a median, a percentile)
// of a suppressed count is rendered in text: never a value, so it cannot
// read as "under 5" (JSON carries null).
const WithheldText = "not shown"

// WithheldDistText is how a distribution whose count is suppressed is
// rendered in text, in place of its median, p90 and n.
const WithheldDistText = "n < 5: not shown"

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
// Suppressed (the count it is computed from is suppressed) carries no
// value: JSON null, text "not shown".
type Num struct {
	Value      float64
	Valid      bool
	Suppressed bool
}

// MarshalJSON renders the figure as a number, or null when not valid or
// suppressed (the figure is withheld: a string "<5" would read as a value).
func (n Num) MarshalJSON() ([]byte, error) {
	if n.Suppressed || !n.Valid {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(n.Value, 'f', -1, 64)), nil
}

// Percent renders a share as a whole percentage ("42%"), "not shown" or "-".
func (n Num) Percent() string {
	switch {
	case n.Suppressed:
		return WithheldText
	case !n.Valid:
		return "-"
	}
	return strconv.Itoa(int(math.Round(n.Value*100))) + "%"
}

// String renders the figure with at most one decimal, "not shown" or "-".
func (n Num) String() string {
	switch {
	case n.Suppressed:
		return WithheldText
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

// cells builds report cells with the viewer's suppression rule. hide
// suppresses every non-zero count (for restricted viewers): the cells of
// a block whose own count is hidden, so none of them gives it back.
type cells struct{ restricted, hide bool }

func (c cells) small(n int) bool { return c.restricted && n > 0 && (n < SmallCell || c.hide) }

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
	return c.partitionHiding(parts, nil)
}

// breakdown builds the cells of parts that add up to parent: a breakdown
// of a suppressed cell is suppressed with it (every non-zero part), else
// the parts get complementary suppression among themselves. Without this
// a cell hidden only to protect another (complementary suppression) would
// be printed again as the sum of its breakdown.
func (c cells) breakdown(parent Cell, parts []int) []Cell {
	return c.partitionHiding(parts, func(int) bool { return parent.Suppressed })
}

// partitionHiding is partition where every non-zero part i for which
// hide(i) holds (a part of a suppressed cell) is suppressed too, before
// complementary suppression counts what is hidden.
func (c cells) partitionHiding(parts []int, hide func(i int) bool) []Cell {
	out := make([]Cell, len(parts))
	hidden := 0
	for i, n := range parts {
		out[i] = c.cell(n)
		if c.restricted && n > 0 && hide != nil && hide(i) {
			out[i] = Cell{Suppressed: true}
		}
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

// table suppresses a table of counts whose rows add up to shown row
// totals and whose columns add up to shown column totals: rows[i][j] is
// the count, hideRow[i] says row i's total is suppressed (its non-zero
// cells are then suppressed with it). Complementary suppression runs over
// every row and every column until no row or column has exactly one
// hidden cell, so no hidden cell is the difference of shown ones.
func (c cells) table(rows [][]int, hideRow []bool) [][]Cell {
	out := make([][]Cell, len(rows))
	for i, r := range rows {
		out[i] = c.partitionHiding(r, func(int) bool { return hideRow[i] })
	}
	if len(rows) == 0 {
		return out
	}
	// fix hides the smallest shown non-zero cell among the given ones when
	// exactly one of them is hidden; it reports whether it hid one.
	fix := func(at [][2]int) bool {
		hidden, best := 0, -1
		for k, ij := range at {
			cl, n := out[ij[0]][ij[1]], rows[ij[0]][ij[1]]
			switch {
			case cl.Suppressed:
				hidden++
			case n > 0 && (best < 0 || n < rows[at[best][0]][at[best][1]]):
				best = k
			}
		}
		if hidden != 1 || best < 0 {
			return false
		}
		out[at[best][0]][at[best][1]] = Cell{Suppressed: true}
		return true
	}
	for changed := true; changed; {
		changed = false
		for i := range rows {
			at := make([][2]int, len(rows[i]))
			for j := range rows[i] {
				at[j] = [2]int{i, j}
			}
			changed = fix(at) || changed
		}
		for j := range rows[0] {
			at := make([][2]int, len(rows))
			for i := range rows {
				at[i] = [2]int{i, j}
			}
			changed = fix(at) || changed
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
	return c.distOf(c.cell(len(values)), values)
}

// distOf summarizes values whose count cell n is already decided (a count
// suppressed with the cell it breaks down, or by complementary
// suppression): the median and p90 are suppressed with it.
func (c cells) distOf(n Cell, values []float64) Dist {
	d := Dist{N: n}
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
