package sshserve

import (
	"flag"
	"os"
	"testing"
)

// TestMain checks every line-by-line frame of every test session against
// the whole frame drawn afresh (frames.go); benchmarks measure without the
// check.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		verifyFrames = true
	}
	os.Exit(m.Run())
}
