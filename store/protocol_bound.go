package store

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Bounds checked before a protocol file is parsed: the TOML decoder's work
// grows far faster than the input with nesting (a 40 KB file of nested
// inline tables ran out of memory), so a file is refused by its size and
// its nesting depth first.
const (
	// MaxProtocolBytes is the largest protocol file owg reads; the default
	// one is about 5 KB.
	MaxProtocolBytes = 256 << 10
	// MaxProtocolDepth is the deepest nesting of arrays and inline tables
	// (a table header counts as one level); the protocol's deepest value,
	// an on_call shift's list of days, is 3 levels down.
	MaxProtocolDepth = 8
)

// readProtocolFile reads path, refusing a file over MaxProtocolBytes
// without reading the rest of it.
func readProtocolFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxProtocolBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxProtocolBytes {
		return nil, &ProtocolError{File: path, Errs: []FieldError{tooBig()}}
	}
	return data, nil
}

func tooBig() FieldError {
	return FieldError{Field: "protocol", Msg: fmt.Sprintf("the file is over %d KiB; a protocol file is a few KB", MaxProtocolBytes>>10)}
}

// protocolBounds checks data's size and nesting depth, scanning it as TOML
// lexes it (brackets inside strings and comments do not count). It does
// not check the syntax: the decoder does that, once the bounds hold.
func protocolBounds(data []byte) *FieldError {
	if len(data) > MaxProtocolBytes {
		e := tooBig()
		return &e
	}
	depth, line := 0, 1
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch c {
		case '\n':
			line++
		case '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
			i-- // the newline is counted by the loop
		case '"', '\'':
			n, lines := skipTOMLString(data[i:])
			line += lines
			i += n - 1
		case '[', '{':
			if depth++; depth > MaxProtocolDepth {
				return &FieldError{Field: fmt.Sprintf("line %d", line), Msg: fmt.Sprintf("nested more than %d levels deep", MaxProtocolDepth)}
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return nil
}

// skipTOMLString returns the length of the string starting at s (basic,
// literal, or either multi-line kind) and the newlines inside it. An
// unterminated one runs to the end of its line (single-line) or of the
// input (multi-line); the decoder reports it.
func skipTOMLString(s []byte) (n, lines int) {
	q := s[0]
	if len(s) >= 3 && s[1] == q && s[2] == q {
		for i := 3; i < len(s); i++ {
			switch {
			case s[i] == '\n':
				lines++
			case s[i] == '\\' && q == '"':
				if i+1 < len(s) && s[i+1] == '\n' {
					lines++
				}
				i++
			case s[i] == q && i+2 < len(s) && s[i+1] == q && s[i+2] == q:
				// Up to two more quotes may close it ("""a"""" is a" plus ").
				end := i + 3
				for k := 0; k < 2 && end < len(s) && s[end] == q; k++ {
					end++
				}
				return end, lines
			}
		}
		return len(s), lines
	}
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\n':
			return i, lines // the newline is the caller's
		case s[i] == '\\' && q == '"':
			i++
		case s[i] == q:
			return i + 1, lines
		}
	}
	return len(s), lines
}

// ErrFileTooLarge is the error of ReadFileLimit for a file over its bound.
var ErrFileTooLarge = errors.New("file too large")

// ReadFileLimit reads the file at path, failing with ErrFileTooLarge (and
// without reading further) when it holds more than limit bytes: for the
// small files owg reads whole (public and encryption key files, host keys),
// so that a wrong path (a disk image, /dev/zero) fails at once.
func ReadFileLimit(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: %w (over %d KiB)", path, ErrFileTooLarge, limit>>10)
	}
	return data, nil
}
