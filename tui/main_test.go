package tui

import (
	"flag"
	"os"
	"testing"

	"github.com/leadtable/owg/tui/meeting"
)

// TestMain checks every meeting view its cache answers against one made
// afresh (tui/meeting/viewcache.go); benchmarks measure without the check.
func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(meeting.RunVerifyingViews(m.Run))
}
