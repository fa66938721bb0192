package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadtable/owg/store"
)

// HMISClientRecord is one client of an HMIS export with the enrollment
// owg seeds from (their latest) and its exit, if any.
type HMISClientRecord struct {
	Line          int // Client.csv line
	PersonalID    string
	Name          string
	DOB           time.Time
	RaceEthnicity string
	EntryDate     time.Time
	Housing       string // from the enrollment's LivingSituation
	ExitDate      time.Time
	Destination   int
}

// hmisLivingCodes are the FY2024 living situation codes (3.917); the
// destination codes (3.12) add 17, 24, 30 and 37.
var hmisLivingCodes = []int{101, 116, 118, 204, 205, 206, 207, 215, 225, 302, 312, 313, 314, 327, 329, 332, 335, 336, 410, 411, 421, 435, 8, 9, 99}

var hmisDestinationCodes = append(slices.Clone(hmisLivingCodes), 17, 24, 30, 37)

// HousingOfLivingSituation is the housing status owg records for a HUD
// living situation code ("" when not collected).
func HousingOfLivingSituation(code int) string {
	switch {
	case code == 116:
		return "unsheltered"
	case code == 101 || code == 118:
		return "shelter"
	case code == 302 || code == 329:
		return "transitional housing"
	case code >= 400 && code < 500:
		return "permanent housing"
	case code == 312 || code == 313 || code == 335 || code == 336 || code == 332:
		return "staying with family or friends"
	case code == 314:
		return "hotel or motel"
	case code >= 200 && code < 300:
		return "institution"
	}
	return ""
}

type csvTable struct {
	name string
	col  map[string]int
	rows [][]string // rows[i] is file line i+2
}

func readTable(name string, data []byte, required []string) (csvTable, []error) {
	t := csvTable{name: name, col: map[string]int{}}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return t, []error{fmt.Errorf("%s: no header: %v", name, err)}
	}
	for i, h := range header {
		t.col[strings.TrimSpace(h)] = i
	}
	var errs []error
	for _, c := range required {
		if _, ok := t.col[c]; !ok {
			errs = append(errs, fmt.Errorf("%s: no column %s", name, c))
		}
	}
	if len(errs) > 0 {
		return t, errs
	}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return t, []error{fmt.Errorf("%s line %d: %v", name, line, err)}
		}
		if len(rec) != len(header) {
			errs = append(errs, fmt.Errorf("%s line %d: %d fields, the header has %d", name, line, len(rec), len(header)))
		}
		for len(rec) < len(header) {
			rec = append(rec, "")
		}
		t.rows = append(t.rows, rec)
	}
	return t, errs
}

func (t csvTable) get(row []string, c string) string {
	if i, ok := t.col[c]; ok && i < len(row) {
		return strings.TrimSpace(store.CleanLine(row[i]))
	}
	return ""
}

// ParseHMIS reads Client.csv, Enrollment.csv and (when present) Exit.csv
// of an HMIS CSV FY2024 export (files maps a file name to its content)
// and returns one record per client, or every bad row named by file and
// line: nothing is returned when any row is bad. now bounds dates.
func ParseHMIS(files map[string][]byte, now time.Time) ([]HMISClientRecord, error) {
	var errs []error
	bad := func(file string, line int, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s line %d: %s", file, line, fmt.Sprintf(format, a...)))
	}
	for _, need := range []string{"Client.csv", "Enrollment.csv"} {
		if _, ok := files[need]; !ok {
			errs = append(errs, fmt.Errorf("%s: missing", need))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	date := func(file string, line int, field, s string, required bool) time.Time {
		if s == "" {
			if required {
				bad(file, line, "%s is required", field)
			}
			return time.Time{}
		}
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			bad(file, line, "%s %q is not a date (YYYY-MM-DD)", field, s)
			return time.Time{}
		}
		if d.After(now) {
			bad(file, line, "%s %s is in the future", field, s)
		}
		return d
	}
	code := func(file string, line int, field, s string, valid []int, required bool) int {
		if s == "" {
			if required {
				bad(file, line, "%s is required", field)
			}
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || !slices.Contains(valid, n) {
			bad(file, line, "%s %q is not a valid HUD code", field, s)
			return 0
		}
		return n
	}
	ct, e := readTable("Client.csv", files["Client.csv"], []string{"PersonalID", "FirstName", "LastName", "DOB", "DOBDataQuality", "NameDataQuality"})
	errs = append(errs, e...)
	et, e := readTable("Enrollment.csv", files["Enrollment.csv"], []string{"EnrollmentID", "PersonalID", "ProjectID", "EntryDate", "LivingSituation"})
	errs = append(errs, e...)
	var xt csvTable
	if data, ok := files["Exit.csv"]; ok {
		xt, e = readTable("Exit.csv", data, []string{"ExitID", "EnrollmentID", "PersonalID", "ExitDate", "Destination"})
		errs = append(errs, e...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	clients := map[string]*HMISClientRecord{}
	var order []string
	for i, row := range ct.rows {
		line := i + 2
		id := ct.get(row, "PersonalID")
		if id == "" {
			bad("Client.csv", line, "PersonalID is required")
			continue
		}
		if _, dup := clients[id]; dup {
			bad("Client.csv", line, "PersonalID %s appears twice", id)
			continue
		}
		name := strings.Join(strings.Fields(strings.Join([]string{ct.get(row, "FirstName"), ct.get(row, "MiddleName"), ct.get(row, "LastName")}, " ")), " ")
		if name == "" {
			bad("Client.csv", line, "FirstName and LastName are empty")
		}
		code("Client.csv", line, "NameDataQuality", ct.get(row, "NameDataQuality"), []int{1, 2, 8, 9, 99}, true)
		code("Client.csv", line, "DOBDataQuality", ct.get(row, "DOBDataQuality"), []int{1, 2, 8, 9, 99}, true)
		c := &HMISClientRecord{Line: line, PersonalID: id, Name: name, DOB: date("Client.csv", line, "DOB", ct.get(row, "DOB"), false)}
		var named []store.RaceCategory
		for _, r := range store.RaceCategories {
			switch v := ct.get(row, r.Column); v {
			case "", "0":
			case "1":
				named = append(named, r)
			default:
				bad("Client.csv", line, "%s %q is not 0 or 1", r.Column, v)
			}
		}
		if len(named) == 0 {
			// RaceNone: 8, 9 or 99 is kept as that non-answer
			if v := ct.get(row, "RaceNone"); v != "" {
				for _, r := range store.RaceNoneCategories {
					if v == strconv.Itoa(r.Code) {
						named = append(named, r)
					}
				}
				if len(named) == 0 {
					bad("Client.csv", line, "RaceNone %q is not 8, 9 or 99", v)
				}
			}
		}
		c.RaceEthnicity = store.JoinRaceEthnicity(named)
		clients[id] = c
		order = append(order, id)
	}
	type enr struct {
		line   int
		client string
		entry  time.Time
	}
	enrollments := map[string]enr{}
	hasEnrollment := map[string]bool{}
	for i, row := range et.rows {
		line := i + 2
		id, pid := et.get(row, "EnrollmentID"), et.get(row, "PersonalID")
		if id == "" {
			bad("Enrollment.csv", line, "EnrollmentID is required")
			continue
		}
		if _, dup := enrollments[id]; dup {
			bad("Enrollment.csv", line, "EnrollmentID %s appears twice", id)
			continue
		}
		c, ok := clients[pid]
		if !ok {
			bad("Enrollment.csv", line, "PersonalID %q is not in Client.csv", pid)
			continue
		}
		hasEnrollment[pid] = true
		if et.get(row, "ProjectID") == "" {
			bad("Enrollment.csv", line, "ProjectID is required")
		}
		entry := date("Enrollment.csv", line, "EntryDate", et.get(row, "EntryDate"), true)
		living := code("Enrollment.csv", line, "LivingSituation", et.get(row, "LivingSituation"), hmisLivingCodes, false)
		if rel := et.get(row, "RelationshipToHoH"); rel != "" {
			code("Enrollment.csv", line, "RelationshipToHoH", rel, []int{1, 2, 3, 4, 5, 8, 9, 99}, false)
		}
		enrollments[id] = enr{line: line, client: pid, entry: entry}
		if !entry.IsZero() && entry.After(c.EntryDate) { // the latest enrollment seeds the participant
			c.EntryDate, c.Housing, c.ExitDate, c.Destination = entry, HousingOfLivingSituation(living), time.Time{}, 0
		}
	}
	for i, row := range xt.rows {
		line := i + 2
		en, ok := enrollments[xt.get(row, "EnrollmentID")]
		if !ok {
			bad("Exit.csv", line, "EnrollmentID %q is not in Enrollment.csv", xt.get(row, "EnrollmentID"))
			continue
		}
		if pid := xt.get(row, "PersonalID"); pid != en.client {
			bad("Exit.csv", line, "PersonalID %q is not the enrollment's (%s)", pid, en.client)
		}
		exit := date("Exit.csv", line, "ExitDate", xt.get(row, "ExitDate"), true)
		dest := code("Exit.csv", line, "Destination", xt.get(row, "Destination"), hmisDestinationCodes, true)
		if !exit.IsZero() && exit.Before(en.entry) {
			bad("Exit.csv", line, "ExitDate %s is before the EntryDate %s", hmisDate(exit), hmisDate(en.entry))
		}
		if c := clients[en.client]; c.EntryDate.Equal(en.entry) {
			c.ExitDate, c.Destination = exit, dest
		}
	}
	for _, id := range order {
		if !hasEnrollment[id] {
			bad("Client.csv", clients[id].Line, "PersonalID %s has no enrollment in Enrollment.csv", id)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	out := make([]HMISClientRecord, 0, len(order))
	for _, id := range order {
		out = append(out, *clients[id])
	}
	return out, nil
}

// MatchKey is how an HMIS client matches an owg participant: the name's
// words in lower case, and the date of birth.
func MatchKey(name string, dob time.Time) string {
	return strings.ToLower(strings.Join(strings.Fields(store.CleanLine(name)), " ")) + "|" + hmisDate(dob)
}
