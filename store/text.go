package store

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean strips control characters and terminal escape sequences (CSI, OSC,
// DCS and friends) from untrusted text, and replaces invalid UTF-8. Tabs
// become spaces; newlines are kept only when keepNewlines is true. Every
// name, note and imported field passes through it before it is stored and
// again before it reaches a terminal.
func Clean(s string, keepNewlines bool) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune('\uFFFD')
			i++
			continue
		}
		switch {
		case r == 0x1b: // ESC: skip the whole sequence
			i += size
			i = skipEscape(s, i)
			continue
		case r == 0x9b: // C1 CSI
			i += size
			i = skipCSI(s, i)
			continue
		case r == 0x9d || r == 0x90 || r == 0x9e || r == 0x9f || r == 0x98: // C1 OSC, DCS, PM, APC, SOS
			i += size
			i = skipString(s, i)
			continue
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case r == '\r' || r == '\n':
			b.WriteByte(' ')
		case unicode.IsControl(r):
			// drop C0, DEL and C1 controls
		case r == '\u202a' || r == '\u202b' || r == '\u202c' || r == '\u202d' || r == '\u202e' ||
			r == '\u2066' || r == '\u2067' || r == '\u2068' || r == '\u2069':
			// bidi overrides can disguise text: drop
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// CleanLine is Clean without newlines, trimmed: for names and one-line fields.
func CleanLine(s string) string { return strings.TrimSpace(Clean(s, false)) }

func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			return false
		}
	}
	return true
}

// skipEscape skips the body of an escape sequence that began with ESC at i-1.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', '^', '_', 'X':
		return skipString(s, i+1)
	default:
		// two-character sequence, possibly with intermediates (0x20-0x2f)
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) {
			i++
		}
		return i
	}
}

// skipCSI skips parameters and intermediates up to and including the final byte.
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		i++
		if c >= 0x40 && c <= 0x7e {
			return i
		}
		if c < 0x20 || c > 0x7e {
			return i
		}
	}
	return i
}

// skipString skips an OSC/DCS/PM/APC string up to BEL or ST (ESC \ or 0x9c).
func skipString(s string, i int) int {
	for i < len(s) {
		if s[i] == 0x07 {
			return i + 1
		}
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
			return i + 2
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0x9c {
			return i + size
		}
		i += size
	}
	return i
}
