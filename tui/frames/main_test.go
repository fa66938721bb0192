package frames

import (
	"os"
	"testing"
)

// Every line-by-line drawing in these tests checks itself against the
// whole frame drawn afresh.
func TestMain(m *testing.M) {
	Verify = true
	os.Exit(m.Run())
}
