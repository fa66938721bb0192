package sshserve

import (
	"io"
	"sync/atomic"
	"time"
)

// Bounds on the input one session buffers. bubbletea v2's input decoder
// (ultraviolet's TerminalReader) keeps every byte of an escape sequence it
// has not seen the end of, and every byte of a bracketed paste, for as long
// as more input keeps arriving within its 50 ms escape timeout: a client
// that sends ESC [ 200 ~ and then streams, or an unterminated OSC, or one
// invalid UTF-8 byte followed by a steady stream, grows the session's heap
// without bound. inputGuard sits between the SSH channel and the program
// and keeps what the decoder can hold bounded.
const (
	// maxInputSeq bounds one escape sequence (terminal replies are tens of
	// bytes); the rest of a longer one is dropped.
	maxInputSeq = 2 << 10
	// maxPaste bounds one bracketed paste (owg's longest field is a few
	// hundred characters); the rest of a longer paste is dropped, its end
	// marker still passed on.
	maxPaste = 64 << 10
	// maxInputBurst is how much input may pass without a pause long enough
	// for the decoder's escape timeout to flush whatever it holds.
	maxInputBurst = 64 << 10
	// inputPause is that pause: twice the decoder's 50 ms escape timeout.
	inputPause = 100 * time.Millisecond
)

type inputState int

const (
	inGround    inputState = iota
	inUTF8                 // inside a multi-byte UTF-8 character
	inEsc                  // after ESC
	inCSI                  // control sequence: ESC [ params intermediates final
	inSS3                  // ESC O [digits] char
	inString               // OSC, DCS, SOS, PM or APC: until its terminator
	inStringEsc            // ESC inside a string (ST is ESC \)
)

// pasteEnd is the end marker of a bracketed paste.
const pasteEnd = "\x1b[201~"

// inputGuard tracks the input's escape-sequence structure (as ECMA-48 and
// the decoder see it) and bounds sequences, pastes and bursts. Ordinary
// typing, terminal replies and pastes up to maxPaste pass through
// unchanged. Its state never follows the clock: a gap in the input does
// not prove the decoder has flushed (under load its timer loses the race
// with the next read), and a guard that assumed so passed an endless OSC
// on as text (1.2 GB under -race). Bytes are dropped only inside an
// overlong sequence or paste, which ordinary input never has.
type inputGuard struct {
	r      io.Reader
	raw    [4096]byte
	pend   []byte // raw bytes read and not yet screened
	out    []byte // screened bytes not yet returned (in outBuf)
	outBuf []byte
	err    error // the reader's error, returned once pend and out are empty
	sleep  func(time.Duration)
	now    func() time.Time

	st       inputState
	utf8Need int
	seqLen   int
	dropping bool // the current sequence is over maxInputSeq
	osc      bool // the current string is an OSC (BEL also ends it)
	params   []byte
	paramBuf [4]byte
	interm   bool

	paste      bool
	pasteLen   int
	pasteMatch int // bytes of pasteEnd matched while dropping a paste

	burst     int
	lastRead  time.Time
	pauseDue  bool
	dropped   atomic.Int64 // bytes dropped, for the session log
	pauseSeen int          // pauses taken, for tests
}

func newInputGuard(r io.Reader) *inputGuard {
	g := &inputGuard{r: r, sleep: time.Sleep, now: time.Now, outBuf: make([]byte, 0, 4096+len(pasteEnd))}
	g.params = g.paramBuf[:0]
	return g
}

// Read returns screened input. It pauses (inputPause) before returning more
// after a burst or a dropped sequence, so the decoder flushes what it holds.
func (g *inputGuard) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if len(g.out) > 0 {
			n := copy(p, g.out)
			g.out = g.out[n:]
			return n, nil
		}
		if g.pauseDue {
			g.pauseDue = false
			g.pauseSeen++
			g.sleep(inputPause)
			g.burst = 0
		}
		if len(g.pend) == 0 {
			if g.err != nil {
				return 0, g.err
			}
			n, err := g.r.Read(g.raw[:])
			now := g.now()
			if now.Sub(g.lastRead) >= inputPause {
				g.burst = 0 // the decoder has flushed during the gap
			}
			g.lastRead = now
			g.pend, g.err = g.raw[:n], err
		}
		g.out = g.outBuf[:0]
		for len(g.pend) > 0 && !g.pauseDue {
			b := g.pend[0]
			g.pend = g.pend[1:]
			g.step(b)
			// Pause only between sequences, so none is cut in two.
			if g.st == inGround && g.burst >= maxInputBurst {
				g.pauseDue = true
			}
		}
	}
}

func (g *inputGuard) emit(b byte) {
	g.out = append(g.out, b)
	g.burst++
	if g.paste {
		g.pasteLen++
	}
}

func (g *inputGuard) drop() { g.dropped.Add(1) }

// step screens one byte.
func (g *inputGuard) step(b byte) {
	if g.paste && g.pasteLen >= maxPaste {
		g.overflowPaste(b)
		return
	}
	switch g.st {
	case inGround:
		g.ground(b)
	case inUTF8:
		if b&0xc0 == 0x80 {
			g.emit(b)
			if g.utf8Need--; g.utf8Need == 0 {
				g.st = inGround
			}
			return
		}
		g.st = inGround
		g.ground(b)
	case inEsc:
		switch b {
		case '[':
			g.st, g.interm = inCSI, false
			g.params = g.params[:0]
			g.seq(b)
		case ']', 'P', 'X', '^', '_':
			g.st, g.osc = inString, b == ']'
			g.seq(b)
		case 'O':
			g.st = inSS3
			g.seq(b)
		case 0x1b:
			g.begin(b)
		default:
			// Alt plus a key: the key is an ordinary character.
			g.st = inGround
			g.ground(b)
		}
	case inCSI:
		switch {
		case b >= 0x30 && b <= 0x3f && !g.interm:
			if len(g.params) < cap(g.params) {
				g.params = append(g.params, b)
			}
			g.seq(b)
		case b >= 0x20 && b <= 0x2f:
			g.interm = true
			g.seq(b)
		case b >= 0x40 && b <= 0x7e:
			g.seq(b)
			g.finishCSI(b)
		default: // malformed: the sequence ends before b
			g.finish()
			g.ground(b)
		}
	case inSS3:
		switch {
		case b >= '0' && b <= '9':
			g.seq(b)
		case b >= 0x21 && b <= 0x7e:
			g.seq(b)
			g.finish()
		default:
			g.finish()
			g.ground(b)
		}
	case inString:
		g.seq(b)
		switch {
		case b == 0x1b:
			g.st = inStringEsc
		case b == 0x9c, b == 0x18, b == 0x1a, b == 0x07 && g.osc:
			g.finish() // ST, CAN, SUB; BEL ends an OSC
		}
	case inStringEsc:
		if b == '\\' {
			g.seq(b)
			g.finish()
			return
		}
		// The string ended at the ESC, which begins a new sequence.
		g.finish()
		g.st, g.seqLen = inEsc, 1
		g.step(b)
	}
}

// ground screens a byte outside any sequence.
func (g *inputGuard) ground(b byte) {
	switch {
	case b == 0x1b:
		g.begin(b)
	case b == 0x9b: // 8-bit CSI
		g.begin(b)
		g.st, g.interm = inCSI, false
		g.params = g.params[:0]
	case b == 0x90 || b == 0x98 || b == 0x9d || b == 0x9e || b == 0x9f: // 8-bit DCS, SOS, OSC, PM, APC
		g.begin(b)
		g.st, g.osc = inString, b == 0x9d
	case b == 0x8f: // 8-bit SS3
		g.begin(b)
		g.st = inSS3
	case b >= 0xc2 && b <= 0xdf:
		g.emit(b)
		g.st, g.utf8Need = inUTF8, 1
	case b >= 0xe0 && b <= 0xef:
		g.emit(b)
		g.st, g.utf8Need = inUTF8, 2
	case b >= 0xf0 && b <= 0xf4:
		g.emit(b)
		g.st, g.utf8Need = inUTF8, 3
	default:
		g.emit(b)
	}
}

// begin starts a sequence with its introducer b.
func (g *inputGuard) begin(b byte) {
	g.st, g.seqLen, g.dropping = inEsc, 0, false
	g.seq(b)
}

// seq passes one byte of a sequence, or drops it once the sequence is over
// maxInputSeq.
func (g *inputGuard) seq(b byte) {
	g.seqLen++
	if g.seqLen > maxInputSeq {
		g.dropping = true
	}
	if g.dropping {
		g.drop()
		return
	}
	g.emit(b)
}

// finishCSI ends a control sequence, noting a bracketed paste's start and end.
func (g *inputGuard) finishCSI(final byte) {
	if final == '~' && !g.interm && !g.dropping {
		switch string(g.params) {
		case "200":
			g.paste, g.pasteLen = true, 0
		case "201":
			g.paste = false
		}
	}
	g.finish()
}

// finish ends the current sequence. After a dropped one the decoder holds
// its start: pause so that it gives up on it.
func (g *inputGuard) finish() {
	if g.dropping {
		g.pauseDue = true
	}
	g.st, g.seqLen, g.dropping = inGround, 0, false
}

// overflowPaste drops the rest of a paste over maxPaste, passing on only its
// end marker.
func (g *inputGuard) overflowPaste(b byte) {
	if g.pasteMatch == 0 {
		// The decoder may hold a partial sequence from where the paste
		// reached its bound: let it flush.
		g.pauseDue = g.pauseDue || g.st != inGround
		g.st, g.seqLen, g.dropping = inGround, 0, false
	}
	if b == pasteEnd[g.pasteMatch] {
		g.pasteMatch++
		if g.pasteMatch == len(pasteEnd) {
			g.pasteMatch, g.paste = 0, false
			for i := range len(pasteEnd) {
				g.emit(pasteEnd[i])
			}
		}
		return
	}
	g.dropped.Add(int64(g.pasteMatch) + 1)
	g.pasteMatch = 0
	if b == pasteEnd[0] {
		g.dropped.Add(-1)
		g.pasteMatch = 1
	}
}
