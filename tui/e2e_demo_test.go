package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/export"
	"github.com/leadtable/owg/tui/triage"
)

// screenProbe wraps the root model and keeps a copy of the last screen it
// drew, styles stripped: the renderer writes only what changed, so a
// counter such as "item 12 of 82" is seldom whole in the output stream.
type screenProbe struct {
	tea.Model
	mu     *sync.Mutex
	screen *string
}

func newScreenProbe(m tea.Model) screenProbe {
	return screenProbe{Model: m, mu: &sync.Mutex{}, screen: new(string)}
}

func (p screenProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := p.Model.Update(msg)
	p.Model = m
	return p, cmd
}

func (p screenProbe) View() tea.View {
	v := p.Model.View()
	p.mu.Lock()
	*p.screen = ansi.Strip(v.Content)
	p.mu.Unlock()
	return v
}

func (p screenProbe) Screen() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return *p.screen
}

// e2e is one root-model session under teatest with its screen probe.
type e2e struct {
	t     *testing.T
	tm    *teatest.TestModel
	probe screenProbe
}

// wait waits until the screen shows every one of texts and returns it.
func (e e2e) wait(texts ...string) string {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := e.probe.Screen()
		ok := true
		for _, x := range texts {
			if !strings.Contains(s, x) {
				ok = false
				break
			}
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("waiting for %q; last screen:\n%s", texts, s)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// keys sends keys: "\r" enter, "\x1b" esc, "↓" and "↑" the arrows;
// anything else as typed.
func (e e2e) keys(keys string) {
	for _, r := range keys {
		switch r {
		case '\r':
			e.tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		case '\x1b':
			e.tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
		case '↓':
			e.tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
		case '↑':
			e.tm.Send(tea.KeyPressMsg{Code: tea.KeyUp})
		default:
			e.tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
}

// TestEndToEndMeetingOnDemoSite drives the root model as the pm (dana) on
// the demo site: tab 5, start a meeting, walk every agenda item with the
// next key, on the way accept a referral (a case manager with room), note
// a goal review and add an action item (owner, due date) on a case, end
// the meeting; then checks the store and the exported minutes. It waits
// on the root's rendered screen (screenProbe), never on sleeps.
func TestEndToEndMeetingOnDemoSite(t *testing.T) {
	ctx := context.Background()
	s := demoSite(t)
	opts := testOptions(s, demoPM)
	probe := newScreenProbe(New(opts))
	tm := teatest.NewTestModel(t, probe, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	})
	e := e2e{t: t, tm: tm, probe: probe}

	// start: today's date, the first attendee
	e.wait("capacity")
	e.keys("5")
	e.wait("No meeting is open", "start a meeting")
	e.keys("n")
	e.wait("┃ Meeting date", "2026-03-02")
	e.keys("\r")
	e.wait("┃ Attendees")
	e.keys("x")
	e.wait("[•] ")
	e.keys("\r")
	e.wait("facilitating", "item 1 of ")

	mt := openMeetingOf(t, s)
	n := len(mt.Items)
	e.wait(fmt.Sprintf("Meeting %s", mt.ID), fmt.Sprintf("item 1 of %d", n))

	// what to do on the way: accept the first referral, note the first goal
	// review, add an action item on the first case
	refAt, goalAt, caseAt := firstOf(mt, store.ItemReferral), firstOf(mt, store.ItemGoalReview), firstOf(mt, store.ItemCase)
	if refAt < 0 || goalAt < 0 || caseAt < 0 {
		t.Fatalf("demo agenda lacks a referral (%d), goal review (%d) or case (%d) item", refAt, goalAt, caseAt)
	}
	refItem, goalItem, caseItem := mt.Items[refAt], mt.Items[goalAt], mt.Items[caseAt]
	cm, cmAt, cmLoad := caseManagerWithRoom(t, s)
	owners := actionOwners(t, s, mt)
	const (
		noteText   = "housing voucher approved at the county office"
		actionText = "Ask the clerk to move the hearing past intake"
		due        = "2026-03-09"
	)

	// a case manager in another session notes the goal review clinically:
	// the pm's screen and minutes must never carry it
	p, err := s.GetParticipant(ctx, goalItem.Subject)
	if err != nil {
		t.Fatal(err)
	}
	const clinicalText = "restarted buprenorphine after a relapse"
	if _, err := s.MutateMeeting(ctx, store.Actor{User: p.CaseManager, Role: store.RoleCaseManager}, mt.ID, func(m *store.Meeting) error {
		m.Items[goalAt].Notes = append(m.Items[goalAt].Notes, store.Note{Time: fixedNow, Author: p.CaseManager, Text: clinicalText, Sensitivity: store.Clinical})
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	for i := range n {
		it := mt.Items[i]
		e.wait(fmt.Sprintf("item %d of %d", i+1, n), fmt.Sprintf("%d. %s", i+1, it.Title))
		switch i {
		case refAt:
			e.wait("score", "offer")
			e.keys("d")
			e.wait("┃ Decision on "+it.Subject, "> accept")
			e.keys("\r")
			e.wait("┃ Case manager for " + it.Subject)
			e.keys(strings.Repeat("↓", cmAt))
			e.wait("> " + cmLoad)
			e.keys("\r")
			e.wait("saved: "+it.Subject+" accepted, case manager "+cm+", participant P-", "decision dana: "+it.Subject+" accepted")
		case goalAt:
			e.keys("c")
			e.wait("┃ Note on item " + it.ID)
			e.tm.Type(noteText)
			e.wait(noteText)
			e.keys("\r")
			screen := e.wait("saved: note on item "+it.ID, "note dana: "+noteText)
			if strings.Contains(screen, clinicalText) || strings.Contains(screen, "[clinical]") {
				t.Errorf("the pm's screen shows a clinical note:\n%s", screen)
			}
		case caseAt:
			e.keys("a")
			e.wait("┃ Action item on item " + it.ID)
			e.tm.Type(actionText)
			e.wait(actionText)
			e.keys("\r")
			e.wait("┃ Owner", "> dana")
			if d := slices.Index(owners, cm) - slices.Index(owners, "dana"); d >= 0 {
				e.keys(strings.Repeat("↓", d))
			} else {
				e.keys(strings.Repeat("↑", -d))
			}
			e.wait("> " + cm)
			e.keys("\r")
			e.wait("┃ Due")
			e.tm.Type(due)
			e.wait(due)
			e.keys("\r")
			e.wait("saved: action item for "+cm, "owner "+cm+" due "+due+": "+actionText)
		}
		if i+1 < n {
			e.keys("n")
		}
	}
	e.keys("E")
	e.wait("┃ End meeting " + mt.ID)
	e.keys("y")
	e.wait("meeting " + mt.ID + " ended; read the minutes: enter on the meeting in the lobby")

	// the store
	got, err := s.GetMeeting(ctx, mt.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.MeetingEnded || !got.EndedAt.Equal(fixedNow) {
		t.Errorf("meeting => %s ended at %v, want ended at %v", got.Status, got.EndedAt, fixedNow)
	}
	if len(got.Items) != n {
		t.Fatalf("meeting => %d items, want %d", len(got.Items), n)
	}
	// discussed means something was recorded on it; the rest were passed
	// over: not reached, back at the next meeting
	for i, it := range got.Items {
		want := store.ItemNotReached
		if i == refAt || i == goalAt || i == caseAt {
			want = store.ItemDiscussed
		}
		if it.Status != want {
			t.Errorf("item %s %q => %q, want %s", it.ID, it.Title, it.Status, want)
		}
	}
	r, err := s.GetReferral(ctx, refItem.Subject)
	if err != nil || r.Status != store.RefAccepted || r.MeetingID != mt.ID || r.ParticipantID == "" {
		t.Fatalf("%s => %s in meeting %q as %q (%v), want accepted in %s with a participant", refItem.Subject, r.Status, r.MeetingID, r.ParticipantID, err, mt.ID)
	}
	if np, err := s.GetParticipant(ctx, r.ParticipantID); err != nil || np.CaseManager != cm {
		t.Errorf("%s => case manager %q (%v), want %s", r.ParticipantID, np.CaseManager, err, cm)
	}
	decision := fmt.Sprintf("%s accepted, case manager %s, participant %s", refItem.Subject, cm, r.ParticipantID)
	for _, it := range got.Items {
		var notes []string
		for _, nt := range it.Notes {
			if nt.Author == "dana" {
				notes = append(notes, nt.Text)
			}
		}
		var decisions []string
		for _, d := range it.Decisions {
			decisions = append(decisions, d.Author+": "+d.Text)
		}
		wantNotes, wantDecisions := []string(nil), []string(nil)
		if it.ID == goalItem.ID {
			wantNotes = []string{noteText}
		}
		if it.ID == refItem.ID {
			wantDecisions = []string{"dana: " + decision}
		}
		if !slices.Equal(notes, wantNotes) || !slices.Equal(decisions, wantDecisions) {
			t.Errorf("item %s => notes %q decisions %q, want %q %q", it.ID, notes, decisions, wantNotes, wantDecisions)
		}
	}
	var action store.ActionItem
	if len(got.ActionItems) != 1 {
		t.Fatalf("action items => %+v, want one", got.ActionItems)
	}
	action = got.ActionItems[0]
	if action.ItemID != caseItem.ID || action.Owner != cm || store.FormatDate(action.Due) != due || action.Text != actionText || action.Done {
		t.Errorf("action item => %+v, want on item %s, owner %s, due %s", action, caseItem.ID, cm, due)
	}
	for i, it := range got.Items {
		if it.Kind != store.ItemGoalReview {
			continue
		}
		p, err := s.GetParticipant(ctx, it.Subject)
		if i == goalAt && (err != nil || !p.LastReview.Equal(store.DateOf(fixedNow)) || p.FlaggedBy != "") {
			t.Errorf("%s => last review %v flagged %q (%v), want reviewed %s and unflagged", it.Subject, p.LastReview, p.FlaggedBy, err, store.FormatDate(fixedNow))
		}
		if i != goalAt && err == nil && p.LastReview.Equal(store.DateOf(fixedNow)) {
			t.Errorf("%s => reviewed, but its item was not reached", it.Subject)
		}
	}

	// the minutes, as the pm exports them
	md, err := export.MinutesMarkdown(ctx, s, demoPM, mt.ID, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(md, "> NOTICE OF PROHIBITION ON RE-DISCLOSURE (42 CFR 2.32)") {
		t.Errorf("minutes do not start with the 42 CFR 2.32 notice:\n%.300s", md)
	}
	sections := minutesSections(t, md, got)
	for want, at := range map[string]int{
		"- dana: " + noteText: goalAt,
		"- dana: " + decision: refAt,
		fmt.Sprintf("- %s %s (owner %s, due %s)", action.ID, actionText, cm, due): caseAt,
	} {
		if !strings.Contains(sections[at], want) {
			t.Errorf("minutes, item %d => missing %q in:\n%s", at+1, want, sections[at])
		}
	}
	clinical := []string{clinicalText}
	for _, it := range got.Items {
		pid := it.Subject
		if it.Kind == store.ItemCase {
			lc, err := s.GetCase(ctx, it.Subject)
			if err != nil {
				t.Fatal(err)
			}
			pid = lc.ParticipantID
		}
		if !strings.HasPrefix(pid, "P-") {
			continue
		}
		cs, err := s.ListContacts(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Sensitivity == store.Clinical {
				clinical = append(clinical, c.Note)
			}
		}
	}
	if len(clinical) < 2 {
		t.Errorf("the demo agenda's participants have no clinical contact: the check below proves little")
	}
	for _, c := range clinical {
		if strings.Contains(md, c) {
			t.Errorf("the pm's minutes carry clinical note text %q", c)
		}
	}
	if !strings.Contains(sections[goalAt], store.NotShared) {
		t.Errorf("minutes, item %d => want the hidden clinical note marked %q:\n%s", goalAt+1, store.NotShared, sections[goalAt])
	}
}

// firstOf returns the index of mt's first item of kind, or -1.
func firstOf(mt store.Meeting, kind store.ItemKind) int {
	return slices.IndexFunc(mt.Items, func(it store.AgendaItem) bool { return it.Kind == kind })
}

// caseManagerWithRoom returns the last active case manager in the
// decision form's list with room under their cap (so the form's cursor
// has to move), their place in that list and the option's label
// ("name  active/cap").
func caseManagerWithRoom(t *testing.T, s store.Store) (string, int, string) {
	t.Helper()
	ctx := context.Background()
	users, err := s.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := s.ListParticipants(ctx, store.ParticipantFilter{ActiveOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	loads := triage.CaseManagerLoads(store.DefaultProtocol(), users, parts)
	best := -1
	for i, l := range loads {
		if l.Active < l.Cap {
			best = i
		}
	}
	if best < 1 {
		t.Fatalf("want a case manager with room past the first: %+v", loads)
	}
	l := loads[best]
	return l.Name, best, fmt.Sprintf("%s  %d/%d", l.Name, l.Active, l.Cap)
}

// actionOwners lists the owners the action item form offers, in order.
func actionOwners(t *testing.T, s store.Store, mt store.Meeting) []string {
	t.Helper()
	users, err := s.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	owners := append([]string{mt.Facilitator, demoPM.User}, mt.Attendees...)
	for _, u := range users {
		if u.Active {
			owners = append(owners, u.Name)
		}
	}
	slices.Sort(owners)
	return slices.Compact(owners)
}

// minutesSections splits the minutes at the item headings ("### 1. title"),
// checking that every item of mt discussed is listed in order, and no
// other.
func minutesSections(t *testing.T, md string, mt store.Meeting) []string {
	t.Helper()
	out := make([]string, len(mt.Items))
	rest := md
	for i := len(mt.Items) - 1; i >= 0; i-- {
		head := fmt.Sprintf("\n### %d. %s\n", i+1, mt.Items[i].Title)
		at := strings.LastIndex(rest, head)
		if mt.Items[i].Status != store.ItemDiscussed {
			if at >= 0 {
				t.Errorf("minutes => item %d was not discussed but is listed (%q)", i+1, head)
			}
			continue
		}
		if at < 0 {
			t.Fatalf("minutes => item %d missing (%q)", i+1, head)
		}
		out[i], rest = rest[at:], rest[:at]
	}
	return out
}

// openMeetingOf returns the one open meeting of s.
func openMeetingOf(t *testing.T, s store.Store) store.Meeting {
	t.Helper()
	ms, err := s.ListMeetings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Status == store.MeetingOpen {
			return m
		}
	}
	t.Fatalf("no open meeting in %d meetings", len(ms))
	return store.Meeting{}
}
