package store

import (
	"strings"
	"testing"
)

// TestItemHeading: an item's heading carries its subject's facts only to
// readers who may see the subject; a referrer reads their own referral the
// same whether its person is enrolled (a re-referral) or not.
func TestItemHeading(t *testing.T) {
	reref := AgendaItem{Kind: ItemReferral, Subject: "R-0116", Title: "Re-referral R-0116 (of P-0003)",
		Reason: "already enrolled: routed to the case manager, uses no capacity"}
	ref := AgendaItem{Kind: ItemReferral, Subject: "R-0117", Title: "Referral R-0117 (arrest diversion)", Reason: "rank 3 of 9, score 40, offer (capacity 4)"}
	warrant := AgendaItem{Kind: ItemCase, Subject: "L-0008", Title: "Active warrant: L-0008 (P-0033)", Reason: "active warrant"}
	review := AgendaItem{Kind: ItemGoalReview, Subject: "P-0047", Title: "Goal review: P-0047", Reason: "flagged by harbor"}
	typed := AgendaItem{Kind: ItemGoalReview, Subject: "P-0047", Title: "Jane Roe's eviction", Typed: true}
	actions := AgendaItem{Kind: ItemActionItems, Subject: "M-0001", Title: "Open action items", Reason: "5 open"}
	other := AgendaItem{Kind: ItemOther, Title: "Budget for bus passes", Typed: true}
	tests := []struct {
		name               string
		it                 AgendaItem
		identity, referral Access
		want               string
		wantReason         bool
	}{
		{"staff see a re-referral whole", reref, Shown, Shown, "Re-referral R-0116 (of P-0003)", true},
		{"its referrer reads it as their referral", reref, Redacted, OwnOnly, "Your referral R-0116", false},
		{"its referrer with an ROI on the person still reads it so", reref, Shown, OwnOnly, "Your referral R-0116", false},
		{"others read the kind only", reref, Redacted, Redacted, "Referral (not shared with your role)", false},
		{"a referrer's plain referral reads the same", ref, Redacted, OwnOnly, "Your referral R-0117", false},
		{"a case without the identity", warrant, Redacted, Redacted, "Case (not shared with your role)", false},
		{"a case community may not identify", warrant, DeIdentified, Redacted, "Case (not shared with your role)", false},
		{"a case with the identity", warrant, Shown, Redacted, "Active warrant: L-0008 (P-0033)", true},
		{"a review without the identity", review, Redacted, Redacted, "Goal review (not shared with your role)", false},
		{"a typed title without the identity", typed, Redacted, Redacted, "Goal review (not shared with your role)", false},
		{"a typed title with it", typed, Shown, Redacted, "Jane Roe's eviction", false},
		{"open action items for anyone", actions, Redacted, Redacted, "Open action items", true},
		{"other business for anyone", other, Redacted, Redacted, "Budget for bus passes", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acc := HeadingAccess(tt.it, tt.identity, tt.referral)
			title, reason, subject := ItemHeading(tt.it, acc, NotShared)
			if title != tt.want {
				t.Errorf("title %q, want %q", title, tt.want)
			}
			if (reason != "") != tt.wantReason {
				t.Errorf("reason %q, want one: %v", reason, tt.wantReason)
			}
			if acc != Shown && acc != OwnOnly && subject != "" {
				t.Errorf("subject %q shown to a reader who may not see it", subject)
			}
			if acc != Shown {
				for _, leak := range []string{"P-", "L-", "enrolled", "rank", "harbor"} {
					if strings.Contains(title+reason, leak) {
						t.Errorf("heading %q / %q carries %q", title, reason, leak)
					}
				}
			}
		})
	}
}

// TestActionTextVisible: an action item's text follows its subject as a
// note of its sensitivity would: clinical text (a detox intake) never
// reaches police or prosecutors, whatever their ROI lists, and reaches
// the pm only by an ROI listing sensitive.
func TestActionTextVisible(t *testing.T) {
	general := OpenAction{ActionItem: ActionItem{ID: "A-1", Subject: "P-0001", Text: "drive her to the DMV"}}
	clinical := OpenAction{ActionItem: ActionItem{ID: "A-2", Subject: "P-0001", Text: "drive her to the methadone clinic", Sensitivity: Clinical}}
	all := CoverageOf(ROIClasses...)
	legacy := CoverageOf(LegacyROIClasses...)
	tests := []struct {
		name    string
		role    Role
		covered Coverage
		a       OpenAction
		want    bool
	}{
		{"police with an ROI read general text", RolePolice, legacy, general, true},
		{"police never read clinical text", RolePolice, all, clinical, false},
		{"prosecutors never read clinical text", RoleProsecutor, all, clinical, false},
		{"case managers read clinical text", RoleCaseManager, 0, clinical, true},
		{"the pm without sensitive in the ROI does not", RolePM, legacy, clinical, false},
		{"the pm with it does", RolePM, all, clinical, true},
		{"providers without an ROI read neither", RoleProvider, 0, general, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ActionTextVisible(Actor{User: "x", Role: tt.role}, tt.a, tt.covered); got != tt.want {
				t.Errorf("ActionTextVisible => %v, want %v", got, tt.want)
			}
		})
	}
}
