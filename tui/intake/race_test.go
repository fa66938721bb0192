package intake

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

// TestRaceFieldIsHUDCategories: the New referral form's race/ethnicity is
// a choice of HUD's categories: built in its stored form, kept in a draft,
// a draft's free text dropped, a non-answer with a category refused.
func TestRaceFieldIsHUDCategories(t *testing.T) {
	now := time.Date(2025, 6, 2, 14, 2, 0, 0, time.UTC)
	v := values{kind: store.KindSocialContact, name: "Sam", offense: offenseNone, race: []string{"White", "Asian or Asian American"}}
	r, errs := v.build(officer, now)
	if len(errs) != 0 || r.RaceEthnicity != "Asian or Asian American; White" {
		t.Errorf("build => race %q, errors %v", r.RaceEthnicity, errs)
	}
	var w values
	w.restoreFields(v.draftFields(), store.ReferralKinds)
	if !slices.Equal(w.race, []string{"Asian or Asian American", "White"}) {
		t.Errorf("draft round trip => %q", w.race)
	}
	w.restoreFields(map[string]string{"race": "White; named Rosa Okafor"}, store.ReferralKinds)
	if len(w.race) != 0 {
		t.Errorf("a draft's free text was restored: %q", w.race)
	}
	v.race = []string{"White", "Client doesn't know"}
	if _, errs := v.build(officer, now); len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), fieldRace) {
		t.Errorf("a non-answer with a category => %v, want one %s error", errs, fieldRace)
	}
	v.race = nil
	if r, errs := v.build(officer, now); len(errs) != 0 || r.RaceEthnicity != "" {
		t.Errorf("no choice => race %q, errors %v", r.RaceEthnicity, errs)
	}
}
