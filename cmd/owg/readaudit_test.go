package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/leadtable/owg/store"
)

// lastAudit returns the newest event with subject in dir's audit trail.
func lastAudit(t *testing.T, dir, subject string) (store.AuditEvent, bool) {
	t.Helper()
	db := openStore(t, dir)
	defer db.Close()
	evs, err := db.ListAudit(context.Background(), store.AuditFilter{Subject: subject})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) == 0 {
		return store.AuditEvent{}, false
	}
	return evs[len(evs)-1], true
}

// TestReadsAreAuditedPerRecord: referral list, referral rank and meeting
// agenda each write one view event naming every referral and participant
// they show (as list screens do); the minutes export writes a view of each
// participant the minutes are about besides the export itself.
func TestReadsAreAuditedPerRecord(t *testing.T) {
	dir := demoDir(t)

	// referral list, as the pm and as an officer (their own only)
	for _, as := range [][]string{nil, {"--as", "reyes"}} {
		r := owg(t, nil, append(append([]string{"--data", dir}, as...), "referral", "list", "--json")...)
		want(t, r, 0)
		var rows []struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) == 0 {
			t.Fatalf("referral list %v: %v\n%s", as, err, r)
		}
		e, ok := lastAudit(t, dir, "list:referral-list")
		if !ok || e.Action != store.AuditView {
			t.Fatalf("referral list %v: no view event", as)
		}
		ids := make([]string, len(rows))
		for i, row := range rows {
			ids[i] = row.ID
		}
		if e.Detail != strings.Join(ids, ",") {
			t.Errorf("referral list %v: event names %q, want %q", as, e.Detail, strings.Join(ids, ","))
		}
		if as != nil && e.User != "reyes" {
			t.Errorf("referral list event by %q, want reyes", e.User)
		}
	}

	// referral rank: every ranked referral is named
	rows, r := ranked(t, dir)
	e, ok := lastAudit(t, dir, "list:referral-rank")
	if !ok {
		t.Fatalf("referral rank: no view event\n%s", r)
	}
	named := strings.Split(e.Detail, ",")
	for _, row := range rows {
		if !slices.Contains(named, row.ID) {
			t.Errorf("referral rank shows %s, its event names %q", row.ID, e.Detail)
		}
	}

	// meeting agenda: every subject shown is named (a case by its participant too)
	r = owg(t, nil, "--data", dir, "meeting", "agenda", "--json")
	want(t, r, 0)
	var ag struct {
		Items []struct {
			Subject string `json:"subject"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &ag); err != nil {
		t.Fatal(err)
	}
	e, ok = lastAudit(t, dir, "list:meeting-agenda")
	if !ok {
		t.Fatalf("meeting agenda: no view event\n%s", r)
	}
	named = strings.Split(e.Detail, ",")
	subjects := 0
	for _, it := range ag.Items {
		if strings.HasPrefix(it.Subject, "P-") || strings.HasPrefix(it.Subject, "R-") || strings.HasPrefix(it.Subject, "L-") {
			subjects++
			if !slices.Contains(named, it.Subject) {
				t.Errorf("meeting agenda shows %s, its event names %q", it.Subject, e.Detail)
			}
		}
	}
	if subjects == 0 {
		t.Fatalf("the demo agenda names no participant:\n%s", r.stdout)
	}

	// action list: every participant whose item text is shown is named
	r = owg(t, nil, "--data", dir, "--as", "keisha", "action", "list", "--json")
	want(t, r, 0)
	var acts []actionRow
	if err := json.Unmarshal([]byte(r.stdout), &acts); err != nil {
		t.Fatal(err)
	}
	e, ok = lastAudit(t, dir, "list:action-list")
	if !ok || e.User != "keisha" {
		t.Fatalf("action list: no view event by keisha\n%s", r)
	}
	named = strings.Split(e.Detail, ",")
	for _, a := range acts {
		if a.Subject != "" && !slices.Contains(named, a.Subject) {
			t.Errorf("action list shows the text of %s's item, its event names %q", a.Subject, e.Detail)
		}
	}

	// minutes: a view of each participant they are about, not one event for the meeting
	db := openStore(t, dir)
	before, _ := db.ListAudit(context.Background(), store.AuditFilter{})
	db.Close()
	r = owg(t, nil, "--data", dir, "export", "minutes", "--meeting", "M-0001")
	want(t, r, 0)
	db = openStore(t, dir)
	after, _ := db.ListAudit(context.Background(), store.AuditFilter{})
	db.Close()
	views, exports := 0, 0
	for _, e := range after[len(before):] {
		switch {
		case e.Action == store.AuditExport && e.Subject == "M-0001":
			exports++
		case e.Detail == "minutes-markdown:M-0001" && strings.HasPrefix(e.Subject, "P-"):
			views++
		}
	}
	if exports != 1 || views == 0 {
		t.Errorf("minutes export wrote %d exports and %d participant views, want 1 and some", exports, views)
	}
}
