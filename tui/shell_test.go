package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/themes"
	"github.com/leadtable/owg/tui/common"
)

// lastLines returns the status and help lines of a screen.
func statusOf(screen string) string {
	lines := strings.Split(screen, "\n")
	if len(lines) < 2 {
		return ""
	}
	return lines[len(lines)-2]
}

func TestPoliceOpenOnFormWithMyReferrals(t *testing.T) {
	s := seed(t)
	tm := startTUI(t, testOptions(s, actorPolice), 80, 24)
	waitFor(t, tm, "New", "referral", "ofc")
	press(tm, "\x1b") // nothing typed: back to the tabs
	waitFor(t, tm, "[1", "Today]")
	press(tm, "3")
	waitFor(t, tm, "No", "referrals", "yet")
	got := finalScreen(t, tm)
	if !strings.Contains(got, "[3 My referrals]") || strings.Contains(got, "rank id") {
		t.Errorf("police tab 3: want My referrals, not the queue:\n%s", got)
	}
}

func TestNewReferralFromEveryScreen(t *testing.T) {
	s := seed(t)
	for _, tab := range []string{"1", "2", "4", "5", "6"} {
		tm := startTUI(t, testOptions(s, actorCM), 80, 24)
		waitFor(t, tm, "Overdue")
		press(tm, tab)
		time.Sleep(50 * time.Millisecond)
		press(tm, "N")
		waitFor(t, tm, "New", "referral", "by")
		press(tm, "\x1b")
		time.Sleep(50 * time.Millisecond)
		got := finalScreen(t, tm)
		if strings.Contains(got, "New referral by") || !strings.Contains(got, "["+tab+" ") {
			t.Errorf("tab %s: N then esc should come back to the tab:\n%s", tab, got)
		}
	}
}

func TestOnCallNoticeAndAcknowledge(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	// sam (supervisor) is on call by default; ana (case manager) is not
	tm := startTUI(t, testOptions(s, store.Actor{User: "sam", Role: store.RoleSupervisor}), 80, 24)
	off := New(testOptions(s, actorCM)).(*model)
	waitFor(t, tm, "Overdue")
	r, err := s.CreateReferral(ctx, actorPolice, store.Referral{Received: fixedNow.Add(-42 * time.Minute), Kind: store.KindArrestDiversion,
		Referrer: "Officer Ofc", Agency: "City PD", ReferrerUser: "ofc", Person: store.Person{Name: "Zed Secretname"}, Status: store.RefNew})
	if err != nil {
		t.Fatal(err)
	}
	tm.Send(ChangedMsg{Changes: []store.Change{{Kind: "referral", ID: r.ID}}})
	waitFor(t, tm, "take", "handoff", "over")
	press(tm, "A")
	waitFor(t, tm, "You", "took")
	got := finalScreen(t, tm)
	if strings.Contains(got, "Secretname") {
		t.Errorf("a notice names the person:\n%s", got)
	}
	if st := statusOf(got); !strings.Contains(st, "You took the handoff of "+r.ID) {
		t.Errorf("status after A: %q", st)
	}
	if got, _ := s.GetReferral(ctx, r.ID); got.AckBy != "sam" {
		t.Errorf("AckBy %q => want sam", got.AckBy)
	}
	// the case manager off call gets no notice
	msg := off.loadNoticesCmd()().(noticesMsg)
	if msg.shown || len(msg.list) != 0 {
		t.Errorf("ana off call: notices %+v => want none", msg)
	}
}

func TestNoticeLineAndTodayFlag(t *testing.T) {
	s := seed(t)
	m := New(testOptions(s, actorPM)).(*model)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	site, err := loadSite(m.ctx)
	if err != nil {
		t.Fatal(err)
	}
	m.Update(todayLoadedMsg{site: site})
	_, err = s.CreateReferral(context.Background(), actorPolice, store.Referral{Received: fixedNow.Add(-45 * time.Minute), Kind: store.KindSocialContact,
		Agency: "City PD", ReferrerUser: "ofc", Person: store.Person{Name: "Quinn Hidden"}, Status: store.RefNew})
	if err != nil {
		t.Fatal(err)
	}
	m.Update(m.loadNoticesCmd()())
	v := m.View().Content
	if !strings.Contains(v, "! R-0001 social contact · City PD · 45 min ago · A: take handoff") {
		t.Errorf("status line notice missing:\n%s", v)
	}
	if !strings.Contains(v, "Field referrals waiting for a handoff (1)") || !strings.Contains(v, "! over 30 min") {
		t.Errorf("Today: want the notice listed and flagged past 30 min:\n%s", v)
	}
	if strings.Contains(v, "Quinn") {
		t.Errorf("screen names the person:\n%s", v)
	}
	// a status set later wins the status line until the next notice
	m.Update(common.StatusMsg{Text: "saved: x"})
	if st := statusOf(m.View().Content); !strings.Contains(st, "saved: x") {
		t.Errorf("status after a message: %q", st)
	}
}

func TestPasteGoesToActivePageOnly(t *testing.T) {
	m := New(testOptions(seed(t), actorPolice)).(*model)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(tea.KeyPressMsg{Code: tea.KeyTab}) // kind -> name
	m.Update(tea.PasteMsg{Content: "Pasted Person"})
	if !isDirty(m.form) {
		t.Errorf("paste on the form: the form did not take it")
	}
	m2 := New(testOptions(seed(t), actorCM)).(*model)
	m2.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m2.Update(tea.KeyPressMsg{Code: 'N', Text: "N"})
	m2.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	m2.Update(tea.KeyPressMsg{Code: tea.KeyEscape}) // nothing typed: closes the form
	m2.Update(tea.PasteMsg{Content: "Pasted Person"})
	if isDirty(m2.form) {
		t.Errorf("paste on Today reached the closed New referral form")
	}
}

func TestOnPresenceAdapted(t *testing.T) {
	var got []Presence
	opts := testOptions(seed(t), actorPM)
	opts.OnPresence = func(p Presence) { got = append(got, p) }
	m := New(opts).(*model)
	m.ctx.OnPresence("M-0002", true)
	if len(got) != 1 || got[0] != (Presence{User: "pat", Role: store.RolePM, MeetingID: "M-0002", Following: true}) {
		t.Errorf("presence => %+v", got)
	}
}

func TestThemeSwitcherSavesPrefs(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	for _, actor := range []store.Actor{actorCM, store.SystemActor} {
		m := New(testOptions(s, actor)).(*model)
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		m.Update(loadPrefsCmd(m.ctx)())
		m.Update(tea.KeyPressMsg{Code: 'S', Text: "S"})
		if !strings.Contains(m.View().Content, "Settings") {
			t.Fatalf("S: no settings page")
		}
		_, cmd := m.Update(tea.KeyPressMsg{Code: 't', Text: "t"})
		run2(m, cmd)
		if m.ctx.Theme.Name != "high-contrast" || !strings.Contains(m.status, "saved") {
			t.Errorf("%s: after t theme %s, status %q => want high-contrast, saved", actor.User, m.ctx.Theme.Name, m.status)
		}
		p, err := LoadPrefs(ctx, s, actor)
		if err != nil || p.Theme != "high-contrast" {
			t.Errorf("%s: saved prefs %+v, %v => want high-contrast", actor.User, p, err)
		}
		_, cmd = m.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
		run2(m, cmd)
		if !m.ctx.Theme.ASCII || !m.ctx.St().Bare {
			t.Errorf("%s: low bandwidth => theme %s bare %v, want ascii and bare", actor.User, m.ctx.Theme.Name, m.ctx.St().Bare)
		}
		if v := m.View().Content; strings.ContainsFunc(v, func(r rune) bool { return r > 0x7e }) {
			t.Errorf("%s: low-bandwidth screen has non-ASCII:\n%s", actor.User, v)
		}
	}
	if u, _ := s.GetUser(ctx, "ana"); u.Theme != "high-contrast" || !u.LowBandwidth {
		t.Errorf("ana's record: theme %q low %v", u.Theme, u.LowBandwidth)
	}
	if v, _ := s.GetSetting(ctx, "theme.operator"); v != "high-contrast" {
		t.Errorf("theme.operator = %q", v)
	}
	// NO_COLOR still applies to a theme picked in the session
	opts := testOptions(s, actorPM)
	opts.Env = []string{"NO_COLOR=1"}
	m := New(opts).(*model)
	m.setPrefs(Prefs{Theme: themes.HighContrast.Name})
	if !m.ctx.Theme.Mono {
		t.Errorf("NO_COLOR: picked theme %s => want monochrome", m.ctx.Theme.Name)
	}
}

// drain runs cmd and the commands its messages batch, returning the messages.
func drain(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, drain(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// run2 runs cmd's messages through m, and the commands those return,
// two levels deep (enough for a key, its request and its save).
func run2(m tea.Model, cmd tea.Cmd) {
	for _, msg := range drain(cmd) {
		_, next := m.Update(msg)
		for _, msg := range drain(next) {
			m.Update(msg)
		}
	}
}
