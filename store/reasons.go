package store

import (
	"fmt"
	"slices"
	"strings"
)

// DecisionReason is one coded reason for a referral decision: a short code
// stored on the referral and the plain label its referrer is shown. The
// protocol lists them (decline_reasons, waitlist_reasons); a site edits
// them in its protocol.toml.
type DecisionReason struct {
	Code  string `toml:"code"`
	Label string `toml:"label"`
}

// ReasonOther is the code of a decision whose reason is given only as free
// text (scripts' --reason, decisions stored before reasons were coded).
const ReasonOther = "other"

// reasonKeys are the keys of one [[decline_reasons]] / [[waitlist_reasons]] table.
var reasonKeys = []string{"code", "label"}

// reasonsKey is the protocol key listing the reasons of a decision status.
func reasonsKey(s ReferralStatus) string {
	switch s {
	case RefDeclined:
		return "decline_reasons"
	case RefWaitlisted:
		return "waitlist_reasons"
	}
	return ""
}

// Reasons returns the coded reasons the protocol lists for a decision of
// status s (declined or waitlisted); nil for other statuses.
func (p Protocol) Reasons(s ReferralStatus) []DecisionReason {
	switch s {
	case RefDeclined:
		return p.DeclineReasons
	case RefWaitlisted:
		return p.WaitlistReasons
	}
	return nil
}

// ReasonCodes lists the codes of Reasons(s), in protocol order.
func (p Protocol) ReasonCodes(s ReferralStatus) []string {
	rs := p.Reasons(s)
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}

// ReasonLabel is the plain label of code for a decision of status s, and
// whether the protocol lists that code. Code "other" always has a label.
func (p Protocol) ReasonLabel(s ReferralStatus, code string) (string, bool) {
	for _, r := range p.Reasons(s) {
		if r.Code == code {
			return r.Label, true
		}
	}
	if code == ReasonOther {
		return "Other reason", true
	}
	return "", false
}

// CheckReasonCode reports a decision code the protocol does not list for
// status s as a field error on "code" that lists the valid codes. An
// empty code is checked by the caller (a decline needs one; a waitlist
// needs one only when it is an override).
func (p Protocol) CheckReasonCode(s ReferralStatus, code string) error {
	if code == "" {
		return nil
	}
	if _, ok := p.ReasonLabel(s, code); ok {
		return nil
	}
	codes := p.ReasonCodes(s)
	if !slices.Contains(codes, ReasonOther) {
		codes = append(codes, ReasonOther)
	}
	return &ValidationError{Entity: "decision", Errs: []FieldError{{Field: "code",
		Msg: fmt.Sprintf("%q is not a %s code (valid: %s)", CleanLine(code), reasonNoun(s), strings.Join(codes, ", "))}}}
}

func reasonNoun(s ReferralStatus) string {
	if s == RefWaitlisted {
		return "waitlist reason"
	}
	return "decline reason"
}

// Outcome is a referral's decision as each audience may read it: the code
// and its plain label (what the referrer is shown) and the internal note
// (free text for the pm, supervisors and case managers only).
type Outcome struct {
	Code  string
	Label string
	Note  string
}

// OutcomeOf reads the decision recorded on r under protocol p. A declined
// or waitlisted referral whose Reason is not a code the protocol lists (a
// free-text reason stored before reasons were coded) counts as code
// "other" with that text as its note: the text is never a label. Other
// statuses carry no label (a screen-out's reason is its own code, read by
// ScreenOutMessage).
func OutcomeOf(p Protocol, r Referral) Outcome {
	o := Outcome{Note: r.DecisionNote}
	switch r.Status {
	case RefDeclined, RefWaitlisted:
		code := CleanLine(r.Reason)
		if code == "" {
			return o
		}
		if label, ok := p.ReasonLabel(r.Status, code); ok {
			o.Code, o.Label = code, label
			return o
		}
		o.Code, o.Label = ReasonOther, "Other reason"
		o.Note = joinNote(code, o.Note)
	case RefAccepted, RefWithdrawn:
		o.Note = joinNote(CleanLine(r.Reason), o.Note) // legacy free text
	}
	return o
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// SeesDecisionNote reports whether role may read the internal note of a
// referral decision: the pm, supervisors and case managers. Referrers
// (police, providers, community) see only the coded label.
func SeesDecisionNote(role Role) bool {
	switch role {
	case RolePM, RoleSupervisor, RoleCaseManager:
		return true
	}
	return false
}

// decisionReasons decodes a [[decline_reasons]] or [[waitlist_reasons]] list.
func (d *protoDecoder) decisionReasons(key string, v any) ([]DecisionReason, bool) {
	var tables []map[string]any
	switch x := v.(type) {
	case []map[string]any:
		tables = x
	case []any:
		for i, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				d.add(fmt.Sprintf("%s[%d]", key, i), "must be a table with code and label, not %s", tomlType(e))
				return nil, false
			}
			tables = append(tables, m)
		}
	default:
		d.add(key, "must be a list of [[%s]] tables, not %s", key, tomlType(v))
		return nil, false
	}
	out := make([]DecisionReason, 0, len(tables))
	for i, m := range tables {
		k := fmt.Sprintf("%s[%d]", key, i)
		var r DecisionReason
		if x, ok := m["code"]; ok {
			if s, ok := d.str(k+".code", x); ok {
				r.Code = strings.ToLower(strings.TrimSpace(s))
			}
		}
		if x, ok := m["label"]; ok {
			if s, ok := d.str(k+".label", x); ok {
				r.Label = CleanLine(strings.TrimSpace(s))
			}
		}
		d.unknown(k+".", m, reasonKeys)
		out = append(out, r)
	}
	return out, true
}

// validateReasons checks one list of coded reasons.
func (d *protoDecoder) validateReasons(key string, rs []DecisionReason) {
	seen := map[string]bool{}
	for i, r := range rs {
		k := fmt.Sprintf("%s[%d]", key, i)
		switch {
		case r.Code == "":
			d.add(k+".code", "must not be empty")
		case !isReasonCode(r.Code):
			d.add(k+".code", "%q must be lower-case letters, digits and _", CleanLine(r.Code))
		case seen[r.Code]:
			d.add(k+".code", "%q is listed twice", r.Code)
		}
		seen[r.Code] = true
		if r.Label == "" {
			d.add(k+".label", "must not be empty: it is what the referrer reads")
		}
	}
}

func isReasonCode(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return len(s) <= 40
}
