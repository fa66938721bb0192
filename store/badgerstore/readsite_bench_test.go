package badgerstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/store/badgerstore/demodir"
)

// BenchmarkReadSite: the first read of a whole site after an open (as a
// local start makes it, with Badger's caches cold), on an on-disk store
// with SyncWrites holding the demo site of 200 and (without -short) 2,000
// participants. The open itself is not timed.
func BenchmarkReadSite(b *testing.B) {
	sizes := []int{200}
	if !testing.Short() {
		sizes = append(sizes, 2000)
	}
	asOf := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return asOf.Add(9 * time.Hour) }
	for _, n := range sizes {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			dir := demodir.Make(b, n, asOf)
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				db, err := badgerstore.Open(dir, badgerstore.Options{Now: clock})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				d, err := db.ReadSite(context.Background())
				b.StopTimer()
				if err != nil || len(d.Participants) < n*9/10 {
					b.Fatalf("ReadSite: %d participants, %v => want about %d", len(d.Participants), err, n)
				}
				db.Close()
				b.StartTimer()
			}
		})
	}
}
