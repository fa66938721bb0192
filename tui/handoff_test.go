package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

// TestHandoffStepsOnToday: the on-call supervisor takes a field referral's
// handoff with A and is told where to go and whom to call; Today lists it
// under "Your handoffs"; o and c move it on scene and completed, one key
// each, and the store has each time.
func TestHandoffStepsOnToday(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	tm := startTUI(t, testOptions(s, store.Actor{User: "sam", Role: store.RoleSupervisor}), 100, 30)
	waitFor(t, tm, "Overdue")
	r, err := s.CreateReferral(ctx, actorPolice, store.Referral{Received: fixedNow.Add(-12 * time.Minute), Kind: store.KindSocialContact,
		Referrer: "Officer Ofc", Agency: "City PD", ReferrerUser: "ofc", Person: store.Person{Name: "Zed Secretname"},
		Location: "Bus shelter, 3rd and Pine", Notes: "grey hoodie", Callback: "555-0142", Status: store.RefNew})
	if err != nil {
		t.Fatal(err)
	}
	changed := func() { tm.Send(ChangedMsg{Changes: []store.Change{{Kind: "referral", ID: r.ID}}}) }
	changed()
	waitFor(t, tm, "Field referrals waiting for a handoff (1)")
	press(tm, "A")
	waitFor(t, tm, "You took the handoff of "+r.ID+": Bus shelter, 3rd and Pine · grey hoodie · call Officer Ofc 555-0142")
	changed()
	waitFor(t, tm, "Your handoffs", r.ID+"  taken")
	press(tm, "o")
	waitFor(t, tm, r.ID+" on scene at 12:00, 12 min after it was received.")
	changed()
	waitFor(t, tm, r.ID+"  on scene")
	press(tm, "c")
	waitFor(t, tm, r.ID+" completed at 12:00")
	got := finalScreen(t, tm)
	if strings.Contains(got, "Secretname") {
		t.Errorf("the handoff screens name the person:\n%s", got)
	}
	stored, err := s.GetReferral(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if store.HandoffOf(stored) != store.HandoffCompleted || stored.AckBy != "sam" || stored.OnSceneAt.IsZero() || stored.HandoffDoneAt.IsZero() {
		t.Errorf("stored handoff %s by %q on scene %v done %v, want completed by sam with both times",
			store.HandoffOf(stored), stored.AckBy, stored.OnSceneAt, stored.HandoffDoneAt)
	}
}

// TestEscalationReachesTheNextOnTheRota: ben is on call; ana is next on
// the rota (her shift is Sundays). A field referral untaken for 29
// minutes is not ana's; at 31 minutes it escalates to her, and she gets
// the notice (a pure function of the fixed clock).
func TestEscalationReachesTheNextOnTheRota(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	proto := store.DefaultProtocol()
	proto.OnCall = []store.OnCallShift{{From: 0, To: 24, Users: []string{"ben"}}, {Days: []string{"sun"}, From: 0, To: 24, Users: []string{"ana"}}}
	for _, ago := range []time.Duration{29 * time.Minute, 31 * time.Minute} {
		if _, err := s.CreateReferral(ctx, actorPolice, store.Referral{Received: fixedNow.Add(-ago), Kind: store.KindArrestDiversion,
			Agency: "City PD", ReferrerUser: "ofc", Person: store.Person{Name: "Pat Hidden"}, Status: store.RefNew}); err != nil {
			t.Fatal(err)
		}
	}
	opts := testOptions(s, actorCM)
	opts.Protocol = proto
	m := New(opts).(*model)
	msg := m.loadNoticesCmd()().(noticesMsg)
	if !msg.shown || len(msg.list) != 1 || !msg.list[0].Escalation.Due || !fixedNow.Add(-31*time.Minute).Equal(msg.list[0].Received) {
		t.Errorf("ana (next on the rota) => shown %v, notices %+v; want only the one past 30 minutes, escalated", msg.shown, msg.list)
	}
	opts.Actor = store.Actor{User: "ben", Role: store.RoleCaseManager}
	m = New(opts).(*model)
	if msg := m.loadNoticesCmd()().(noticesMsg); len(msg.list) != 2 {
		t.Errorf("ben (on call) => %d notices, want both", len(msg.list))
	}
}
