package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestReferralHandoff is the done-when of issue 18 from the CLI: the
// officer files a field referral with a callback number; the on-call
// case manager takes the handoff and is told where to go; the officer's
// `list --mine --json` shows "taken" with its time and what they typed;
// only the taker moves it on; each step shows in the list.
func TestReferralHandoff(t *testing.T) {
	dir := demoDir(t)
	r := owg(t, nil, "--data", dir, "--as", "reyes", "referral", "add", "--kind", "social_contact",
		"--name", "Quinn Newperson", "--location", "3rd & Pine, bus shelter", "--callback", "555-0142",
		"--note", "grey hoodie, sitting by the shelter", "--json")
	want(t, r, 0, `"id": "R-`)
	var added struct{ ID string }
	if err := json.Unmarshal([]byte(r.stdout), &added); err != nil {
		t.Fatal(err)
	}
	id := added.ID
	want(t, owg(t, nil, "--data", dir, "--as", "reyes", "referral", "handoff", id, "take"), 1)
	want(t, owg(t, nil, "--data", dir, "--as", "tomas", "referral", "handoff", id, "finish"), 2)
	want(t, owg(t, nil, "--data", dir, "--as", "tomas", "referral", "handoff", id, "arrived"), 1, "take it first")
	want(t, owg(t, nil, "--data", dir, "--as", "tomas", "referral", "handoff", id, "take", "--note", "10 min out"), 0,
		id+" taken at", "3rd & Pine, bus shelter", "grey hoodie", "555-0142")
	want(t, owg(t, nil, "--data", dir, "--as", "mei", "referral", "handoff", id, "arrived"), 1, "person who took it")

	type row struct {
		ID, Handoff string
		TakenBy     string  `json:"taken_by"`
		TakenAt     *string `json:"taken_at"`
		OnSceneAt   *string `json:"on_scene_at"`
		Done        *string `json:"handoff_done_at"`
		Entered     *struct{ Name, Location string }
	}
	mine := func() row {
		t.Helper()
		r := owg(t, nil, "--data", dir, "--as", "reyes", "referral", "list", "--mine", "--json")
		want(t, r, 0)
		if strings.Contains(r.stdout, "10 min out") {
			t.Errorf("the officer's list carries the taker's note:\n%s", r.stdout)
		}
		var rows []row
		if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
			t.Fatal(err)
		}
		for _, x := range rows {
			if x.ID == id {
				return x
			}
		}
		t.Fatalf("%s not in the officer's list:\n%s", id, r.stdout)
		return row{}
	}
	got := mine()
	if got.Handoff != "taken" || got.TakenBy != "tomas" || got.TakenAt == nil || got.OnSceneAt != nil {
		t.Errorf("officer's list => %+v, want taken by tomas with its time", got)
	}
	if got.Entered == nil || got.Entered.Name != "Quinn Newperson" || got.Entered.Location != "3rd & Pine, bus shelter" {
		t.Errorf("officer's list => entered %+v, want what the officer typed", got.Entered)
	}
	want(t, owg(t, nil, "--data", dir, "--as", "tomas", "referral", "handoff", id, "arrived"), 0, "on scene")
	want(t, owg(t, nil, "--data", dir, "--as", "tomas", "referral", "handoff", id, "not-located", "--note", "gone by 14:20"), 0, "could not locate")
	if got := mine(); got.Handoff != "not_located" || got.OnSceneAt == nil || got.Done == nil {
		t.Errorf("officer's list => %+v, want not_located with on-scene and end times", got)
	}
	want(t, owg(t, nil, "--data", dir, "--as", "tomas", "referral", "handoff", id, "done"), 1, "it is over")
}
