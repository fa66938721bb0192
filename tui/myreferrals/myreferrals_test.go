package myreferrals_test

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/cursor"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/themes"
	"github.com/leadtable/owg/tui"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/myreferrals"
)

var fixedNow = time.Date(2026, 3, 4, 14, 2, 0, 0, time.UTC)

var (
	officer = store.Actor{User: "officer1", Role: store.RolePolice, Agency: "Metro PD"}
	other   = store.Actor{User: "officer2", Role: store.RolePolice, Agency: "Metro PD"}
	pm      = store.Actor{User: "pat", Role: store.RolePM}
)

type harness struct {
	c      common.Component
	status []string // status lines the screen asked for
}

type quitMsg struct{}

func (h *harness) Init() tea.Cmd { return h.c.Init() }

func (h *harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.c.SetSize(msg.Width, msg.Height)
		return h, nil
	case cursor.BlinkMsg:
		return h, nil
	case quitMsg:
		return h, tea.Quit
	case common.StatusMsg:
		h.status = append(h.status, msg.Text)
		return h, nil
	}
	c, cmd := h.c.Update(msg)
	h.c = c
	return h, cmd
}

func (h *harness) View() tea.View { return tea.NewView(h.c.View()) }

func squeeze(s string) string { return strings.Join(strings.Fields(ansi.Strip(s)), "") }

type fixture struct {
	s                        store.Store
	mine, theirs, reRef, dui store.Referral
	participant              store.Participant
}

func seed(t *testing.T) fixture {
	t.Helper()
	s, err := badgerstore.OpenMemoryAt(func() time.Time { return fixedNow })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()
	f := fixture{s: s}
	f.participant, err = s.CreateParticipant(ctx, store.SystemActor, store.Participant{
		Name: "Jordan Example-Smith", DOB: time.Date(1980, 5, 1, 0, 0, 0, 0, time.UTC),
		EnrolledOn: time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC), CaseManager: "cm1", Status: store.StatusEngaging,
	})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(a store.Actor, ago time.Duration, r store.Referral) store.Referral {
		r.Received, r.Referrer, r.Agency, r.ReferrerUser = fixedNow.Add(-ago), a.User, a.Agency, a.User
		if r.Status == "" {
			r.Status = store.RefNew
		}
		out, err := s.CreateReferral(ctx, a, r)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	f.mine = mk(officer, 72*time.Hour, store.Referral{Kind: store.KindArrestDiversion, Person: store.Person{Name: "Casey Secret", DOB: time.Date(1995, 2, 2, 0, 0, 0, 0, time.UTC)},
		Offense: "trespass", Notes: "cm-only detail"})
	f.theirs = mk(other, 48*time.Hour, store.Referral{Kind: store.KindArrestDiversion, Person: store.Person{Name: "Other Person"}, Offense: "trespass"})
	f.reRef = mk(officer, 24*time.Hour, store.Referral{Kind: store.KindSocialContact, Person: store.Person{Name: "Jordan Example-Smith", DOB: f.participant.DOB},
		ReReferralOf: f.participant.ID})
	f.dui = mk(officer, 2*time.Hour, store.Referral{Kind: store.KindArrestDiversion, Person: store.Person{Name: "Drew Secret"},
		Offense: "dui", Status: store.RefScreenedOut, Reason: store.ScreenExcluded})
	return f
}

func newCtx(s store.Store, a store.Actor) *common.Ctx {
	c := &common.Ctx{Ctx: context.Background(), Store: s, Actor: a, Protocol: store.DefaultProtocol(), Theme: themes.ASCII,
		Now: func() time.Time { return fixedNow }}
	c.Styles = common.NewStyles(c.Theme, true)
	return c
}

func TestStatusText(t *testing.T) {
	p := store.DefaultProtocol()
	tests := []struct {
		r      store.Referral
		covers bool
		want   string
	}{
		{store.Referral{Status: store.RefNew, Kind: store.KindSocialContact}, false, "received"},
		// a re-referral reads as a new referral would, unless the referrer may see the participant
		{store.Referral{Status: store.RefNew, ReReferralOf: "P-0001", Kind: store.KindSocialContact}, false, "received"},
		{store.Referral{Status: store.RefNew, ReReferralOf: "P-0001", Kind: store.KindArrestDiversion, Offense: "dui"}, false, "screened out: DUI is excluded by this site's protocol"},
		{store.Referral{Status: store.RefNew, ReReferralOf: "P-0001"}, true, "already enrolled in LEAD"},
		{store.Referral{Status: store.RefScreenedOut, Reason: store.ScreenExcluded, Offense: "dui"}, false, "screened out: DUI is excluded by this site's protocol"},
		{store.Referral{Status: store.RefScreenedOut, Reason: store.ScreenAge}, false, "screened out: under 18 on the day of referral"},
		{store.Referral{Status: store.RefWaitlisted, WaitlistPos: 4}, false, "waitlisted, position 4"},
		{store.Referral{Status: store.RefWaitlisted, WaitlistPos: 4, Reason: "capacity", DecisionNote: "cm-only"}, false, "waitlisted: No case-management capacity right now, position 4"},
		{store.Referral{Status: store.RefAccepted, ParticipantID: "P-0009"}, false, "accepted and enrolled"},
		// a decision's note never reaches the referrer: the coded label only;
		// a free-text reason stored before codes is code "other"
		{store.Referral{Status: store.RefDeclined, Reason: "lives out of the area\x1b[2J"}, false, "declined: Other reason"},
		{store.Referral{Status: store.RefDeclined, Reason: "capacity", DecisionNote: "active psychosis, referred to inpatient psych"}, false, "declined: No case-management capacity right now"},
		{store.Referral{Status: store.RefDeclined}, false, "declined"},
		{store.Referral{Status: store.RefWithdrawn}, false, "withdrawn"},
	}
	for _, tt := range tests {
		if got := myreferrals.StatusText(p, tt.r, tt.covers); got != tt.want {
			t.Errorf("StatusText(%s %q, covers %v) => %q, want %q", tt.r.Status, tt.r.Reason, tt.covers, got, tt.want)
		}
	}
}

func TestItemsOnlyOwn(t *testing.T) {
	f := seed(t)
	items, err := myreferrals.Items(context.Background(), f.s, store.DefaultProtocol(), officer, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	if got, want := strings.Join(ids, ","), f.dui.ID+","+f.reRef.ID+","+f.mine.ID; got != want {
		t.Errorf("officer1's referrals %s => want %s (own only, newest first)", got, want)
	}
	items, _ = myreferrals.Items(context.Background(), f.s, store.DefaultProtocol(), pm, fixedNow)
	if len(items) != 0 {
		t.Errorf("pm made no referrals => got %d", len(items))
	}
}

func TestScreenLiveUpdate(t *testing.T) {
	f := seed(t)
	tm := teatest.NewTestModel(t, &harness{c: myreferrals.New(newCtx(f.s, officer))},
		teatest.WithInitialTermSize(80, 24), teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	var buf strings.Builder
	wait := func(s string) {
		t.Helper()
		teatest.WaitFor(t, io.TeeReader(tm.Output(), &buf), func([]byte) bool {
			return strings.Contains(squeeze(buf.String()), squeeze(s))
		}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	}
	wait("screened out: DUI is excluded by this site's protocol")

	// the OWG decides: waitlisted, then accepted
	ctx := context.Background()
	owg := store.Actor{User: "pat", Role: store.RolePM}
	if _, err := f.s.DecideReferral(ctx, owg, f.mine.ID, store.ReferralDecision{Version: f.mine.Version, Status: store.RefWaitlisted, WaitlistPos: 3}); err != nil {
		t.Fatal(err)
	}
	tm.Send(tui.ChangedMsg{Changes: []store.Change{{Kind: "referral", ID: f.mine.ID}}})
	wait("waitlisted, position 3")
	if _, err := f.s.DecideReferral(ctx, owg, f.mine.ID, store.ReferralDecision{Version: f.mine.Version + 1, Status: store.RefAccepted, CaseManager: "cm1"}); err != nil {
		t.Fatal(err)
	}
	tm.Send(tui.ChangedMsg{Changes: []store.Change{{Kind: "referral", ID: f.mine.ID}}})
	wait("accepted and enrolled")

	// the on-call case manager takes the DUI referral's handoff: the row
	// says taken, the status line says by whom and how long it took; LEAD
	// correcting the person's name changes nothing the officer sees
	cm := store.Actor{User: "cm1", Role: store.RoleCaseManager}
	if _, err := f.s.AdvanceHandoff(ctx, cm, f.dui.ID, store.StepTake, ""); err != nil {
		t.Fatal(err)
	}
	r, err := f.s.GetReferral(ctx, f.dui.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.Person.Name = "Andrew LEADrecorded"
	if _, err := f.s.UpdateReferral(ctx, owg, r); err != nil {
		t.Fatal(err)
	}
	tm.Send(tui.ChangedMsg{Changes: []store.Change{{Kind: "referral", ID: f.dui.ID}}})
	wait("taken by cm1 14:02 (2 h 0 min)")

	tm.Send(quitMsg{})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*harness)
	rest, _ := io.ReadAll(tm.Output())
	buf.Write(rest)
	screen := ansi.Strip(fm.c.View())
	golden.RequireEqual(t, screen)
	if want := f.dui.ID + " taken by cm1 at 14:02, 2 h 0 min after you sent it"; !slices.Contains(fm.status, want) {
		t.Errorf("status lines %q, want %q", fm.status, want)
	}
	// the names the officer typed are theirs to see; nothing LEAD recorded
	for _, bad := range []string{f.theirs.ID, "P-0", "LEADrecorded", "Other Person", "cm-only", "officer2", "routed", "enrolled in LEAD"} {
		if strings.Contains(screen, bad) || strings.Contains(squeeze(buf.String()), squeeze(bad)) {
			t.Errorf("My referrals shows %q", bad)
		}
	}
}

// TestDeclineNoteNeverReachesReferrer is the door of issue 12: the pm
// declines an officer's referral with a clinical note; the officer's My
// referrals shows the coded label, never the note.
func TestDeclineNoteNeverReachesReferrer(t *testing.T) {
	f := seed(t)
	ctx := context.Background()
	const note = "active psychosis, referred to inpatient psych"
	if _, err := f.s.DecideReferral(ctx, pm, f.mine.ID, store.ReferralDecision{Version: f.mine.Version, Status: store.RefDeclined, Code: "capacity", Note: note}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []store.Actor{officer, {User: "officer1", Role: store.RoleCommunity}} {
		items, err := myreferrals.Items(ctx, f.s, store.DefaultProtocol(), a, fixedNow)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, it := range items {
			if it.ID == f.mine.ID {
				got = it.Status
			}
		}
		if got != "declined: No case-management capacity right now" {
			t.Errorf("%s: %s => %q, want the coded label only", a.Role, f.mine.ID, got)
		}
		m := myreferrals.New(newCtx(f.s, a))
		msg := m.Init()()
		m, _ = m.Update(msg)
		for range 4 {
			m, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
		}
		if v := ansi.Strip(m.View()); strings.Contains(v, "psychosis") || !strings.Contains(v, "declined: No case-management") {
			t.Errorf("%s: My referrals =>\n%s\nwant the label and never the note", a.Role, v)
		}
	}
}
