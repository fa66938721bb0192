package store

import (
	"slices"
	"testing"
	"time"
)

func TestHandoffNext(t *testing.T) {
	base := Referral{ID: "R-0001", Kind: KindSocialContact, Status: RefNew}
	taken := base
	taken.AckBy = "casey"
	onScene := taken
	onScene.HandoffState = HandoffOnScene
	done := taken
	done.HandoffState = HandoffCompleted
	community := Referral{ID: "R-0002", Kind: KindCommunity}
	tests := []struct {
		name string
		r    Referral
		step HandoffStep
		want HandoffState // "" = refused
	}{
		{"take received", base, StepTake, HandoffTaken},
		{"arrive before taken", base, StepArrived, ""},
		{"done before taken", base, StepDone, ""},
		{"take twice", taken, StepTake, ""},
		{"arrive", taken, StepArrived, HandoffOnScene},
		{"done from taken", taken, StepDone, HandoffCompleted},
		{"not located from taken", taken, StepNotLocated, HandoffNotLocated},
		{"done on scene", onScene, StepDone, HandoffCompleted},
		{"not located on scene", onScene, StepNotLocated, HandoffNotLocated},
		{"arrive twice", onScene, StepArrived, ""},
		{"after completed", done, StepNotLocated, ""},
		{"community referral", community, StepTake, ""},
	}
	for _, tt := range tests {
		got, err := HandoffNext(tt.r, tt.step)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("%s: HandoffNext(%s) => %q, %v; want %q", tt.name, tt.step, got, err, tt.want)
		}
	}
	if got := HandoffOf(base); got != HandoffReceived {
		t.Errorf("HandoffOf(new field referral) => %q, want received", got)
	}
	if got := HandoffOf(community); got != "" {
		t.Errorf("HandoffOf(community) => %q, want none", got)
	}
	for _, s := range []string{"take", "arrived", "done", "not-located", "NOT_LOCATED"} {
		if _, err := ParseHandoffStep(s); err != nil {
			t.Errorf("ParseHandoffStep(%q) => %v, want nil", s, err)
		}
	}
	if _, err := ParseHandoffStep("finished"); err == nil {
		t.Errorf("ParseHandoffStep(finished) => nil, want an error")
	}
}

func TestHandoffEscalation(t *testing.T) {
	received := time.Date(2026, 3, 4, 14, 0, 0, 0, time.UTC) // a Wednesday
	users := []User{
		{Name: "ana", Role: RoleCaseManager, Active: true},
		{Name: "ben", Role: RoleCaseManager, Active: true},
		{Name: "cy", Role: RoleCaseManager, Active: false},
		{Name: "dee", Role: RoleCaseManager, Active: true},
		{Name: "sam", Role: RoleSupervisor, Active: true},
		{Name: "old", Role: RoleSupervisor, Active: false},
	}
	p := Protocol{HandoffMinutes: 30, OnCall: []OnCallShift{
		{From: 0, To: 12, Users: []string{"dee"}},
		{From: 12, To: 24, Users: []string{"ana"}},
		{From: 12, To: 24, Users: []string{"cy", "ben"}},
	}}
	r := Referral{ID: "R-0001", Kind: KindArrestDiversion, Status: RefNew, Received: received}
	taken := r
	taken.AckBy, taken.AckAt = "ana", received.Add(40*time.Minute)
	decided := r
	decided.Status = RefAccepted
	tests := []struct {
		name string
		p    Protocol
		r    Referral
		now  time.Time
		due  bool
		to   []string
	}{
		{"within the limit", p, r, received.Add(29 * time.Minute), false, nil},
		{"at the limit", p, r, received.Add(30 * time.Minute), true, []string{"dee", "sam"}},
		{"long after", p, r, received.Add(5 * time.Hour), true, []string{"dee", "sam"}},
		{"taken", p, taken, received.Add(5 * time.Hour), false, nil},
		{"decided", p, decided, received.Add(5 * time.Hour), false, nil},
		{"default 30 minutes", Protocol{OnCall: p.OnCall}, r, received.Add(31 * time.Minute), true, []string{"dee", "sam"}},
		{"longer limit", Protocol{HandoffMinutes: 60, OnCall: p.OnCall}, r, received.Add(31 * time.Minute), false, nil},
		{"no rota: supervisors", Protocol{HandoffMinutes: 30}, r, received.Add(31 * time.Minute), true, []string{"sam"}},
	}
	for _, tt := range tests {
		e := HandoffEscalation(tt.p, tt.r, tt.now, users)
		if e.Due != tt.due || !slices.Equal(e.To, tt.to) {
			t.Errorf("%s: HandoffEscalation(at +%v) => due %v to %v, want due %v to %v", tt.name, tt.now.Sub(received), e.Due, e.To, tt.due, tt.to)
		}
	}
	// the rota wraps round: dee's shift (morning) escalates to ana
	morning := r
	morning.Received = time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	if e := HandoffEscalation(p, morning, morning.Received.Add(time.Hour), users); !slices.Equal(e.To, []string{"ana", "sam"}) {
		t.Errorf("HandoffEscalation(morning) => %v, want [ana sam]", e.To)
	}
	if !HandoffEscalation(p, r, received.Add(time.Hour), users).Escalates("dee") {
		t.Errorf("Escalates(dee) => false, want true")
	}
}
