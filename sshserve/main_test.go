package sshserve

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/leadtable/owg/tui/meeting"
)

// TestMain checks every line-by-line frame of every test session against
// the whole frame drawn afresh (frames.go); benchmarks measure without the
// check.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		verifyFrames = true
		meeting.VerifyViewCache = true
	}
	code := m.Run()
	if s := meeting.ViewCacheMismatch(); s != "" {
		fmt.Fprintln(os.Stderr, s)
		code = 1
	}
	os.Exit(code)
}
