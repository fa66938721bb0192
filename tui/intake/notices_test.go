package intake

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

func TestNoticeLine(t *testing.T) {
	tests := []struct {
		n    Notice
		now  time.Time
		want string
	}{
		{Notice{ID: "R-0031", Kind: store.KindArrestDiversion, Agency: "Metro PD", Received: fixedNow.Add(-3 * time.Minute)}, fixedNow,
			"New referral R-0031 arrest diversion from Metro PD, 3 min ago — press a to acknowledge"},
		{Notice{ID: "R-0032", Kind: store.KindSocialContact, Received: fixedNow.Add(-20 * time.Second)}, fixedNow,
			"New referral R-0032 social contact, just now — press a to acknowledge"},
		{Notice{ID: "R-0033", Kind: store.KindSocialContact, Agency: "Metro\x1b[31m PD", Received: fixedNow.Add(-125 * time.Minute)}, fixedNow,
			"New referral R-0033 social contact from Metro PD, 2 h 5 min ago — press a to acknowledge"},
	}
	for _, tt := range tests {
		if got := NoticeLine(tt.n, tt.now); got != tt.want {
			t.Errorf("NoticeLine(%+v) => %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestPendingNoticesNeverNameThePerson(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	mk := func(kind store.ReferralKind, name string, status store.ReferralStatus, ago time.Duration) store.Referral {
		r, err := s.CreateReferral(ctx, officer, store.Referral{Received: fixedNow.Add(-ago), Kind: kind, Referrer: "officer1",
			Agency: "Metro PD", ReferrerUser: "officer1", Person: store.Person{Name: name}, Status: status})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a := mk(store.KindArrestDiversion, "Casey Unique", store.RefNew, 3*time.Minute)
	b := mk(store.KindSocialContact, "Drew Unique", store.RefNew, 10*time.Minute)
	mk(store.KindCommunity, "Eli Unique", store.RefNew, time.Minute)               // not a field referral
	mk(store.KindArrestDiversion, "Fay Unique", store.RefScreenedOut, time.Minute) // screened out
	acked := mk(store.KindArrestDiversion, "Gus Unique", store.RefNew, time.Minute)
	cm := store.Actor{User: "cm1", Role: store.RoleCaseManager}
	if _, err := s.AcknowledgeReferral(ctx, cm, acked.ID); err != nil {
		t.Fatal(err)
	}

	ns, err := PendingNotices(ctx, s, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range ns {
		ids = append(ids, n.ID)
		line := NoticeLine(n, fixedNow)
		if strings.Contains(line, "Unique") {
			t.Errorf("notice line %q names the person", line)
		}
	}
	if got, want := strings.Join(ids, ","), b.ID+","+a.ID; got != want {
		t.Errorf("pending notices %s => want %s (oldest first)", got, want)
	}

	// acknowledging takes it off the list
	msg := AcknowledgeCmd(newCtx(s, cm), a.ID)().(AcknowledgedMsg)
	if msg.Err != nil || msg.Referral.AckBy != "cm1" {
		t.Fatalf("acknowledge => %+v, want AckBy cm1", msg)
	}
	if text, isErr := msg.StatusLine(); isErr || !strings.Contains(text, a.ID) {
		t.Errorf("status line %q err %v", text, isErr)
	}
	ns, _ = PendingNotices(ctx, s, fixedNow)
	if len(ns) != 1 || ns[0].ID != b.ID {
		t.Errorf("after acknowledging %s: %+v => want only %s", a.ID, ns, b.ID)
	}
	// a second acknowledgement is refused and says so
	msg = AcknowledgeCmd(newCtx(s, officer), a.ID)().(AcknowledgedMsg)
	if _, isErr := msg.StatusLine(); msg.Err == nil || !isErr {
		t.Errorf("second acknowledgement => %+v, want an error", msg)
	}
}
