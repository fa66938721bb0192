package store

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Screen-out reasons, in the order Eligibility checks them.
const (
	ScreenKind          = "kind"           // a known kind the site's protocol does not accept
	ScreenAge           = "age"            // under the minimum age on the day received
	ScreenExcluded      = "excluded"       // offense excluded by the protocol
	ScreenNotDivertible = "not_divertible" // arrest diversion without a divertible offense
)

// ScreenReasons lists the screen-out reasons in order.
var ScreenReasons = []string{ScreenKind, ScreenAge, ScreenExcluded, ScreenNotDivertible}

// NormalizeOffense returns the comparable form of an offense code: trimmed,
// lower-cased, with runs of spaces and hyphens made one underscore ("  DUI "
// is "dui", "Drug possession" is "drug_possession").
func NormalizeOffense(s string) string {
	if offenseNormal(s) {
		return s
	}
	s = strings.ToLower(strings.TrimSpace(s))
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	for _, r := range s {
		if r == ' ' || r == '-' || r == '\t' || r == '_' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('_')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

// offenseNormal reports whether s is already in normal form (the common
// case, checked without allocating).
func offenseNormal(s string) bool {
	prevSep := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			prevSep = false
		case c == '_':
			if prevSep {
				return false
			}
			prevSep = true
		default:
			return false
		}
	}
	return !prevSep || s == ""
}

// Accepts reports whether the protocol accepts referrals of kind k.
func (p Protocol) Accepts(k ReferralKind) bool {
	for _, a := range p.KindsAccepted {
		if a == k {
			return true
		}
	}
	return false
}

// Excluded reports whether offense is excluded by the protocol.
func (p Protocol) Excluded(offense string) bool { return containsOffense(p.ExcludedOffenses, offense) }

// Divertible reports whether offense is divertible under the protocol.
func (p Protocol) Divertible(offense string) bool {
	return containsOffense(p.DivertibleOffenses, offense)
}

func containsOffense(list []string, offense string) bool {
	o := NormalizeOffense(offense)
	if o == "" {
		return false
	}
	for _, x := range list {
		if x == o || NormalizeOffense(x) == o {
			return true
		}
	}
	return false
}

// Eligibility applies the protocol's eligibility rules to r, in order: the
// kind is accepted, the person is at least the minimum age (whole years on
// the day received, from the date of birth, else the approximate age; with
// neither the rule passes), the offense is not excluded, and an arrest
// diversion has a divertible offense. It returns the first failure's reason
// (ScreenKind, ScreenAge, ScreenExcluded, ScreenNotDivertible).
func Eligibility(p Protocol, r Referral) (eligible bool, reason string) {
	return compileRules(&p).eligibility(&r)
}

// rules is a protocol's eligibility rules with offense lists normalized
// once, for ranking many referrals.
type rules struct {
	kinds                []ReferralKind
	minAge               int
	excluded, divertible []string
}

func compileRules(p *Protocol) *rules {
	norm := func(list []string) []string {
		out := make([]string, 0, len(list))
		for _, o := range list {
			if n := NormalizeOffense(o); n != "" {
				out = append(out, n)
			}
		}
		return out
	}
	return &rules{kinds: p.KindsAccepted, minAge: p.MinimumAge, excluded: norm(p.ExcludedOffenses), divertible: norm(p.DivertibleOffenses)}
}

func (c *rules) eligibility(r *Referral) (bool, string) {
	if !slices.Contains(c.kinds, r.Kind) {
		return false, ScreenKind
	}
	if age, known := referralAge(r); known && age < c.minAge {
		return false, ScreenAge
	}
	offense := NormalizeOffense(r.Offense)
	if offense != "" && slices.Contains(c.excluded, offense) {
		return false, ScreenExcluded
	}
	if r.Kind == KindArrestDiversion && (offense == "" || !slices.Contains(c.divertible, offense)) {
		return false, ScreenNotDivertible
	}
	return true, ""
}

// referralAge is the person's age on the day the referral was received.
func referralAge(r *Referral) (int, bool) {
	if !r.Person.DOB.IsZero() && !r.Received.IsZero() {
		return ageOn(r.Person.DOB, r.Received), true
	}
	if r.Person.ApproxAge > 0 {
		return r.Person.ApproxAge, true
	}
	return 0, false
}

var offenseLabels = map[string]string{
	"dui":                    "DUI",
	"domestic_violence":      "Domestic violence",
	"sexual_assault":         "Sexual assault",
	"felony_assault":         "Felony assault",
	"homicide":               "Homicide",
	"exploitation_of_minors": "Exploitation of minors",
	"drug_possession":        "Drug possession",
	"trespass":               "Trespass",
	"theft_misdemeanor":      "Misdemeanor theft",
	"prostitution":           "Prostitution",
	"transit_misconduct":     "Transit misconduct",
	"public_disorder":        "Public disorder",
}

// OffenseLabel returns an offense code in plain words for forms and
// messages ("dui" → "DUI", "felony_assault" → "Felony assault").
func OffenseLabel(code string) string {
	c := NormalizeOffense(CleanLine(code))
	if l, ok := offenseLabels[c]; ok {
		return l
	}
	c = strings.ReplaceAll(c, "_", " ")
	if c == "" {
		return ""
	}
	r := []rune(c)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// KindLabel returns a referral kind in plain words ("arrest diversion").
func KindLabel(k ReferralKind) string {
	return strings.ReplaceAll(CleanLine(string(k)), "_", " ")
}

// ScreenOutMessage says in plain words why the protocol screens r out, for
// the field form and the officer's My referrals screen: "DUI is excluded by
// this site's protocol", "arrest diversion needs a divertible offense",
// "under 18 on the day of referral", "kind community is not accepted by
// this site". It returns "" for an empty reason.
func ScreenOutMessage(p Protocol, r Referral, reason string) string {
	switch reason {
	case "":
		return ""
	case ScreenKind:
		return fmt.Sprintf("kind %s is not accepted by this site", KindLabel(r.Kind))
	case ScreenAge:
		return fmt.Sprintf("under %d on the day of referral", p.MinimumAge)
	case ScreenExcluded:
		return fmt.Sprintf("%s is excluded by this site's protocol", OffenseLabel(r.Offense))
	case ScreenNotDivertible:
		return "arrest diversion needs a divertible offense"
	default:
		return CleanLine(reason)
	}
}

// MatchParticipant finds the active participant that r is a re-referral
// of: the same date of birth and the same name, compared without regard to
// case, spaces, punctuation or accents, where either side's aliases count
// as names. A referral without a date of birth never matches. When several
// match, the lowest participant id wins.
func MatchParticipant(r Referral, active []Participant) (Participant, bool) {
	if r.Person.DOB.IsZero() {
		return Participant{}, false
	}
	dob := DateOf(r.Person.DOB)
	var keys []string
	var best Participant
	found := false
	for _, p := range active {
		if !p.Status.Active() || p.DOB.IsZero() || !DateOf(p.DOB).Equal(dob) {
			continue
		}
		if keys == nil {
			keys = personKeys(r.Person.Name, r.Person.Aliases)
		}
		if !namesMatch(keys, personKeys(p.Name, p.Aliases)) {
			continue
		}
		if !found || idLess(p.ID, best.ID) {
			best, found = p, true
		}
	}
	return best, found
}

// matcher indexes active participants by date of birth for Rank.
type matcher struct {
	byDOB map[int][]matchEntry
	byID  map[string]bool
	buf   []byte
}

type matchEntry struct {
	p    Participant
	keys []string
}

func newMatcher(participants []Participant) *matcher {
	m := &matcher{byDOB: make(map[int][]matchEntry, len(participants)), byID: make(map[string]bool, len(participants))}
	for _, p := range participants {
		if !p.Status.Active() {
			continue
		}
		m.byID[p.ID] = true
		if p.DOB.IsZero() {
			continue
		}
		d := dayNum(p.DOB)
		m.byDOB[d] = append(m.byDOB[d], matchEntry{p: p})
	}
	return m
}

func (m *matcher) match(r *Referral) (string, bool) {
	if r.Person.DOB.IsZero() {
		return "", false
	}
	entries := m.byDOB[dayNum(r.Person.DOB)]
	if len(entries) == 0 {
		return "", false
	}
	best := ""
	for i := range entries {
		e := &entries[i]
		if e.keys == nil {
			e.keys = personKeys(e.p.Name, e.p.Aliases)
		}
		if m.matches(r, e.keys) && (best == "" || idLess(e.p.ID, best)) {
			best = e.p.ID
		}
	}
	return best, best != ""
}

// matches reports whether any of r's names has one of keys, building each
// name key in a reused buffer.
func (m *matcher) matches(r *Referral, keys []string) bool {
	for i := -1; i < len(r.Person.Aliases); i++ {
		name := r.Person.Name
		if i >= 0 {
			name = r.Person.Aliases[i]
		}
		m.buf = appendNameKey(m.buf[:0], name)
		if len(m.buf) == 0 {
			continue
		}
		for _, k := range keys {
			if string(m.buf) == k {
				return true
			}
		}
	}
	return false
}

func personKeys(name string, aliases []string) []string {
	keys := make([]string, 0, 1+len(aliases))
	if k := NameKey(name); k != "" {
		keys = append(keys, k)
	}
	for _, n := range aliases {
		if k := NameKey(n); k != "" {
			keys = append(keys, k)
		}
	}
	if keys == nil {
		keys = []string{}
	}
	return keys
}

func namesMatch(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// NameKey returns the comparable form of a person's name: cleaned of
// escape sequences, lower-case letters and digits only, accents removed ("José  O'Neil" and "jose oneil"
// give the same key).
func NameKey(name string) string { return string(appendNameKey(nil, name)) }

func appendNameKey(dst []byte, name string) []byte {
	name = Clean(name, false)
	for _, r := range name {
		if r < 0x80 {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
				dst = append(dst, byte(r))
			case r >= 'A' && r <= 'Z':
				dst = append(dst, byte(r+'a'-'A'))
			}
			continue
		}
		if unicode.Is(unicode.Mn, r) { // combining marks of decomposed text
			continue
		}
		if f, ok := foldAccent(r); ok {
			dst = append(dst, f...)
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
	}
	return dst
}

// foldAccent maps precomposed Latin letters to their base letters.
func foldAccent(r rune) (string, bool) {
	if r < 0xC0 || r > 0x24F {
		return "", false
	}
	if s, ok := accentFold[r]; ok {
		return s, true
	}
	return "", false
}

var accentFold = func() map[rune]string {
	groups := map[string]string{
		"a":  "ÀÁÂÃÄÅàáâãäåĀāĂăĄąǍǎǺǻ",
		"ae": "ÆæǼǽ",
		"c":  "ÇçĆćĈĉĊċČč",
		"d":  "ĎďĐðđÐ",
		"e":  "ÈÉÊËèéêëĒēĔĕĖėĘęĚě",
		"g":  "ĜĝĞğĠġĢģ",
		"h":  "ĤĥĦħ",
		"i":  "ÌÍÎÏìíîïĨĩĪīĬĭĮįİıǏǐ",
		"j":  "Ĵĵ",
		"k":  "Ķķ",
		"l":  "ĹĺĻļĽľĿŀŁł",
		"n":  "ÑñŃńŅņŇňŉ",
		"o":  "ÒÓÔÕÖØòóôõöøŌōŎŏŐőǑǒǾǿ",
		"oe": "Œœ",
		"r":  "ŔŕŖŗŘř",
		"s":  "ŚśŜŝŞşŠšſ",
		"ss": "ß",
		"t":  "ŢţŤťŦŧ",
		"th": "Þþ",
		"u":  "ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲųǓǔǕǖǗǘǙǚǛǜ",
		"w":  "Ŵŵ",
		"y":  "ÝýÿŶŷŸ",
		"z":  "ŹźŻżŽž",
	}
	m := map[rune]string{}
	for base, letters := range groups {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// idLess orders record ids: the same prefix compares by number (R-9999
// before R-10000), anything else as strings.
func idLess(a, b string) bool {
	pa, na, oka := splitID(a)
	pb, nb, okb := splitID(b)
	if oka && okb && pa == pb {
		if len(na) != len(nb) {
			return len(na) < len(nb)
		}
		if na != nb {
			return na < nb
		}
		return a < b
	}
	return a < b
}

func splitID(id string) (prefix, digits string, ok bool) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 || i == len(id)-1 {
		return "", "", false
	}
	digits = id[i+1:]
	for j := 0; j < len(digits); j++ {
		if digits[j] < '0' || digits[j] > '9' {
			return "", "", false
		}
	}
	digits = strings.TrimLeft(digits, "0")
	return id[:i], digits, true
}
