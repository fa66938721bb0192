package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportMeasuresOnDemo: on the demo site every measure the issue
// lists is in the JSON, with numbers from history; --csv writes the
// tables; an evaluator reads suppressed small cells.
func TestReportMeasuresOnDemo(t *testing.T) {
	dir := demoDir(t)
	r := owg(t, nil, "--data", dir, "report", "--measures", "--json")
	want(t, r, 0)
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("measures JSON: %v\n%s", err, r.stdout)
	}
	get := func(path string) any {
		var v any = m
		for _, k := range strings.Split(path, ".") {
			mm, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%s: %q is not an object", path, k)
			}
			if v, ok = mm[k]; !ok {
				t.Fatalf("measures JSON lacks %s", path)
			}
		}
		return v
	}
	for _, p := range []string{
		"cohort.legal.months_6.before", "cohort.legal.months_6.after", "overall.legal.months_12.before", "overall.legal.months_12.after",
		"overall.legal.days_to_first_new_case.median", "overall.legal.court_dates_kept.share",
		"overall.housing.at_entry.unsheltered", "overall.housing.at_6_months", "overall.housing.at_12_months",
		"overall.housing.ever_sheltered.share", "overall.housing.ever_permanently_housed.share",
		"overall.dose.contacts_per_participant_month", "overall.dose.days_referral_to_first_contact.median", "overall.dose.days_referral_to_intake.median",
		"overall.engagement.at_6_months.engaging", "overall.engagement.by_month", "overall.goals",
		"funnel.total.received", "funnel.total.screened_out_by_reason", "funnel.total.offered", "funnel.total.accepted",
		"funnel.total.waitlisted", "funnel.total.waitlist_days.median", "funnel.total.declined", "funnel.by_kind.social_contact", "funnel.by_month",
		"net_widening", "equity",
	} {
		get(p)
	}
	if n := get("overall.participants").(float64); n < 50 {
		t.Errorf("overall participants %v => want the demo's ~70", n)
	}
	if v, ok := get("overall.dose.contacts_per_participant_month").(float64); !ok || v <= 0 {
		t.Errorf("contacts per participant-month %v => want a positive number", get("overall.dose.contacts_per_participant_month"))
	}
	if w := get("funnel.total.waitlisted").(float64); w == 0 {
		t.Errorf("the demo's funnel has no waitlisted referral")
	}
	if eq := get("equity").([]any); len(eq) < 3 {
		t.Errorf("equity groups %d => want every demo group", len(eq))
	}
	// text with charts, and the CSV behind each
	csvDir := filepath.Join(t.TempDir(), "csv")
	r = owg(t, nil, "--data", dir, "report", "--measures", "--csv", csvDir)
	want(t, r, 0, "ENGAGEMENT BY MONTH", "REFERRAL FUNNEL", "NET-WIDENING WATCH", "EQUITY OF OUTCOMES", "wrote")
	for _, f := range []string{"participant_measures.csv", "engagement_by_month.csv", "funnel_by_month.csv", "net_widening_by_month.csv", "equity.csv"} {
		b, err := os.ReadFile(filepath.Join(csvDir, f))
		if err != nil || strings.Count(string(b), "\n") < 2 {
			t.Errorf("%s: %v, %d lines => want a header and rows", f, err, strings.Count(string(b), "\n"))
		}
	}
	r = owg(t, nil, "--data", dir, "report", "--csv", csvDir)
	want(t, r, 2, "--csv goes with --measures")
}

// TestMeasuresForEvaluatorSuppressed: the evaluator reads the measures
// with small cells suppressed (every group of fewer than 5 people, and
// figures derived from them), and the view is audited.
func TestMeasuresForEvaluatorSuppressed(t *testing.T) {
	dir := demoDir(t)
	r := owg(t, nil, "--data", dir, "--as", "uw.eval", "report", "--measures", "--json")
	want(t, r, 0, `"small_cell_suppression": true`, `"\u003c5"`) // "<5", as the report writes it
	var m struct {
		Equity []struct {
			Group  string `json:"group"`
			Cohort struct {
				Participants any `json:"participants"`
			} `json:"cohort"`
		} `json:"equity"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatal(err)
	}
	for _, g := range m.Equity {
		if n, ok := g.Cohort.Participants.(float64); ok && n > 0 && n < 5 {
			t.Errorf("group %s cohort shows %v people to the evaluator", g.Group, n)
		}
	}
	// police and community never get the HMIS export
	want(t, owg(t, nil, "--data", dir, "--as", "reyes", "export", "hmis", "--output", t.TempDir()), 1, "not the police role")
	r = owg(t, nil, "--data", dir, "audit", "--json", "--user", "uw.eval")
	want(t, r, 0, `"measures"`)
}
