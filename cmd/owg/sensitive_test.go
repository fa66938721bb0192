package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/leadtable/owg/store"
)

// sensitiveCase is a demo participant whose ROI names police and who has
// sensitive data: the words of goals in sensitive domains, and every
// progress note an officer must never read (on those goals, and clinical
// notes on ordinary goals).
type sensitiveCase struct {
	id         string
	ordinary   []string // words of goals in ordinary domains
	secrets    []string // words and notes the officer must never see
	heldGoals  int
	clinicalOn bool // a clinical note sits on an ordinary goal
}

func findSensitiveCases(t *testing.T, dir string, officer store.Actor) []sensitiveCase {
	t.Helper()
	db := openStore(t, dir)
	defer db.Close()
	ctx := context.Background()
	sens := store.DefaultProtocol().SensitiveGoalDomains
	ps, err := db.ListParticipants(ctx, store.ParticipantFilter{ActiveOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []sensitiveCase
	for _, p := range ps {
		rois, _ := db.ListROIs(ctx, p.ID)
		cov := store.ROICoverage(rois, officer, testNow)
		if !cov.Has(store.DataIdentity) || !cov.Has(store.DataGoals) {
			continue
		}
		gs, _ := db.ListGoals(ctx, p.ID)
		c := sensitiveCase{id: p.ID}
		generalNotes := map[string]bool{}
		for _, g := range gs {
			if store.GoalClass(g, sens) == store.DataGoals {
				c.ordinary = append(c.ordinary, g.Words)
				for _, e := range g.Progress {
					if store.ProgressClass(g, e, sens) == store.DataGoals {
						generalNotes[e.Note] = true
					}
				}
			}
		}
		for _, g := range gs {
			if store.GoalClass(g, sens) == store.DataSensitive {
				c.heldGoals++
				c.secrets = append(c.secrets, g.Words)
			}
			for _, e := range g.Progress {
				// a note also written, general, on an ordinary goal may show there
				if store.ProgressClass(g, e, sens) == store.DataSensitive && !generalNotes[e.Note] {
					c.secrets = append(c.secrets, e.Note)
					if store.GoalClass(g, sens) == store.DataGoals {
						c.clinicalOn = true
					}
				}
			}
		}
		if c.heldGoals > 0 {
			out = append(out, c)
		}
	}
	return out
}

// TestOfficerNeverSeesSensitiveGoalsInExports: on the demo site, an
// officer (obrien, County Sheriff) covered by a participant's ROI exports
// that participant as Markdown and as JSON: the ordinary goals are there,
// the substance-use and health goals and every clinical progress note are
// not ("N more goals held by case management" stands in their place). On
// the code before data classes, both exports held them.
func TestOfficerNeverSeesSensitiveGoalsInExports(t *testing.T) {
	dir := demoDir(t)
	officer := store.Actor{User: "obrien", Role: store.RolePolice, Agency: "County Sheriff"}
	cases := findSensitiveCases(t, dir, officer)
	var withClinical int
	for _, c := range cases {
		if c.clinicalOn {
			withClinical++
		}
	}
	if len(cases) < 3 || withClinical == 0 {
		t.Fatalf("demo: %d participants with sensitive goals whose ROI covers police, %d with a clinical note on an ordinary goal; want several and one",
			len(cases), withClinical)
	}
	// the first checked has a clinical note on an ordinary goal
	slices.SortStableFunc(cases, func(a, b sensitiveCase) int {
		if a.clinicalOn == b.clinicalOn {
			return 0
		}
		if a.clinicalOn {
			return -1
		}
		return 1
	})
	for _, c := range cases[:3] {
		md := owg(t, nil, "--data", dir, "--as", "obrien", "export", "participant", c.id)
		want(t, md, 0, "held by case management")
		js := owg(t, nil, "--data", dir, "--as", "obrien", "export", "participant", c.id, "--json")
		want(t, js, 0, `"id": "`+c.id+`"`)
		for _, s := range c.secrets {
			if strings.Contains(md.stdout, s) || strings.Contains(js.stdout, s) {
				t.Errorf("%s: officer's export holds %q", c.id, s)
			}
		}
		for _, w := range c.ordinary {
			if !strings.Contains(js.stdout, w) {
				t.Errorf("%s: officer's JSON misses the ordinary goal %q", c.id, w)
			}
		}
		var sum struct {
			ID    string `json:"id"`
			Name  *string
			Goals []struct {
				Domain   string `json:"domain"`
				Words    string `json:"words"`
				Progress []struct {
					Note        string `json:"note"`
					Sensitivity string `json:"sensitivity"`
				} `json:"progress"`
			} `json:"goals"`
			HiddenGoals int               `json:"hidden_goals"`
			Contacts    []json.RawMessage `json:"contacts"`
			Cases       []json.RawMessage `json:"cases"`
			ROIs        []json.RawMessage `json:"rois"`
		}
		if err := json.Unmarshal([]byte(js.stdout), &sum); err != nil {
			t.Fatalf("%s: not one JSON object: %v\n%s", c.id, err, js.stdout)
		}
		if sum.ID != c.id || sum.Name == nil || sum.HiddenGoals != c.heldGoals || sum.Contacts == nil || sum.Cases == nil || len(sum.ROIs) == 0 {
			t.Errorf("%s: JSON = %+v => want id, name, %d held goals, contacts, cases, rois", c.id, sum, c.heldGoals)
		}
		for _, g := range sum.Goals {
			if g.Domain == string(store.DomainSubstanceUse) || g.Domain == string(store.DomainHealth) {
				t.Errorf("%s: officer's JSON holds a %s goal", c.id, g.Domain)
			}
			for _, e := range g.Progress {
				if e.Sensitivity != string(store.General) {
					t.Errorf("%s: officer's JSON holds a %s progress note", c.id, e.Sensitivity)
				}
			}
		}
	}
	// the case manager's JSON holds them all; a stranger's holds no name
	c := cases[0]
	js := owg(t, nil, "--data", dir, "--as", "keisha", "export", "participant", c.id, "--json")
	for _, s := range c.secrets {
		if !strings.Contains(js.stdout, jsonText(s)) {
			t.Errorf("%s: supervisor's JSON misses %q", c.id, s)
		}
	}
	js = owg(t, nil, "--data", dir, "--as", "uw.eval", "export", "participant", c.id, "--json")
	want(t, js, 0, `"access": "redacted"`)
	if strings.Contains(js.stdout, `"name"`) {
		t.Errorf("evaluator's JSON names the participant:\n%s", js.stdout)
	}
}

func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}
