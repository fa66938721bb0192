package store

import (
	"fmt"
	"strconv"
	"strings"
)

// RaceCategory is one answer of HUD's HMIS race and ethnicity element
// (FY2024 HMIS Data Standards, 3.04): its HMIS code, a short code for the
// command line, the label the standards print and, for the seven race and
// ethnicity categories, the Client.csv column that flags it.
type RaceCategory struct {
	Code   int
	Short  string
	Label  string
	Column string // empty for the three non-answers (RaceNone)
}

// RaceCategories are HUD's seven race and ethnicity categories, in the
// order Client.csv lists their columns. A person may have one or more.
var RaceCategories = []RaceCategory{
	{1, "amind", "American Indian, Alaska Native, or Indigenous", "AmIndAKNative"},
	{2, "asian", "Asian or Asian American", "Asian"},
	{3, "black", "Black, African American, or African", "BlackAfAmerican"},
	{6, "hispanic", "Hispanic/Latina/e/o", "HispanicLatinaeo"},
	{7, "mena", "Middle Eastern or North African", "MidEastNAfrican"},
	{4, "nhpi", "Native Hawaiian or Pacific Islander", "NativeHIPacific"},
	{5, "white", "White", "White"},
}

// RaceNoneCategories are the answers that stand alone (HMIS RaceNone).
var RaceNoneCategories = []RaceCategory{
	{8, "doesnt_know", "Client doesn't know", ""},
	{9, "prefers_not", "Client prefers not to answer", ""},
	{99, "not_collected", "Data not collected", ""},
}

// RaceDataNotCollected is what a race/ethnicity outside the vocabulary
// (free text recorded before it) counts as in reports and exports.
const RaceDataNotCollected = "Data not collected"

// RaceEthnicitySep separates the categories of one person's value.
const RaceEthnicitySep = "; "

// raceAliases are the other spellings an answer is read from, whole and in
// any case: the labels owg's demo and earlier versions wrote.
var raceAliases = map[string]string{
	"american indian": "amind", "alaska native": "amind", "american indian/alaska native": "amind",
	"american indian or alaska native": "amind", "indigenous": "amind", "native american": "amind",
	"asian american":   "asian",
	"african american": "black", "african": "black", "black or african american": "black",
	"hispanic": "hispanic", "latino": "hispanic", "latina": "hispanic", "latine": "hispanic", "latinx": "hispanic",
	"hispanic/latino": "hispanic", "hispanic or latino": "hispanic", "hispanic/latinx": "hispanic",
	"middle eastern": "mena", "north african": "mena", "middle eastern/north african": "mena",
	"native hawaiian": "nhpi", "pacific islander": "nhpi", "native hawaiian/pacific islander": "nhpi",
	"native hawaiian or other pacific islander": "nhpi",
	"client doesn't know":                       "doesnt_know", "client doesn’t know": "doesnt_know", "doesn't know": "doesnt_know",
	"client refused": "prefers_not", "refused": "prefers_not", "prefers not to answer": "prefers_not",
	"not collected": "not_collected",
}

// raceKey is how a part of a value is looked up: cleaned, folded, single spaced.
func raceKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(CleanLine(s)), " "))
}

var raceByKey = func() map[string]RaceCategory {
	m := map[string]RaceCategory{}
	short := map[string]RaceCategory{}
	for _, c := range append(append([]RaceCategory{}, RaceCategories...), RaceNoneCategories...) {
		short[c.Short] = c
		m[c.Short] = c
		m[raceKey(c.Label)] = c
		m[strconv.Itoa(c.Code)] = c
	}
	for a, s := range raceAliases {
		m[raceKey(a)] = short[s]
	}
	return m
}()

// RaceEthnicityCodes is the short form of RaceEthnicityHelp, for errors.
const RaceEthnicityCodes = `one or more of the labels or amind, asian, black, hispanic, mena, nhpi, white separated by ";", or one of doesnt_know, prefers_not, not_collected`

// RaceEthnicityHelp lists the accepted answers for an error or a flag's help.
func RaceEthnicityHelp() string {
	var b strings.Builder
	for i, c := range append(append([]RaceCategory{}, RaceCategories...), RaceNoneCategories...) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s)", c.Label, c.Short)
	}
	return b.String()
}

// ParseRaceEthnicityCategories reads a race/ethnicity: one or more of HUD's
// categories separated by ";", each a label, a short code or an HMIS code
// in any case, or one of the three non-answers alone. Blank is nil (not
// recorded). The categories come back in RaceCategories order, once each.
// The error never repeats the text (it may be anything, a name even).
func ParseRaceEthnicityCategories(s string) ([]RaceCategory, error) {
	if strings.TrimSpace(CleanLine(s)) == "" {
		return nil, nil
	}
	seen := map[int]bool{}
	var none *RaceCategory
	bad := 0
	for part := range strings.SplitSeq(s, ";") {
		k := raceKey(part)
		if k == "" {
			continue
		}
		c, ok := raceByKey[k]
		if !ok {
			bad++
			continue
		}
		if c.Column == "" {
			if none != nil && none.Code != c.Code {
				return nil, fmt.Errorf("%q and %q cannot both be given", none.Label, c.Label)
			}
			none = &c
			continue
		}
		seen[c.Code] = true
	}
	if bad > 0 {
		return nil, fmt.Errorf("is not one of HUD's race and ethnicity categories: %s", RaceEthnicityCodes)
	}
	if none != nil {
		if len(seen) > 0 {
			return nil, fmt.Errorf("%q stands alone: it cannot be given with a race or ethnicity", none.Label)
		}
		return []RaceCategory{*none}, nil
	}
	var out []RaceCategory
	for _, c := range RaceCategories {
		if seen[c.Code] {
			out = append(out, c)
		}
	}
	return out, nil
}

// JoinRaceEthnicity is the stored form of categories: their labels joined
// by "; " ("" for none).
func JoinRaceEthnicity(cs []RaceCategory) string {
	labels := make([]string, len(cs))
	for i, c := range cs {
		labels[i] = c.Label
	}
	return strings.Join(labels, RaceEthnicitySep)
}

// ParseRaceEthnicity reads a race/ethnicity as ParseRaceEthnicityCategories
// does and returns its stored form.
func ParseRaceEthnicity(s string) (string, error) {
	cs, err := ParseRaceEthnicityCategories(s)
	if err != nil {
		return "", err
	}
	return JoinRaceEthnicity(cs), nil
}

// RaceEthnicityOf is the categories of a stored value for reports and
// exports: a value outside the vocabulary (free text kept from before it)
// is "Data not collected", never its text; blank is nil (not recorded).
func RaceEthnicityOf(s string) []RaceCategory {
	cs, err := ParseRaceEthnicityCategories(s)
	if err != nil {
		return []RaceCategory{RaceNoneCategories[2]}
	}
	return cs
}

// RaceEthnicityGroup is the stored form of RaceEthnicityOf(s): the group a
// report or export shows, "" when not recorded.
func RaceEthnicityGroup(s string) string { return JoinRaceEthnicity(RaceEthnicityOf(s)) }

// RaceEthnicityRecorded reports whether s names at least one race or
// ethnicity (not blank, not a non-answer, not free text).
func RaceEthnicityRecorded(s string) bool {
	cs := RaceEthnicityOf(s)
	return len(cs) > 0 && cs[0].Column != ""
}

// CarryRaceEthnicity is the value an update writes: a value the record
// already held that is outside the vocabulary (free text from before it)
// is mapped as reports map it rather than refused, so an unrelated update
// of an old record still saves; a changed value is kept for validation.
func CarryRaceEthnicity(old, v string) string {
	if v == old {
		return RaceEthnicityGroup(v)
	}
	return v
}

// validRaceEthnicity reports a stored race/ethnicity that is not in its
// stored form (blank is allowed: not recorded).
func validRaceEthnicity(v *validator, s string) {
	if s == "" {
		return
	}
	got, err := ParseRaceEthnicity(s)
	switch {
	case err != nil:
		v.add("race_ethnicity", "%v", err)
	case got != s:
		v.add("race_ethnicity", "is not in its stored form (%s)", got)
	}
}

// NormalizeRaceEthnicity is the cleaned form a write starts from: the
// stored form when s is in the vocabulary, else s cleaned (for validation
// to refuse).
func NormalizeRaceEthnicity(s string) string {
	if v, err := ParseRaceEthnicity(s); err == nil {
		return v
	}
	return CleanLine(s)
}
