package badgerstore

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

// TestRecordGroupCommit: fifty viewers recording at once share a few
// transactions; every event is in the chain, in one order, and the chain
// verifies.
func TestRecordGroupCommit(t *testing.T) {
	now := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	db, err := OpenMemoryAt(func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	const n = 50
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = db.Record(ctx, store.AuditEvent{User: fmt.Sprintf("u%02d", i), Role: store.RoleProvider, Action: store.AuditView, Subject: "P-0001"})
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Record %d: %v", i, err)
		}
	}
	st := db.RecordStats()
	if st.Events != n || st.Transactions == 0 || st.Transactions >= n {
		t.Errorf("stats %+v => want %d events in fewer than %d transactions", st, n, n)
	}
	evs, err := db.ListAudit(ctx, store.AuditFilter{Action: store.AuditView})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range evs {
		seen[e.User] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct viewers in the chain => want %d", len(seen), n)
	}
	if _, err := db.VerifyAudit(ctx); err != nil {
		t.Errorf("VerifyAudit: %v", err)
	}
	// a bad event is refused before it is queued and sinks nobody
	if err := db.Record(ctx, store.AuditEvent{User: "x", Action: "nonsense"}); err == nil {
		t.Errorf("Record of a bad action => want a validation error")
	}
}

// BenchmarkRecordBurst50 is a meeting advance's audit load: fifty
// followers record a view at once, on disk with SyncWrites. It reports the
// transactions per burst (goal: at most two).
func BenchmarkRecordBurst50(b *testing.B) {
	db, _ := diskDB(b)
	ctx := context.Background()
	before := db.RecordStats()
	for b.Loop() {
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := db.Record(ctx, store.AuditEvent{User: fmt.Sprintf("u%02d", i), Role: store.RoleProvider, Action: store.AuditView, Subject: "P-0001"}); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	st := db.RecordStats()
	b.ReportMetric(float64(st.Transactions-before.Transactions)/float64(b.N), "txns/burst")
}
