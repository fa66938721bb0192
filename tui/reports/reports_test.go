package reports_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/themes"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/reports"
)

var now = time.Date(2025, 3, 16, 12, 0, 0, 0, time.UTC)

func day(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}

// fakeStore serves a fixed small site to report.Load and records audit events.
type fakeStore struct {
	store.Store
	mu     sync.Mutex
	events []store.AuditEvent
}

func (f *fakeStore) ListParticipants(context.Context, store.ParticipantFilter) ([]store.Participant, error) {
	var ps []store.Participant
	for i, st := range []store.ParticipantStatus{store.StatusEngaging, store.StatusEngaging, store.StatusNotYetEngaged, store.StatusUnableToLocate, store.StatusEngaging, store.StatusExited} {
		ps = append(ps, store.Participant{ID: "P-000" + string(rune('1'+i)), Name: "Name" + string(rune('A'+i)), Status: st,
			CaseManager: []string{"alice", "bob"}[i%2], EnrolledOn: day("2025-01-10").AddDate(0, 0, i*9), RaceEthnicity: []string{"Black", "White", ""}[i%3],
			LastContact: day("2025-03-10").AddDate(0, 0, -i*5), ReferralID: "R-000" + string(rune('1'+i)), FirstContact: day("2025-01-08").AddDate(0, 0, i*9)})
	}
	return ps, nil
}

func (f *fakeStore) ListGoals(_ context.Context, pid string) ([]store.Goal, error) {
	return []store.Goal{{ID: "G-" + pid, ParticipantID: pid, Domain: store.DomainHousing, Status: store.GoalActive, Created: day("2025-02-01"),
		Progress: []store.ProgressEntry{{Date: day("2025-02-10"), Step: store.StepForward}, {Date: day("2025-03-01"), Step: store.StepNoChange}}}}, nil
}

func (f *fakeStore) ListContacts(_ context.Context, pid string) ([]store.Contact, error) {
	return []store.Contact{{ID: "C-" + pid, ParticipantID: pid, Date: day("2025-03-05")}}, nil
}

func (f *fakeStore) ListReferrals(context.Context, store.ReferralFilter) ([]store.Referral, error) {
	var rs []store.Referral
	kinds := []store.ReferralKind{store.KindArrestDiversion, store.KindSocialContact, store.KindCommunity}
	statuses := []store.ReferralStatus{store.RefAccepted, store.RefWaitlisted, store.RefNew, store.RefDeclined, store.RefScreenedOut}
	for i := range 14 {
		rec := time.Date(2025, 1, 6, 8+i%12, 0, 0, 0, time.UTC).AddDate(0, 0, i*5)
		r := store.Referral{ID: "R-" + string(rune('A'+i)), Received: rec, Kind: kinds[i%3], Status: statuses[i%5],
			RaceEthnicity: []string{"Black", "White", ""}[i%3], AckAt: rec.Add(time.Duration(5+i*3) * time.Minute)}
		if r.Status == store.RefScreenedOut {
			r.Reason = "excluded_offense"
		}
		if i%4 == 0 {
			r.Indicators.Contacts12m = 2
		}
		rs = append(rs, r)
	}
	return rs, nil
}

func (f *fakeStore) AllCases(context.Context) ([]store.LegalCase, error) {
	return []store.LegalCase{{ID: "L-1", ParticipantID: "P-0001", Kind: store.CasePreExisting, Status: store.CaseOpen,
		Hearings: []store.Hearing{{Date: day("2025-02-03"), Outcome: "kept"}, {Date: day("2025-03-03"), Outcome: "missed"}}}}, nil
}

func (f *fakeStore) ListUsers(context.Context) ([]store.User, error) {
	return []store.User{{Name: "alice", Role: store.RoleCaseManager, Active: true}, {Name: "bob", Role: store.RoleCaseManager, Active: true, Cap: 4}}, nil
}

func (f *fakeStore) ListMeetings(context.Context) ([]store.Meeting, error) { return nil, nil }

// ListHistory gives the site's participants their enrolment and housing.
func (f *fakeStore) ListHistory(ctx context.Context, _ store.HistoryFilter) ([]store.HistoryEvent, error) {
	ps, _ := f.ListParticipants(ctx, store.ParticipantFilter{})
	var out []store.HistoryEvent
	for _, p := range ps {
		out = append(out, store.ParticipantChanges(nil, p, p.EnrolledOn)...)
	}
	return out, nil
}

func (f *fakeStore) Record(_ context.Context, e store.AuditEvent) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, e)
	return nil
}

// harness runs the component as a program; each view is kept for the test.
type harness struct {
	c    common.Component
	last *lastView
}

type lastView struct {
	mu sync.Mutex
	s  string
}

// Init shows the tab, as the root does when the user opens it: Reports
// reads its input only then.
func (h harness) Init() tea.Cmd {
	return tea.Batch(h.c.Init(), func() tea.Msg { return common.ShownMsg{} })
}

func (h harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		h.c.SetSize(ws.Width, ws.Height)
		return h, nil
	}
	c, cmd := h.c.Update(msg)
	h.c = c
	return h, cmd
}

func (h harness) View() tea.View {
	s := h.c.View()
	h.last.mu.Lock()
	h.last.s = s
	h.last.mu.Unlock()
	return tea.NewView(s)
}

func (l *lastView) wait(t *testing.T, want string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		s := l.s
		l.mu.Unlock()
		if strings.Contains(ansi.Strip(s), want) {
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	t.Fatalf("screen never showed %q; last:\n%s", want, ansi.Strip(l.s))
	return ""
}

func start(t *testing.T, theme themes.Theme, actor store.Actor, profile colorprofile.Profile) (*teatest.TestModel, *lastView, *fakeStore) {
	t.Helper()
	fs := &fakeStore{}
	ctx := &common.Ctx{Store: fs, Actor: actor, Theme: theme, IsDark: true, Now: func() time.Time { return now },
		Protocol: store.Protocol{Site: "Testville", CaseloadCap: 5, HardCap: 6}}
	ctx.Styles = common.NewStyles(theme, true)
	lv := &lastView{}
	tm := teatest.NewTestModel(t, harness{c: reports.New(ctx), last: lv}, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(profile)))
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	})
	return tm, lv, fs
}

var pm = store.Actor{User: "pat", Role: store.RolePM}

func TestGoldenColour(t *testing.T) {
	tm, lv, fs := start(t, themes.Default, pm, colorprofile.ANSI256)
	screen := lv.wait(t, "REFERRALS PER WEEK")
	golden.RequireEqual(t, screen)
	if !strings.Contains(screen, "█") || !strings.Contains(screen, "\x1b[") {
		t.Error("colour screen has no coloured block charts")
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("38;5;")) },
		teatest.WithDuration(5*time.Second))
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.events) != 1 || fs.events[0].Subject != "report" || fs.events[0].Action != store.AuditView {
		t.Errorf("audit: got %+v => want one view of report", fs.events)
	}
}

func TestGoldenMono(t *testing.T) {
	tm, lv, _ := start(t, themes.ASCII, pm, colorprofile.ASCII)
	screen := lv.wait(t, "REFERRALS PER WEEK")
	golden.RequireEqual(t, screen)
	for _, r := range ansi.Strip(screen) {
		if r > 0x7e || (r < 0x20 && r != '\n') {
			t.Fatalf("ASCII theme screen has %q:\n%s", r, screen)
		}
	}
	var out []byte
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		out = b
		return bytes.Contains(b, []byte("REFERRALS PER WEEK"))
	}, teatest.WithDuration(5*time.Second))
	if bytes.Contains(out, []byte("38;5;")) || bytes.Contains(out, []byte("38;2;")) {
		t.Error("program output under the ASCII profile has colour")
	}
}

func TestPeriodKeysAndScroll(t *testing.T) {
	tm, lv, _ := start(t, themes.Monochrome, store.Actor{User: "eve", Role: store.RoleEvaluator}, colorprofile.ASCII)
	lv.wait(t, "last 90 days (2024-12-17 to 2025-03-16)")
	lv.wait(t, "<5")
	tm.Send(tea.KeyPressMsg{Code: 'm', Text: "m"})
	lv.wait(t, "last 30 days (2025-02-15 to 2025-03-16)")
	tm.Send(tea.KeyPressMsg{Code: 'y', Text: "y"})
	lv.wait(t, "last 365 days")
	tm.Send(tea.KeyPressMsg{Code: 'p', Text: "p"})
	lv.wait(t, "last 30 days")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyPgDown})
	lv.wait(t, "WAITLIST")
}

// TestMeasuresKey: e shows the LEAD measures with their trend charts,
// small cells suppressed for the evaluator, and e goes back.
func TestMeasuresKey(t *testing.T) {
	tm, lv, _ := start(t, themes.Monochrome, store.Actor{User: "eve", Role: store.RoleEvaluator}, colorprofile.ASCII)
	lv.wait(t, "REFERRALS PER WEEK")
	tm.Send(tea.KeyPressMsg{Code: 'e', Text: "e"})
	lv.wait(t, "LEAD measures")
	lv.wait(t, "Counts of 1 to 4 people are shown as <5")
	tm.Send(tea.KeyPressMsg{Code: 'e', Text: "e"})
	lv.wait(t, "REFERRALS PER WEEK")
}

// TestNoLoadAtSignIn: the Reports tab reads nothing (and audits nothing)
// until it is shown.
func TestNoLoadAtSignIn(t *testing.T) {
	m := reports.New(&common.Ctx{})
	if cmd := m.Init(); cmd != nil {
		t.Errorf("Init => a command, want none before the tab is shown")
	}
	if _, cmd := m.Update(common.ShownMsg{}); cmd == nil {
		t.Errorf("ShownMsg => no load, want the report input read")
	}
}
