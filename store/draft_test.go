package store

import "testing"

// TestDraftWhere: the Drafts list says where a draft was typed in ids
// only, never its text.
func TestDraftWhere(t *testing.T) {
	for _, tc := range []struct {
		d    Draft
		want string
	}{
		{Draft{Form: "meeting_note", Subject: "M-0004/3", Fields: map[string]string{"meeting": "M-0004", "item": "3", "text": "Jo at the camp"}}, "meeting M-0004, item 3"},
		{Draft{Form: "decision", Subject: "R-0012", Screen: "meeting", Fields: map[string]string{"meeting": "M-0004", "ref": "R-0012", "reason": "x"}}, "meeting M-0004, R-0012"},
		{Draft{Form: "decision", Subject: "R-0012", Screen: "referrals"}, "R-0012"},
		{Draft{Form: "contact", Subject: "P-0002", Screen: "P-0002", Fields: map[string]string{"json": `{"Note":"Jo"}`}}, "P-0002"},
		{Draft{Form: "contact", Screen: "P-0002"}, "P-0002"}, // kept before drafts had subjects
		{Draft{Form: "referral", Screen: "new_referral", Fields: map[string]string{"name": "Jo Doe"}}, ""},
	} {
		if got := DraftWhere(tc.d); got != tc.want {
			t.Errorf("DraftWhere(%s %q) => %q, want %q", tc.d.Form, tc.d.Subject, got, tc.want)
		}
	}
}
