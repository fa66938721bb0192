package export

import (
	"slices"
	"strings"
	"testing"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
)

// TestMinutesExportAuditsEachParticipant: the minutes disclose their
// subjects' names, notes and attached action items, so exporting them
// records, besides the export, a view of each participant (a case's
// participant) and referral they are about by the exporter, as the
// minutes show them: view where shown, denied where withheld.
func TestMinutesExportAuditsEachParticipant(t *testing.T) {
	sd := seed(t)
	rs, err := sd.s.ListReferrals(ctx, store.ReferralFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var r2 string
	for _, r := range rs {
		if r.ParticipantID == "" {
			r2 = r.ID
		}
	}
	m, err := sd.s.CreateMeeting(ctx, pm, store.Meeting{Date: day("2025-03-20"), Facilitator: "pat", Status: store.MeetingEnded,
		Items: []store.AgendaItem{
			{ID: "1", Kind: store.ItemGoalReview, Subject: sd.p1, Title: "Goal review " + sd.p1, Status: store.ItemDiscussed},
			{ID: "2", Kind: store.ItemReferral, Subject: r2, Title: "Referral " + r2, Status: store.ItemDiscussed},
			{ID: "3", Kind: store.ItemGoalReview, Subject: sd.p1, Title: "Goal review again", Status: store.ItemDiscussed},
		},
		ActionItems: []store.ActionItem{{ID: "A-0001", Subject: sd.p2, Text: "call the housing office", Owner: "alice"}}})
	if err != nil {
		t.Fatal(err)
	}
	type ev struct {
		subject string
		action  store.AuditAction
	}
	for _, tt := range []struct {
		name   string
		viewer store.Actor
		want   []ev
	}{
		{"pm sees everyone", pm, []ev{{sd.p1, store.AuditView}, {r2, store.AuditView}, {sd.p2, store.AuditView}, {m.ID, store.AuditExport}}},
		// the officer's ROI covers p2 only, and r2 is not their referral
		{"police", police, []ev{{sd.p1, store.AuditDenied}, {r2, store.AuditDenied}, {sd.p2, store.AuditView}, {m.ID, store.AuditExport}}},
	} {
		before, err := sd.s.ListAudit(ctx, store.AuditFilter{User: tt.viewer.User})
		if err != nil {
			t.Fatal(err)
		}
		db := sd.s.(*badgerstore.DB)
		stats := db.RecordStats()
		if _, err := MinutesMarkdown(ctx, sd.s, tt.viewer, m.ID, now); err != nil {
			t.Fatal(err)
		}
		if d := db.RecordStats(); d.Transactions-stats.Transactions != 1 || d.Events-stats.Events != uint64(len(tt.want)) {
			t.Errorf("%s: %d events in %d transactions, want %d in one batch", tt.name, d.Events-stats.Events, d.Transactions-stats.Transactions, len(tt.want))
		}
		after, err := sd.s.ListAudit(ctx, store.AuditFilter{User: tt.viewer.User})
		if err != nil {
			t.Fatal(err)
		}
		var got []ev
		for _, e := range after[len(before):] {
			got = append(got, ev{e.Subject, e.Action})
			if e.Action != store.AuditExport && e.Detail != "minutes-markdown:"+m.ID {
				t.Errorf("%s: view event detail %q, want minutes-markdown:%s", tt.name, e.Detail, m.ID)
			}
			if strings.Contains(e.Detail, "housing") {
				t.Errorf("%s: audit event carries text: %+v", tt.name, e)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: audit events %v, want %v", tt.name, got, tt.want)
		}
	}
}
