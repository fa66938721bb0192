package badgerstore

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

const freeRace = "White; named Rosa Okafor, uses heroin"

// TestStoreRefusesRaceOutsideTheVocabulary: a referral or participant
// whose race/ethnicity is not HUD's categories is refused on write and
// nothing is saved; labels and short codes in any case are saved in their
// stored form.
func TestStoreRefusesRaceOutsideTheVocabulary(t *testing.T) {
	db := memDB(t)
	ref := store.Referral{Received: testNow, Kind: store.KindSocialContact, Person: store.Person{Name: "Test Person"}, RaceEthnicity: freeRace}
	if _, err := db.CreateReferral(ctx, pm, ref); err == nil || !strings.Contains(err.Error(), "race_ethnicity") {
		t.Fatalf("CreateReferral with free-text race => %v, want a race_ethnicity error", err)
	}
	if rs := must[[]store.Referral](t, "list")(db.ListReferrals(ctx, store.ReferralFilter{})); len(rs) != 0 {
		t.Fatalf("a refused referral was saved: %+v", rs)
	}
	p := newParticipant("Ann", "casey")
	p.RaceEthnicity = "Multiracial"
	if _, err := db.CreateParticipant(ctx, pm, p); err == nil {
		t.Fatal("CreateParticipant with free-text race saved")
	}
	ref.RaceEthnicity = "white;BLACK"
	r := must[store.Referral](t, "create")(db.CreateReferral(ctx, pm, ref))
	if r.RaceEthnicity != "Black, African American, or African; White" {
		t.Errorf("stored race %q", r.RaceEthnicity)
	}
	r.RaceEthnicity = freeRace
	if _, err := db.UpdateReferral(ctx, pm, r); err == nil {
		t.Error("UpdateReferral to free-text race saved")
	}
}

// TestLegacyFreeTextRaceIsMappedOnWrite: a record holding free text from
// before the vocabulary still takes an unrelated update, which writes it
// as "Data not collected"; a participant made from such a referral never
// carries the text.
func TestLegacyFreeTextRaceIsMappedOnWrite(t *testing.T) {
	db := memDB(t)
	_, err := db.CreateUser(ctx, pm, store.User{Name: "casey", Role: store.RoleCaseManager, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	r := must[store.Referral](t, "create")(db.CreateReferral(ctx, pm, store.Referral{Received: testNow.Add(-time.Hour), Kind: store.KindSocialContact,
		Person: store.Person{Name: "Old Record"}}))
	legacy := r
	legacy.RaceEthnicity = freeRace
	putLegacy(t, db, pfxReferral+r.ID, legacy)
	r = must[store.Referral](t, "get")(db.GetReferral(ctx, r.ID))
	r.Location = "3rd & Pine"
	r = must[store.Referral](t, "update legacy")(db.UpdateReferral(ctx, pm, r))
	if r.RaceEthnicity != store.RaceDataNotCollected {
		t.Errorf("updated legacy referral race %q, want %q", r.RaceEthnicity, store.RaceDataNotCollected)
	}
	// again in free text, then accepted: the participant has no text
	legacy = r
	legacy.RaceEthnicity = freeRace
	putLegacy(t, db, pfxReferral+r.ID, legacy)
	d := must[store.Referral](t, "accept")(db.DecideReferral(ctx, pm, r.ID, store.ReferralDecision{Version: r.Version, Status: store.RefAccepted, CaseManager: "casey"}))
	p := must[store.Participant](t, "participant")(db.GetParticipant(ctx, d.ParticipantID))
	if p.RaceEthnicity != store.RaceDataNotCollected {
		t.Errorf("participant from a legacy referral has race %q", p.RaceEthnicity)
	}
	// a participant holding free text takes an unrelated update
	lp := p
	lp.RaceEthnicity = freeRace
	putLegacy(t, db, pfxParticipant+p.ID, lp)
	p = must[store.Participant](t, "get")(db.GetParticipant(ctx, p.ID))
	p.Pronouns = "she/her"
	p = must[store.Participant](t, "update legacy participant")(db.UpdateParticipant(ctx, pm, p))
	if p.RaceEthnicity != store.RaceDataNotCollected {
		t.Errorf("updated legacy participant race %q", p.RaceEthnicity)
	}
}

// putLegacy writes v under key as an older owg did, past validation.
func putLegacy(t *testing.T, db *DB, key string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.rawSet([]byte(key), b); err != nil {
		t.Fatal(err)
	}
}
