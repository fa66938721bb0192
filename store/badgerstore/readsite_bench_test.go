package badgerstore

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadtable/owg/store/demo"
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
	for _, n := range sizes {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			mem, err := OpenMemoryAt(func() time.Time { return asOf.Add(9 * time.Hour) })
			if err != nil {
				b.Fatal(err)
			}
			if _, err := demo.FillN(context.Background(), mem, asOf, demo.DefaultSeed, n); err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := mem.Backup(&buf); err != nil {
				b.Fatal(err)
			}
			mem.Close()
			dir := filepath.Join(b.TempDir(), "data")
			if err := Restore(dir, &buf, nil); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				db, err := Open(dir, Options{Now: fixedClock})
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
