package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// cpuProfileEnv names the file `owg serve` writes a CPU profile of its
// whole run to (developers only: the profile holds function names and
// timings, never participant data). It is written when the server stops
// (SIGTERM or ^C); read it with `go tool pprof`.
const cpuProfileEnv = "OWG_CPUPROFILE"

// startCPUProfile starts profiling into the file $OWG_CPUPROFILE names and
// returns what stops it and closes the file; with the variable unset it
// does nothing.
func startCPUProfile(getenv func(string) string) (stop func() error, err error) {
	path := getenv(cpuProfileEnv)
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cpuProfileEnv, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", cpuProfileEnv, err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}
