package store

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// RowError is one problem of an import: its line in the file (1 is the
// header), the column it concerns ("" for the whole row) and what is wrong.
type RowError struct {
	Line   int
	Column string
	Msg    string
}

// Error formats the row error with its line and, when known, its column.
func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Msg)
}

// ImportRowError is a problem the store finds with one referral of an
// import (ImportReferrals): Row is its index in the slice given (0 the
// first), Column the field it concerns when known. The store knows no file:
// a caller that read one names the file's line instead (as a RowError).
type ImportRowError struct {
	Row    int
	Column string
	Err    error
}

// Error names the referral by its place in the import, counting from 1.
func (e *ImportRowError) Error() string { return fmt.Sprintf("row %d: %v", e.Row+1, e.Err) }

// Unwrap returns the problem itself.
func (e *ImportRowError) Unwrap() error { return e.Err }

// ImportError lists every bad row of an import; an import with any error
// imports nothing.
type ImportError struct {
	Errs []RowError
}

// Error lists every row error, or the one when there is only one.
func (e *ImportError) Error() string {
	if len(e.Errs) == 1 {
		return "referral import: " + e.Errs[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "referral import: %d errors:", len(e.Errs))
	for _, r := range e.Errs {
		b.WriteString("\n  ")
		b.WriteString(r.Error())
	}
	return b.String()
}

// maxImportErrors bounds the errors reported for one file: far above any
// referral file (every bad row of one is named), low enough that a file
// that is not one at all cannot fill memory with them.
const maxImportErrors = 1_000_000

// ParseReferralsCSV reads a referral import: a header row naming the
// columns (any order; ReferralCSVColumns only, RequiredReferralColumns
// present), then one referral per row, each parsed by ParseReferralFields
// (now is the time "in the future" is measured from). Rows whose cells are
// all blank are skipped. It returns every referral, with status new (every
// row must carry its id), or an *ImportError naming the line and
// column of every bad header cell, bad value, missing required value and
// duplicate id in the file, all of them, not only the first.
func ParseReferralsCSV(r io.Reader, now time.Time) ([]Referral, error) {
	cr := csv.NewReader(BoundCSV(r))
	cr.FieldsPerRecord = -1
	var errs []RowError
	issue := func(line int, col, format string, args ...any) {
		errs = append(errs, RowError{Line: line, Column: col, Msg: fmt.Sprintf(format, args...)})
	}

	header, err := cr.Read()
	if err == io.EOF {
		return nil, &ImportError{Errs: []RowError{{Line: 1, Msg: "the file is empty: a header row naming the columns is required"}}}
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	known := 0
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF")
		}
		name := strings.ToLower(CleanLine(h))
		cols[i] = name
		line, _ := cr.FieldPos(i)
		switch {
		case name == "":
			issue(line, fmt.Sprintf("%d", i+1), "the header cell is blank: every column needs a name")
		case !slices.Contains(ReferralCSVColumns, name):
			issue(line, fieldName(name), "unknown column (known: %s)", strings.Join(ReferralCSVColumns, ", "))
		case seen[name]:
			issue(line, name, "the column appears twice")
		default:
			known++
		}
		seen[name] = true
	}
	if known == 0 {
		return nil, &ImportError{Errs: []RowError{{Line: 1, Msg: "the first row must be a header naming the columns (" +
			strings.Join(ReferralCSVColumns, ", ") + ")"}}}
	}
	for _, req := range RequiredReferralColumns {
		if !seen[req] {
			issue(1, req, "required column is missing")
		}
	}
	if len(errs) > 0 {
		return nil, &ImportError{Errs: errs}
	}

	var out []Referral
	ids := map[string]int{} // id → line
	for len(errs) < maxImportErrors {
		before := cr.InputOffset()
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, err
			}
			issue(pe.StartLine, "", "CSV syntax: %v (at line %d, character %d)", pe.Err, pe.Line, pe.Column)
			if cr.InputOffset() == before {
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if blankRow(rec) {
			continue
		}
		if len(rec) != len(cols) {
			issue(line, "", "has %d fields, the header has %d", len(rec), len(cols))
			continue
		}
		fields := make(map[string]string, len(cols))
		for i, c := range cols {
			fields[c] = rec[i]
		}
		ref, ferrs := ParseReferralFields(fields, now)
		if strings.TrimSpace(fields["id"]) == "" {
			ferrs = append(ferrs, FieldError{Field: "id", Msg: "is required (a referral id such as R-0001)"})
		}
		for _, fe := range ferrs {
			l := line
			if i := slices.Index(cols, fe.Field); i >= 0 {
				l, _ = cr.FieldPos(i)
			}
			issue(l, fe.Field, "%s", fe.Msg)
		}
		if ref.ID != "" {
			i := slices.Index(cols, "id")
			l, _ := cr.FieldPos(i)
			if prev, dup := ids[ref.ID]; dup {
				issue(l, "id", "%s is a duplicate: it is also on line %d", ref.ID, prev)
			} else {
				ids[ref.ID] = l
			}
		}
		if len(ferrs) == 0 {
			out = append(out, ref)
		}
	}
	if len(errs) >= maxImportErrors {
		issue(0, "", "too many errors; stopped reading after %d", maxImportErrors)
		errs[len(errs)-1].Line = errs[len(errs)-2].Line
	}
	if len(errs) > 0 {
		return nil, &ImportError{Errs: errs}
	}
	if out == nil {
		out = []Referral{}
	}
	return out, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ImportError{Errs: []RowError{{Line: pe.StartLine, Msg: fmt.Sprintf("CSV syntax: %v (at line %d, character %d)", pe.Err, pe.Line, pe.Column)}}}
	}
	return err
}

func blankRow(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// fieldName shortens an untrusted column name for a message.
func fieldName(s string) string { return rkClip(s, 40) }
