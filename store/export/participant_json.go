package export

import (
	"context"
	"encoding/json"
	"time"

	"github.com/leadtable/owg/store"
)

// ParticipantSummary is the case-conference summary of one participant as
// one viewer may see it: the same store.ParticipantView the Markdown
// summary and the participant screen are built from, as JSON. Fields the
// viewer may not see are absent (name, identity details) or empty lists;
// goals the viewer may not see are only counted in HiddenGoals.
type ParticipantSummary struct {
	ID string `json:"id"`
	// Access is the viewer's access to identity: shown, de_identified or redacted.
	Access      store.Access `json:"access"`
	Name        string       `json:"name,omitempty"`
	Aliases     []string     `json:"aliases,omitempty"`
	Pronouns    string       `json:"pronouns,omitempty"`
	Age         int          `json:"age,omitempty"`
	Status      string       `json:"status,omitempty"`
	ExitReason  string       `json:"exit_reason,omitempty"`
	EnrolledOn  string       `json:"enrolled_on,omitempty"`
	CaseManager string       `json:"case_manager,omitempty"`
	Housing     string       `json:"housing,omitempty"`
	Flags       []string     `json:"flags,omitempty"`
	LastContact string       `json:"last_contact,omitempty"`
	LastReview  string       `json:"last_review,omitempty"`
	Goals       []GoalJSON   `json:"goals"`
	// HiddenGoals counts the goals held by case management: their domain
	// and wording are not shared with the viewer.
	HiddenGoals int           `json:"hidden_goals,omitempty"`
	HiddenNote  string        `json:"hidden_goals_note,omitempty"`
	Contacts    []ContactJSON `json:"contacts"`
	// CaseAccess is the viewer's access to legal cases: shown,
	// status_only (police) or redacted.
	CaseAccess  store.Access `json:"case_access"`
	Cases       []CaseJSON   `json:"cases"`
	ROIs        []ROIJSON    `json:"rois"`
	PreparedFor string       `json:"prepared_for"`
	PreparedOn  string       `json:"prepared_on"`
	Notice      string       `json:"notice"` // the 42 CFR 2.32 re-disclosure notice
}

// GoalJSON is one goal the viewer may see, with the progress entries they
// may see.
type GoalJSON struct {
	ID       string         `json:"id"`
	Domain   string         `json:"domain"`
	Status   string         `json:"status"`
	Words    string         `json:"words"`
	Trend    string         `json:"trend"`
	Progress []ProgressJSON `json:"progress"`
}

// ProgressJSON is one progress entry.
type ProgressJSON struct {
	Date        string `json:"date"`
	Step        string `json:"step"`
	Note        string `json:"note"`
	Author      string `json:"author"`
	Sensitivity string `json:"sensitivity"`
}

// ContactJSON is one contact the viewer may see.
type ContactJSON struct {
	ID          string `json:"id"`
	Date        string `json:"date"`
	Kind        string `json:"kind"`
	Sensitivity string `json:"sensitivity"`
	Note        string `json:"note"`
	Author      string `json:"author"`
}

// CaseJSON is one legal case; police (status only) get the id, kind,
// status and next court date.
type CaseJSON struct {
	ID              string         `json:"id"`
	Kind            string         `json:"kind"`
	Status          string         `json:"status"`
	NextCourtDate   string         `json:"next_court_date,omitempty"`
	CaseNumber      string         `json:"case_number,omitempty"`
	Court           string         `json:"court,omitempty"`
	Charges         string         `json:"charges,omitempty"`
	Position        string         `json:"position,omitempty"`
	PositionNote    string         `json:"position_note,omitempty"`
	IntakeDeadline  string         `json:"intake_deadline,omitempty"`
	IntakeCompleted string         `json:"intake_completed,omitempty"`
	Notes           []CaseNoteJSON `json:"notes,omitempty"`
}

// CaseNoteJSON is a note on a legal case the viewer may see.
type CaseNoteJSON struct {
	Date   string `json:"date"`
	Author string `json:"author"`
	Role   string `json:"role"`
	Text   string `json:"text"`
}

// ROIJSON is one release of information the viewer may see.
type ROIJSON struct {
	ID         string   `json:"id"`
	Roles      []string `json:"roles"`
	Agencies   []string `json:"agencies"`
	Classes    []string `json:"classes"`
	Purpose    string   `json:"purpose"`
	Signed     string   `json:"signed"`
	Expires    string   `json:"expires"`
	Revoked    string   `json:"revoked,omitempty"`
	RecordedBy string   `json:"recorded_by"`
	InForce    bool     `json:"in_force"`
	Summary    string   `json:"summary"`
}

// ParticipantJSON returns the summary of participant id as viewer may see
// it, as one indented JSON object (ParticipantSummary) ending in a
// newline. Like ParticipantMarkdown it is built from store.ViewParticipant
// (which audits the read) and audited as an export.
func ParticipantJSON(ctx context.Context, s store.Store, viewer store.Actor, id string, now time.Time, sensitive []store.GoalDomain) ([]byte, error) {
	v, err := store.ViewParticipant(ctx, s, viewer, id, now, sensitive)
	if err != nil {
		return nil, err
	}
	sum := Summarize(v, viewer, now)
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return nil, err
	}
	detail := "participant-json"
	if v.Access != store.Shown {
		detail += ":" + string(v.Access)
	}
	if err := Audit(ctx, s, viewer, store.AuditExport, id, detail); err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Summarize turns a participant view into its JSON summary. It is pure:
// everything in it comes from v, which is already filtered for viewer.
func Summarize(v store.ParticipantView, viewer store.Actor, now time.Time) ParticipantSummary {
	out := ParticipantSummary{
		ID: v.ID, Access: v.Access, CaseAccess: v.CaseAccess,
		Goals: []GoalJSON{}, Contacts: []ContactJSON{}, Cases: []CaseJSON{}, ROIs: []ROIJSON{},
		PreparedFor: store.CleanLine(viewer.User), PreparedOn: store.FormatDate(store.Today(now)),
		Notice: RedisclosureNotice,
	}
	switch v.Access {
	case store.Shown:
	case store.DeIdentified:
		out.Status = string(v.Participant.Status)
		return out
	default:
		return out
	}
	p := v.Participant
	out.Name = store.CleanLine(p.Name)
	for _, a := range p.Aliases {
		out.Aliases = append(out.Aliases, store.CleanLine(a))
	}
	out.Pronouns = store.CleanLine(p.Pronouns)
	if !p.DOB.IsZero() {
		out.Age = store.AgeOn(p.DOB, now)
	}
	out.Status = string(p.Status)
	out.ExitReason = store.CleanLine(p.ExitReason)
	out.EnrolledOn = store.FormatDate(p.EnrolledOn)
	out.CaseManager = store.CleanLine(p.CaseManager)
	out.Housing = store.CleanLine(p.Housing)
	for _, f := range p.Flags {
		out.Flags = append(out.Flags, store.CleanLine(f))
	}
	out.LastContact = store.FormatDate(p.LastContact)
	out.LastReview = store.FormatDate(p.LastReview)
	for _, g := range v.Goals {
		gj := GoalJSON{ID: g.ID, Domain: string(g.Domain), Status: string(g.Status), Words: store.Clean(g.Words, true),
			Trend: trend(g.Progress), Progress: []ProgressJSON{}}
		for _, e := range g.Progress {
			gj.Progress = append(gj.Progress, ProgressJSON{Date: store.FormatDate(e.Date), Step: string(e.Step),
				Note: store.Clean(e.Note, true), Author: store.CleanLine(e.Author), Sensitivity: string(e.Sensitivity)})
		}
		out.Goals = append(out.Goals, gj)
	}
	if v.HiddenGoals > 0 {
		out.HiddenGoals = v.HiddenGoals
		out.HiddenNote = store.HeldByCaseManagement(v.HiddenGoals)
	}
	for _, c := range v.Contacts {
		out.Contacts = append(out.Contacts, ContactJSON{ID: c.ID, Date: store.FormatDate(c.Date), Kind: string(c.Kind),
			Sensitivity: string(c.Sensitivity), Note: store.Clean(c.Note, true), Author: store.CleanLine(c.Author)})
	}
	for _, c := range v.Cases {
		cj := CaseJSON{ID: c.ID, Kind: string(c.Kind), Status: string(c.Status), NextCourtDate: store.FormatDate(c.NextCourtDate)}
		if v.CaseAccess == store.Shown {
			cj.CaseNumber, cj.Court, cj.Charges = store.CleanLine(c.CaseNumber), store.CleanLine(c.Court), store.CleanLine(c.Charges)
			cj.Position, cj.PositionNote = string(c.Position), store.Clean(c.PositionNote, true)
			cj.IntakeDeadline, cj.IntakeCompleted = store.FormatDate(c.IntakeDeadline), store.FormatDate(c.IntakeCompleted)
			for _, n := range c.DefenderNotes {
				if store.CanSeeCaseNote(viewer.Role, v.CaseAccess, n) {
					cj.Notes = append(cj.Notes, CaseNoteJSON{Date: store.FormatDate(n.Time), Author: store.CleanLine(n.Author),
						Role: string(n.Role), Text: store.Clean(n.Text, true)})
				}
			}
		}
		out.Cases = append(out.Cases, cj)
	}
	for _, r := range v.ROIs {
		r = store.MigrateROI(r)
		rj := ROIJSON{ID: r.ID, Roles: []string{}, Agencies: []string{}, Classes: []string{}, Purpose: store.CleanLine(r.Purpose),
			Signed: store.FormatDate(r.Signed), Expires: store.FormatDate(r.Expires), Revoked: store.FormatDate(r.Revoked),
			RecordedBy: store.CleanLine(r.RecordedBy), InForce: r.Valid(now), Summary: r.Describe()}
		for _, role := range r.Roles {
			rj.Roles = append(rj.Roles, string(role))
		}
		for _, a := range r.Agencies {
			rj.Agencies = append(rj.Agencies, store.CleanLine(a))
		}
		for _, c := range r.Classes {
			rj.Classes = append(rj.Classes, string(c))
		}
		out.ROIs = append(out.ROIs, rj)
	}
	return out
}
