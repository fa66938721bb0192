package meeting

import (
	"flag"
	"os"
	"testing"
)

// TestMain checks every view the cache answers against one made afresh
// (viewcache.go).
func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(RunVerifyingViews(m.Run))
}

// TestViewsAreVerified: the tests run with the cache's check on.
func TestViewsAreVerified(t *testing.T) {
	if !VerifyViewCache {
		t.Error("VerifyViewCache is off in the tests")
	}
}
