package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/leadtable/owg/store/export"
)

func TestReportAndExportCommands(t *testing.T) {
	dir := demoDir(t)
	r := owg(t, nil, "--data", dir, "--as", "uw.eval", "report", "--json", "--period", "365d")
	want(t, r, 0)
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("report --json: %v\n%s", err, r)
	}
	for _, k := range []string{"referrals", "decisions", "waitlist", "timeliness", "capacity", "engagement", "goals", "legal", "equity", "net_widening", "intake_response"} {
		if _, ok := m[k]; !ok {
			t.Errorf("report --json lacks %q", k)
		}
	}
	if m["small_cell_suppression"] != true {
		t.Error("evaluator report is not suppressed")
	}
	want(t, owg(t, nil, "--data", dir, "report", "--period", "30d", "--from", "2025-01-01"), 2, "not both")
	want(t, owg(t, nil, "--data", dir, "export", "csv"), 2, "--deidentified")
	want(t, owg(t, nil, "--data", dir, "--as", "reyes", "export", "csv", "--deidentified"), 1, "not shared with the police role")
	r = owg(t, nil, "--data", dir, "export", "csv", "--deidentified")
	want(t, r, 0, "record,pseudo_id")
	r = owg(t, nil, "--data", dir, "export", "participant", "P-0003")
	want(t, r, 0, "Case conference summary", "42 CFR")
	if !strings.HasPrefix(r.stdout, "> "+export.RedisclosureNotice[:30]) {
		t.Errorf("participant export does not start with the notice\n%s", r)
	}
	r = owg(t, nil, "--data", dir, "export", "minutes", "--meeting", "M-0001")
	want(t, r, 0, "# OWG meeting M-0001")
	r = owg(t, nil, "--data", dir, "audit")
	want(t, r, 0, "deidentified-csv", "participant-markdown", "minutes-markdown")
}
