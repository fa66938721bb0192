package store

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// HandoffState is where a field referral's warm handoff stands (issue 18):
// received -> taken -> on scene -> completed or could not locate.
type HandoffState string

// Handoff states. A referral that is not a field referral has none ("").
const (
	HandoffReceived   HandoffState = "received"
	HandoffTaken      HandoffState = "taken"
	HandoffOnScene    HandoffState = "on_scene"
	HandoffCompleted  HandoffState = "completed"
	HandoffNotLocated HandoffState = "not_located"
)

// HandoffStates lists every handoff state, in order.
var HandoffStates = []HandoffState{HandoffReceived, HandoffTaken, HandoffOnScene, HandoffCompleted, HandoffNotLocated}

// HandoffStep is one move of a handoff by the person who took it.
type HandoffStep string

// Handoff steps, as `owg referral handoff ID STEP` spells them.
const (
	StepTake       HandoffStep = "take"
	StepArrived    HandoffStep = "arrived"
	StepDone       HandoffStep = "done"
	StepNotLocated HandoffStep = "not-located"
)

// HandoffSteps lists every handoff step.
var HandoffSteps = []HandoffStep{StepTake, StepArrived, StepDone, StepNotLocated}

// ParseHandoffStep reads a step name (take, arrived, done, not-located).
func ParseHandoffStep(s string) (HandoffStep, error) {
	st := HandoffStep(strings.ToLower(strings.TrimSpace(s)))
	if st == "not_located" {
		st = StepNotLocated
	}
	if slices.Contains(HandoffSteps, st) {
		return st, nil
	}
	return "", fmt.Errorf("%q is not a handoff step (take, arrived, done, not-located)", CleanLine(s))
}

// IsFieldReferral reports whether r is a field referral with an on-call
// warm handoff (arrest diversion or social contact).
func IsFieldReferral(r Referral) bool {
	return r.Kind == KindArrestDiversion || r.Kind == KindSocialContact
}

// HandoffOf is the handoff state of r ("" for a referral with no handoff).
func HandoffOf(r Referral) HandoffState {
	if !IsFieldReferral(r) {
		return ""
	}
	switch {
	case r.HandoffState != "":
		return r.HandoffState
	case r.AckBy != "" || !r.AckAt.IsZero():
		return HandoffTaken
	}
	return HandoffReceived
}

// HandoffLabel is a state in plain words ("on scene", "could not locate").
func HandoffLabel(s HandoffState) string {
	switch s {
	case HandoffOnScene:
		return "on scene"
	case HandoffNotLocated:
		return "could not locate"
	}
	return string(s)
}

// HandoffNext is the state step moves r to, or an error saying why the
// step does not apply now. Take is only from received; arrived only from
// taken; done and not-located from taken or on scene.
func HandoffNext(r Referral, step HandoffStep) (HandoffState, error) {
	cur := HandoffOf(r)
	if cur == "" {
		return "", fmt.Errorf("referral %s is a %s referral: it has no on-call handoff", r.ID, KindLabel(r.Kind))
	}
	bad := func() (HandoffState, error) {
		hint := ""
		switch {
		case cur == HandoffReceived:
			hint = ": take it first"
		case cur == HandoffCompleted || cur == HandoffNotLocated:
			hint = ": it is over"
		}
		return "", fmt.Errorf("referral %s: %s does not apply to a handoff that is %s%s", r.ID, step, HandoffLabel(cur), hint)
	}
	switch step {
	case StepTake:
		if cur != HandoffReceived {
			return bad()
		}
		return HandoffTaken, nil
	case StepArrived:
		if cur != HandoffTaken {
			return bad()
		}
		return HandoffOnScene, nil
	case StepDone, StepNotLocated:
		if cur != HandoffTaken && cur != HandoffOnScene {
			return bad()
		}
		if step == StepDone {
			return HandoffCompleted, nil
		}
		return HandoffNotLocated, nil
	}
	return "", fmt.Errorf("%q is not a handoff step", step)
}

// HandoffAt is when r reached state s (zero when it has not).
func HandoffAt(r Referral, s HandoffState) time.Time {
	switch s {
	case HandoffReceived:
		return r.Received
	case HandoffTaken:
		return r.AckAt
	case HandoffOnScene:
		return r.OnSceneAt
	case HandoffCompleted, HandoffNotLocated:
		if HandoffOf(r) == s {
			return r.HandoffDoneAt
		}
	}
	return time.Time{}
}

// HandoffMinutes is the protocol's handoff_minutes, 30 when unset.
func (p Protocol) HandoffMinutesOr() int {
	if p.HandoffMinutes > 0 {
		return p.HandoffMinutes
	}
	return 30
}

// Escalation says whether an untaken handoff has escalated at some time,
// since when, and to whom.
type Escalation struct {
	Due bool
	At  time.Time // received + handoff_minutes
	To  []string  // the next on the on-call rota, then every active supervisor; sorted, no repeats
}

// Escalates reports whether user is among those an escalation goes to.
func (e Escalation) Escalates(user string) bool {
	return e.Due && slices.Contains(e.To, user)
}

// HandoffEscalation decides, as a pure function of the clock, whether the
// handoff of r escalates at now: a field referral still received (new and
// untaken) more than the protocol's handoff_minutes after it came in goes
// to the next person on the on-call rota (the first rota user, in the
// order the protocol's shifts name them, after those on call when it came
// in, wrapping round) and to every active supervisor.
func HandoffEscalation(p Protocol, r Referral, now time.Time, users []User) Escalation {
	if HandoffOf(r) != HandoffReceived || r.Status != RefNew {
		return Escalation{}
	}
	at := r.Received.Add(time.Duration(p.HandoffMinutesOr()) * time.Minute)
	if now.Before(at) {
		return Escalation{At: at}
	}
	e := Escalation{Due: true, At: at}
	set := map[string]bool{}
	active := map[string]bool{}
	for _, u := range users {
		if u.Active {
			active[u.Name] = true
			if u.Role == RoleSupervisor {
				set[u.Name] = true
			}
		}
	}
	var rota []string
	for _, s := range p.OnCall {
		for _, name := range s.Users {
			name = strings.TrimSpace(name)
			if name != "" && !slices.Contains(rota, name) {
				rota = append(rota, name)
			}
		}
	}
	first := p.OnCallUsers(r.Received.In(now.Location()), users)
	last := -1
	for i, name := range rota {
		if slices.Contains(first, name) {
			last = i
		}
	}
	for k := 1; k <= len(rota); k++ {
		name := rota[(last+k+len(rota))%len(rota)]
		if active[name] && !slices.Contains(first, name) {
			set[name] = true
			break
		}
	}
	for name := range set {
		e.To = append(e.To, name)
	}
	slices.Sort(e.To)
	return e
}

// Took says how long a handoff step took, in whole minutes up to two
// hours, then hours and minutes ("0 min", "14 min", "2 h 5 min").
func Took(d time.Duration) string {
	m := int(max(d, 0) / time.Minute)
	if m < 120 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}
