package badgerstore

import (
	"errors"
	"testing"

	"github.com/leadtable/owg/store"
)

// TestSecondOfTwoConflictingWritesIsStale has two people read the same
// record and write it: the first write is saved, the second is ErrStale
// ("changed by someone else, reload") and leaves the record as the first
// one made it. One case per entity, referral decisions and
// acknowledgements included.
func TestSecondOfTwoConflictingWritesIsStale(t *testing.T) {
	db := memDB(t)
	p := mustParticipant(t, db, "Ana", "casey")
	mustParticipant(t, db, "Bo", "casey")
	must[store.User](t, "casey")(db.CreateUser(ctx, pm, store.User{Name: "casey", Role: store.RoleCaseManager, Cap: 20, Active: true}))
	must[store.User](t, "cora")(db.CreateUser(ctx, pm, store.User{Name: "cora", Role: store.RoleCaseManager, Cap: 20, Active: true}))

	cases := []struct {
		entity string
		// first and second write the same record from the same read; check
		// returns what is stored, for the "first one won" check.
		first, second func() error
		stored        func() (string, error)
		want          string
	}{}
	add := func(entity string, first, second func() error, stored func() (string, error), want string) {
		cases = append(cases, struct {
			entity        string
			first, second func() error
			stored        func() (string, error)
			want          string
		}{entity, first, second, stored, want})
	}

	// participant
	{
		read := must[store.Participant](t, "get")(db.GetParticipant(ctx, p.ID))
		a, b := read, read
		a.Housing, b.Housing = "sheltered", "unsheltered"
		add("participant", func() error { _, err := db.UpdateParticipant(ctx, pm, a); return err },
			func() error { _, err := db.UpdateParticipant(ctx, cm, b); return err },
			func() (string, error) { x, err := db.GetParticipant(ctx, p.ID); return string(x.Housing), err }, "sheltered")
	}
	// goal
	{
		g := must[store.Goal](t, "goal")(db.CreateGoal(ctx, cm, store.Goal{ParticipantID: p.ID, Words: "a home", Domain: store.DomainHousing}))
		a, b := g, g
		a.Status, b.Status = store.GoalAchieved, store.GoalSetAside
		add("goal", func() error { _, err := db.UpdateGoal(ctx, cm, a); return err },
			func() error { _, err := db.UpdateGoal(ctx, pm, b); return err },
			func() (string, error) { x, err := db.GetGoal(ctx, g.ID); return string(x.Status), err }, string(store.GoalAchieved))
	}
	// referral update
	{
		r := must[store.Referral](t, "referral")(db.CreateReferral(ctx, pm, newReferral("Cy", day(2025, 5, 1))))
		a, b := r, r
		a.Location, b.Location = "3rd Ave", "Pike St"
		add("referral", func() error { _, err := db.UpdateReferral(ctx, pm, a); return err },
			func() error { _, err := db.UpdateReferral(ctx, pm, b); return err },
			func() (string, error) { x, err := db.GetReferral(ctx, r.ID); return x.Location, err }, "3rd Ave")
	}
	// referral decision: pm accepts while a supervisor declines (the case of issue 13)
	{
		r := must[store.Referral](t, "referral")(db.CreateReferral(ctx, pm, newReferral("Dee", day(2025, 5, 2))))
		sup := store.Actor{User: "sue", Role: store.RoleSupervisor}
		add("referral decision",
			func() error {
				_, err := db.DecideReferral(ctx, pm, r.ID, store.ReferralDecision{Version: r.Version, Status: store.RefAccepted, CaseManager: "cora"})
				return err
			},
			func() error {
				_, err := db.DecideReferral(ctx, sup, r.ID, store.ReferralDecision{Version: r.Version, Status: store.RefDeclined, Code: "capacity", Note: "moved"})
				return err
			},
			func() (string, error) { x, err := db.GetReferral(ctx, r.ID); return string(x.Status), err }, string(store.RefAccepted))
	}
	// acknowledgement of an on-call handoff
	{
		r := must[store.Referral](t, "referral")(db.CreateReferral(ctx, pm, newReferral("Eli", day(2025, 5, 3))))
		add("acknowledgement",
			func() error {
				_, err := db.AcknowledgeReferral(ctx, store.Actor{User: "cora", Role: store.RoleCaseManager}, r.ID)
				return err
			},
			func() error { _, err := db.AcknowledgeReferral(ctx, cm, r.ID); return err },
			func() (string, error) { x, err := db.GetReferral(ctx, r.ID); return x.AckBy, err }, "cora")
	}
	// legal case
	{
		c := must[store.LegalCase](t, "case")(db.CreateCase(ctx, pm, store.LegalCase{ParticipantID: p.ID, Kind: store.CasePreExisting, Status: store.CaseOpen, CaseNumber: "24-1"}))
		a, b := c, c
		a.Court, b.Court = "Municipal", "District"
		add("legal case", func() error { _, err := db.UpdateCase(ctx, pm, a); return err },
			func() error { _, err := db.UpdateCase(ctx, pm, b); return err },
			func() (string, error) { x, err := db.GetCase(ctx, c.ID); return x.Court, err }, "Municipal")
	}
	// ROI
	{
		r := must[store.ROI](t, "roi")(db.CreateROI(ctx, pm, store.ROI{ParticipantID: p.ID, Covers: []string{"police"}, Signed: day(2025, 1, 1), Expires: day(2026, 1, 1)}))
		a, b := r, r
		a.Expires, b.Expires = day(2025, 12, 1), day(2025, 11, 1)
		add("release of information", func() error { _, err := db.UpdateROI(ctx, pm, a); return err },
			func() error { _, err := db.UpdateROI(ctx, pm, b); return err },
			func() (string, error) {
				rs, err := db.ListROIs(ctx, p.ID)
				if err != nil || len(rs) == 0 {
					return "", err
				}
				return rs[0].Expires.Format("2006-01-02"), nil
			}, "2025-12-01")
	}
	// meeting
	{
		m := must[store.Meeting](t, "meeting")(db.CreateMeeting(ctx, pm, store.Meeting{Date: day(2025, 6, 5), Facilitator: "pat"}))
		a, b := m, m
		a.Facilitator, b.Facilitator = "pat", "sue"
		a.Attendees, b.Attendees = []string{"pat"}, []string{"sue"}
		add("meeting", func() error { _, err := db.UpdateMeeting(ctx, pm, a); return err },
			func() error { _, err := db.UpdateMeeting(ctx, pm, b); return err },
			func() (string, error) { x, err := db.GetMeeting(ctx, m.ID); return x.Facilitator, err }, "pat")
	}
	// user
	{
		u := must[store.User](t, "get user")(db.GetUser(ctx, "casey"))
		a, b := u, u
		a.Cap, b.Cap = 25, 10
		add("user", func() error { _, err := db.UpdateUser(ctx, pm, a); return err },
			func() error { _, err := db.UpdateUser(ctx, pm, b); return err },
			func() (string, error) {
				x, err := db.GetUser(ctx, "casey")
				if x.Cap == 25 {
					return "25", err
				}
				return "other", err
			}, "25")
	}

	for _, tc := range cases {
		if err := tc.first(); err != nil {
			t.Errorf("%s: first write => %v, want saved", tc.entity, err)
			continue
		}
		before := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{}))
		err := tc.second()
		if !errors.Is(err, store.ErrStale) {
			t.Errorf("%s: second write from the same read => %v, want ErrStale", tc.entity, err)
		}
		got, err := tc.stored()
		if err != nil || got != tc.want {
			t.Errorf("%s: stored after the stale write => %q, %v, want %q (the first write)", tc.entity, got, err, tc.want)
		}
		after := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{}))
		if len(after) != len(before) {
			t.Errorf("%s: the stale write added %d audit events, want 0 (nothing saved)", tc.entity, len(after)-len(before))
		}
	}
	// The referral declined by nobody still has its participant.
	ps := must[[]store.Participant](t, "list")(db.ListParticipants(ctx, store.ParticipantFilter{CaseManager: "cora"}))
	if len(ps) != 1 {
		t.Errorf("cora's caseload after accept-then-stale-decline => %d participants, want 1", len(ps))
	}
	// A decision without the version read is refused.
	r := must[store.Referral](t, "referral")(db.CreateReferral(ctx, pm, newReferral("Flo", day(2025, 5, 4))))
	_, err := db.DecideReferral(ctx, pm, r.ID, store.ReferralDecision{Status: store.RefDeclined, Code: "capacity", Note: "x"})
	wantFields(t, "DecideReferral(no version)", err, "version")
}
