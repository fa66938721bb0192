//go:build !windows

package main

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// cpuUsed is the CPU time (user and system) the process has used.
func cpuUsed() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pageFaults is how many page faults the process has taken that needed
// no disk read (start tracing: first touches of memory and mapped files).
func pageFaults() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Minflt
}

// notifyWindowChanges sends c the terminal's window changes (SIGWINCH).
func notifyWindowChanges(c chan<- os.Signal) { signal.Notify(c, syscall.SIGWINCH) }
