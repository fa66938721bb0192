package meeting_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/export"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/meeting"
	"github.com/leadtable/owg/tui/triage/triagetest"
)

// longNote is the note the user test found cut off at 80 columns.
const longNote = "Outreach knows him from the Third Ave camp; he asked for LEAD after his last arrest and wants help with his ID before anything else"

// endedMeeting stores an ended meeting M-0001 on P2 (police ROI) with a
// general note, a clinical note and a decision, and one action item.
func endedMeeting(t *testing.T, site *triagetest.Site) store.Meeting {
	t.Helper()
	ctx := context.Background()
	mt, err := site.Store.CreateMeeting(ctx, triagetest.Actor("ana"), store.Meeting{
		Date: store.DateOf(triagetest.Now), Facilitator: "ana", Attendees: []string{"bo", "ofc"}, Status: store.MeetingOpen,
		Items: []store.AgendaItem{
			{ID: "1", Kind: store.ItemGoalReview, Subject: site.P2, Title: "Goal review: " + site.P2, Status: store.ItemDiscussed,
				Notes: []store.Note{
					{Time: triagetest.Now, Author: "cy", Text: longNote, Sensitivity: store.General},
					{Time: triagetest.Now, Author: "cy", Text: "relapse last week, restarted MAT", Sensitivity: store.Clinical},
				},
				Decisions: []store.Decision{{Time: triagetest.Now, Author: "ana", Text: "keep the housing referral open"}}},
			{ID: "2", Kind: store.ItemOther, Title: "Other business", Status: store.ItemNotReached},
		},
		ActionItems: []store.ActionItem{{ItemID: "1", Text: "Check which warrants can be quashed before the court date next month", Owner: "bo", Status: store.ActionOpen, Due: triagetest.Now.AddDate(0, 0, 7)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	mt, err = site.Store.MutateMeeting(ctx, triagetest.Actor("ana"), mt.ID, func(m *store.Meeting) error {
		m.Status, m.EndedAt = store.MeetingEnded, triagetest.Now
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return mt
}

// inLobby is the Meeting screen of viewer at w x h, its lobby loaded.
func inLobby(site *triagetest.Site, viewer store.Actor, w, h int) common.Component {
	m := meeting.New(site.Ctx(viewer))
	m.SetSize(w, h)
	drive(m, m.Init(), 0)
	return m
}

func screen(c common.Component) string { return ansi.Strip(c.View()) }

var spaces = regexp.MustCompile(`\s+`)

// flat is text with every run of spaces and line breaks made one space:
// wrapped text reads as the text.
func flat(s string) string { return spaces.ReplaceAllString(s, " ") }

// TestMinutesPaneIsTheExport: enter on a past meeting in the lobby shows
// its minutes as `owg export minutes --format text` writes them for this
// viewer (the same function: a police officer reads the general note and
// never the clinical one), audited as that export is.
func TestMinutesPaneIsTheExport(t *testing.T) {
	site := triagetest.New(t)
	mt := endedMeeting(t, site)
	ctx := context.Background()
	for _, name := range []string{"ofc", "bo"} {
		t.Run(name, func(t *testing.T) {
			viewer := triagetest.Actor(name)
			before, err := site.Store.ListAudit(ctx, store.AuditFilter{User: name, Action: store.AuditExport})
			if err != nil {
				t.Fatal(err)
			}
			m := inLobby(site, viewer, 80, 400)
			if v := screen(m); !strings.Contains(v, "▸ "+mt.ID) || !strings.Contains(v, "1 action item ") || strings.Contains(v, "1 action items") {
				t.Fatalf("lobby => want %s marked and \"1 action item\":\n%s", mt.ID, v)
			}
			press(m, keyEnter)
			got := screen(m)
			after, err := site.Store.ListAudit(ctx, store.AuditFilter{User: name, Action: store.AuditExport})
			if err != nil {
				t.Fatal(err)
			}
			if len(after) != len(before)+1 || after[len(after)-1].Subject != mt.ID {
				t.Errorf("reading the minutes => %d export events (want %d, the last on %s): %+v", len(after), len(before)+1, mt.ID, after)
			}
			want, err := export.MinutesExport(ctx, site.Store, viewer, mt.ID, triagetest.Now,
				export.MinutesOptions{Format: store.MinutesText, Sensitive: store.DefaultProtocol().SensitiveGoalDomains})
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(want, "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.Contains(flat(got), flat(l)) {
					t.Errorf("minutes pane => missing the export's line %q:\n%s", l, got)
				}
			}
			for _, l := range strings.Split(got, "\n") {
				if w := ansi.StringWidth(l); w > 80 {
					t.Errorf("minutes pane => a line of %d cells (width 80): %q", w, l)
				}
			}
			if !strings.Contains(flat(got), longNote) {
				t.Errorf("minutes pane => the long note not whole:\n%s", got)
			}
			clinical := strings.Contains(got, "restarted MAT")
			if name == "ofc" && clinical {
				t.Errorf("police => must never read a clinical note in the minutes:\n%s", got)
			}
			press(m, keyEsc)
			if v := screen(m); !strings.Contains(v, "Past meetings") || strings.Contains(v, "Minutes "+mt.ID) {
				t.Errorf("esc => want the lobby:\n%s", v)
			}
		})
	}
}

// TestMinutesPaneScrolls: at 80x24 the minutes scroll a line (j/k), a
// page (pgdn/pgup) and to the start and end (g/G), never past either.
func TestMinutesPaneScrolls(t *testing.T) {
	site := triagetest.New(t)
	endedMeeting(t, site)
	m := inLobby(site, triagetest.Actor("ana"), 80, 24)
	press(m, keyEnter)
	where := regexp.MustCompile(`lines (\d+)-(\d+) of (\d+)`)
	pos := func() (first, last, total int) {
		t.Helper()
		v := screen(m)
		g := where.FindStringSubmatch(v)
		if g == nil {
			t.Fatalf("minutes => no position shown:\n%s", v)
		}
		fmt.Sscan(g[1], &first)
		fmt.Sscan(g[2], &last)
		fmt.Sscan(g[3], &total)
		return
	}
	if f, l, n := pos(); f != 1 || l != 22 || n <= 22 {
		t.Fatalf("opened => lines %d-%d of %d, want 1-22 of more", f, l, n)
	}
	if v := screen(m); !strings.Contains(v, "Protected by 42 CFR part 2") || !strings.Contains(v, "OWG meeting M-0001") {
		t.Errorf("first page => want the notice's line and the minutes' start:\n%s", v)
	}
	press(m, keyRune('j'))
	if f, _, _ := pos(); f != 2 {
		t.Errorf("j => first line %d, want 2", f)
	}
	press(m, keyRune('k'))
	press(m, keyRune('k'))
	if f, _, _ := pos(); f != 1 {
		t.Errorf("k k => first line %d, want 1 (never above the start)", f)
	}
	press(m, tea.KeyPressMsg{Code: tea.KeyPgDown})
	if f, _, _ := pos(); f != 22 {
		t.Errorf("pgdn => first line %d, want 22 (a page less one line)", f)
	}
	press(m, keyRune('G'))
	_, l, n := pos()
	if l != n || !strings.Contains(screen(m), "redisclose the record (see 42 CFR 2.31)") {
		t.Errorf("G => lines to %d of %d, want the end (the notice's last words):\n%s", l, n, screen(m))
	}
	press(m, keyRune('j'))
	if _, l2, _ := pos(); l2 != n {
		t.Errorf("j at the end => to %d, want %d", l2, n)
	}
	press(m, tea.KeyPressMsg{Code: tea.KeyPgUp})
	if _, l2, _ := pos(); l2 != n-21 {
		t.Errorf("pgup => to %d, want %d", l2, n-21)
	}
	press(m, keyRune('g'))
	if f, _, _ := pos(); f != 1 {
		t.Errorf("g => first line %d, want 1", f)
	}
	for _, l := range strings.Split(screen(m), "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("a line of %d cells at width 80: %q", w, l)
		}
	}
}

// fiveItems opens a meeting with five items the facilitator walks.
func fiveItems(t *testing.T, site *triagetest.Site) store.Meeting {
	t.Helper()
	var items []store.AgendaItem
	for i := 1; i <= 5; i++ {
		items = append(items, store.AgendaItem{ID: fmt.Sprint(i), Kind: store.ItemOther, Title: fmt.Sprintf("Topic %c", 'A'+i-1), Status: store.ItemPending})
	}
	mt, err := site.Store.CreateMeeting(context.Background(), triagetest.Actor("ana"), store.Meeting{
		Date: store.DateOf(triagetest.Now), Facilitator: "ana", Attendees: []string{"bo"}, Status: store.MeetingOpen, Items: items})
	if err != nil {
		t.Fatal(err)
	}
	return mt
}

// TestSkipNamesTheItemShown: g 5 enter, K (the item is now number 4), s
// says it skipped item 4 by its title, and item 4 is the one skipped.
func TestSkipNamesTheItemShown(t *testing.T) {
	site := triagetest.New(t)
	mt := fiveItems(t, site)
	m := inLobby(site, triagetest.Actor("ana"), 80, 24)
	press(m, keyEnter) // join
	for _, k := range []tea.KeyPressMsg{keyRune('g'), keyRune('5'), keyEnter, keyRune('K')} {
		press(m, k)
	}
	if v := screen(m); !strings.Contains(v, "item 4 of 5") || !strings.Contains(v, "saved: moved item 5 (Topic E) to 4") {
		t.Fatalf("g 5 enter K => want item 4 of 5 and the move named:\n%s", v)
	}
	press(m, keyRune('s'))
	v := screen(m)
	if !strings.Contains(v, "saved: skipped item 4 (Topic E)") || strings.Contains(v, "item 5 (") {
		t.Errorf("s => want \"saved: skipped item 4 (Topic E)\":\n%s", v)
	}
	got, err := site.Store.GetMeeting(context.Background(), mt.ID)
	if err != nil {
		t.Fatal(err)
	}
	if it := got.Items[3]; it.ID != "5" || it.Status != store.ItemSkipped {
		t.Errorf("item 4 => id %s %s, want item 5 moved up and skipped", it.ID, it.Status)
	}
	press(m, keyRune('m')) // on item 5 (Topic D) now
	if v := screen(m); !strings.Contains(v, "saved: item 5 (Topic D) marked discussed") {
		t.Errorf("m => want the item named by number and title:\n%s", v)
	}
}

// TestItemPaneWraps: at 80x24 a long note, decision and open action item
// are wrapped (a hanging indent) and read whole; notes that do not fit
// the notes rows are reached by ] and every one is read.
func TestItemPaneWraps(t *testing.T) {
	site := triagetest.New(t)
	endedMeeting(t, site) // its open action item is on the next agenda
	notes := []store.Note{}
	for i := 1; i <= 6; i++ {
		notes = append(notes, store.Note{Time: triagetest.Now, Author: "operator", Text: fmt.Sprintf("n%d %s", i, longNote), Sensitivity: store.General})
	}
	_, err := site.Store.CreateMeeting(context.Background(), triagetest.Actor("ana"), store.Meeting{
		Date: store.DateOf(triagetest.Now), Facilitator: "ana", Attendees: []string{"bo"}, Status: store.MeetingOpen,
		Items: []store.AgendaItem{
			{ID: "1", Kind: store.ItemActionItems, Title: "Action items from the last meeting", Status: store.ItemPending},
			{ID: "2", Kind: store.ItemOther, Title: "Other business", Status: store.ItemPending, Notes: notes,
				Decisions: []store.Decision{{Time: triagetest.Now, Author: "ana", Text: "d1 " + longNote}}},
			{ID: "3", Kind: store.ItemOther, Title: "Housing", Status: store.ItemPending,
				Notes: []store.Note{{Time: triagetest.Now, Author: "operator", Text: veryLong, Sensitivity: store.General}}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	m := inLobby(site, triagetest.Actor("ana"), 80, 24)
	press(m, keyEnter) // join M-0002
	checkWidth := func(v string) {
		t.Helper()
		for _, l := range strings.Split(v, "\n") {
			if w := ansi.StringWidth(l); w > 80 {
				t.Errorf("a line of %d cells at width 80: %q", w, l)
			}
		}
	}
	v := screen(m)
	checkWidth(v)
	if !strings.Contains(flat(v), "Check which warrants can be quashed before the court date next month") || strings.Contains(v, "quashed…") {
		t.Errorf("open action items => want the text whole:\n%s", v)
	}
	press(m, keyRune('n')) // item 2
	read := flat(screen(m))
	checkWidth(screen(m))
	if !strings.Contains(read, "d1 "+longNote) {
		t.Errorf("item 2 => the newest entry (the decision) not whole:\n%s", screen(m))
	}
	if !strings.Contains(screen(m), "earlier above") {
		t.Errorf("item 2 => want the notes rows to say the earlier ones scroll:\n%s", screen(m))
	}
	for range 12 {
		press(m, keyRune(']'))
		read += " " + flat(screen(m))
		checkWidth(screen(m))
	}
	for i := 1; i <= 6; i++ {
		if w := fmt.Sprintf("note operator: n%d %s", i, longNote); !strings.Contains(read, w) {
			t.Errorf("] => note n%d never read whole", i)
		}
	}
	if strings.Contains(read, "LE…") {
		t.Errorf("item pane => text cut off with …")
	}
	// [ scrolls back at once after scrolling past the end
	press(m, keyRune('['))
	press(m, keyRune('['))
	press(m, keyRune('['))
	press(m, keyRune('['))
	if v := screen(m); strings.Contains(v, "lines above") {
		t.Errorf("[ x4 => want the top of the item:\n%s", v)
	}
	// a note longer than the notes rows: its start there, whole above
	press(m, keyRune('n'))
	v = screen(m)
	checkWidth(v)
	if !strings.Contains(v, "read whole above") || !strings.Contains(flat(v), "note operator: "+veryLong) {
		t.Errorf("item 3 => want the long note whole above its start:\n%s", v)
	}
}

var veryLong = strings.Repeat(longNote+"; ", 3) + "end"

// TestMinutesPaneKeepsRoomView: a facilitator who ended the meeting with
// room view on (the screen on a projector) reads the room's minutes (as
// `owg export minutes --room`): a supervisor's own view holds the
// clinical note, the room with a police officer in it never does.
func TestMinutesPaneKeepsRoomView(t *testing.T) {
	for _, room := range []bool{false, true} {
		t.Run(fmt.Sprintf("room=%v", room), func(t *testing.T) {
			site := triagetest.New(t)
			ctx := context.Background()
			_, err := site.Store.CreateMeeting(ctx, triagetest.Actor("sam"), store.Meeting{
				Date: store.DateOf(triagetest.Now), Facilitator: "sam", Attendees: []string{"ofc"}, Status: store.MeetingOpen,
				Items: []store.AgendaItem{{ID: "1", Kind: store.ItemGoalReview, Subject: site.P2, Title: "Goal review: " + site.P2, Status: store.ItemDiscussed,
					Notes: []store.Note{
						{Time: triagetest.Now, Author: "cy", Text: "found a room downtown", Sensitivity: store.General},
						{Time: triagetest.Now, Author: "cy", Text: "relapse last week, restarted MAT", Sensitivity: store.Clinical},
					}}}})
			if err != nil {
				t.Fatal(err)
			}
			m := inLobby(site, triagetest.Actor("sam"), 80, 200)
			press(m, keyEnter) // join
			if room {
				press(m, keyRune('R'))
			}
			press(m, keyRune('E'))
			press(m, keyRune('y'))
			press(m, keyEnter) // the ended meeting's minutes
			v := screen(m)
			if !strings.Contains(v, "Minutes M-0001") || !strings.Contains(v, "found a room downtown") {
				t.Fatalf("minutes => want M-0001's, with the general note:\n%s", v)
			}
			if got := strings.Contains(v, "restarted MAT"); got == room {
				t.Errorf("room view %v => clinical note shown %v:\n%s", room, got, v)
			}
			if got := strings.Contains(v, "(room view)"); got != room {
				t.Errorf("room view %v => title says room view %v", room, got)
			}
		})
	}
}
