package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What the store refuses in an import is named by the file's line and
// column, as the parser's own errors are: not by the referral's place in
// the import (a quoted note spanning lines and a blank line lie between).
func TestReferralImportStoreErrorsNameTheLine(t *testing.T) {
	dir := demoDir(t)
	csvPath := filepath.Join(t.TempDir(), "in.csv")
	os.WriteFile(csvPath, []byte(strings.Join([]string{
		"id,received,kind,name,notes",
		`R-0700,2026-01-02,community,Ann One,"two`,
		`lines"`,
		"",
		"R-99999999999999999999,2026-01-02,community,Bob Two,",
	}, "\n")+"\n"), 0o600)
	r := owg(t, nil, "--data", dir, "referral", "import", csvPath)
	want(t, r, 1, `line 5, column id: referral id "R-99999999999999999999" is not well formed`, "nothing imported")
	if strings.Contains(r.stderr, "row 2") {
		t.Fatalf("the store's row number leaked:\n%s", r)
	}
}
