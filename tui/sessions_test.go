package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

func TestPMSessionsScreenAndBackupLine(t *testing.T) {
	s := seed(t)
	since := time.Date(2026, 3, 2, 9, 30, 0, 0, time.Local)
	rows := func() []SessionRow {
		return []SessionRow{{User: "reyes", Role: store.RolePolice, Addr: "10.0.0.7:50122", Since: since, Tab: "Meeting", MeetingID: "M-0002"}}
	}
	o := testOptions(s, actorPM)
	o.Sessions = rows
	o.DisplayName = "Maria Lopez"
	o.LastBackup = func() (time.Time, error) { return since, nil }
	tm := startTUI(t, o, 120, 40)
	run(t, tm, step{"", []string{"Maria Lopez (" + actorPM.User + ")", "Last backup: 2026-03-02 09:30"}},
		step{"W", []string{"Sessions", "1 connected now", "reyes", "10.0.0.7:50122", "09:30", "M-0002"}})
	finalScreen(t, tm)

	// A failed backup is shown as such; other roles see no backup line and
	// no Sessions screen.
	o = testOptions(s, actorPM)
	o.LastBackup = func() (time.Time, error) { return time.Time{}, errors.New("disk full") }
	tm = startTUI(t, o, 120, 40)
	run(t, tm, step{"", []string{"Last backup: none yet", "FAILED"}})
	finalScreen(t, tm)

	o = testOptions(s, actorCM)
	o.Sessions = rows
	o.LastBackup = func() (time.Time, error) { return since, nil }
	tm = startTUI(t, o, 120, 40)
	run(t, tm, step{"W", []string{"Caseload"}})
	if got := finalScreen(t, tm); strings.Contains(got, "Sessions") || strings.Contains(got, "Last backup") {
		t.Errorf("case manager sees the pm's sessions or backups:\n%s", got)
	}
}
