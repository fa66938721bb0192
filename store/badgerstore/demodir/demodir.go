// Package demodir makes on-disk stores holding the synthetic demo site
// for tests and benchmarks: filled in memory (fast), backed up and
// restored into a directory, so the tables are laid out as a restored
// site's are.
package demodir

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/store/demo"
)

// Make returns a new directory (under tb's temporary one) holding the demo
// site of n participants (0: the default size) as of asOf, with the
// default seed.
func Make(tb testing.TB, n int, asOf time.Time) string {
	tb.Helper()
	mem, err := badgerstore.OpenMemoryAt(func() time.Time { return asOf.Add(9 * time.Hour) })
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := demo.FillN(context.Background(), mem, asOf, demo.DefaultSeed, n); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := mem.Backup(&buf); err != nil {
		tb.Fatal(err)
	}
	mem.Close()
	dir := filepath.Join(tb.TempDir(), "data")
	if err := badgerstore.Restore(dir, &buf, nil); err != nil {
		tb.Fatal(err)
	}
	return dir
}
