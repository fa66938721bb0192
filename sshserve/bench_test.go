package sshserve

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
)

// The benchmarks drive the real server and TUI through x/crypto/ssh
// clients with an 80x24 pty and report what a person's link carries. Their
// ns/op includes waiting for the screen to settle: read the custom metrics.

const settleQuiet = 200 * time.Millisecond

// waitGrowth waits until the screen has more than n bytes (at most d).
func waitGrowth(s *screen, n int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for s.len() <= n {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}

// BenchmarkAgendaAdvanceBytes: terminal bytes a follower receives per
// agenda advance (Meeting.Current updated through the store), until its
// screen settles. Goal (issue 6): at most 1.5 KB.
func BenchmarkAgendaAdvanceBytes(b *testing.B) {
	for _, mode := range []struct {
		name string
		env  map[string]string
	}{
		{"ANSI256", nil},
		{"ASCII", map[string]string{"NO_COLOR": "1"}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			e := newRealTUIEnv(b)
			site := newMeetingSite(b, e, 4)
			c, err := e.openTerm(site.keys["cara"], "xterm-256color", mode.env, false)
			if err != nil {
				b.Fatal(err)
			}
			defer c.close()
			c.out.waitFor(b, 0, "Meeting", waitLong)
			c.send("5")
			c.out.waitFor(b, 0, "join and follow", waitLong)
			c.send("\r")
			c.out.waitFor(b, 0, "following", waitLong)
			c.out.settle(settleQuiet, 2*time.Second)

			var sizes []int
			cur := 0
			for b.Loop() {
				cur = (cur + 1) % 6
				before := c.out.len()
				site.advance(b, cur)
				if !waitGrowth(c.out, before, waitLong) {
					b.Fatal("the follower's screen did not change")
				}
				sizes = append(sizes, c.out.settle(settleQuiet, 2*time.Second)-before)
			}
			reportSizes(b, sizes, "B/advance")
		})
	}
}

func reportSizes(b *testing.B, sizes []int, unit string) {
	slices.Sort(sizes)
	total := 0
	for _, n := range sizes {
		total += n
	}
	b.ReportMetric(float64(total)/float64(len(sizes)), unit)
	b.ReportMetric(float64(sizes[len(sizes)-1]), "max-"+unit)
}

// BenchmarkKeystrokeRepaint50Followers: with 50 followers in the meeting,
// the time from the facilitator's keystroke (next/previous item) to the
// facilitator's repaint, and to the last follower's repaint.
func BenchmarkKeystrokeRepaint50Followers(b *testing.B) {
	const followers = 50
	e := newRealTUIEnv(b)
	site := newMeetingSite(b, e, 0)
	keys := make([]gossh.Signer, followers)
	for i := range keys {
		keys[i] = e.addUser(fmt.Sprintf("f%02d", i), store.RoleCaseManager, true)
	}
	pam := site.join(b, "pam")
	defer pam.close()
	cs := make([]*client, followers)
	errs := make([]error, followers)
	var wg sync.WaitGroup
	for i := range cs {
		wg.Go(func() { cs[i], errs[i] = joinMeeting(e, keys[i], false, 20*time.Second) })
	}
	wg.Wait()
	for i, c := range cs {
		if c != nil {
			defer c.close()
		}
		if errs[i] != nil {
			b.Fatalf("follower %d: %v", i, errs[i])
		}
	}
	pam.out.settle(settleQuiet, 3*time.Second)
	for _, c := range cs {
		c.out.settle(settleQuiet, 3*time.Second)
	}

	var local, all []time.Duration
	next := true
	// the idle cost of the sessions (their frame tick), to take out of
	// the CPU per advance
	c0, t0 := cpuTime(), time.Now()
	time.Sleep(500 * time.Millisecond)
	idle := float64(cpuTime()-c0) / float64(time.Since(t0))
	audit0 := e.db.RecordStats()
	c0, t0 = cpuTime(), time.Now()
	for b.Loop() {
		key := "n"
		if !next {
			key = "p"
		}
		next = !next
		before := make([]int, len(cs))
		for i, c := range cs {
			before[i] = c.out.len()
		}
		mine := pam.out.len()
		start := time.Now()
		pam.send(key)
		if !waitGrowth(pam.out, mine, waitLong) {
			b.Fatal("the facilitator's screen did not repaint")
		}
		local = append(local, time.Since(start))
		for i, c := range cs {
			if !waitGrowth(c.out, before[i], waitLong) {
				b.Fatalf("follower %d did not repaint", i)
			}
		}
		all = append(all, time.Since(start))
		pam.out.settle(settleQuiet, time.Second) // followers settle meanwhile
	}
	cpu := float64(cpuTime()-c0) - idle*float64(time.Since(t0))
	audit := e.db.RecordStats()
	b.ReportMetric(cpu/1e6/float64(len(local)), "cpu-ms/advance")
	b.ReportMetric(float64(audit.Transactions-audit0.Transactions)/float64(len(local)), "audit-txns/advance")
	b.ReportMetric(float64(audit.Events-audit0.Events)/float64(len(local)), "audit-events/advance")
	b.ReportMetric(percentile(local, 0.99).Seconds()*1000, "p99-ms-to-own-repaint")
	b.ReportMetric(percentile(all, 0.99).Seconds()*1000, "p99-ms-to-all-50-followers")
	b.ReportMetric(median(local).Seconds()*1000, "ms-to-own-repaint")
	b.ReportMetric(median(all).Seconds()*1000, "ms-to-all-50-followers")
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// BenchmarkMemoryPerSession: Go heap per connected session (real TUI on its
// Today screen), measured with runtime.MemStats around N sessions. The
// in-process client's side of each connection is included, so the server's
// share is somewhat less.
func BenchmarkMemoryPerSession(b *testing.B) {
	const n = 20
	e := newRealTUIEnv(b)
	keys := make([]gossh.Signer, n)
	for i := range keys {
		keys[i] = e.addUser(fmt.Sprintf("m%02d", i), store.RoleCaseManager, true)
	}
	for b.Loop() {
		before, gBefore := heapInUse(), runtime.NumGoroutine()
		cs := make([]*client, n)
		for i := range cs {
			c, err := e.openTerm(keys[i], "xterm-256color", nil, true)
			if err != nil {
				b.Fatal(err)
			}
			cs[i] = c
		}
		eventually(b, 10*time.Second, "sessions up", func() bool { return len(e.srv.Sessions()) == n })
		for _, c := range cs {
			for c.out.len() < 500 {
				time.Sleep(5 * time.Millisecond)
			}
		}
		after := heapInUse()
		b.ReportMetric(float64(after-before)/n, "heap-B/session")
		b.ReportMetric(float64(runtime.NumGoroutine()-gBefore)/n, "goroutines/session")
		for _, c := range cs {
			c.close()
		}
		eventually(b, 10*time.Second, "sessions gone", func() bool { return len(e.srv.Sessions()) == 0 })
	}
}

func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse)
}
