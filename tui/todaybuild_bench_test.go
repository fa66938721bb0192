package tui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/store/demo"
	"github.com/leadtable/owg/store/snapshot"
	"github.com/leadtable/owg/tui/common"
)

// BenchmarkTodayFirstBuild: what a start does between the site's first
// read and Today's first frame, for the project manager (who sees every
// participant): the viewer's projection of the whole site and Today's
// rows and sections, from a fresh memo each time.
func BenchmarkTodayFirstBuild(b *testing.B) {
	sizes := []int{200, 2000}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			db, err := badgerstore.OpenMemoryAt(func() time.Time { return fixedNow })
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if _, err := demo.FillN(context.Background(), db, day(0), demo.DefaultSeed, n); err != nil {
				b.Fatal(err)
			}
			snap := snapshot.New(db)
			if _, err := snap.Site(context.Background()); err != nil {
				b.Fatal(err)
			}
			opts := testOptions(db, store.Actor{User: "pat", Role: store.RolePM})
			opts.Snapshot = snap
			c := New(opts).(*model).ctx
			for b.Loop() {
				c.SiteMemo = &common.Memo{}
				s, err := loadSite(c)
				if err != nil {
					b.Fatal(err)
				}
				t := newToday(c)
				t.site = s
				t.rebuild()
				if t.list.Len() == 0 {
					b.Fatal("Today has no rows")
				}
			}
		})
	}
}
