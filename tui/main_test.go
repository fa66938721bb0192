package tui

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/leadtable/owg/tui/meeting"
)

// TestMain checks every meeting view its cache answers against one made
// afresh (tui/meeting/viewcache.go); benchmarks measure without the check.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		meeting.VerifyViewCache = true
	}
	code := m.Run()
	if s := meeting.ViewCacheMismatch(); s != "" {
		fmt.Fprintln(os.Stderr, s)
		code = 1
	}
	os.Exit(code)
}
