//go:build windows

package main

import (
	"os"
	"time"
)

// cpuUsed is not measured on Windows (the start trace shows 0).
func cpuUsed() time.Duration { return 0 }

// pageFaults is not counted on Windows (the start trace shows 0).
func pageFaults() int64 { return 0 }

// notifyWindowChanges does nothing: Windows has no SIGWINCH (the window
// size is the one at start).
func notifyWindowChanges(chan<- os.Signal) {}
