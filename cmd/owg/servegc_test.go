package main

import (
	"runtime/debug"
	"testing"
)

// TestServerGC: owg serve collects at GOGC 400 under a 1 GiB limit unless
// GOGC or GOMEMLIMIT says otherwise.
func TestServerGC(t *testing.T) {
	pct, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(pct); debug.SetMemoryLimit(limit) })
	for _, tc := range []struct {
		env       map[string]string
		wantPct   int
		wantLimit int64
	}{
		{nil, serverGCPercent, serverMemoryLimit},
		{map[string]string{"GOGC": "100"}, 100, serverMemoryLimit},
		{map[string]string{"GOMEMLIMIT": "2GiB"}, serverGCPercent, 1 << 62},
	} {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(1 << 62)
		serverGC(func(k string) string { return tc.env[k] })
		gotPct := debug.SetGCPercent(100)
		gotLimit := debug.SetMemoryLimit(1 << 62)
		if gotPct != tc.wantPct || gotLimit != tc.wantLimit {
			t.Errorf("env %v => GOGC %d, limit %d; want %d, %d", tc.env, gotPct, gotLimit, tc.wantPct, tc.wantLimit)
		}
	}
}
