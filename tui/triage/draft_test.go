package triage_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/triage"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

var keyEsc = tea.KeyPressMsg{Code: tea.KeyEscape}

// typeDecline half-types the pm's override decline of R-0001 (a coded
// reason, then the note) and ends the program: the draft is flushed.
func typeDecline(t *testing.T, site *triagetest.Site) store.Draft {
	t.Helper()
	r := triagetest.NewDraftRig(t, site, "ana", triage.New)
	r.Key(keyRune('d'))
	if v := r.View(); !strings.Contains(v, "Reason to decline R-0001") {
		t.Fatalf("decline form not open:\n%s", v)
	}
	r.Key(keyDown, keyDown, keyEnter)
	r.Paste("active psychosis, referred to inpatient psych")
	r.Flush()
	ds := r.Drafts()
	if len(ds) != 1 {
		t.Fatalf("drafts => %+v, want the decision", ds)
	}
	return ds[0]
}

// TestDecisionDraftIsThrottled: a decision is kept as the pm's draft as
// it is typed, at most once per 2 s by the session's clock, with what it
// was typed against (the referral's version).
func TestDecisionDraftIsThrottled(t *testing.T) {
	site := triagetest.New(t)
	r := triagetest.NewDraftRig(t, site, "ana", triage.New)
	r.Key(keyRune('d'))
	r.Key(keyDown) // 10:00:00: saved at once
	r.Clock = triagetest.Now.Add(time.Second)
	r.Key(keyDown, keyEnter) // within 2 s: one timer for the last second
	if r.Saves() != 1 || len(r.Waits) != 1 || r.Waits[0] != time.Second {
		t.Errorf("keys within 2 s => %d saves, timers %v; want 1 save, one 1s timer", r.Saves(), r.Waits)
	}
	r.Clock = triagetest.Now.Add(2 * time.Second)
	r.Hold()
	ref, err := site.Store.GetReferral(context.Background(), "R-0001")
	if err != nil {
		t.Fatal(err)
	}
	ds := r.Drafts()
	if r.Saves() != 2 || len(ds) != 1 {
		t.Fatalf("after the timer => %d saves, drafts %+v; want 2 and one draft", r.Saves(), ds)
	}
	d := ds[0]
	if d.Form != "decision" || d.Subject != "R-0001" || d.Fields["verb"] != "decline" || d.Fields["code"] != "outside_area" ||
		d.Fields["version"] != strconv.FormatInt(ref.Version, 10) || d.Screen != "referrals" {
		t.Errorf("draft => %+v, want a decline of R-0001 coded outside_area at version %d", d, ref.Version)
	}
	if ds, _ := site.Store.Drafts(context.Background(), triagetest.Actor("sam"), 0); len(ds) != 0 {
		t.Errorf("sam sees ana's drafts %+v", ds)
	}
}

// TestDecisionDraftRestoreAndSend: the next session reopens the decision
// on the Referrals screen, filled in; sent, it is recorded and the draft
// is gone. Restored again, esc asks, esc twice discards it.
func TestDecisionDraftRestoreAndSend(t *testing.T) {
	site := triagetest.New(t)
	d := typeDecline(t, site)
	r := triagetest.NewDraftRig(t, site, "ana", triage.New)
	r.Restore(d)
	v := r.View()
	for _, want := range []string{"Override reason for R-0001", "inpatient psych", "> Outside the LEAD service area", "restored your unsent decision from 10:00"} {
		if !strings.Contains(v, want) {
			t.Errorf("restored => want %q:\n%s", want, v)
		}
	}
	r.Key(keyEnter, keyEnter)
	if v := r.View(); !strings.Contains(v, "saved: R-0001 declined (override): Outside the LEAD service area") {
		t.Errorf("sent => want it saved:\n%s", v)
	}
	if ref := getRef(t, site.Store, "R-0001"); ref.Status != store.RefDeclined || ref.DecisionNote != "active psychosis, referred to inpatient psych" {
		t.Errorf("R-0001 => %s %q, want declined with the restored note", ref.Status, ref.DecisionNote)
	}
	if ds := r.Drafts(); len(ds) != 0 {
		t.Errorf("sent => drafts %+v, want none", ds)
	}

	site = triagetest.New(t)
	d = typeDecline(t, site)
	r = triagetest.NewDraftRig(t, site, "ana", triage.New)
	r.Restore(d)
	r.Key(keyEsc)
	if v := r.View(); !strings.Contains(v, "press esc again to discard the restored decision") || len(r.Drafts()) != 1 {
		t.Errorf("esc on a restored decision => want the question and the draft kept:\n%s", v)
	}
	r.Key(keyEsc)
	if v := r.View(); !strings.Contains(v, "restored draft discarded") || len(r.Drafts()) != 0 {
		t.Errorf("esc twice => want it discarded, drafts %+v:\n%s", r.Drafts(), v)
	}
}

// TestDecisionDraftAfterSomeoneElseDecided: while the pm's decision was a
// draft, the supervisor declined R-0001. Restored and sent, the store's
// version check refuses it with "changed by someone else"; the
// supervisor's decision stands and the pm keeps the draft text, now
// against the referral's version as it is.
func TestDecisionDraftAfterSomeoneElseDecided(t *testing.T) {
	site := triagetest.New(t)
	d := typeDecline(t, site)
	ctx := context.Background()
	ref := getRef(t, site.Store, "R-0001")
	if _, err := site.Store.DecideReferral(ctx, triagetest.Actor("sam"), "R-0001",
		store.ReferralDecision{Version: ref.Version, Status: store.RefWaitlisted, Code: "capacity", Override: true, Note: "sam: no slot"}); err != nil {
		t.Fatal(err)
	}
	r := triagetest.NewDraftRig(t, site, "ana", triage.New)
	r.Restore(d)
	if v := r.View(); !strings.Contains(v, "inpatient psych") {
		t.Fatalf("restored => want the note:\n%s", v)
	}
	r.Key(keyEnter, keyEnter)
	v := r.View()
	if !strings.Contains(v, "changed by someone else") || !strings.Contains(v, "kept as a draft") {
		t.Errorf("sent over sam's decision => want \"changed by someone else\" and the draft kept:\n%s", v)
	}
	now := getRef(t, site.Store, "R-0001")
	if now.Status != store.RefWaitlisted || now.DecisionNote != "sam: no slot" {
		t.Errorf("R-0001 => %s %q, want sam's decision standing", now.Status, now.DecisionNote)
	}
	ds := r.Drafts()
	if len(ds) != 1 || ds[0].Fields["reason"] != "active psychosis, referred to inpatient psych" || ds[0].Fields["version"] != strconv.FormatInt(now.Version, 10) {
		t.Errorf("drafts => %+v, want the text kept at version %d", ds, now.Version)
	}
}
