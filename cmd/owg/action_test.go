package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestActionCommands: list (--open, --mine, --json), done, drop --reason;
// only the owner or the pm closes one; a dropped item needs a reason.
func TestActionCommands(t *testing.T) {
	dir := demoDir(t)
	r := owg(t, nil, "--data", dir, "action", "list", "--open", "--json")
	want(t, r, 0)
	var rows []actionRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("action list --json => %v\n%s", err, r)
	}
	if len(rows) != 5 {
		t.Fatalf("demo open action items => %d, want 5\n%s", len(rows), r)
	}
	if !rows[0].Overdue || rows[len(rows)-1].Overdue {
		t.Errorf("open action items => overdue ones must come first: %+v", rows)
	}
	owner, id := rows[0].Owner, rows[0].ID
	// the demo's clinical item (a detox intake) is not the pm's to read:
	// clinical text reaches the pm only by an ROI listing sensitive
	drop := -1
	for i, r := range rows[1:] {
		if r.ID == "A-0002" && (r.Text != "" || r.Sensitivity != "") {
			t.Errorf("pm => clinical action item A-0002 shown: %+v", r)
		}
		if r.Text != "" && drop < 0 {
			drop = i + 1
		}
	}
	if drop < 0 {
		t.Fatalf("no open action item the pm may read: %+v", rows)
	}
	// someone else may not close it
	other := "mei" // a case manager who owns none of them
	if owner == other {
		other = "jamal"
	}
	want(t, owg(t, nil, "--data", dir, "--as", other, "action", "done", id), 1, "only its owner or the pm")
	want(t, owg(t, nil, "--data", dir, "--as", owner, "action", "done", id), 0, id+" done")
	want(t, owg(t, nil, "--data", dir, "action", "done", id), 1, "already done")
	want(t, owg(t, nil, "--data", dir, "action", "drop", rows[drop].ID), 2, "--reason")
	want(t, owg(t, nil, "--data", dir, "action", "drop", rows[drop].ID, "--reason", "the hearing moved anyway"), 0, rows[drop].ID+" dropped")
	want(t, owg(t, nil, "--data", dir, "action", "done", "A-0999"), 1, "no action item")

	r = owg(t, nil, "--data", dir, "action", "list", "--open")
	want(t, r, 0)
	if strings.Contains(r.stdout, id) || strings.Contains(r.stdout, rows[drop].ID) {
		t.Errorf("action list --open => closed items listed:\n%s", r)
	}
	r = owg(t, nil, "--data", dir, "action", "list")
	want(t, r, 0, id, "done", "dropped: the hearing moved anyway")

	r = owg(t, nil, "--data", dir, "--as", owner, "action", "list", "--mine", "--json")
	want(t, r, 0)
	var mine []actionRow
	if err := json.Unmarshal([]byte(r.stdout), &mine); err != nil {
		t.Fatal(err)
	}
	for _, m := range mine {
		if m.Owner != owner {
			t.Errorf("--mine as %s => %+v", owner, m)
		}
	}
}

// TestMeetingAgendaCommand: the default demo agenda fits the 90 minutes;
// the JSON has the shape the issue names; subjects are left out for a
// viewer who may not see them.
func TestMeetingAgendaCommand(t *testing.T) {
	dir := demoDir(t)
	r := owg(t, nil, "--data", dir, "meeting", "agenda", "--json")
	want(t, r, 0)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"date", "estimate_minutes", "budget_minutes", "items"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("meeting agenda --json => no %q key", k)
		}
	}
	var ag agendaJSON
	if err := json.Unmarshal([]byte(r.stdout), &ag); err != nil {
		t.Fatal(err)
	}
	if ag.Date != "2026-03-02" || ag.BudgetMinutes != 90 || ag.EstimateMinutes > 90 || ag.EstimateMinutes < 60 || len(ag.Items) < 10 {
		t.Errorf("demo agenda => %s, ~%d of %d min, %d items: want today, within 90", ag.Date, ag.EstimateMinutes, ag.BudgetMinutes, len(ag.Items))
	}
	sum := 0
	kinds := map[string]int{}
	for _, it := range ag.Items {
		sum += it.Minutes
		kinds[string(it.Kind)]++
		if it.Title == "" || it.Minutes <= 0 {
			t.Errorf("agenda item => %+v", it)
		}
	}
	if sum != ag.EstimateMinutes || kinds["action_items"] != 1 || kinds["referral_summary"] != 1 || kinds["goal_review"] == 0 {
		t.Errorf("agenda => sum %d estimate %d kinds %v", sum, ag.EstimateMinutes, kinds)
	}
	t.Logf("demo agenda: ~%d min, %d items, kinds %v", ag.EstimateMinutes, len(ag.Items), kinds)

	r = owg(t, nil, "--data", dir, "--as", "pastor.james", "meeting", "agenda", "--json")
	if r.code == 0 {
		var cc agendaJSON
		if err := json.Unmarshal([]byte(r.stdout), &cc); err != nil {
			t.Fatal(err)
		}
		for _, it := range cc.Items {
			if strings.HasPrefix(it.Subject, "P-") || strings.HasPrefix(it.Subject, "R-") {
				t.Errorf("community agenda => subject %s shown", it.Subject)
			}
		}
	}
	want(t, owg(t, nil, "--data", dir, "meeting", "agenda", "--date", "2026-02-30"), 2, "--date")
	want(t, owg(t, nil, "--data", dir, "meeting", "agenda"), 0, "Agenda for 2026-03-02: ~", "Open action items from M-0001")
}

// TestExportMinutesRoomAndText: --room holds only what every attendee
// may see (the demo's M-0001 has police, a prosecutor, a defender and a
// provider at the table); --format text has no Markdown.
func TestExportMinutesRoomAndText(t *testing.T) {
	dir := demoDir(t)
	own := owg(t, nil, "--data", dir, "export", "minutes", "--meeting", "M-0001")
	want(t, own, 0, "## Summary", "Closed action items:", "## Items discussed")
	room := owg(t, nil, "--data", dir, "export", "minutes", "--meeting", "M-0001", "--room")
	want(t, room, 0, "## Summary", "not shared with everyone in the room")
	if len(room.stdout) >= len(own.stdout) {
		t.Errorf("room minutes (%d bytes) => want less than the pm's own (%d)", len(room.stdout), len(own.stdout))
	}
	for _, line := range strings.Split(own.stdout, "\n") {
		// every participant label the pm sees but the room does not must be gone
		if i := strings.Index(line, "- Subject: P-"); i >= 0 && strings.Contains(line, "(") && !strings.Contains(room.stdout, line) {
			name := line[strings.Index(line, "(")+1 : strings.LastIndex(line, ")")]
			if strings.Contains(room.stdout, name) {
				t.Errorf("room minutes => %q is shown although not every attendee may see it", name)
			}
		}
	}
	txt := owg(t, nil, "--data", dir, "export", "minutes", "--meeting", "M-0001", "--format", "text")
	want(t, txt, 0, "Summary\n-------")
	if strings.Contains(txt.stdout, "## ") || strings.Contains(txt.stdout, "\\") {
		t.Errorf("--format text => Markdown left in:\n%s", txt.stdout)
	}
	want(t, owg(t, nil, "--data", dir, "export", "minutes", "--meeting", "M-0001", "--format", "pdf"), 2, "--format")
}
