package intake

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// entry is what a test types into the police form.
type entry struct {
	kindRight   int // presses of → on the kind field (0 arrest diversion, 1 social contact)
	name, dob   string
	location    string
	offense     string // typed into the offense filter; "" keeps "none"
	unsheltered bool
	impairment  int
	court       string
	contacts    string
	note        string
	callback    string
	race        bool // choose a race/ethnicity: the option raceDown below the first
	raceDown    int
}

// fill types e into a police form focused on its first field, ending with
// enter on the last field (which opens the review).
func fill(tm *teatest.TestModel, e entry) {
	for range e.kindRight {
		tm.Send(press(tea.KeyRight))
	}
	tab(tm, 1)
	for _, s := range []string{e.name, e.dob, e.location} {
		tm.Type(s)
		tab(tm, 1)
	}
	if e.offense != "" {
		tm.Type("/" + e.offense)
		tm.Send(press(tea.KeyEnter))
	} else {
		tab(tm, 1)
	}
	if e.unsheltered {
		tm.Send(press(tea.KeyRight))
	}
	tab(tm, 1)
	for range e.impairment {
		tm.Send(press(tea.KeyRight))
	}
	tab(tm, 3) // impairment, victimization risk, known warrant
	tm.Type(e.court)
	tab(tm, 1)
	tm.Type(e.contacts)
	tab(tm, 1)
	tm.Type(e.note)
	tab(tm, 1)
	tm.Type(e.callback)
	tab(tm, 1)
	for range e.raceDown {
		tm.Send(press(tea.KeyDown))
	}
	if e.raceDown > 0 || e.race {
		tm.Send(press(tea.KeySpace)) // toggles the option under the cursor
	}
	tm.Send(press(tea.KeyEnter)) // the last field: opens the review
}

func referrals(t *testing.T, s store.Store) []store.Referral {
	t.Helper()
	rs, err := s.ListReferrals(context.Background(), store.ReferralFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func plain(c common.Component) string { return ansi.Strip(c.View()) }

func TestFirstFrame(t *testing.T) {
	c := New(newCtx(newStore(t), officer))
	c.SetSize(80, 24)
	golden.RequireEqual(t, plain(c))
}

func TestFormSubmitsReferral(t *testing.T) {
	s := newStore(t)
	tm := run(t, New(newCtx(s, officer)))
	var o out
	o.waitFor(t, tm, "New referral")
	fill(tm, entry{name: "Sam Rivera", dob: "1990-06-15", location: "5th & Pine", offense: "trespass",
		unsheltered: true, impairment: 1, court: "2026-03-20", contacts: "3", note: "sleeping in the station", race: true, raceDown: 6})
	o.waitFor(t, tm, "Press enter to submit")
	tm.Send(press(tea.KeyEnter))
	o.waitFor(t, tm, "R-0001 received 14:02")
	c, _ := finish(t, tm, &o)
	golden.RequireEqual(t, plain(c))

	rs := referrals(t, s)
	if len(rs) != 1 {
		t.Fatalf("stored %d referrals => want 1", len(rs))
	}
	r := rs[0]
	want := []string{"R-0001", "arrest_diversion", "officer1", "Metro PD", "officer1", "trespass", "5th & Pine", "sleeping in the station", "new"}
	got := []string{r.ID, string(r.Kind), r.Referrer, r.Agency, r.ReferrerUser, r.Offense, r.Location, r.Notes, string(r.Status)}
	if !slices.Equal(got, want) {
		t.Errorf("stored %+v => want %+v", got, want)
	}
	if r.RaceEthnicity != "White" {
		t.Errorf("race/ethnicity %q => want White (HUD's label, chosen from the list)", r.RaceEthnicity)
	}
	if r.Person.Name != "Sam Rivera" || store.FormatDate(r.Person.DOB) != "1990-06-15" || r.Person.ApproxAge != 0 {
		t.Errorf("person %+v => want Sam Rivera born 1990-06-15", r.Person)
	}
	wantInd := store.Indicators{Unsheltered: true, Impairment: 1, Contacts12m: 3, NextCourtDate: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)}
	if r.Indicators != wantInd {
		t.Errorf("indicators %+v => want %+v", r.Indicators, wantInd)
	}
	if !r.Received.Equal(fixedNow) || r.ReReferralOf != "" || r.Reason != "" {
		t.Errorf("received %s, re-referral %q, reason %q => want %s, none, none", r.Received, r.ReReferralOf, r.Reason, fixedNow)
	}
}

func TestApproximateAge(t *testing.T) {
	s := newStore(t)
	tm := run(t, New(newCtx(s, officer)))
	var o out
	o.waitFor(t, tm, "New referral")
	fill(tm, entry{kindRight: 1, name: "Alex", dob: "40"})
	o.waitFor(t, tm, "Press enter to submit")
	tm.Send(press(tea.KeyEnter))
	o.waitFor(t, tm, "received 14:02")
	finish(t, tm, &o)
	r := referrals(t, s)[0]
	if r.Kind != store.KindSocialContact || r.Person.ApproxAge != 40 || !r.Person.DOB.IsZero() || r.Status != store.RefNew {
		t.Errorf("kind %s age %d dob %s status %s => want social_contact, 40, none, new", r.Kind, r.Person.ApproxAge, r.Person.DOB, r.Status)
	}
}

func TestEligibilityMessages(t *testing.T) {
	onlyArrests := store.DefaultProtocol()
	onlyArrests.KindsAccepted = []store.ReferralKind{store.KindArrestDiversion}
	tests := []struct {
		name     string
		protocol *store.Protocol
		e        entry
		reason   string
		msg      string
	}{
		{"kind", &onlyArrests, entry{kindRight: 1, name: "Kim"}, store.ScreenKind, "kind social contact is not accepted by this site"},
		{"age", nil, entry{name: "Kim", dob: "2010-01-01", offense: "trespass"}, store.ScreenAge, "under 18 on the day of referral"},
		{"excluded", nil, entry{name: "Kim", dob: "1990-01-01", offense: "dui"}, store.ScreenExcluded, "DUI is excluded by this site's protocol"},
		{"not_divertible", nil, entry{name: "Kim", dob: "1990-01-01"}, store.ScreenNotDivertible, "arrest diversion needs a divertible offense"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			ctx := newCtx(s, officer)
			if tt.protocol != nil {
				ctx.Protocol = *tt.protocol
			}
			tm := run(t, New(ctx))
			var o out
			o.waitFor(t, tm, "New referral")
			fill(tm, tt.e)
			o.waitFor(t, tm, "You can still submit it for the record")
			tm.Send(press(tea.KeyEnter))
			o.waitFor(t, tm, "received 14:02")
			c, _ := finish(t, tm, &o)
			if got := plain(c); !strings.Contains(got, "Screened out: "+tt.msg) {
				t.Errorf("done screen %q => want %q", got, tt.msg)
			}
			if !contains(o.buf.String(), "Would be screened out: "+tt.msg) {
				t.Errorf("review never said %q", tt.msg)
			}
			r := referrals(t, s)[0]
			if r.Status != store.RefScreenedOut || r.Reason != tt.reason {
				t.Errorf("stored status %s reason %q => want screened_out %q", r.Status, r.Reason, tt.reason)
			}
		})
	}
}

func TestReviewGolden(t *testing.T) {
	tm := run(t, New(newCtx(newStore(t), officer)))
	var o out
	o.waitFor(t, tm, "New referral")
	fill(tm, entry{name: "Kim Lee", dob: "1990-01-01", location: "Union Sq", offense: "dui", note: "asked for help"})
	o.waitFor(t, tm, "You can still submit it for the record")
	c, _ := finish(t, tm, &o)
	golden.RequireEqual(t, plain(c))
}

func TestLiveEligibility(t *testing.T) {
	tm := run(t, New(newCtx(newStore(t), officer)))
	var o out
	o.waitFor(t, tm, "New referral")
	tab(tm, 4)
	tm.Type("/dui")
	o.waitFor(t, tm, "DUI is excluded by this site's protocol")
	finish(t, tm, &o)
}

// seedParticipant stores an active participant known by an alias, with an
// ROI covering covers (none when empty).
func seedParticipant(t *testing.T, s store.Store, covers ...string) store.Participant {
	t.Helper()
	ctx := context.Background()
	p, err := s.CreateParticipant(ctx, store.SystemActor, store.Participant{
		Name: "Jordan Example-Smith", Aliases: []string{"Jo Example"}, DOB: time.Date(1980, 5, 1, 0, 0, 0, 0, time.UTC),
		EnrolledOn: time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC), CaseManager: "cm1", Status: store.StatusEngaging,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(covers) > 0 {
		_, err := s.CreateROI(ctx, store.SystemActor, store.ROI{ParticipantID: p.ID, Covers: covers,
			Signed: time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC), Expires: time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func TestReReferral(t *testing.T) {
	// done is the screen an officer sees after submitting a new referral of
	// someone owg has never heard of: what any hidden re-referral must show.
	newDone := func(t *testing.T) string {
		s := newStore(t)
		tm := run(t, New(newCtx(s, officer)))
		var o out
		o.waitFor(t, tm, "New referral")
		fill(tm, entry{name: "jo example", dob: "1980-05-01", offense: "trespass"})
		o.waitFor(t, tm, "Press enter to submit")
		tm.Send(press(tea.KeyEnter))
		o.waitFor(t, tm, "received 14:02")
		c, _ := finish(t, tm, &o)
		return plain(c)
	}
	tests := []struct {
		name     string
		covers   []string
		sentence string // "" = told nothing new (issue 12)
	}{
		{"no ROI", nil, ""},
		{"ROI covers another partner", []string{"defender"}, ""},
		{"ROI covers police", []string{"police"}, "Already enrolled in LEAD."},
		{"ROI covers the agency", []string{"Metro PD"}, "Already enrolled in LEAD."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			p := seedParticipant(t, s, tt.covers...)
			tm := run(t, New(newCtx(s, officer)))
			var o out
			o.waitFor(t, tm, "New referral")
			fill(tm, entry{name: "jo example", dob: "1980-05-01", offense: "trespass"})
			if tt.sentence != "" {
				o.waitFor(t, tm, tt.sentence)
			}
			o.waitFor(t, tm, "Press enter to submit")
			tm.Send(press(tea.KeyEnter))
			o.waitFor(t, tm, "received 14:02")
			c, raw := finish(t, tm, &o)
			screen := plain(c)
			never := []string{p.ID, "P-0", "Jordan", "Smith"}
			if tt.sentence == "" {
				never = append(never, "already enrolled", "Already enrolled", "outed", "case management")
				if want := newDone(t); screen != want {
					t.Errorf("re-referral done screen =>\n%s\nwant exactly a new referral's:\n%s", screen, want)
				}
			} else if !strings.Contains(screen, tt.sentence) {
				t.Errorf("done screen %q => want %q", screen, tt.sentence)
			}
			for _, bad := range never {
				if contains(raw, bad) || contains(screen, bad) {
					t.Errorf("officer's screen shows %q", bad)
				}
			}
			r := referrals(t, s)[0]
			if r.ReReferralOf != p.ID || r.Status != store.RefNew {
				t.Errorf("stored re-referral of %q status %s => want %s new", r.ReReferralOf, r.Status, p.ID)
			}
		})
	}
}

// discarded ends the program and checks that the form Sam was typed into
// is gone and nothing was stored.
func discarded(t *testing.T, tm *teatest.TestModel, o *out, s store.Store) {
	t.Helper()
	c, _ := finish(t, tm, o)
	if c.(common.Dirty).Dirty() || strings.Contains(plain(c), "Sam") {
		t.Errorf("after discarding the form is dirty or still shows the input:\n%s", plain(c))
	}
	if rs := referrals(t, s); len(rs) != 0 {
		t.Errorf("stored %d referrals => want none", len(rs))
	}
}

func TestCancelStoresNothing(t *testing.T) {
	t.Run("esc twice while typing", func(t *testing.T) {
		s := newStore(t)
		tm := run(t, New(newCtx(s, officer)))
		var o out
		o.waitFor(t, tm, "New referral")
		tab(tm, 1)
		tm.Type("Sam")
		tm.Send(press(tea.KeyEscape))
		o.waitFor(t, tm, "Press esc again to discard")
		tm.Send(press(tea.KeyEscape))
		discarded(t, tm, &o, s)
	})
	t.Run("cancel at review", func(t *testing.T) {
		s := newStore(t)
		tm := run(t, New(newCtx(s, officer)))
		var o out
		o.waitFor(t, tm, "New referral")
		fill(tm, entry{name: "Sam", dob: "1990-01-01", offense: "trespass"})
		o.waitFor(t, tm, "Press enter to submit")
		// esc is also "back": the first one only asks, enter goes on
		// reviewing (it does not submit on the way)
		tm.Send(press(tea.KeyEscape))
		o.waitFor(t, tm, "Press esc again to discard this referral")
		o.buf.Reset() // the output from here on: the line is drawn anew
		tm.Send(press(tea.KeyEnter))
		o.waitFor(t, tm, "Press enter to submit")
		o.buf.Reset()
		tm.Send(press(tea.KeyEscape))
		o.waitFor(t, tm, "Press esc again to discard this referral")
		tm.Send(press(tea.KeyEscape))
		discarded(t, tm, &o, s)
	})
	t.Run("connection dropped mid-form", func(t *testing.T) {
		s := newStore(t)
		tm := run(t, New(newCtx(s, officer)))
		var o out
		o.waitFor(t, tm, "New referral")
		tab(tm, 1)
		tm.Type("Sam Rivera")
		tab(tm, 1)
		tm.Type("1990-01-01")
		// The session's program ends with the form half filled (an SSH
		// session that drops ends its program the same way).
		tm.Send(quitMsg{})
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
		if rs := referrals(t, s); len(rs) != 0 {
			t.Errorf("stored %d referrals => want none", len(rs))
		}
	})
}

func TestValidationNamesField(t *testing.T) {
	tests := []struct {
		tabs int
		text string
		want string
	}{
		{2, "13/04/1980", `DOB or age: "13/04/1980" is not a date YYYY-MM-DD or an age 0-120`},
		{2, "130", "DOB or age: age 130 is not 0-120"},
		{2, "2027-01-01", "DOB or age: 2027-01-01 is in the future"},
		{9, "next week", `Next court date: "next week" is not a date YYYY-MM-DD`},
		{10, "lots", `Contacts, 12 months: "lots" is not a number 0-1000`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			s := newStore(t)
			tm := run(t, New(newCtx(s, officer)))
			var o out
			o.waitFor(t, tm, "New referral")
			tab(tm, 1)
			tm.Type("Sam")
			tab(tm, tt.tabs-1)
			tm.Type(tt.text)
			tab(tm, 1)
			o.waitFor(t, tm, tt.want)
			c, _ := finish(t, tm, &o)
			if !strings.Contains(plain(c), tt.want) {
				t.Errorf("screen %q => want %q", plain(c), tt.want)
			}
		})
	}
	t.Run("name required at review", func(t *testing.T) {
		tm := run(t, New(newCtx(newStore(t), officer)))
		var o out
		o.waitFor(t, tm, "New referral")
		tm.Send(press('s', tea.ModCtrl))
		o.waitFor(t, tm, "Name: is required")
		finish(t, tm, &o)
	})
}

func TestDirtyAndCapturing(t *testing.T) {
	c := New(newCtx(newStore(t), officer))
	d, cp := c.(common.Dirty), c.(common.Capturing)
	if d.Dirty() || !cp.Capturing() {
		t.Fatalf("new form: dirty %v capturing %v => want false true", d.Dirty(), cp.Capturing())
	}
	c, _ = c.Update(press(tea.KeyTab))
	c, _ = c.Update(tea.KeyPressMsg{Code: 'S', Text: "S"})
	if !d.Dirty() {
		t.Errorf("after typing a name: dirty false => want true")
	}
	if got := plain(c); !strings.Contains(got, "Name                S") {
		t.Errorf("screen %q => want the typed name", got)
	}
}

func TestKindFixedForPartners(t *testing.T) {
	for _, role := range []store.Role{store.RoleProvider, store.RoleCommunity} {
		s := newStore(t)
		actor := store.Actor{User: "pat", Role: role, Agency: "Harbor Housing"}
		tm := run(t, New(newCtx(s, actor)))
		var o out
		o.waitFor(t, tm, "kind community")
		tm.Type("Robin")
		tab(tm, 1)
		tm.Type("1985-02-02")
		tm.Send(press('s', tea.ModCtrl))
		o.waitFor(t, tm, "Press enter to submit")
		tm.Send(press(tea.KeyEnter))
		o.waitFor(t, tm, "received 14:02")
		finish(t, tm, &o)
		r := referrals(t, s)[0]
		if r.Kind != store.KindCommunity || r.Status != store.RefNew || r.ReferrerUser != "pat" || r.Agency != "Harbor Housing" {
			t.Errorf("%s: stored kind %s status %s by %s of %s => want community new by pat of Harbor Housing", role, r.Kind, r.Status, r.ReferrerUser, r.Agency)
		}
	}
}

func TestOffenseOptions(t *testing.T) {
	m := New(newCtx(nil, officer)).(*Model)
	var got []string
	for _, o := range m.offenseOptions() {
		got = append(got, o.Value)
	}
	p := store.DefaultProtocol()
	want := append(append(append([]string{""}, p.DivertibleOffenses...), p.ExcludedOffenses...), "other")
	if !slices.Equal(got, want) {
		t.Errorf("offense options %v => want %v", got, want)
	}
}

// TestReReferralSentenceByRole: only a referrer who may see the matched
// participant learns a referral is a re-referral (issue 12); a community
// member never does, whatever the ROI.
func TestReReferralSentenceByRole(t *testing.T) {
	tests := []struct {
		name   string
		actor  store.Actor
		covers []string
		want   string
	}{
		{"police, no ROI", officer, nil, ""},
		{"police, ROI", officer, []string{"police"}, MsgEnrolled},
		{"provider, no ROI", store.Actor{User: "hh", Role: store.RoleProvider, Agency: "Harbor Housing"}, nil, ""},
		{"provider, agency ROI", store.Actor{User: "hh", Role: store.RoleProvider, Agency: "Harbor Housing"}, []string{"Harbor Housing"}, MsgEnrolled},
		{"community, no ROI", store.Actor{User: "cc", Role: store.RoleCommunity}, nil, ""},
		// an ROI cannot name the community role; one naming their agency still tells them nothing
		{"community, ROI naming their agency", store.Actor{User: "cc", Role: store.RoleCommunity, Agency: "Harbor Housing"}, []string{"Harbor Housing"}, ""},
		{"case manager", store.Actor{User: "cm1", Role: store.RoleCaseManager}, nil, MsgEnrolled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			p := seedParticipant(t, s, tt.covers...)
			r := store.Referral{Kind: store.KindCommunity, Person: store.Person{Name: "Jo Example", DOB: p.DOB}}
			pid, sentence, err := reReferral(context.Background(), s, tt.actor, r, time.Date(2026, 3, 4, 14, 2, 0, 0, time.UTC))
			if err != nil || pid != p.ID || sentence != tt.want {
				t.Errorf("reReferral => %q %q %v, want %s %q", pid, sentence, err, p.ID, tt.want)
			}
		})
	}
}

// TestPasteCutToLimitIsSaid: a paste longer than a field's limit (a 1.6 MB
// paste into Note) keeps the field's first 280 characters, and the form
// says so at 80x24, naming the field and the limit (it was cut without a
// word); a key typed into a full field says the field is full.
func TestPasteCutToLimitIsSaid(t *testing.T) {
	tm := run(t, New(newCtx(newStore(t), officer)))
	var o out
	o.waitFor(t, tm, "New referral")
	tab(tm, 1)
	tm.Type("Sam")
	tab(tm, 10) // Note
	tm.Send(tea.PasteMsg{Content: strings.Repeat("a", 1600000)})
	o.waitFor(t, tm, fmt.Sprintf("Note: cut to its %d-character limit (%d pasted characters not kept)", maxNoteLen, 1600000-maxNoteLen))
	tm.Type("b")
	// the renderer sends only the cells that changed: not "Note: " again,
	// nor the "not kept)" the line already ends in
	o.waitFor(t, tm, fmt.Sprintf("full at its %d-character limit (keys past it are", maxNoteLen))
	tab(tm, 1) // Callback: a paste that fits says nothing
	tm.Send(tea.PasteMsg{Content: "555-0100"})
	tm.Send(press('s', tea.ModCtrl))
	o.waitFor(t, tm, "enter submits")
	c, _ := finish(t, tm, &o)
	m := c.(*Model)
	if n := len([]rune(m.v.note)); n != maxNoteLen {
		t.Errorf("note holds %d characters, want %d", n, maxNoteLen)
	}
	if strings.Contains(plain(c), "cut to") || strings.Contains(plain(c), "not kept") {
		t.Errorf("review still says a field was cut:\n%s", plain(c))
	}
}
