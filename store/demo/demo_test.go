package demo_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/store/demo"
)

var asOf = time.Date(2025, 3, 12, 0, 0, 0, 0, time.UTC)

func fill(t *testing.T, seed uint64) (store.Store, demo.Summary) {
	t.Helper()
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return asOf })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sum, err := demo.Fill(context.Background(), db, asOf, seed)
	if err != nil {
		t.Fatalf("Fill: %v", err)
	}
	return db, sum
}

// snapshot is the content of a store without the times the store stamps.
type snapshot struct {
	participants []string
	goals        []string
	contacts     []string
	referrals    []string
	cases        []string
	rois         []string
	users        []string
	meetings     []string
}

func take(t *testing.T, s store.Store) snapshot {
	t.Helper()
	ctx := context.Background()
	var sn snapshot
	ps, err := s.ListParticipants(ctx, store.ParticipantFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		sn.participants = append(sn.participants, strings.Join([]string{p.ID, p.Name, store.FormatDate(p.DOB),
			p.CaseManager, string(p.Status), p.RaceEthnicity, store.FormatDate(p.EnrolledOn)}, "|"))
		gs, _ := s.ListGoals(ctx, p.ID)
		for _, g := range gs {
			line := g.ID + "|" + g.Words + "|" + string(g.Status)
			for _, e := range g.Progress {
				line += "|" + e.Date.Format(time.RFC3339) + string(e.Step) + e.Note
			}
			sn.goals = append(sn.goals, line)
		}
		cs, _ := s.ListContacts(ctx, p.ID)
		for _, c := range cs {
			sn.contacts = append(sn.contacts, c.ID+"|"+c.Date.Format(time.RFC3339)+"|"+string(c.Sensitivity)+"|"+c.Note)
		}
		rs, _ := s.ListROIs(ctx, p.ID)
		for _, r := range rs {
			sn.rois = append(sn.rois, r.ID+"|"+r.Describe()+"|"+store.FormatDate(r.Expires)+"|"+store.FormatDate(r.Revoked))
		}
	}
	refs, _ := s.ListReferrals(ctx, store.ReferralFilter{})
	for _, r := range refs {
		sn.referrals = append(sn.referrals, r.ID+"|"+r.Person.Name+"|"+string(r.Kind)+"|"+r.Offense+"|"+r.Received.Format(time.RFC3339))
	}
	cases, _ := s.AllCases(ctx)
	for _, c := range cases {
		sn.cases = append(sn.cases, c.ID+"|"+c.ParticipantID+"|"+string(c.Kind)+"|"+store.FormatDate(c.NextCourtDate))
	}
	us, _ := s.ListUsers(ctx)
	for _, u := range us {
		sn.users = append(sn.users, u.Name+"|"+string(u.Role))
	}
	ms, _ := s.ListMeetings(ctx)
	for _, m := range ms {
		sn.meetings = append(sn.meetings, m.ID+"|"+m.Date.Format(time.RFC3339)+"|"+string(m.Status))
	}
	return sn
}

func TestFillDeterministic(t *testing.T) {
	a, sa := fill(t, 7)
	b, sb := fill(t, 7)
	if sa != sb {
		t.Fatalf("summaries differ for the same seed:\n%+v\n%+v", sa, sb)
	}
	x, y := take(t, a), take(t, b)
	for _, c := range []struct {
		name string
		x, y []string
	}{
		{"participants", x.participants, y.participants}, {"goals", x.goals, y.goals},
		{"contacts", x.contacts, y.contacts}, {"referrals", x.referrals, y.referrals},
		{"cases", x.cases, y.cases}, {"rois", x.rois, y.rois}, {"users", x.users, y.users},
		{"meetings", x.meetings, y.meetings},
	} {
		if !slices.Equal(c.x, c.y) {
			t.Errorf("%s differ for the same seed", c.name)
		}
	}
	c, _ := fill(t, 8)
	if slices.Equal(take(t, c).participants, x.participants) {
		t.Errorf("seeds 7 and 8 gave the same participants")
	}
}

func between(t *testing.T, what string, got, lo, hi int) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s = %d, want %d..%d", what, got, lo, hi)
	}
}

func TestFillContent(t *testing.T) {
	for _, seed := range []uint64{demo.DefaultSeed, 1, 2, 3} {
		s, sum := fill(t, seed)
		ctx := context.Background()
		proto := store.DefaultProtocol()

		between(t, "active participants", sum.Active, 60, 70)
		between(t, "new referrals", sum.Referrals, 22, 28)
		between(t, "legal cases", sum.LegalCases, 17, 23)
		if sum.CaseManagers != 4 {
			t.Errorf("case managers = %d, want 4", sum.CaseManagers)
		}

		users, _ := s.ListUsers(ctx)
		roles := map[store.Role]int{}
		for _, u := range users {
			roles[u.Role]++
			if len(u.Keys) != 0 {
				t.Errorf("user %s has SSH keys", u.Name)
			}
			if u.Role == store.RoleCaseManager && u.Cap != 20 {
				t.Errorf("case manager %s cap = %d, want 20", u.Name, u.Cap)
			}
		}
		for _, r := range store.Roles {
			if roles[r] == 0 {
				t.Errorf("no user with role %s", r)
			}
		}
		if roles[store.RolePolice] != 2 || roles[store.RoleCaseManager] != 4 {
			t.Errorf("roles = %v, want 2 police and 4 case managers", roles)
		}

		active, _ := s.ListParticipants(ctx, store.ParticipantFilter{ActiveOnly: true})
		capacity := store.Capacity(proto, users, active)
		if capacity != sum.OpenSlots {
			t.Errorf("store.Capacity = %d, summary says %d", capacity, sum.OpenSlots)
		}
		between(t, "open slots", capacity, 1, 20)
		refs, _ := s.ListReferrals(ctx, store.ReferralFilter{Statuses: []store.ReferralStatus{store.RefNew, store.RefScreenedOut}})
		rk := store.Rank(proto, refs, active, capacity, asOf)
		// Screened on entry, as an import or `owg referral add` would:
		// every referral the protocol screens out is stored screened_out
		// with its reason, and the rest are new.
		screened := 0
		for _, r := range refs {
			if r.DecidedBy != "" {
				continue // history: decided before the queue
			}
			ok, reason := store.Eligibility(proto, r)
			switch {
			case r.ReReferralOf != "":
				if r.Status != store.RefNew {
					t.Errorf("re-referral %s stored %s, want new", r.ID, r.Status)
				}
			case !ok:
				screened++
				if r.Status != store.RefScreenedOut || r.Reason != reason {
					t.Errorf("%s: ineligible (%s) but stored %s %q", r.ID, reason, r.Status, r.Reason)
				}
			case r.Status != store.RefNew:
				t.Errorf("%s: eligible but stored %s", r.ID, r.Status)
			}
		}
		if screened == 0 || screened != sum.ScreenedOut {
			t.Errorf("%d referrals screened out, summary says %d", screened, sum.ScreenedOut)
		}
		if len(rk.Ranked) <= capacity {
			t.Errorf("%d eligible referrals for %d open slots: want more referrals than slots", len(rk.Ranked), capacity)
		}
		kinds := map[store.ReferralKind]int{}
		blankRace := 0
		for _, r := range refs {
			kinds[r.Kind]++
			if r.RaceEthnicity == "" {
				blankRace++
			}
		}
		if len(kinds) != 3 {
			t.Errorf("referral kinds = %v, want all three", kinds)
		}
		if blankRace == 0 || blankRace == len(refs) {
			t.Errorf("%d of %d referrals with blank race/ethnicity, want some", blankRace, len(refs))
		}
		if len(rk.ScreenedOut) == 0 || len(rk.ReReferrals) != 1 {
			t.Errorf("screened out %d, re-referrals %d: want some and one", len(rk.ScreenedOut), len(rk.ReReferrals))
		}

		var expired, revoked, partial, steps, clinical, byAgency, sensitiveROIs, clinicalOnOrdinary int
		stepKinds := map[store.Step]int{}
		nonASCII := 0
		for _, p := range active {
			if strings.ContainsFunc(p.Name, func(r rune) bool { return r > 127 }) {
				nonASCII++
			}
			rois, _ := s.ListROIs(ctx, p.ID)
			for _, r := range rois {
				switch {
				case !r.Revoked.IsZero():
					revoked++
				case r.Expires.Before(asOf):
					expired++
				case len(r.Roles) < 4:
					partial++
				}
				if len(r.Agencies) > 0 {
					byAgency++
				}
				if slices.Contains(r.Classes, store.DataSensitive) {
					sensitiveROIs++
					if slices.Contains(r.Roles, store.RolePolice) || slices.Contains(r.Roles, store.RoleProsecutor) ||
						slices.Contains(r.Agencies, "Metro PD") || slices.Contains(r.Agencies, "City Attorney") {
						t.Errorf("ROI %s releases sensitive data to law enforcement: %s", r.ID, r.Describe())
					}
				}
				if r.Purpose == "" || r.RecordedBy == "" {
					t.Errorf("ROI %s without purpose or recorder: %+v", r.ID, r)
				}
			}
			gs, _ := s.ListGoals(ctx, p.ID)
			for _, g := range gs {
				for _, e := range g.Progress {
					steps++
					stepKinds[e.Step]++
					if e.Sensitivity == store.Clinical && store.GoalClass(g, nil) == store.DataGoals {
						clinicalOnOrdinary++
					}
				}
			}
			cs, _ := s.ListContacts(ctx, p.ID)
			for _, c := range cs {
				if c.Sensitivity == store.Clinical {
					clinical++
				}
			}
		}
		if expired == 0 || revoked == 0 || partial == 0 {
			t.Errorf("ROIs: %d expired, %d revoked, %d partial; want some of each", expired, revoked, partial)
		}
		if byAgency == 0 || sensitiveROIs == 0 || clinicalOnOrdinary == 0 {
			t.Errorf("ROIs: %d naming agencies, %d listing sensitive; %d clinical progress notes on ordinary goals; want some of each",
				byAgency, sensitiveROIs, clinicalOnOrdinary)
		}
		if len(stepKinds) != 3 || steps < 100 {
			t.Errorf("progress: %d entries, kinds %v; want months of all three steps", steps, stepKinds)
		}
		if clinical == 0 {
			t.Error("no clinical contacts")
		}
		if nonASCII < 3 {
			t.Errorf("%d non-ASCII names, want several", nonASCII)
		}

		cases, _ := s.AllCases(ctx)
		ck := map[store.CaseKind]int{}
		soon := 0
		for _, c := range cases {
			ck[c.Kind]++
			if !c.NextCourtDate.IsZero() && !c.NextCourtDate.Before(asOf) && c.NextCourtDate.Before(asOf.AddDate(0, 0, 30)) {
				soon++
			}
			if c.Kind == store.CaseDivertedArrest && store.DaysBetween(asOf, c.IntakeDeadline) > 8 {
				t.Errorf("diverted arrest %s deadline %s is not near", c.ID, store.FormatDate(c.IntakeDeadline))
			}
		}
		if len(ck) != 4 || soon < 5 {
			t.Errorf("cases by kind %v, %d court dates in the coming weeks", ck, soon)
		}

		ms, _ := s.ListMeetings(ctx)
		if len(ms) != 1 || ms[0].Status != store.MeetingEnded || store.DaysBetween(ms[0].Date, asOf) != 14 {
			t.Fatalf("meetings = %+v, want one ended 14 days ago", ms)
		}
		open := 0
		for _, a := range ms[0].ActionItems {
			if !a.Done {
				open++
			}
		}
		if open == 0 {
			t.Error("no open action items")
		}
	}
}

func TestFillRefusesNonEmpty(t *testing.T) {
	s, _ := fill(t, 1)
	_, err := demo.Fill(context.Background(), s, asOf, 1)
	if !errors.Is(err, demo.ErrNotEmpty) {
		t.Fatalf("second Fill: err = %v, want ErrNotEmpty", err)
	}
}

func TestFixedNamesPresent(t *testing.T) {
	s, _ := fill(t, demo.DefaultSeed)
	ps, _ := s.ListParticipants(context.Background(), store.ParticipantFilter{})
	names := map[string]bool{}
	for _, p := range ps {
		names[p.Name] = true
	}
	for _, n := range []string{"José Núñez", "Nguyễn Thị Lan", "Aaliyah Washington", "Dmitri Volkov", "Mary Two Feathers"} {
		if !names[n] {
			t.Errorf("no participant named %q", n)
		}
	}
}

// TestFillNLarger: a larger site keeps the shape: every asked-for
// participant active, case managers to hold them with slots open, and
// cases, referrals and ROIs in proportion.
func TestFillNLarger(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a site of 300")
	}
	db, err := badgerstore.OpenMemoryAt(func() time.Time { return asOf })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sum, err := demo.FillN(context.Background(), db, asOf, demo.DefaultSeed, 300)
	if err != nil {
		t.Fatalf("FillN: %v", err)
	}
	if sum.Active != 300 {
		t.Errorf("active = %d => want 300", sum.Active)
	}
	if sum.OpenSlots <= 0 || sum.Capacity < sum.Active {
		t.Errorf("capacity %d, open %d for %d active => want room for everyone", sum.Capacity, sum.OpenSlots, sum.Active)
	}
	if sum.LegalCases < 4*18 || sum.Referrals < 4*20 || sum.ROIs < 250 || sum.Goals < 300 || sum.Contacts < 300 {
		t.Errorf("summary %+v => want cases, referrals, ROIs, goals and contacts in proportion", sum)
	}
	users, err := db.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cms := 0
	for _, u := range users {
		if u.Role == store.RoleCaseManager {
			cms++
		}
	}
	if cms != sum.CaseManagers || cms*demo.CaseManagerCap != sum.Capacity {
		t.Errorf("%d case managers stored, summary says %d (capacity %d)", cms, sum.CaseManagers, sum.Capacity)
	}
}

// TestFillRaceEthnicityIsHUDCategories: every race/ethnicity the demo
// writes is HUD's categories in their stored form, more than one for some
// people, and the demo has every kind of group an equity check shows.
func TestFillRaceEthnicityIsHUDCategories(t *testing.T) {
	s, _ := fill(t, demo.DefaultSeed)
	ctx := context.Background()
	ps, err := s.ListParticipants(ctx, store.ParticipantFilter{})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := s.ListReferrals(ctx, store.ReferralFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, p := range ps {
		all = append(all, p.RaceEthnicity)
	}
	for _, r := range rs {
		all = append(all, r.RaceEthnicity)
	}
	multi, blank := 0, 0
	for _, v := range all {
		got, err := store.ParseRaceEthnicity(v)
		if err != nil || got != v {
			t.Errorf("demo race/ethnicity %q is not in its stored form (%q, %v)", v, got, err)
		}
		if strings.Contains(v, store.RaceEthnicitySep) {
			multi++
		}
		if v == "" {
			blank++
		}
	}
	if multi == 0 || blank == 0 {
		t.Errorf("demo has %d people with several categories and %d not recorded, want some of each", multi, blank)
	}
}
