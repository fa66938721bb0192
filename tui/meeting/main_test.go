package meeting

import (
	"fmt"
	"os"
	"testing"
)

// TestMain checks every view the cache answers against one made afresh
// (viewcache.go).
func TestMain(m *testing.M) {
	VerifyViewCache = true
	code := m.Run()
	if s := ViewCacheMismatch(); s != "" {
		fmt.Fprintln(os.Stderr, s)
		code = 1
	}
	os.Exit(code)
}
