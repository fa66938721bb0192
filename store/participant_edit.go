package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrUnchanged is an edit that changes nothing: the record already says so.
var ErrUnchanged = errors.New("nothing to change")

// ParticipantEdit is a change to a participant's record as the
// participant screen's record form and `owg participant set` make it: the
// status (with the exit reason when exiting), the housing and the case
// manager. A zero field keeps what the record holds; Housing is a pointer
// so that it can be cleared ("" = not recorded).
type ParticipantEdit struct {
	Status      ParticipantStatus
	ExitReason  string
	Housing     *string
	CaseManager string
}

// CaseManagerLoad is one case manager's active caseload against their cap.
type CaseManagerLoad struct {
	Name   string
	Active int // active participants on the caseload
	Cap    int // the soft cap: the user's, else the protocol's (CaseloadLimit)
}

// CaseManagerLoads lists the active case managers with their active
// caseloads and caps, by name.
func CaseManagerLoads(p Protocol, users []User, participants []Participant) []CaseManagerLoad {
	load := map[string]int{}
	for _, pt := range participants {
		if pt.Status.Active() {
			load[pt.CaseManager]++
		}
	}
	var out []CaseManagerLoad
	for _, u := range users {
		if u.Role != RoleCaseManager || !u.Active {
			continue
		}
		out = append(out, CaseManagerLoad{Name: u.Name, Active: load[u.Name], Cap: CaseloadLimit(p, u)})
	}
	slices.SortFunc(out, func(a, b CaseManagerLoad) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Apply returns p with the edit made, or a *ValidationError naming each
// bad field: a status that is not one of ParticipantStatuses; exiting with
// no reason (the record's own reason stands when it is already exited); an
// exit reason on a status other than exited; a case manager who is not an
// active case manager of cms, or one at the protocol's hard cap
// (hardCap > 0). An edit that changes nothing is ErrUnchanged. Leaving exited clears the
// exit reason (the exit stays in the history). The store checks who may
// write it (MayWrite: moving a participant to another caseload is a
// supervisor's) and the version.
func (e ParticipantEdit) Apply(p Participant, cms []CaseManagerLoad, hardCap int) (Participant, error) {
	v := validator{entity: "participant " + p.ID}
	q := p
	if e.Status != "" {
		if !oneOf(e.Status, ParticipantStatuses) {
			v.add("status", "%q is not one of %s", e.Status, names(ParticipantStatuses))
		}
		q.Status = e.Status
	}
	reason := CleanLine(e.ExitReason)
	switch {
	case q.Status == StatusExited && reason != "":
		q.ExitReason = reason
	case q.Status == StatusExited:
		// already exited: the recorded reason stands; exiting now needs one
		if p.Status != StatusExited || strings.TrimSpace(p.ExitReason) == "" {
			v.add("exit_reason", "is required when exiting (why the participant left)")
		}
	case reason != "":
		v.add("exit_reason", "is given only when the status is exited")
	default:
		q.ExitReason = ""
	}
	if e.Housing != nil {
		q.Housing = CleanLine(*e.Housing)
	}
	if cm := CleanLine(e.CaseManager); cm != "" && cm != p.CaseManager {
		i := slices.IndexFunc(cms, func(l CaseManagerLoad) bool { return l.Name == cm })
		switch {
		case i < 0:
			v.add("case_manager", "%q is not an active case manager", cm)
		case hardCap > 0 && cms[i].Active >= hardCap && q.Status.Active():
			v.add("case_manager", "%s is at the hard cap (%d): choose another case manager", cm, hardCap)
		}
		q.CaseManager = cm
	}
	if err := v.err(); err != nil {
		return p, err
	}
	if q.Status == p.Status && q.ExitReason == p.ExitReason && q.Housing == p.Housing && q.CaseManager == p.CaseManager {
		return p, fmt.Errorf("participant %s: %w", p.ID, ErrUnchanged)
	}
	return q, nil
}

// SetGoalStatus returns g with status s (active again, achieved or set
// aside), a *ValidationError for a status that is not one of GoalStatuses,
// or ErrUnchanged for the one the goal already has.
func SetGoalStatus(g Goal, s GoalStatus) (Goal, error) {
	v := validator{entity: "goal " + g.ID}
	switch {
	case !oneOf(s, GoalStatuses):
		v.add("status", "%q is not one of %s", s, names(GoalStatuses))
	case s == g.Status:
		return g, fmt.Errorf("goal %s is already %s: %w", g.ID, strings.ReplaceAll(string(s), "_", " "), ErrUnchanged)
	}
	if err := v.err(); err != nil {
		return g, err
	}
	g.Status = s
	return g, nil
}

// MayEdit is the write rule (MayWrite) for edit on p by actor, checked
// before the edit is applied so that a refused writer learns nothing of
// the record from a validation error: a case manager edits their own
// caseload and keeps it there; moving a participant to another caseload is
// for a supervisor (who holds both ends). The store checks the same again
// inside the write.
func (e ParticipantEdit) MayEdit(actor Actor, p Participant) error {
	own := p.CaseManager != "" && p.CaseManager == actor.User
	if cm := CleanLine(e.CaseManager); cm != "" && cm != p.CaseManager {
		own = own && cm == actor.User
	}
	err := MayWrite(actor, WriteParticipant, Relation{OwnCaseload: own})
	if fe, ok := AsForbidden(err); ok {
		fe.Subject = p.ID
	}
	return err
}

// MayMoveCaseload reports whether actor may give a participant another
// case manager (the record form offers the field only then).
func MayMoveCaseload(actor Actor) bool {
	return MayWrite(actor, WriteParticipant, Relation{}) == nil
}
