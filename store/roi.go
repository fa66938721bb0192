package store

import (
	"strings"
	"time"
)

// ClassText is a class of data in plain words ("legal cases").
func ClassText(d DataKind) string { return strings.ReplaceAll(string(d), "_", " ") }

// RecipientsText lists the ROI's recipients in plain words: the roles
// named (store values, "police": that role at every agency) then the
// agencies named ("Metro PD").
func (r ROI) RecipientsText() string {
	r = MigrateROI(r)
	var out []string
	for _, role := range r.Roles {
		out = append(out, strings.ReplaceAll(string(role), "_", " "))
	}
	for _, a := range r.Agencies {
		if a = CleanLine(a); a != "" {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return "no recipient"
	}
	return strings.Join(out, ", ")
}

// ClassesText lists the classes the ROI releases in plain words.
func (r ROI) ClassesText() string {
	r = MigrateROI(r)
	out := make([]string, 0, len(r.Classes))
	for _, d := range r.Classes {
		out = append(out, ClassText(d))
	}
	if len(out) == 0 {
		return "nothing"
	}
	return strings.Join(out, ", ")
}

// Describe says in one line who receives what, until when and why, as the
// participant screen and exports show it: "Metro PD: identity, goals,
// legal cases, until 2027-03-01 (care coordination)".
func (r ROI) Describe() string {
	purpose := CleanLine(r.Purpose)
	if purpose == "" {
		purpose = "purpose not recorded"
	}
	return r.RecipientsText() + ": " + r.ClassesText() + ", until " + FormatDate(r.Expires) + " (" + purpose + ")"
}

// StateText says whether the ROI is in force on day: "revoked
// 2026-05-01", "expired", "not yet signed", or "" when in force.
func (r ROI) StateText(day time.Time) string {
	switch {
	case !r.Revoked.IsZero() && !DateOf(r.Revoked).After(DateOf(day)):
		return "revoked " + FormatDate(r.Revoked)
	case r.Signed.IsZero():
		return "not signed"
	case DateOf(r.Signed).After(DateOf(day)):
		return "signed " + FormatDate(r.Signed) + ", not yet in force"
	case !r.Expires.IsZero() && DateOf(day).After(DateOf(r.Expires)):
		return "expired"
	}
	return ""
}
