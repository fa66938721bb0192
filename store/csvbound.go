package store

import (
	"fmt"
	"io"
)

// MaxCSVRecordBytes bounds one record (row) of a CSV import, quoted line
// breaks included. encoding/csv keeps a whole record in memory however
// long it is; a referral row is a few hundred bytes.
const MaxCSVRecordBytes = 64 << 10

// BoundCSV wraps a CSV input so that reading fails with an *ImportError
// naming the line once a record grows past MaxCSVRecordBytes, before the
// CSV reader buffers more of it. It follows quoting (a quoted field may
// span lines) the way RFC 4180 does: every '"' toggles the quoted state.
func BoundCSV(r io.Reader) io.Reader { return &csvBound{r: r, line: 1, start: 1} }

type csvBound struct {
	r      io.Reader
	line   int  // physical line being read
	start  int  // line the current record started on
	n      int  // bytes in the current record
	quoted bool // inside a quoted field
	err    error
}

func (b *csvBound) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	for i, c := range p[:n] {
		switch {
		case c == '"':
			b.quoted = !b.quoted
		case c == '\n':
			b.line++
			if !b.quoted {
				b.n, b.start = 0, b.line
				continue
			}
		}
		if b.n++; b.n > MaxCSVRecordBytes {
			b.err = &ImportError{Errs: []RowError{{Line: b.start, Msg: fmt.Sprintf(
				"the row is longer than %d KiB (a referral is a few hundred bytes); is a quote left open?", MaxCSVRecordBytes>>10)}}}
			return i, nil
		}
	}
	return n, err
}
