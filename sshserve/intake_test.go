package sshserve

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
)

// Issue 9 over SSH: an officer's referral from the field, seen at once by
// whoever is on call, acknowledged, and its outcome shown to the officer.

const (
	officerAgency = "Metro PD"
	// The person of the field referral: never on the on-call screens.
	fieldFirst = "Quincy"
	fieldLast  = "Fairweather"
	// Participants a re-referral matches, by an alias the officer types and
	// the date of birth. Their record names must never reach the officer.
	routedName    = "Marguerite Oyelaran-Beck"
	routedAlias   = "Peggy Beck"
	routedDOB     = "1979-08-14"
	enrolledName  = "Bartholomew Quince-Adair"
	enrolledAlias = "Barty Quince"
	enrolledDOB   = "1990-01-02"
)

// Keys as a terminal sends them.
const (
	keyTab   = "\t"
	keyRight = "\x1b[C"
	keyCtrlS = "\x13"
	keyEnter = "\r"
)

// intakeSite is a small site: officer ofc (police, Metro PD), pam (pm),
// cora (case manager, on call around the clock by the protocol's rota),
// carl (case manager, not on call), and two enrolled participants (carl's):
// one without an ROI, one whose ROI covers police.
type intakeSite struct {
	e          *testEnv
	keys       map[string]gossh.Signer
	routedID   string
	enrolledID string
}

func newIntakeSite(tb testing.TB) *intakeSite {
	tb.Helper()
	proto := store.DefaultProtocol()
	proto.OnCall = []store.OnCallShift{{From: 0, To: 24, Users: []string{"cora"}}}
	e := newTestEnv(tb, func(c *Config) {
		c.NewModel = nil
		c.Protocol = proto
	})
	s := &intakeSite{e: e, keys: map[string]gossh.Signer{}}
	ctx := context.Background()
	for _, u := range []store.User{
		{Name: "ofc", Role: store.RolePolice, Agency: officerAgency},
		{Name: "pam", Role: store.RolePM, Agency: "LEAD Program"},
		{Name: "cora", Role: store.RoleCaseManager, Agency: "LEAD Case Management"},
		{Name: "carl", Role: store.RoleCaseManager, Agency: "LEAD Case Management"},
	} {
		k := newKey(tb)
		u.Keys = []string{strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey())))}
		u.Active = true
		if _, err := e.db.CreateUser(ctx, store.SystemActor, u); err != nil {
			tb.Fatal(err)
		}
		s.keys[u.Name] = k
	}
	day := store.DateOf(testNow)
	mk := func(name, alias, dob string) store.Participant {
		d, err := time.Parse(store.DateLayout, dob)
		if err != nil {
			tb.Fatal(err)
		}
		p, err := e.db.CreateParticipant(ctx, store.SystemActor, store.Participant{Name: name, Aliases: []string{alias}, DOB: d,
			EnrolledOn: day.AddDate(0, -3, 0), CaseManager: "carl", Status: store.StatusEngaging})
		if err != nil {
			tb.Fatal(err)
		}
		return p
	}
	s.routedID = mk(routedName, routedAlias, routedDOB).ID
	s.enrolledID = mk(enrolledName, enrolledAlias, enrolledDOB).ID
	if _, err := e.db.CreateROI(ctx, store.SystemActor, store.ROI{ParticipantID: s.enrolledID, Covers: []string{string(store.RolePolice)},
		Signed: day.AddDate(0, -1, 0), Expires: day.AddDate(1, 0, 0)}); err != nil {
		tb.Fatal(err)
	}
	return s
}

// open connects user and waits for the first screen to settle.
func (s *intakeSite) open(tb testing.TB, user, want string) *wireClient {
	tb.Helper()
	c, err := s.e.openCounted(s.keys[user], "xterm-256color", nil)
	if err != nil {
		tb.Fatal(err)
	}
	landing(tb, c.client, want)
	return c
}

// typeField sends text into the focused field and waits for the screen to
// settle.
func typeField(c *client, text string) {
	mark := c.out.len()
	c.send(text)
	if waitGrowth(c.out, mark, time.Second) {
		c.out.settle(actionQuiet, 3*time.Second)
	}
}

// draft is what the officer enters: the form's field order is kind, name,
// date of birth or age, location, offense, then the indicators and note.
type draft struct {
	socialContact bool // else arrest diversion (the first kind)
	name, dob     string
	location      string
	offense       bool // the first offense in the protocol's lists
}

// fill types d into the New referral form, from the kind field on, and
// stops before review.
func fill(c *client, d draft) {
	if d.socialContact {
		typeField(c, keyRight)
	}
	for _, f := range []string{d.name, d.dob, d.location} {
		typeField(c, keyTab)
		typeField(c, f)
	}
	typeField(c, keyTab) // offense
	if d.offense {
		typeField(c, keyRight)
	}
}

// submit reviews and submits the form, waiting for the received line.
func submit(tb testing.TB, c *client) {
	tb.Helper()
	mark := c.out.len()
	c.send(keyCtrlS)
	c.out.waitFor(tb, mark, "enter", waitLong)
	c.out.settle(actionQuiet, 3*time.Second)
	mark = c.out.len()
	c.send(keyEnter)
	c.out.waitFor(tb, mark, "received", waitLong)
	c.out.settle(actionQuiet, 3*time.Second)
}

// officerReferrals lists ofc's referrals in the store.
func (s *intakeSite) officerReferrals(tb testing.TB) []store.Referral {
	tb.Helper()
	rs, err := s.e.db.ListReferrals(context.Background(), store.ReferralFilter{ReferrerUser: "ofc"})
	if err != nil {
		tb.Fatal(err)
	}
	return rs
}

// never fails when the bytes a session received (raw, and with escape
// sequences removed) contain any of secrets.
func never(t *testing.T, who string, c *client, secrets ...string) {
	t.Helper()
	raw := string(c.out.bytesFrom(0))
	for _, got := range []string{raw, ansi.Strip(raw)} {
		for _, s := range secrets {
			if strings.Contains(got, s) {
				t.Errorf("%s's session received %q", who, s)
			}
		}
	}
}

func TestOfficerReferralReachesOnCallAndClosesTheLoop(t *testing.T) {
	s := newIntakeSite(t)
	ctx := context.Background()
	pam := s.open(t, "pam", "Today")
	defer pam.close()
	cora := s.open(t, "cora", "Today")
	defer cora.close()
	carl := s.open(t, "carl", "Today")
	defer carl.close()

	// The officer's session opens on the New referral form.
	ofc := s.open(t, "ofc", "New referral")
	defer ofc.close()
	if got := ofc.out.text(); !strings.Contains(got, "by ofc, "+officerAgency) {
		t.Errorf("the form does not name the referrer from the user record; got %q", got)
	}
	fill(ofc.client, draft{name: fieldFirst + " " + fieldLast, dob: "1985-02-03", location: "5th and Pine", offense: true})
	marks := map[string]int{"pam": pam.out.len(), "cora": cora.out.len(), "carl": carl.out.len()}
	submit(t, ofc.client)

	rs := s.officerReferrals(t)
	if len(rs) != 1 {
		t.Fatalf("%d referrals by ofc in the store => want 1", len(rs))
	}
	r := rs[0]
	if r.Person.Name != fieldFirst+" "+fieldLast || r.Kind != store.KindArrestDiversion || r.Status != store.RefNew ||
		r.Agency != officerAgency || r.Offense == "" {
		t.Fatalf("stored %+v => want a new arrest diversion for %s %s from %s with an offense", r, fieldFirst, fieldLast, officerAgency)
	}
	ofc.out.waitFor(t, 0, r.ID+" received", waitLong)

	// The pm and the on-call case manager get the notice at once; the
	// case manager who is not on call does not.
	pam.out.waitFor(t, marks["pam"], r.ID, waitLong)
	cora.out.waitFor(t, marks["cora"], r.ID, waitLong)
	for _, c := range []*wireClient{pam, cora} {
		c.out.waitFor(t, 0, officerAgency, waitLong)
		c.out.settle(actionQuiet, 3*time.Second)
	}
	carl.out.settle(actionQuiet, 3*time.Second)
	if got := ansi.Strip(string(carl.out.bytesFrom(marks["carl"]))); strings.Contains(got, r.ID) {
		t.Errorf("carl (not on call) received the notice: %q", got)
	}
	never(t, "pam", pam.client, fieldFirst, fieldLast)
	never(t, "cora", cora.client, fieldFirst, fieldLast)

	// The on-call case manager takes the handoff (global key A).
	mark := cora.out.len()
	cora.send("A")
	cora.out.waitFor(t, mark, "took the handoff", waitLong)
	got, err := s.e.db.GetReferral(ctx, r.ID)
	if err != nil || got.AckBy != "cora" || got.AckAt.IsZero() {
		t.Fatalf("after A: referral %+v, %v => want acknowledged by cora", got, err)
	}

	// The officer's My referrals (tab 3) follows the OWG's decisions live.
	mark = ofc.out.len()
	ofc.send("3")
	ofc.out.waitFor(t, mark, "My referrals", waitLong)
	ofc.out.waitFor(t, mark, "received", waitLong)
	ofc.out.settle(actionQuiet, 3*time.Second)
	mark = ofc.out.len()
	if _, err := s.e.db.DecideReferral(ctx, store.Actor{User: "pam", Role: store.RolePM}, r.ID,
		store.ReferralDecision{Version: got.Version, Status: store.RefWaitlisted, WaitlistPos: 2}); err != nil {
		t.Fatal(err)
	}
	ofc.out.waitFor(t, mark, "waitlisted, position 2", waitLong)
	ofc.out.settle(actionQuiet, 3*time.Second)
	mark = ofc.out.len()
	if _, err := s.e.db.DecideReferral(ctx, store.Actor{User: "pam", Role: store.RolePM}, r.ID,
		store.ReferralDecision{Version: got.Version + 1, Status: store.RefAccepted, CaseManager: "cora"}); err != nil {
		t.Fatal(err)
	}
	ofc.out.waitFor(t, mark, "accepted and enrolled", waitLong)
}

func TestReReferralTellsTheOfficerOnlyWhatTheROIAllows(t *testing.T) {
	s := newIntakeSite(t)
	for _, tt := range []struct {
		name, alias, dob, participant, fullName, want string
	}{
		// issue 12: without an ROI the officer gets what any new referral gets
		{"no ROI", routedAlias, routedDOB, s.routedID, routedName, "received"},
		{"ROI covers police", enrolledAlias, enrolledDOB, s.enrolledID, enrolledName, "already enrolled in LEAD"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(s.officerReferrals(t))
			if before > 0 { // the last session dropped: this is a new sign-in, not a reconnect (issue 18)
				eventually(t, 5*time.Second, "the drop is noted", func() bool {
					s.e.srv.mu.Lock()
					defer s.e.srv.mu.Unlock()
					_, ok := s.e.srv.dropped["ofc"]
					return ok
				})
				s.e.srv.takeResume("ofc", testNow)
			}
			ofc := s.open(t, "ofc", "New referral")
			defer ofc.close()
			fill(ofc.client, draft{socialContact: true, name: tt.alias, dob: tt.dob, location: "library steps"})
			submit(t, ofc.client)
			rs := s.officerReferrals(t)
			if len(rs) != before+1 {
				t.Fatalf("%d referrals => want %d", len(rs), before+1)
			}
			var r store.Referral
			for _, x := range rs {
				if x.Person.Name == tt.alias {
					r = x
				}
			}
			if r.ReReferralOf != tt.participant {
				t.Fatalf("referral %+v => want a re-referral of %s", r, tt.participant)
			}
			mark := ofc.out.len()
			ofc.send("3")
			ofc.out.waitFor(t, mark, r.ID, waitLong)
			ofc.out.waitFor(t, mark, tt.want, waitLong)
			ofc.out.settle(actionQuiet, 3*time.Second)
			// The officer typed the alias; the participant's record (name,
			// the part of it not typed, id) never reaches the officer.
			secrets := []string{tt.fullName, tt.participant, "P-0"}
			for _, w := range strings.FieldsFunc(tt.fullName, func(r rune) bool { return r == ' ' || r == '-' }) {
				if !strings.Contains(tt.alias, w) {
					secrets = append(secrets, w)
				}
			}
			never(t, "ofc", ofc.client, secrets...)
			if tt.want == "received" {
				never(t, "ofc", ofc.client, "enrolled in LEAD", "routed", "case management")
			}
		})
	}
}

func TestKilledConnectionMidFormLeavesNoReferral(t *testing.T) {
	s := newIntakeSite(t)
	ofc := s.open(t, "ofc", "New referral")
	fill(ofc.client, draft{name: "Half Typed", dob: "1970-01-01", location: "bus stop", offense: true})
	mark := ofc.out.len()
	ofc.send(keyCtrlS) // under review: one key from submitting
	ofc.out.waitFor(t, mark, "enter", waitLong)
	ofc.kill()
	eventually(t, waitLong, "the session ends", func() bool { return len(s.e.srv.Sessions()) == 0 })
	if rs := s.officerReferrals(t); len(rs) != 0 {
		t.Fatalf("%d referrals after the connection dropped => want none: %+v", len(rs), rs)
	}
}
