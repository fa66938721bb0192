package main

import (
	"context"
	"strings"
	"testing"

	"github.com/leadtable/owg/store"
)

// TestReferralRolesCLI: only the pm and supervisors record referral
// decisions (a case manager sees the queue, never decides); a role the
// queue is not shared with is refused with no names printed, and the
// refusal is audited as denied with codes only.
func TestReferralRolesCLI(t *testing.T) {
	dir := demoDir(t)
	rows, r := ranked(t, dir)
	offered := ""
	for _, x := range rows {
		if x.Decision == "offer" {
			offered = x.ID
			break
		}
	}
	if offered == "" {
		t.Fatalf("no offered referral:\n%s", r.stdout)
	}
	want(t, owg(t, nil, "--data", dir, "--as", "jamal", "referral", "decide", offered, "accept", "--case-manager", "jamal"), 1, "not allowed for your role")
	want(t, owg(t, nil, "--data", dir, "--as", "jamal", "referral", "rank"), 0, offered)

	for _, who := range []string{"ellen", "raj", "harbor", "pastor.james", "uw.eval"} {
		r := owg(t, nil, "--data", dir, "--as", who, "referral", "rank")
		want(t, r, 1, "not allowed for your role")
		if strings.Contains(r.stdout, offered) || r.stdout != "" {
			t.Errorf("%s: referral rank printed %q", who, r.stdout)
		}
	}
	db := openStore(t, dir)
	ref, err := db.GetReferral(context.Background(), offered)
	if err != nil || ref.Status == store.RefAccepted {
		t.Errorf("%s => %s (%v): a case manager's decide must store nothing", offered, ref.Status, err)
	}
	evs, err := db.ListAudit(context.Background(), store.AuditFilter{User: "ellen"})
	if err != nil {
		t.Fatal(err)
	}
	denied := 0
	for _, e := range evs {
		if e.Action == store.AuditDenied && e.Subject == "referrals" && e.Detail == "referral-queue" {
			denied++
		}
	}
	if denied != 1 {
		t.Errorf("ellen's refused referral rank => %d denied events, want 1: %+v", denied, evs)
	}
}
