package main

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"time"
)

// heldStderr holds what is written to os.Stderr while the local screen is
// up, to print it once the terminal is given back. bubbletea prints a
// panic in a command (which runs on its own goroutine, out of reach of
// the model's recover) to os.Stderr, on the alternate screen: closing the
// screen wiped the report with it. Anything else written there would
// have drawn over the screen. Writes to the file descriptor itself (the
// Go runtime's own crash report) are not held.
type heldStderr struct {
	orig *os.File
	w    *os.File
	done chan struct{}
	mu   sync.Mutex
	buf  bytes.Buffer
	lost int64 // bytes past heldStderrMax, counted only
	once sync.Once
	out  []byte
}

// heldStderrMax bounds what is held (a runaway writer cannot grow it).
const heldStderrMax = 256 << 10

// holdStderr points os.Stderr at a pipe until release.
func holdStderr() (*heldStderr, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	h := &heldStderr{orig: os.Stderr, w: w, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		defer r.Close()
		chunk := make([]byte, 32<<10)
		for {
			n, err := r.Read(chunk)
			h.mu.Lock()
			keep := min(n, max(0, heldStderrMax-h.buf.Len()))
			h.buf.Write(chunk[:keep])
			h.lost += int64(n - keep)
			h.mu.Unlock()
			if err != nil { // io.EOF once release closes the pipe
				return
			}
		}
	}()
	os.Stderr = w
	return h, nil
}

// settle waits until something was written and nothing more for a
// while (2 s at most): bubbletea's program ends before the goroutine of
// a command that panicked has printed its report.
func (h *heldStderr) settle() {
	if h == nil {
		return
	}
	last, still := -1, 0
	for range 100 {
		h.mu.Lock()
		n := h.buf.Len() + int(h.lost)
		h.mu.Unlock()
		if n > 0 && n == last {
			if still++; still == 5 {
				return
			}
		} else {
			still = 0
		}
		last = n
		time.Sleep(20 * time.Millisecond)
	}
}

// release puts os.Stderr back and returns what was written to it (once;
// later calls return the same). A nil hold returns nothing.
func (h *heldStderr) release() []byte {
	if h == nil {
		return nil
	}
	h.once.Do(func() {
		os.Stderr = h.orig
		h.w.Close()
		<-h.done
		h.mu.Lock()
		defer h.mu.Unlock()
		h.out = bytes.Clone(h.buf.Bytes())
		if h.lost > 0 {
			h.out = fmt.Appendf(h.out, "\n(%d more bytes not kept)\n", h.lost)
		}
	})
	return h.out
}
