package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/export"
)

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// TestExportHMISOnDemo: the demo's protocol names an HMIS agency most
// demo ROIs name; the export writes HUD's headers and valid codes, says
// how many were left out, and reads back as matches of every participant.
func TestExportHMISOnDemo(t *testing.T) {
	dir := demoDir(t)
	out := filepath.Join(t.TempDir(), "hmis")
	r := owg(t, nil, "--data", dir, "export", "hmis", "--output", out)
	want(t, r, 0, "wrote 8 HMIS CSV (FY2024) files", "left out", "County HMIS")
	var exported, left int
	if _, err := fmt.Sscanf(r.stdout[strings.Index(r.stdout, ": ")+2:], "%d participants exported, %d left out", &exported, &left); err != nil || exported < 30 || left == 0 {
		t.Fatalf("exported %d, left out %d (%v) => want most exported and some left out:\n%s", exported, left, err, r.stdout)
	}
	for file, header := range map[string][]string{"Export.csv": export.HMISExportColumns, "Organization.csv": export.HMISOrganizationColumns,
		"Project.csv": export.HMISProjectColumns, "Client.csv": export.HMISClientColumns, "Enrollment.csv": export.HMISEnrollmentColumns,
		"Exit.csv": export.HMISExitColumns, "CurrentLivingSituation.csv": export.HMISCurrentLivingSituationColumns, "Services.csv": export.HMISServicesColumns} {
		rows := readCSV(t, filepath.Join(out, file))
		if !slices.Equal(rows[0], header) {
			t.Errorf("%s header => %v, want HUD's", file, rows[0])
		}
		if file != "Exit.csv" && len(rows) < 2 {
			t.Errorf("%s has no rows", file)
		}
	}
	// HUD's spelling of the FY2024 columns, checked by hand against the spec
	for _, c := range []string{"HispanicLatinaeo", "MidEastNAfrican", "RaceNone", "GenderNone"} {
		if !slices.Contains(export.HMISClientColumns, c) {
			t.Errorf("Client.csv lacks %s", c)
		}
	}
	living := []int{101, 116, 118, 204, 205, 206, 207, 215, 225, 302, 312, 313, 314, 327, 329, 332, 335, 336, 410, 411, 421, 435, 8, 9, 99}
	code := func(file, col string, valid []int) {
		rows := readCSV(t, filepath.Join(out, file))
		i := slices.Index(rows[0], col)
		for n, row := range rows[1:] {
			v, err := strconv.Atoi(row[i])
			if err != nil || !slices.Contains(valid, v) {
				t.Errorf("%s line %d: %s %q is not a valid FY2024 code", file, n+2, col, row[i])
			}
		}
	}
	code("Enrollment.csv", "LivingSituation", living)
	code("Enrollment.csv", "RelationshipToHoH", []int{1})
	code("Exit.csv", "Destination", append(living, 17, 24, 30, 37))
	code("CurrentLivingSituation.csv", "CurrentLivingSituation", append(living, 17, 37))
	code("Project.csv", "ProjectType", []int{0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14})
	code("Services.csv", "RecordType", []int{141})
	code("Services.csv", "TypeProvided", []int{6})
	code("Client.csv", "DOBDataQuality", []int{1, 2, 8, 9, 99})
	code("Export.csv", "ExportDirective", []int{1, 2, 3})
	for _, f := range []string{"Client.csv", "Services.csv", "CurrentLivingSituation.csv"} {
		b, _ := os.ReadFile(filepath.Join(out, f))
		if strings.Contains(string(b), "hanging in") || strings.Contains(string(b), "clinic") {
			t.Errorf("%s carries a contact or progress note", f)
		}
	}
	// owg's own export reads back: every client matches a participant
	r = owg(t, nil, "--data", dir, "import", "hmis", out, "--case-manager", "tomas")
	want(t, r, 0, "imported 0 participants", fmt.Sprintf("%d matched existing participants", exported))
}

// TestImportHMISHandWritten: files written by hand from HUD's FY2024
// specification import; a client matching a participant by name and
// date of birth is reported, not created; entry and exit dates go to
// history.
func TestImportHMISHandWritten(t *testing.T) {
	dir := demoDir(t)
	db := openStore(t, dir)
	ctx := context.Background()
	p1, err := db.GetParticipant(ctx, "P-0001")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := db.ListParticipants(ctx, store.ParticipantFilter{})
	db.Close()
	src := filepath.Join(t.TempDir(), "hmis")
	if err := os.CopyFS(src, os.DirFS("testdata/hmis/good")); err != nil {
		t.Fatal(err)
	}
	// one more client, the demo's P-0001 as another system knows them
	first, last, _ := strings.Cut(p1.Name, " ")
	appendLine := func(file string, cols []string, vals map[string]string) {
		row := make([]string, len(cols))
		for k, v := range vals {
			row[slices.Index(cols, k)] = v
		}
		f, err := os.OpenFile(filepath.Join(src, file), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		w.UseCRLF = true
		w.Write(row)
		w.Flush()
		f.Close()
	}
	appendLine("Client.csv", export.HMISClientColumns, map[string]string{"PersonalID": "1009", "FirstName": first, "LastName": last,
		"NameDataQuality": "1", "SSNDataQuality": "99", "DOB": store.FormatDate(p1.DOB), "DOBDataQuality": "1", "RaceNone": "99",
		"DateCreated": "2025-10-01 09:00:00", "DateUpdated": "2025-10-01 09:00:00", "UserID": "U17", "ExportID": "EXP2024"})
	appendLine("Enrollment.csv", export.HMISEnrollmentColumns, map[string]string{"EnrollmentID": "E-9", "PersonalID": "1009", "ProjectID": "SO-12",
		"EntryDate": "2025-05-05", "HouseholdID": "HH9", "LivingSituation": "116", "DateCreated": "2025-10-01 09:00:00",
		"DateUpdated": "2025-10-01 09:00:00", "UserID": "U17", "ExportID": "EXP2024"})

	r := owg(t, nil, "--data", dir, "import", "hmis", src, "--case-manager", "tomas")
	want(t, r, 0, "imported 3 participants", "1 matched existing participants", "Client.csv line 5 (PersonalID 1009) matches P-0001")
	db = openStore(t, dir)
	after, _ := db.ListParticipants(ctx, store.ParticipantFilter{})
	if len(after) != len(before)+3 {
		t.Fatalf("participants %d => want %d", len(after), len(before)+3)
	}
	got := map[string]store.Participant{}
	for _, p := range after[len(before):] {
		got[p.Name] = p
	}
	for _, c := range []struct {
		name, race, housing string
		entry               string
		status              store.ParticipantStatus
	}{
		{"Marisol Vega", "Hispanic/Latina/e/o", "unsheltered", "2025-03-03", store.StatusNotYetEngaged},
		{"Darnell Brooks", "Black, African American, or African", "transitional housing", "2025-08-01", store.StatusNotYetEngaged}, // the latest enrollment; its earlier one exited
		{"Sam Lee", "Asian or Asian American; White", // two categories, no longer "Multiracial"
			"unsheltered", "2025-01-15", store.StatusExited},
	} {
		p, ok := got[c.name]
		if !ok {
			t.Errorf("%s not imported: %v", c.name, got)
			continue
		}
		if p.RaceEthnicity != c.race || p.Housing != c.housing || store.FormatDate(p.EnrolledOn) != c.entry || p.Status != c.status || p.CaseManager != "tomas" {
			t.Errorf("%s imported as %+v => want race %s, housing %s, entry %s, %s, tomas", c.name, p, c.race, c.housing, c.entry, c.status)
		}
		if c.status == store.StatusExited {
			evs, _ := db.ListHistory(ctx, store.HistoryFilter{ParticipantID: p.ID, Kind: store.HistParticipant})
			if got := store.StatusAt(evs, store.HistStatus, p.EnrolledOn.AddDate(0, 1, 0)); got != string(store.StatusNotYetEngaged) {
				t.Errorf("%s status a month after entry (history) => %q, want not_yet_engaged", c.name, got)
			}
			if e := evs[len(evs)-1]; e.To != string(store.StatusExited) || store.FormatDate(e.Time) != "2025-09-30" {
				t.Errorf("%s last event %+v => want exited on 2025-09-30", c.name, e)
			}
		}
	}
	db.Close()
}

// TestImportHMISBadRowsNamed: one bad file imports nothing and names
// every bad row by file and line.
func TestImportHMISBadRowsNamed(t *testing.T) {
	dir := demoDir(t)
	db := openStore(t, dir)
	before, _ := db.ListParticipants(context.Background(), store.ParticipantFilter{})
	db.Close()
	r := owg(t, nil, "--data", dir, "import", "hmis", "testdata/hmis/bad", "--case-manager", "tomas")
	want(t, r, 1, "nothing imported: 10 error(s)",
		`Client.csv line 2: DOB "1985-13-02" is not a date`,
		"Client.csv line 3: FirstName and LastName are empty",
		"Client.csv line 3: PersonalID 2002 has no enrollment in Enrollment.csv",
		"Client.csv line 4: PersonalID 2001 appears twice",
		`Client.csv line 5: DOBDataQuality "7" is not a valid HUD code`,
		`Enrollment.csv line 2: EntryDate "2025-02-30" is not a date`,
		`Enrollment.csv line 3: PersonalID "9999" is not in Client.csv`,
		`Enrollment.csv line 4: LivingSituation "555" is not a valid HUD code`,
		"Exit.csv line 2: ExitDate 2024-12-31 is before the EntryDate 2025-01-01",
		`Exit.csv line 3: EnrollmentID "E-77" is not in Enrollment.csv`)
	db = openStore(t, dir)
	after, _ := db.ListParticipants(context.Background(), store.ParticipantFilter{})
	if len(after) != len(before) {
		t.Errorf("a bad import created %d participants", len(after)-len(before))
	}
	want(t, owg(t, nil, "--data", dir, "import", "hmis", "testdata/hmis/good"), 2, "--case-manager")
}
