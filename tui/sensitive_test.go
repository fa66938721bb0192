package tui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
)

// participantFor returns the Participant screen of P-0001 as actor sees
// it, loaded through Update (the command the screen runs, then its reply).
func participantFor(t *testing.T, s store.Store, actor store.Actor) (*participant, string) {
	t.Helper()
	p := newParticipant(privacyCtx(s, actor), "P-0001")
	p.SetSize(140, 60)
	msg := p.Init()()
	if lm, ok := msg.(participantLoadedMsg); !ok || lm.err != nil {
		t.Fatalf("load: %#v", msg)
	}
	p.Update(msg)
	return p, ansi.Strip(p.View())
}

// TestSensitiveGoalsNeverReachPolice: P-0001's ROI names police; an
// officer sees the housing goal and its general progress, and of the
// substance-use goal and the clinical progress note only "1 more goal
// held by case management". (On the code before data classes the officer
// read both.) The case manager sees everything, the clinical entry marked.
func TestSensitiveGoalsNeverReachPolice(t *testing.T) {
	s := seed(t)
	_, police := participantFor(t, s, actorPolice)
	for _, want := range []string{"José Núñez", "I want my own place before winter", "check-in D", "1 more goal held by case management",
		"ROI I-0001 police, prosecutor: identity, goals, general contacts, legal cases, until"} {
		if !strings.Contains(police, want) {
			t.Errorf("police: missing %q:\n%s", want, police)
		}
	}
	for _, bad := range []string{sensitiveGoal, clinicalProgress, "went to the clinic", "substance", clinicalNote, "clinical"} {
		if strings.Contains(police, bad) {
			t.Errorf("police sees %q:\n%s", bad, police)
		}
	}
	_, cm := participantFor(t, s, actorCM)
	for _, want := range []string{sensitiveGoal, "substance use", "[clinical] " + clinicalProgress, "went to the clinic twice", clinicalNote} {
		if !strings.Contains(cm, want) {
			t.Errorf("case manager: missing %q:\n%s", want, cm)
		}
	}
	if strings.Contains(cm, "held by case management") {
		t.Errorf("case manager is told goals are held:\n%s", cm)
	}
	// the defender: no ROI names them for P-0001 (P-0003's names the
	// Public Defender by agency): nothing at all
	_, def := participantFor(t, s, actorDefender)
	if strings.Contains(def, "José") || strings.Contains(def, "goal") || !strings.Contains(def, store.NotShared) {
		t.Errorf("defender without an ROI:\n%s", def)
	}
}

// TestProgressFormDefaultsToClinicalInSensitiveDomains: the progress form
// starts at clinical for a substance-use goal and general for a housing
// goal; a role that may not record sensitive data is offered general only.
func TestProgressFormDefaultsToClinicalInSensitiveDomains(t *testing.T) {
	sens := store.DefaultProtocol().SensitiveGoalDomains
	housing := store.Goal{Domain: store.DomainHousing}
	sud := store.Goal{Domain: store.DomainSubstanceUse}
	if got := progressDefault(store.RoleCaseManager, sud, sens); got != store.Clinical {
		t.Errorf("case manager, substance-use goal: default %s => want clinical", got)
	}
	if got := progressDefault(store.RoleCaseManager, housing, sens); got != store.General {
		t.Errorf("case manager, housing goal: default %s => want general", got)
	}
	if got := progressSensitivities(store.RolePM); !slices.Equal(got, []store.Sensitivity{store.General}) {
		t.Errorf("pm may record %v => want general only", got)
	}
	// the form opens on the goal picked, at its default: with two active
	// goals it asks which first
	s := seed(t)
	p, _ := participantFor(t, s, actorCM)
	p.Update(tea.KeyPressMsg{Code: 'r', Text: "r"})
	if v := ansi.Strip(p.View()); !strings.Contains(v, "goal") || !strings.Contains(v, "I want my own place") {
		t.Fatalf("progress form: want the goal picker:\n%s", v)
	}
}

// TestROIFormValuesNameTheBadField: every element of the ROI form is
// checked, and a refusal names the field.
func TestROIFormValuesNameTheBadField(t *testing.T) {
	ok := roiValues{Roles: []store.Role{store.RoleProvider}, Agencies: " Harbor Housing, ,Metro PD", Classes: []store.DataKind{store.DataIdentity, store.DataSensitive},
		Purpose: "treatment coordination", Signed: "2026-02-01", Expires: "2027-02-01"}
	r, err := roiFromValues("P-0001", ok, fixedNow)
	if err != nil || !slices.Equal(r.Agencies, []string{"Harbor Housing", "Metro PD"}) || r.Purpose != "treatment coordination" {
		t.Fatalf("roiFromValues(valid) = %+v, %v", r, err)
	}
	for field, edit := range map[string]func(*roiValues){
		"recipients": func(v *roiValues) { v.Roles, v.Agencies = nil, " , " },
		"classes":    func(v *roiValues) { v.Classes = nil },
		"purpose":    func(v *roiValues) { v.Purpose = "  " },
		"signed":     func(v *roiValues) { v.Signed = "2099-01-01" },
		"expires":    func(v *roiValues) { v.Expires = "2026-01-01" },
	} {
		v := ok
		edit(&v)
		if _, err := roiFromValues("P-0001", v, fixedNow); err == nil || !strings.HasPrefix(err.Error(), field+":") {
			t.Errorf("bad %s: err = %v => want one starting %q", field, err, field+":")
		}
	}
	// saved, the store stamps who recorded it and the screen shows one line
	s := seed(t)
	r.RecordedBy = ""
	if _, err := s.CreateROI(privacyCtx(s, actorCM).Context(), actorCM, r); err != nil {
		t.Fatal(err)
	}
	_, cm := participantFor(t, s, actorCM)
	if !strings.Contains(cm, "provider, Harbor Housing, Metro PD: identity, sensitive, until 2027-02-01 (treatment coordination)") {
		t.Errorf("ROI line missing:\n%s", cm)
	}
}

// TestOfficerOnDemoSiteSeesNoSensitiveGoal: on the demo site, for every
// participant whose ROI covers the County Sheriff's officer, the
// Participant screen shows no goal in a sensitive domain and no clinical
// progress note, and counts the held goals instead.
func TestOfficerOnDemoSiteSeesNoSensitiveGoal(t *testing.T) {
	s := demoSite(t)
	officer := store.Actor{User: "obrien", Role: store.RolePolice, Agency: "County Sheriff"}
	ctx := privacyCtx(s, officer)
	sens := ctx.Protocol.SensitiveGoalDomains
	ps, err := s.ListParticipants(ctx.Context(), store.ParticipantFilter{ActiveOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, pp := range ps {
		rois, _ := s.ListROIs(ctx.Context(), pp.ID)
		if !store.ROICoverage(rois, officer, fixedNow).Has(store.DataGoals) {
			continue
		}
		goals, _ := s.ListGoals(ctx.Context(), pp.ID)
		var secrets, shown []string
		held := 0
		general := map[string]bool{} // notes that may show, general, on an ordinary goal
		for _, g := range goals {
			for _, e := range g.Progress {
				if store.ProgressClass(g, e, sens) == store.DataGoals {
					general[e.Note] = true
				}
			}
		}
		for _, g := range goals {
			if store.GoalClass(g, sens) == store.DataSensitive {
				held++
				secrets = append(secrets, g.Words)
			} else {
				shown = append(shown, g.Words)
			}
			for _, e := range g.Progress {
				if store.ProgressClass(g, e, sens) == store.DataSensitive && !general[e.Note] {
					secrets = append(secrets, e.Note)
				}
			}
		}
		if held == 0 {
			continue
		}
		p := newParticipant(ctx, pp.ID)
		p.SetSize(200, 200)
		p.Update(p.Init()())
		view := ansi.Strip(strings.Join(p.lines(), "\n"))
		if !strings.Contains(view, store.HeldByCaseManagement(held)) {
			t.Errorf("%s: missing %q:\n%s", pp.ID, store.HeldByCaseManagement(held), view)
		}
		for _, bad := range append(secrets, "substance use", "health ·") {
			if strings.Contains(view, bad) {
				t.Errorf("%s: officer sees %q:\n%s", pp.ID, bad, view)
			}
		}
		for _, w := range shown {
			if !strings.Contains(view, w) {
				t.Errorf("%s: officer misses the ordinary goal %q", pp.ID, w)
			}
		}
		checked++
	}
	if checked < 5 {
		t.Errorf("checked %d demo participants => want several with sensitive goals under a police ROI", checked)
	}
}
