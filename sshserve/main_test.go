package sshserve

import (
	"flag"
	"github.com/leadtable/owg/tui/frames"
	"os"
	"testing"

	"github.com/leadtable/owg/tui/meeting"
)

// TestMain checks every line-by-line frame of every test session against
// the whole frame drawn afresh (tui/frames), and every cached meeting view
// against a fresh one; benchmarks measure without the checks.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		frames.Verify = true
	}
	os.Exit(meeting.RunVerifyingViews(m.Run))
}
