package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestReferralCSVRecordBound(t *testing.T) {
	now := time.Date(2026, 3, 3, 15, 0, 0, 0, time.UTC)
	head := "id,received,kind,name,notes\n"
	ok := head + "R-0001,2026-03-01,social_contact,Ann One,\"two\nlines, \"\"quoted\"\"\"\n"
	rs, err := ParseReferralsCSV(strings.NewReader(ok), now)
	if err != nil || len(rs) != 1 || rs[0].Notes != "two\nlines, \"quoted\"" {
		t.Fatalf("a quoted multi-line note => %+v, %v; want it parsed", rs, err)
	}
	for _, tc := range []struct {
		name, in string
		line     int
	}{
		{"a quote left open", head + "R-0001,2026-03-01,social_contact,Ann One,ok\nR-0002,2026-03-01,social_contact,\"Ben" + strings.Repeat("\nmore", MaxCSVRecordBytes/4), 3},
		{"one endless line", head + strings.Repeat("x", 10*MaxCSVRecordBytes), 2},
		{"an endless header", strings.Repeat("id,", MaxCSVRecordBytes), 1},
	} {
		_, err := ParseReferralsCSV(strings.NewReader(tc.in), now)
		var ie *ImportError
		if !errors.As(err, &ie) || len(ie.Errs) == 0 || ie.Errs[len(ie.Errs)-1].Line != tc.line || !strings.Contains(err.Error(), "longer than 64 KiB") {
			t.Errorf("%s => %v, want line %d longer than 64 KiB", tc.name, err, tc.line)
		}
	}
}
