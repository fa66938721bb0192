package sshserve

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
)

// Issue 9's budget over SSH at 80x24: from the TCP connect to the New
// referral form ready to type <= 6 KB (wire bytes, handshake included);
// each character typed into a field <= 40 B back (terminal bytes); a
// new-referral notice reaching 20 connected sessions within 100 ms of the
// write on loopback (reported, never asserted).

// BenchmarkSSHReferralForm: the officer's connect-to-form bytes, and the
// bytes back for each character typed into the name and date-of-birth
// fields (the first character of the date replaces its placeholder).
func BenchmarkSSHReferralForm(b *testing.B) {
	s := newIntakeSite(b)
	for _, mode := range profileModes() {
		b.Run(mode.name, func(b *testing.B) {
			var wire, term int
			var chars, charWires []int
			for b.Loop() {
				c, err := s.e.openCounted(s.keys["ofc"], "xterm-256color", mode.env)
				if err != nil {
					b.Fatal(err)
				}
				landing(b, c.client, "New referral")
				wire, term = int(c.wire.read.Load()), c.out.len()
				chars, charWires = chars[:0], charWires[:0]
				for _, field := range []string{fieldFirst + " Fa", "1985-02-03"} {
					typeField(c.client, keyTab)
					for _, r := range field {
						t, w := c.measure(func() { c.send(string(r)) }, time.Second)
						chars, charWires = append(chars, t), append(charWires, w)
					}
				}
				c.close()
				// the dropped session keeps its typing as a draft, which the
				// next sign-in would restore: each run starts on an empty form
				eventually(b, waitLong, "the session ended", func() bool { return len(s.e.srv.Sessions()) == 0 })
				if err := s.e.db.DeleteDraft(context.Background(), store.Actor{User: "ofc", Role: store.RolePolice}, "referral"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(wire), "wire-B/form-ready")
			b.ReportMetric(float64(term), "B/form-ready")
			b.ReportMetric(medianInt(chars), "B/char-median")
			b.ReportMetric(float64(slices.Max(chars)), "B/char-max")
			b.ReportMetric(medianInt(charWires), "wire-B/char-median")
		})
	}
}

// BenchmarkSSHNoticeFanout20: time from store.CreateReferral returning to
// the new referral's id appearing in the bytes of all of 20 connected
// supervisor sessions (on their Today screens). Each referral is
// acknowledged before the next so every notice is drawn afresh.
func BenchmarkSSHNoticeFanout20(b *testing.B) {
	const n = 20
	s := newIntakeSite(b)
	ctx := context.Background()
	keys := make([]gossh.Signer, n)
	for i := range keys {
		keys[i] = newKey(b)
		u := store.User{Name: fmt.Sprintf("sup%02d", i), Role: store.RoleSupervisor, Active: true,
			Keys: []string{strings.TrimSpace(string(gossh.MarshalAuthorizedKey(keys[i].PublicKey())))}}
		if _, err := s.e.db.CreateUser(ctx, store.SystemActor, u); err != nil {
			b.Fatal(err)
		}
	}
	cs := make([]*client, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range cs {
		wg.Go(func() {
			cs[i], errs[i] = s.e.openTerm(keys[i], "xterm-256color", nil, false)
			if errs[i] == nil {
				errs[i] = cs[i].out.await(0, "Today", 20*time.Second)
			}
		})
	}
	wg.Wait()
	for i, c := range cs {
		if c != nil {
			defer c.close()
		}
		if errs[i] != nil {
			b.Fatalf("session %d: %v", i, errs[i])
		}
	}
	settleAll := func() {
		var wg sync.WaitGroup
		for _, c := range cs {
			wg.Go(func() { c.out.settle(actionQuiet, 3*time.Second) })
		}
		wg.Wait()
	}
	settleAll()
	officer := store.Actor{User: "ofc", Role: store.RolePolice, Agency: officerAgency}
	sup := store.Actor{User: "sup00", Role: store.RoleSupervisor}
	offense := store.DefaultProtocol().DivertibleOffenses[0]
	var all []time.Duration
	for b.Loop() {
		for range 5 {
			marks := make([]int, n)
			for i, c := range cs {
				marks[i] = c.out.len()
			}
			r, err := s.e.db.CreateReferral(ctx, officer, store.Referral{
				Received: testNow, Kind: store.KindArrestDiversion, Referrer: "ofc", ReferrerUser: "ofc", Agency: officerAgency,
				Person: store.Person{Name: fieldFirst + " " + fieldLast, ApproxAge: 30}, Offense: offense, Status: store.RefNew,
			})
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			seen := make([]bool, n)
			for left := n; left > 0; {
				if time.Since(start) > waitLong {
					b.Fatalf("%d of %d sessions did not show %s within %s", left, n, r.ID, waitLong)
				}
				for i, c := range cs {
					if !seen[i] && strings.Contains(ansi.Strip(string(c.out.bytesFrom(marks[i]))), r.ID) {
						seen[i] = true
						left--
					}
				}
				time.Sleep(200 * time.Microsecond)
			}
			all = append(all, time.Since(start))
			if _, err := s.e.db.AcknowledgeReferral(ctx, sup, r.ID); err != nil {
				b.Fatal(err)
			}
			settleAll()
		}
	}
	b.ReportMetric(float64(median(all).Microseconds())/1000, "ms-to-all-20-median")
	b.ReportMetric(float64(slices.Max(all).Microseconds())/1000, "ms-to-all-20-max")
}
