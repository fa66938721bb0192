package sshserve

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

// TestDraftSurvivesAKilledClient is issue 18's done-when over SSH: an
// officer types half a referral, the client's connection is dropped
// without a quit, the officer signs in again and finds the form filled in
// with "restored your unsent referral".
func TestDraftSurvivesAKilledClient(t *testing.T) {
	s := newIntakeSite(t)
	ofc := s.open(t, "ofc", "New referral")
	fill(ofc.client, draft{name: "Halfway Through", location: "Under the 5th St bridge"})
	ofc.close() // the connection drops: no quit, no esc

	ctx := context.Background()
	eventually(t, 5*time.Second, "the draft is kept", func() bool {
		ds, err := s.e.db.Drafts(ctx, store.Actor{User: "ofc", Role: store.RolePolice}, 0)
		return err == nil && len(ds) == 1 && ds[0].Fields["name"] == "Halfway Through"
	})
	if rs := s.officerReferrals(t); len(rs) != 0 {
		t.Errorf("a draft became a referral: %+v", rs)
	}
	again := s.open(t, "ofc", "restored your unsent referral")
	defer again.close()
	again.out.waitFor(t, 0, "Under the 5th St bridge", waitLong)
}

// TestReconnectWhereYouWere: a session on the Caseload tab drops; the
// user's next session within the idle timeout opens on Caseload and says
// "reconnected". A session that quits leaves nothing to resume.
func TestReconnectWhereYouWere(t *testing.T) {
	s := newIntakeSite(t)
	cora := s.open(t, "cora", "Today")
	mark := cora.out.len()
	cora.send("2")
	cora.out.waitFor(t, mark, "Caseload", waitLong)
	cora.out.settle(actionQuiet, 3*time.Second)
	cora.close()
	eventually(t, 5*time.Second, "the drop is noted", func() bool {
		s.e.srv.mu.Lock()
		defer s.e.srv.mu.Unlock()
		_, ok := s.e.srv.dropped["cora"]
		return ok
	})
	again := s.open(t, "cora", "reconnected")
	defer again.close()
	if got := again.out.text(); !strings.Contains(got, "[2 Caseload]") {
		t.Errorf("reconnected session is not on Caseload:\n%s", got)
	}
}
