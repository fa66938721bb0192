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

// Distinct strings the visibility tests look for in the bytes received.
const (
	nameShared     = "Zebulon Quartermaine" // ROI covers police
	nameNotShared  = "Xavier Nightingale"   // no ROI
	clinicalText   = "methadone CLINICALSECRET"
	generalText    = "housing voucher GENERALOK"
	clinicalText2  = "HIDDENDOSE lorazepam"
	generalText2   = "bus pass OKAYTWO"
	itemOneTitle   = "ALPHA"
	itemTwoTitle   = "zulu-kilo"
	itemThreeTitle = "mike-oscar"
)

// meetingSite seeds a site with two participants (one whose ROI covers
// police, one with none), an open meeting on them facilitated by pam, and
// the users pam (pm), cara (case manager) and pete (police).
type meetingSite struct {
	e         *testEnv
	meetingID string
	keys      map[string]gossh.Signer
	actor     store.Actor
}

func newMeetingSite(tb testing.TB, e *testEnv, extraItems int) *meetingSite {
	tb.Helper()
	ctx := context.Background()
	s := &meetingSite{e: e, keys: map[string]gossh.Signer{}, actor: store.Actor{User: "pam", Role: store.RolePM}}
	s.keys["pam"] = e.addUser("pam", store.RolePM, true)
	s.keys["cara"] = e.addUser("cara", store.RoleCaseManager, true)
	s.keys["pete"] = e.addUser("pete", store.RolePolice, true)
	now := testNow
	day := store.DateOf(now)
	mk := func(name string) store.Participant {
		p, err := e.db.CreateParticipant(ctx, store.SystemActor, store.Participant{
			Name: name, DOB: time.Date(1980, 3, 4, 0, 0, 0, 0, time.UTC), EnrolledOn: day.AddDate(0, -2, 0),
			CaseManager: "cara", Status: store.StatusEngaging,
		})
		if err != nil {
			tb.Fatal(err)
		}
		return p
	}
	p1, p2 := mk(nameShared), mk(nameNotShared)
	if _, err := e.db.CreateROI(ctx, store.SystemActor, store.ROI{ParticipantID: p1.ID, Covers: []string{string(store.RolePolice)},
		Signed: day.AddDate(0, -1, 0), Expires: day.AddDate(1, 0, 0)}); err != nil {
		tb.Fatal(err)
	}
	notes := []store.Note{
		{Time: now, Author: "cara", Text: clinicalText, Sensitivity: store.Clinical},
		{Time: now, Author: "cara", Text: generalText, Sensitivity: store.General},
	}
	// Item 2's notes differ at every position from item 1's, so the cell
	// renderer sends them whole when the view moves.
	notes2 := []store.Note{
		{Time: now, Author: "cara", Text: clinicalText2, Sensitivity: store.Clinical},
		{Time: now, Author: "cara", Text: generalText2, Sensitivity: store.General},
	}
	items := []store.AgendaItem{
		{ID: "1", Kind: store.ItemGoalReview, Subject: p1.ID, Title: itemOneTitle, Status: store.ItemPending, Notes: notes},
		{ID: "2", Kind: store.ItemGoalReview, Subject: p2.ID, Title: itemTwoTitle, Status: store.ItemPending, Notes: notes2},
	}
	for i := range extraItems {
		title := itemThreeTitle
		if i%2 == 1 {
			title = itemTwoTitle
		}
		subj := p1.ID
		if i%2 == 1 {
			subj = p2.ID
		}
		items = append(items, store.AgendaItem{ID: string(rune('3' + i)), Kind: store.ItemGoalReview, Subject: subj, Title: title, Status: store.ItemPending})
	}
	mt, err := e.db.CreateMeeting(ctx, s.actor, store.Meeting{Date: day, Facilitator: "pam", Status: store.MeetingOpen, Items: items})
	if err != nil {
		tb.Fatal(err)
	}
	s.meetingID = mt.ID
	return s
}

// join opens user's session, goes to the Meeting tab and joins.
func (s *meetingSite) join(tb testing.TB, user string) *client {
	tb.Helper()
	c, err := joinMeeting(s.e, s.keys[user], user == "pam", waitLong)
	if err != nil {
		if c != nil {
			c.close()
		}
		tb.Fatal(err)
	}
	return c
}

// joinMeeting opens a session with key, goes to the Meeting tab and joins
// the open meeting; safe from any goroutine.
func joinMeeting(e *testEnv, key gossh.Signer, facilitator bool, d time.Duration) (*client, error) {
	c, err := e.tryOpen(key, true)
	if err != nil {
		return nil, err
	}
	return c, joinOn(c, facilitator, d)
}

// joinOn goes to the Meeting tab of c's session and joins the open meeting.
func joinOn(c *client, facilitator bool, d time.Duration) error {
	if err := c.out.await(0, "Meeting", d); err != nil {
		return err
	}
	// Police, providers and community open on the New referral form: esc
	// leaves it (a second esc if it asks to discard), then tab 5.
	for try := 0; ; try++ {
		if strings.Contains(c.out.text(), "New referral") {
			c.send("\x1b")
			time.Sleep(150 * time.Millisecond)
		}
		c.send("5")
		err := c.out.await(0, "join and follow", d/4)
		if err == nil {
			break
		}
		if try == 3 {
			return err
		}
	}
	want := "following"
	if facilitator {
		want = "facilitating"
	}
	for try := 0; ; try++ {
		c.send("\r")
		err := c.out.await(0, want, d/4)
		if err == nil {
			return nil
		}
		if try == 3 {
			return err
		}
	}
}

// advance moves the meeting's current item through the store, as the
// facilitator's session does.
func (s *meetingSite) advance(tb testing.TB, to int) {
	tb.Helper()
	_, err := s.e.db.MutateMeeting(context.Background(), s.actor, s.meetingID, func(m *store.Meeting) error {
		m.Current = to
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func newRealTUIEnv(tb testing.TB) *testEnv {
	return newTestEnv(tb, func(c *Config) { c.NewModel = nil })
}

func TestFollowerFollowsFacilitator(t *testing.T) {
	e := newRealTUIEnv(t)
	site := newMeetingSite(t, e, 0)
	pam := site.join(t, "pam")
	defer pam.close()
	cara := site.join(t, "cara")
	defer cara.close()
	cara.out.waitFor(t, 0, "1. "+itemOneTitle, waitLong)
	cara.out.waitFor(t, 0, "pam (pm", waitLong) // the presence line, through the hub
	eventually(t, waitLong, "both in the meeting", func() bool {
		ss := e.srv.Sessions()
		return len(ss) == 2 && ss[0].MeetingID == site.meetingID && ss[1].MeetingID == site.meetingID && ss[1].Following
	})

	mark := cara.out.len()
	pam.send("n") // the facilitator moves to the next item
	cara.out.waitFor(t, mark, itemTwoTitle, waitLong)
	cara.out.waitFor(t, mark, nameNotShared, waitLong)
	mt, err := e.db.GetMeeting(context.Background(), site.meetingID)
	if err != nil || mt.Current != 1 {
		t.Fatalf("meeting current %d, %v => want 1", mt.Current, err)
	}
}

func TestPoliceNeverReceivesClinicalNotesOrUnsharedNames(t *testing.T) {
	e := newRealTUIEnv(t)
	site := newMeetingSite(t, e, 0)
	cara := site.join(t, "cara")
	defer cara.close()
	pete := site.join(t, "pete")
	defer pete.close()

	// Item 1: ROI covers police. Both see the name; only cara the clinical note.
	cara.out.waitFor(t, 0, nameShared, waitLong)
	cara.out.waitFor(t, 0, "CLINICALSECRET", waitLong)
	pete.out.waitFor(t, 0, nameShared, waitLong)
	pete.out.waitFor(t, 0, "GENERALOK", waitLong)

	// Item 2: no ROI. cara sees the name and the note; pete neither.
	markC, markP := cara.out.len(), pete.out.len()
	site.advance(t, 1)
	cara.out.waitFor(t, markC, nameNotShared, waitLong)
	cara.out.waitFor(t, markC, "HIDDENDOSE", waitLong)
	pete.out.waitFor(t, markP, store.NotShared, waitLong)
	pete.out.settle(300*time.Millisecond, 3*time.Second)

	raw := string(pete.out.bytesFrom(0))
	for _, s := range []string{raw, ansi.Strip(raw)} {
		for _, secret := range []string{"CLINICALSECRET", "SECRET", "OKAYTWO", "methadone", "HIDDENDOSE", "HIDDEN", "lorazepam", nameNotShared, "Xavier", "Nightingale"} {
			if strings.Contains(s, secret) {
				t.Errorf("police session received %q", secret)
			}
		}
	}
}

// TestAdvanceRecordsFollowersViewsInItsTransaction: the facilitator's move
// to the next item records each follower's view of its participant in the
// move's own transaction (view for the case manager, denied for the
// police officer without an ROI), and the followers' own screens, showing
// it just after, record nothing more.
func TestAdvanceRecordsFollowersViewsInItsTransaction(t *testing.T) {
	e := newRealTUIEnv(t)
	site := newMeetingSite(t, e, 0)
	pam := site.join(t, "pam")
	defer pam.close()
	cara := site.join(t, "cara")
	defer cara.close()
	pete := site.join(t, "pete")
	defer pete.close()
	eventually(t, waitLong, "three in the meeting, two following", func() bool {
		n := 0
		for _, s := range e.srv.Sessions() {
			if s.MeetingID == site.meetingID && s.Following && s.User != "pam" {
				n++
			}
		}
		return n == 2
	})
	ctx := context.Background()
	mt, err := e.db.GetMeeting(ctx, site.meetingID)
	if err != nil {
		t.Fatal(err)
	}
	subject := mt.Items[1].Subject
	// who had been recorded as shown it when the move was announced (the
	// store calls subscribers before any session hears of the change)
	atMove := make(chan map[string]bool, 1)
	unsub := e.db.Subscribe(func(c store.Change) {
		if c.Kind != "meeting" || c.ID != site.meetingID {
			return
		}
		evs, err := e.db.ListAudit(ctx, store.AuditFilter{Subject: subject})
		if err != nil {
			return
		}
		users := map[string]bool{}
		for _, ev := range evs {
			users[ev.User] = true
		}
		select {
		case atMove <- users:
		default:
		}
	})
	defer unsub()
	markC, markP := cara.out.len(), pete.out.len()
	pam.send("n")
	select {
	case users := <-atMove:
		if !users["cara"] || !users["pete"] {
			t.Errorf("recorded as shown %s when the move was announced: %v => want cara and pete", subject, users)
		}
	case <-time.After(waitLong):
		t.Fatal("the move was not announced")
	}
	cara.out.waitFor(t, markC, nameNotShared, waitLong)
	pete.out.waitFor(t, markP, "Goal review ("+store.NotShared+")", waitLong) // no ROI: not even its title
	eventually(t, waitLong, "the move saved", func() bool {
		mt, err := e.db.GetMeeting(ctx, site.meetingID)
		return err == nil && mt.Current == 1
	})
	evs, err := e.db.ListAudit(ctx, store.AuditFilter{Subject: subject})
	if err != nil {
		t.Fatal(err)
	}
	byUser := map[string][]store.AuditEvent{}
	for _, ev := range evs {
		byUser[ev.User] = append(byUser[ev.User], ev)
	}
	for user, want := range map[string]store.AuditAction{"cara": store.AuditView, "pete": store.AuditDenied} {
		got := byUser[user]
		if len(got) != 1 || got[0].Action != want || got[0].Detail != "participant" || got[0].Addr == "" {
			t.Errorf("%s's events on %s: %+v => want one %s event with the session's address", user, subject, got, want)
		}
	}
	// the two follower events sit right after the meeting's update, in its
	// transaction
	all, err := e.db.ListAudit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var update uint64
	for _, ev := range all {
		if ev.Subject == site.meetingID && ev.Action == store.AuditUpdate && ev.User == "pam" {
			update = ev.Seq
		}
	}
	for _, user := range []string{"cara", "pete"} {
		if s := byUser[user]; len(s) == 1 && (s[0].Seq <= update || s[0].Seq > update+2) {
			t.Errorf("%s's view is event %d; the move is event %d => want it among the next two", user, s[0].Seq, update)
		}
	}
}
