package store

import (
	"bytes"
	_ "embed" // the default protocol file
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
)

//go:embed default_protocol.toml
var defaultProtocolTOML []byte

// DefaultProtocolTOML returns the embedded default protocol file, comments
// included: what `owg protocol show` prints.
func DefaultProtocolTOML() []byte { return bytes.Clone(defaultProtocolTOML) }

var defaultProtocol = sync.OnceValue(func() Protocol {
	p, err := parseProtocol(defaultProtocolTOML, Protocol{})
	if err != nil {
		panic("store: the embedded default protocol is invalid: " + err.Error())
	}
	return p
})

// DefaultProtocol returns the site protocol of the embedded default file
// (the defaults of the triage issue). Each call returns a fresh copy.
func DefaultProtocol() Protocol { return defaultProtocol().Clone() }

// Clone returns a deep copy of p (its lists are not shared).
func (p Protocol) Clone() Protocol {
	p.KindsAccepted = slices.Clone(p.KindsAccepted)
	p.DivertibleOffenses = slices.Clone(p.DivertibleOffenses)
	p.ExcludedOffenses = slices.Clone(p.ExcludedOffenses)
	p.SensitiveGoalDomains = slices.Clone(p.SensitiveGoalDomains)
	p.DeclineReasons = slices.Clone(p.DeclineReasons)
	p.WaitlistReasons = slices.Clone(p.WaitlistReasons)
	if p.OnCall != nil {
		shifts := make([]OnCallShift, len(p.OnCall))
		for i, s := range p.OnCall {
			s.Days = slices.Clone(s.Days)
			s.Users = slices.Clone(s.Users)
			shifts[i] = s
		}
		p.OnCall = shifts
	}
	return p
}

// ProtocolError lists every problem found in a protocol file, each naming
// its key (weights.per_contact, on_call[0].from) or, for a TOML syntax
// error, its line.
type ProtocolError struct {
	File string // the file read, when known
	Errs []FieldError
}

// Error names the file, when known, and lists every field error.
func (e *ProtocolError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if len(e.Errs) == 1 {
		b.WriteString("invalid protocol: ")
		b.WriteString(e.Errs[0].Error())
		return b.String()
	}
	fmt.Fprintf(&b, "invalid protocol, %d errors:", len(e.Errs))
	for _, f := range e.Errs {
		b.WriteString("\n  ")
		b.WriteString(f.Error())
	}
	return b.String()
}

// Keys returns the keys named by the errors, in order.
func (e *ProtocolError) Keys() []string {
	out := make([]string, len(e.Errs))
	for i, f := range e.Errs {
		out[i] = f.Field
	}
	return out
}

// LoadProtocol reads and validates the protocol file at path (at most
// MaxProtocolBytes, nested at most MaxProtocolDepth deep). Keys left out
// take the defaults. A missing file is an error the caller may treat as
// "use DefaultProtocol" (errors.Is(err, fs.ErrNotExist)).
func LoadProtocol(path string) (Protocol, error) {
	data, err := readProtocolFile(path)
	if err != nil {
		return Protocol{}, err
	}
	p, err := ParseProtocol(data)
	var pe *ProtocolError
	if errors.As(err, &pe) {
		pe.File = path
	}
	return p, err
}

// ParseProtocol parses and validates a protocol file. Keys left out take
// the defaults; an unknown key, a value of the wrong type and every rule of
// Validate are errors, all reported at once in a *ProtocolError.
func ParseProtocol(data []byte) (Protocol, error) {
	return parseProtocol(data, DefaultProtocol())
}

func parseProtocol(data []byte, base Protocol) (Protocol, error) {
	if fe := protocolBounds(data); fe != nil {
		return Protocol{}, &ProtocolError{Errs: []FieldError{*fe}}
	}
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		return Protocol{}, &ProtocolError{Errs: []FieldError{syntaxError(err)}}
	}
	p := base
	d := &protoDecoder{}
	d.protocol(raw, &p)
	var errs []FieldError
	errs = append(errs, d.errs...)
	if verr := p.Validate(); verr != nil {
		for _, f := range verr.(*ProtocolError).Errs {
			if !d.failed(f.Field) {
				errs = append(errs, f)
			}
		}
	}
	if len(errs) > 0 {
		sortByFile(errs, md.Keys())
		return Protocol{}, &ProtocolError{Errs: errs}
	}
	return p, nil
}

// sortByFile orders errors as their keys appear in the file: by top-level
// key, then table index (on_call[1] after on_call[0]), then key. Keys not
// in the file (defaults found wrong) come last.
func sortByFile(errs []FieldError, keys []toml.Key) {
	pos := map[string]int{}
	for i, k := range keys {
		if _, ok := pos[k.String()]; !ok {
			pos[k.String()] = i
		}
	}
	type sortKey struct{ top, index, key int }
	at := func(field string) sortKey {
		plain, index := stripIndexes(field)
		top := plain
		if i := strings.IndexByte(top, '.'); i >= 0 {
			top = top[:i]
		}
		k := sortKey{top: len(keys), index: index, key: len(keys)}
		if i, ok := pos[top]; ok {
			k.top = i
		}
		for f := plain; f != ""; {
			if i, ok := pos[f]; ok {
				k.key = i
				break
			}
			j := strings.LastIndexByte(f, '.')
			if j < 0 {
				break
			}
			f = f[:j]
		}
		return k
	}
	slices.SortStableFunc(errs, func(a, b FieldError) int {
		ka, kb := at(a.Field), at(b.Field)
		if ka.top != kb.top {
			return ka.top - kb.top
		}
		if ka.index != kb.index {
			return ka.index - kb.index
		}
		return ka.key - kb.key
	})
}

// stripIndexes turns "on_call[1].days[0]" into "on_call.days" and returns
// the first index (1), or -1 without one.
func stripIndexes(field string) (string, int) {
	var b strings.Builder
	first := -1
	for i := 0; i < len(field); i++ {
		if field[i] != '[' {
			b.WriteByte(field[i])
			continue
		}
		j := strings.IndexByte(field[i:], ']')
		if j < 0 {
			b.WriteString(field[i:])
			break
		}
		if first < 0 {
			fmt.Sscanf(field[i+1:i+j], "%d", &first)
		}
		i += j
	}
	return b.String(), first
}

func syntaxError(err error) FieldError {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := "TOML syntax: " + rkClip(Clean(pe.Message, false), 200)
		if k := Clean(pe.LastKey, false); k != "" {
			msg += fmt.Sprintf(" (after key %s)", rkClip(k, 60))
		}
		return FieldError{Field: fmt.Sprintf("line %d", max(pe.Position.Line, 1)), Msg: msg}
	}
	return FieldError{Field: "protocol", Msg: Clean(err.Error(), false)}
}

// protoDecoder walks the decoded TOML by hand so that every bad key and
// value is reported, not only the first, and keys must match exactly.
type protoDecoder struct {
	errs []FieldError
	bad  map[string]bool
}

func (d *protoDecoder) add(key, format string, args ...any) {
	d.errs = append(d.errs, FieldError{Field: key, Msg: fmt.Sprintf(format, args...)})
	if d.bad == nil {
		d.bad = map[string]bool{}
	}
	d.bad[key] = true
}

// failed reports whether decoding already reported key or a key inside it.
func (d *protoDecoder) failed(key string) bool {
	for k := range d.bad {
		if k == key || strings.HasPrefix(k, key+".") || strings.HasPrefix(k, key+"[") ||
			strings.HasPrefix(key, k+".") || strings.HasPrefix(key, k+"[") {
			return true
		}
	}
	return false
}

var protocolKeys = []string{
	"site", "kinds_accepted", "minimum_age", "divertible_offenses", "excluded_offenses",
	"intake_deadline_days", "deadline_near_days", "caseload_cap", "hard_cap",
	"overdue_contact_days", "review_rotation_days", "court_window_days", "roi_expiring_days",
	"meeting_every_days", "ack_limit_minutes", "handoff_minutes", "draft_days", "on_call", "weights", "sensitive_goal_domains",
	"decline_reasons", "waitlist_reasons", "meeting", "hmis_agency",
}

var meetingKeys = []string{
	"minutes", "waitlist_shown", "action_items", "action_items_per", "referral", "referral_summary",
	"case", "goal_review", "other",
}

var weightKeys = []string{
	"arrest_diversion", "deadline_near", "legal_urgency", "legal_window_days", "per_contact",
	"contacts_max", "unsheltered", "per_impairment", "victimization", "per_week_waiting", "waiting_max",
}

var shiftKeys = []string{"days", "from", "to", "users"}

func (d *protoDecoder) unknown(prefix string, m map[string]any, known []string) {
	var extra []string
	for k := range m {
		if !slices.Contains(known, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		hint := ""
		for _, want := range known {
			if strings.EqualFold(strings.ReplaceAll(k, "-", "_"), want) {
				hint = " (did you mean " + want + "?)"
				break
			}
		}
		d.add(prefix+keyName(k), "unknown key%s", hint)
	}
}

// keyName shows a TOML key as it would be written: bare when it is made of
// letters, digits, '_' and '-', else quoted (which also escapes any control
// characters).
func keyName(k string) string {
	if k == "" {
		return `""`
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return strconv.Quote(rkClip(k, 40))
		}
	}
	return rkClip(k, 40)
}

func (d *protoDecoder) protocol(m map[string]any, p *Protocol) {
	ints := map[string]*int{
		"minimum_age":          &p.MinimumAge,
		"intake_deadline_days": &p.IntakeDeadlineDays,
		"deadline_near_days":   &p.DeadlineNearDays,
		"caseload_cap":         &p.CaseloadCap,
		"hard_cap":             &p.HardCap,
		"overdue_contact_days": &p.OverdueContactDays,
		"review_rotation_days": &p.ReviewRotationDays,
		"court_window_days":    &p.CourtWindowDays,
		"roi_expiring_days":    &p.ROIExpiringDays,
		"meeting_every_days":   &p.MeetingEveryDays,
		"ack_limit_minutes":    &p.AckLimitMinutes,
		"handoff_minutes":      &p.HandoffMinutes,
		"draft_days":           &p.DraftDays,
	}
	for _, key := range protocolKeys {
		v, ok := m[key]
		if !ok {
			continue
		}
		switch key {
		case "site":
			if s, ok := d.str(key, v); ok {
				p.Site = CleanLine(s)
			}
		case "hmis_agency":
			if s, ok := d.str(key, v); ok {
				p.HMISAgency = strings.TrimSpace(CleanLine(s))
			}
		case "kinds_accepted":
			if ss, ok := d.strs(key, v); ok {
				p.KindsAccepted = p.KindsAccepted[:0:0]
				for _, s := range ss {
					p.KindsAccepted = append(p.KindsAccepted, ReferralKind(strings.ToLower(strings.TrimSpace(s))))
				}
			}
		case "divertible_offenses":
			if ss, ok := d.strs(key, v); ok {
				p.DivertibleOffenses = normalizeOffenses(ss)
			}
		case "excluded_offenses":
			if ss, ok := d.strs(key, v); ok {
				p.ExcludedOffenses = normalizeOffenses(ss)
			}
		case "sensitive_goal_domains":
			if ss, ok := d.strs(key, v); ok {
				p.SensitiveGoalDomains = p.SensitiveGoalDomains[:0:0]
				for _, s := range ss {
					p.SensitiveGoalDomains = append(p.SensitiveGoalDomains, GoalDomain(strings.ToLower(strings.TrimSpace(s))))
				}
			}
		case "weights":
			d.weights(v, &p.Weights)
		case "meeting":
			d.meeting(v, &p.Meeting)
		case "on_call":
			d.onCall(v, p)
		case "decline_reasons":
			if rs, ok := d.decisionReasons(key, v); ok {
				p.DeclineReasons = rs
			}
		case "waitlist_reasons":
			if rs, ok := d.decisionReasons(key, v); ok {
				p.WaitlistReasons = rs
			}
		default:
			d.int(key, v, ints[key])
		}
	}
	d.unknown("", m, protocolKeys)
}

func (d *protoDecoder) weights(v any, w *Weights) {
	m, ok := v.(map[string]any)
	if !ok {
		d.add("weights", "must be a table ([weights]), not %s", tomlType(v))
		return
	}
	fields := map[string]*int{
		"arrest_diversion":  &w.ArrestDiversion,
		"deadline_near":     &w.DeadlineNear,
		"legal_urgency":     &w.LegalUrgency,
		"legal_window_days": &w.LegalWindowDays,
		"per_contact":       &w.PerContact,
		"contacts_max":      &w.ContactsMax,
		"unsheltered":       &w.Unsheltered,
		"per_impairment":    &w.PerImpairment,
		"victimization":     &w.Victimization,
		"per_week_waiting":  &w.PerWeekWaiting,
		"waiting_max":       &w.WaitingMax,
	}
	for _, k := range weightKeys {
		if x, ok := m[k]; ok {
			d.int("weights."+k, x, fields[k])
		}
	}
	d.unknown("weights.", m, weightKeys)
}

func (d *protoDecoder) meeting(v any, b *MeetingBudget) {
	m, ok := v.(map[string]any)
	if !ok {
		d.add("meeting", "must be a table ([meeting]), not %s", tomlType(v))
		return
	}
	fields := map[string]*int{
		"minutes": &b.Minutes, "waitlist_shown": &b.WaitlistShown, "action_items": &b.ActionItems,
		"action_items_per": &b.ActionItemsPer, "referral": &b.Referral, "referral_summary": &b.Summary,
		"case": &b.Case, "goal_review": &b.GoalReview, "other": &b.Other,
	}
	for _, k := range meetingKeys {
		if x, ok := m[k]; ok {
			d.int("meeting."+k, x, fields[k])
		}
	}
	d.unknown("meeting.", m, meetingKeys)
}

func (d *protoDecoder) onCall(v any, p *Protocol) {
	var tables []map[string]any
	switch x := v.(type) {
	case []map[string]any:
		tables = x
	case []any:
		for i, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				d.add(fmt.Sprintf("on_call[%d]", i), "must be a table, not %s", tomlType(e))
				continue
			}
			tables = append(tables, m)
		}
		if len(tables) != len(x) {
			return
		}
	default:
		d.add("on_call", "must be a list of [[on_call]] tables, not %s", tomlType(v))
		return
	}
	shifts := make([]OnCallShift, 0, len(tables))
	for i, m := range tables {
		key := fmt.Sprintf("on_call[%d]", i)
		s := OnCallShift{From: 0, To: 24}
		if x, ok := m["days"]; ok {
			if ss, ok := d.strs(key+".days", x); ok {
				s.Days = make([]string, len(ss))
				for j, day := range ss {
					s.Days[j] = normalizeDay(day)
				}
			}
		}
		if x, ok := m["from"]; ok {
			d.int(key+".from", x, &s.From)
		}
		if x, ok := m["to"]; ok {
			d.int(key+".to", x, &s.To)
		}
		if x, ok := m["users"]; ok {
			if ss, ok := d.strs(key+".users", x); ok {
				s.Users = make([]string, len(ss))
				for j, u := range ss {
					s.Users[j] = strings.TrimSpace(u)
				}
			}
		}
		d.unknown(key+".", m, shiftKeys)
		shifts = append(shifts, s)
	}
	p.OnCall = shifts
}

func (d *protoDecoder) int(key string, v any, dst *int) {
	n, ok := v.(int64)
	if !ok {
		d.add(key, "must be a whole number, not %s", tomlType(v))
		return
	}
	if n > math.MaxInt32 || n < math.MinInt32 {
		d.add(key, "%d is out of range", n)
		return
	}
	*dst = int(n)
}

func (d *protoDecoder) str(key string, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		d.add(key, "must be a string, not %s", tomlType(v))
	}
	return s, ok
}

func (d *protoDecoder) strs(key string, v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		d.add(key, "must be a list of strings, not %s", tomlType(v))
		return nil, false
	}
	out := make([]string, 0, len(list))
	good := true
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			d.add(fmt.Sprintf("%s[%d]", key, i), "must be a string, not %s", tomlType(e))
			good = false
			continue
		}
		out = append(out, s)
	}
	return out, good
}

func tomlType(v any) string {
	switch x := v.(type) {
	case string:
		return "a string"
	case int64:
		return "a number"
	case float64:
		return "a decimal number"
	case bool:
		return "true/false"
	case []any, []map[string]any:
		return "a list"
	case map[string]any:
		return "a table"
	case time.Time:
		return "a date or time"
	default:
		return fmt.Sprintf("%T", x)
	}
}

func normalizeOffenses(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = NormalizeOffense(s)
	}
	return out
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// normalizeDay turns "Monday" or " MON " into "mon"; unknown names are kept
// (lower-cased) for Validate to report.
func normalizeDay(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if wd, ok := dayNames[s]; ok {
		return strings.ToLower(wd.String()[:3])
	}
	return s
}

// Validate checks the protocol's rules and returns a *ProtocolError naming
// every bad key, or nil.
func (p Protocol) Validate() error {
	v := &protoDecoder{}
	if len(p.KindsAccepted) == 0 {
		v.add("kinds_accepted", "must name at least one referral kind (%s)", names(ReferralKinds))
	}
	seenKind := map[ReferralKind]bool{}
	for i, k := range p.KindsAccepted {
		key := fmt.Sprintf("kinds_accepted[%d]", i)
		switch {
		case !oneOf(k, ReferralKinds):
			v.add(key, "%q is not a referral kind owg knows (%s)", CleanLine(string(k)), names(ReferralKinds))
		case seenKind[k]:
			v.add(key, "%q is listed twice", k)
		}
		seenKind[k] = true
	}
	v.rangeInt("minimum_age", p.MinimumAge, 0, 120)

	divertible := map[string]bool{}
	for i, o := range p.DivertibleOffenses {
		key := fmt.Sprintf("divertible_offenses[%d]", i)
		n := NormalizeOffense(o)
		switch {
		case n == "":
			v.add(key, "must not be empty")
		case divertible[n]:
			v.add(key, "%q is listed twice", CleanLine(o))
		}
		divertible[n] = true
	}
	if seenKind[KindArrestDiversion] && len(p.DivertibleOffenses) == 0 {
		v.add("divertible_offenses", "must name at least one offense while arrest_diversion is accepted")
	}
	excluded := map[string]bool{}
	for i, o := range p.ExcludedOffenses {
		key := fmt.Sprintf("excluded_offenses[%d]", i)
		n := NormalizeOffense(o)
		switch {
		case n == "":
			v.add(key, "must not be empty")
		case excluded[n]:
			v.add(key, "%q is listed twice", CleanLine(o))
		case divertible[n]:
			v.add(key, "%q is also in divertible_offenses: an offense is either divertible or excluded", CleanLine(o))
		}
		excluded[n] = true
	}

	seenDomain := map[GoalDomain]bool{}
	for i, g := range p.SensitiveGoalDomains {
		key := fmt.Sprintf("sensitive_goal_domains[%d]", i)
		switch {
		case !oneOf(g, GoalDomains):
			v.add(key, "%q is not a goal domain (%s)", CleanLine(string(g)), names(GoalDomains))
		case seenDomain[g]:
			v.add(key, "%q is listed twice", g)
		}
		seenDomain[g] = true
	}
	if !seenDomain[DomainSubstanceUse] {
		v.add("sensitive_goal_domains", "must include substance_use: substance use records are protected by 42 CFR Part 2")
	}

	const maxDays = 3660
	v.rangeInt("intake_deadline_days", p.IntakeDeadlineDays, 1, maxDays)
	v.rangeInt("deadline_near_days", p.DeadlineNearDays, 1, maxDays)
	v.rangeInt("caseload_cap", p.CaseloadCap, 1, 1000)
	if p.CaseloadCap > 0 && p.HardCap < p.CaseloadCap {
		v.add("hard_cap", "must be >= caseload_cap (%d)", p.CaseloadCap)
	} else {
		v.rangeInt("hard_cap", p.HardCap, 1, 1000)
	}
	v.rangeInt("overdue_contact_days", p.OverdueContactDays, 1, maxDays)
	v.rangeInt("review_rotation_days", p.ReviewRotationDays, 1, maxDays)
	v.rangeInt("court_window_days", p.CourtWindowDays, 1, maxDays)
	v.rangeInt("roi_expiring_days", p.ROIExpiringDays, 1, maxDays)
	v.rangeInt("meeting_every_days", p.MeetingEveryDays, 1, maxDays)
	v.rangeInt("ack_limit_minutes", p.AckLimitMinutes, 1, 7*24*60)
	v.rangeInt("handoff_minutes", p.HandoffMinutes, 1, 7*24*60)
	v.rangeInt("draft_days", p.DraftDays, 1, 365)

	for i, s := range p.OnCall {
		key := fmt.Sprintf("on_call[%d]", i)
		for j, day := range s.Days {
			if _, ok := dayNames[strings.ToLower(strings.TrimSpace(day))]; !ok {
				v.add(fmt.Sprintf("%s.days[%d]", key, j), "%q is not a day (mon, tue, wed, thu, fri, sat, sun)", CleanLine(day))
			}
		}
		fromOK := v.rangeInt(key+".from", s.From, 0, 23)
		toOK := v.rangeInt(key+".to", s.To, 1, 24)
		if fromOK && toOK && s.To <= s.From {
			v.add(key+".to", "must be after from (%d); split an overnight shift into two", s.From)
		}
		for j, u := range s.Users {
			if strings.TrimSpace(u) == "" {
				v.add(fmt.Sprintf("%s.users[%d]", key, j), "must not be empty")
			}
		}
	}

	v.validateReasons("decline_reasons", p.DeclineReasons)
	v.validateReasons("waitlist_reasons", p.WaitlistReasons)

	w := p.Weights
	const maxWeight = 10000
	v.rangeInt("weights.arrest_diversion", w.ArrestDiversion, 0, maxWeight)
	v.rangeInt("weights.deadline_near", w.DeadlineNear, 0, maxWeight)
	v.rangeInt("weights.legal_urgency", w.LegalUrgency, 0, maxWeight)
	v.rangeInt("weights.legal_window_days", w.LegalWindowDays, 1, maxDays)
	v.rangeInt("weights.per_contact", w.PerContact, 0, maxWeight)
	v.rangeInt("weights.contacts_max", w.ContactsMax, 0, maxWeight)
	v.rangeInt("weights.unsheltered", w.Unsheltered, 0, maxWeight)
	v.rangeInt("weights.per_impairment", w.PerImpairment, 0, maxWeight)
	v.rangeInt("weights.victimization", w.Victimization, 0, maxWeight)
	v.rangeInt("weights.per_week_waiting", w.PerWeekWaiting, 0, maxWeight)
	v.rangeInt("weights.waiting_max", w.WaitingMax, 0, maxWeight)

	mb := p.Meeting
	v.rangeInt("meeting.minutes", mb.Minutes, 10, 600)
	v.rangeInt("meeting.waitlist_shown", mb.WaitlistShown, 0, 1000)
	v.rangeInt("meeting.action_items", mb.ActionItems, 0, 120)
	v.rangeInt("meeting.action_items_per", mb.ActionItemsPer, 1, 1000)
	v.rangeInt("meeting.referral", mb.Referral, 0, 120)
	v.rangeInt("meeting.referral_summary", mb.Summary, 0, 120)
	v.rangeInt("meeting.case", mb.Case, 0, 120)
	v.rangeInt("meeting.goal_review", mb.GoalReview, 1, 120)
	v.rangeInt("meeting.other", mb.Other, 0, 120)

	if len(v.errs) == 0 {
		return nil
	}
	return &ProtocolError{Errs: v.errs}
}

func (d *protoDecoder) rangeInt(key string, n, lo, hi int) bool {
	switch {
	case n < lo:
		d.add(key, "must be >= %d", lo)
		return false
	case n > hi:
		d.add(key, "must be <= %d", hi)
		return false
	}
	return true
}

// OnCallUsers returns the names of the users on call at t (t's weekday and
// hour in t's location: pass local time), sorted. A shift with no users
// means every active supervisor; a named user must be in users and active.
// When no shift covers t, or no one it names is active, every active
// supervisor is on call: a referral is never left without anyone.
func (p Protocol) OnCallUsers(t time.Time, users []User) []string {
	active := map[string]User{}
	var supervisors []string
	for _, u := range users {
		if !u.Active {
			continue
		}
		active[u.Name] = u
		if u.Role == RoleSupervisor {
			supervisors = append(supervisors, u.Name)
		}
	}
	set := map[string]bool{}
	wd, hour := t.Weekday(), t.Hour()
	for _, s := range p.OnCall {
		if !s.covers(wd, hour) {
			continue
		}
		if len(s.Users) == 0 {
			for _, name := range supervisors {
				set[name] = true
			}
			continue
		}
		for _, name := range s.Users {
			if _, ok := active[strings.TrimSpace(name)]; ok {
				set[strings.TrimSpace(name)] = true
			}
		}
	}
	if len(set) == 0 {
		for _, name := range supervisors {
			set[name] = true
		}
	}
	out := make([]string, 0, len(set))
	for name := range set {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func (s OnCallShift) covers(wd time.Weekday, hour int) bool {
	if hour < s.From || hour >= s.To {
		return false
	}
	if len(s.Days) == 0 {
		return true
	}
	for _, day := range s.Days {
		if d, ok := dayNames[strings.ToLower(strings.TrimSpace(day))]; ok && d == wd {
			return true
		}
	}
	return false
}
