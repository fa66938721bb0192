package tui

import (
	"testing"

	"github.com/leadtable/owg/store"
)

// TestContactOverdue: a participant never contacted since enrolment is
// overdue from the day they enrol (a new enrollee waits for a first
// contact); one contacted is overdue past the protocol's days.
func TestContactOverdue(t *testing.T) {
	proto := store.DefaultProtocol()
	today := day(0)
	over := proto.OverdueContactDays
	for _, tt := range []struct {
		name                  string
		enrolled, lastContact int // day offsets; lastContact 1 = never
		want                  contactOverdue
		short, long           string
	}{
		{"enrolled today, never contacted", 0, 1, contactOverdue{days: 0, never: true, overdue: true}, "no contact yet 0d", "never contacted, enrolled 0d ago"},
		{"enrolled 3d ago, never contacted", -3, 1, contactOverdue{days: 3, never: true, overdue: true}, "no contact yet 3d", "never contacted, enrolled 3d ago"},
		{"never contacted past the days", -(over + 10), 1, contactOverdue{days: over + 10, never: true, overdue: true}, "", ""},
		{"contacted today", -100, 0, contactOverdue{days: 0}, "", ""},
		{"contacted on the last day allowed", -100, -over, contactOverdue{days: over}, "", ""},
		{"contacted a day past", -100, -over - 1, contactOverdue{days: over + 1, overdue: true}, "no contact 15d", "no contact for 15d"},
	} {
		p := store.Participant{ID: "P-0001", EnrolledOn: day(tt.enrolled)}
		if tt.lastContact <= 0 {
			p.LastContact = day(tt.lastContact)
		}
		got := contactOverdueOf(p, proto, today)
		if got != tt.want {
			t.Errorf("%s: %+v => want %+v", tt.name, got, tt.want)
		}
		if tt.short != "" && (got.short() != tt.short || got.long() != tt.long) {
			t.Errorf("%s: labels %q, %q => want %q, %q", tt.name, got.short(), got.long(), tt.short, tt.long)
		}
	}
}

// TestNeverContactedSortsFirstAmongOverdue: in the caseload order a new
// enrollee never contacted comes before every overdue contact (the
// longest waiting first), after a court date in the window, and never
// last with no reason.
func TestNeverContactedSortsFirstAmongOverdue(t *testing.T) {
	proto := store.DefaultProtocol()
	today := day(0)
	mk := func(id string, enrolled int, contact *int, court *int) pinfo {
		p := store.Participant{ID: id, Status: store.StatusNotYetEngaged, EnrolledOn: day(enrolled)}
		if contact != nil {
			p.LastContact = day(*contact)
		}
		pi := pinfo{P: p, Access: store.Shown}
		if court != nil {
			pi.Cases = []store.LegalCase{{ID: "L-" + id[2:], Status: store.CaseOpen, NextCourtDate: day(*court)}}
		}
		pi.Urg = urgencyOf(pi, proto, today)
		return pi
	}
	n := func(i int) *int { return &i }
	ps := []pinfo{
		mk("P-0001", -400, n(-1), nil),   // contacted yesterday: no reason
		mk("P-0002", -400, n(-60), nil),  // overdue 60d
		mk("P-0003", -2, nil, nil),       // new enrollee, never contacted
		mk("P-0004", -400, n(-1), n(3)),  // court in 3d
		mk("P-0005", -9, nil, nil),       // never contacted, 9 days
		mk("P-0006", -400, n(-200), nil), // overdue 200d
	}
	sortByUrgency(ps)
	var got []string
	for _, p := range ps {
		got = append(got, p.P.ID+" "+p.Urg.why)
	}
	want := []string{"P-0004 court in 3d", "P-0005 no contact yet 9d", "P-0003 no contact yet 2d",
		"P-0006 no contact 200d", "P-0002 no contact 60d", "P-0001 "}
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Fatalf("caseload order:\n%q\nwant\n%q", got, want)
		}
	}
}
