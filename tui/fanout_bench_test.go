package tui

import (
	"context"
	"fmt"
	"runtime/pprof"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/store/demo"
	"github.com/leadtable/owg/store/snapshot"
)

// The in-process fan-out benchmark (issue 16): what one store change
// costs each session's model, without SSH and the terminal renderer. S
// root models of supervisors on Today share one snapshot of a demo site
// of N participants, as sshserve's sessions do; each op logs one contact,
// hands every model the change, runs the commands it returns (the loads)
// and draws its View.

// pumpCmd runs cmd and every command its messages lead to through m, as a
// program would, dropping commands that do not answer within wait (ticks).
func pumpCmd(m tea.Model, cmd tea.Cmd, wait time.Duration) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		ch := make(chan tea.Msg, 1)
		go func() { ch <- c() }()
		var msg tea.Msg
		select {
		case msg = <-ch:
		case <-time.After(wait):
			continue
		}
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
		default:
			if fmt.Sprintf("%T", msg) == "tea.sequenceMsg" {
				continue
			}
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// fanoutRig is S models over one snapshot of an in-memory demo site.
type fanoutRig struct {
	db      *badgerstore.DB
	snap    *snapshot.Snapshot
	models  []tea.Model
	mu      sync.Mutex
	changes []store.Change
	todo    []store.Participant
}

func newFanoutRig(tb testing.TB, n, sessions int) *fanoutRig {
	tb.Helper()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return fixedNow })
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := demo.FillN(context.Background(), db, day(0), demo.DefaultSeed, n); err != nil {
		tb.Fatal(err)
	}
	r := &fanoutRig{db: db, snap: snapshot.New(db)}
	unsub := db.Subscribe(func(c store.Change) {
		r.snap.Observe(c)
		r.mu.Lock()
		r.changes = append(r.changes, c)
		r.mu.Unlock()
	})
	tb.Cleanup(unsub)
	ps, err := db.ListParticipants(context.Background(), store.ParticipantFilter{ActiveOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range ps {
		if store.DaysBetween(lastContactDay(p), store.Today(fixedNow)) > store.DefaultProtocol().OverdueContactDays {
			r.todo = append(r.todo, p)
		}
	}
	for range sessions {
		opts := testOptions(db, store.Actor{User: "keisha", Role: store.RoleSupervisor})
		opts.Snapshot, opts.Remote = r.snap, true
		m := New(opts)
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		pumpCmd(m, m.Init(), 200*time.Millisecond)
		_ = m.View()
		r.models = append(r.models, m)
	}
	r.take()
	return r
}

// take returns the changes committed since the last take.
func (r *fanoutRig) take() []store.Change {
	r.mu.Lock()
	defer r.mu.Unlock()
	cs := r.changes
	r.changes = nil
	return cs
}

// contact logs a contact for the i-th overdue participant and fans the
// change out to every model.
func (r *fanoutRig) contact(tb testing.TB, i int) {
	tb.Helper()
	if i >= len(r.todo) {
		tb.Fatalf("only %d overdue participants to contact", len(r.todo))
	}
	p := r.todo[i]
	if _, err := r.db.CreateContact(context.Background(), store.Actor{User: p.CaseManager, Role: store.RoleCaseManager},
		store.Contact{ParticipantID: p.ID, Date: fixedNow.Add(-time.Hour), Kind: store.ContactPhone, Note: "bench call",
			Author: p.CaseManager, Sensitivity: store.General}); err != nil {
		tb.Fatal(err)
	}
	msg := ChangedMsg{Changes: r.take()}
	// labelled so a profile can focus on the fan-out (-tagfocus phase=fanout)
	pprof.Do(context.Background(), pprof.Labels("phase", "fanout"), func(context.Context) {
		for _, m := range r.models {
			_, cmd := m.Update(msg)
			pumpCmd(m, cmd, time.Second)
			_ = m.View()
		}
	})
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkModelFanout: CPU per session per logged contact (the store
// write's share included once per op), supervisors on Today.
func BenchmarkModelFanout(b *testing.B) {
	sizes := []int{200, 2000}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, n := range sizes {
		for _, sessions := range []int{1, 50} {
			b.Run(fmt.Sprintf("participants=%d/sessions=%d", n, sessions), func(b *testing.B) {
				r := newFanoutRig(b, n, sessions)
				i := 0
				c0 := processCPU()
				for b.Loop() {
					r.contact(b, i)
					i++
				}
				cpu := processCPU() - c0
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/contact")
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N*sessions), "cpu-ms/session")
			})
		}
	}
}
