package tui

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// drive runs cmd and every command its messages lead to through c, as a
// program would (a sequence in order), dropping commands that do not
// answer at once (cursor blinks, timers). It returns the status lines set.
func drive(c common.Component, cmd tea.Cmd) []common.StatusMsg {
	var status []common.StatusMsg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		if next == nil {
			continue
		}
		ch := make(chan tea.Msg, 1)
		go func() { ch <- next() }()
		var msg tea.Msg
		select {
		case msg = <-ch:
		case <-time.After(200 * time.Millisecond):
			continue
		}
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
			cmds := make([]tea.Cmd, v.Len()) // a batch or a sequence: run in order
			for i := range cmds {
				cmds[i] = v.Index(i).Interface().(tea.Cmd)
			}
			queue = append(cmds, queue...)
			continue
		}
		switch msg := msg.(type) {
		case nil:
		case common.StatusMsg:
			status = append(status, msg)
		default:
			_, more := c.Update(msg)
			queue = append(queue, more)
		}
	}
	return status
}

// pressOn sends keys to c ("\r" enter, "\x1b" esc) and drives what they start.
func pressOn(c common.Component, keys string) []common.StatusMsg {
	var status []common.StatusMsg
	for _, r := range keys {
		_, cmd := c.Update(keyOf(r))
		status = append(status, drive(c, cmd)...)
	}
	return status
}

// openParticipant is the Participant screen of id as actor sees it at w x h, loaded.
func openParticipant(t *testing.T, s store.Store, actor store.Actor, id string, w, h int) *participant {
	t.Helper()
	p := newParticipant(privacyCtx(s, actor), id)
	p.SetSize(w, h)
	drive(p, p.Init())
	if !p.loaded {
		t.Fatalf("%s as %s: not loaded: %v", id, actor.User, p.err)
	}
	return p
}

// pasteOn pastes text into c's focused field and drives what it starts.
func pasteOn(c common.Component, text string) []common.StatusMsg {
	_, cmd := c.Update(tea.PasteMsg{Content: text})
	return drive(c, cmd)
}

func lastStatus(st []common.StatusMsg) common.StatusMsg {
	if len(st) == 0 {
		return common.StatusMsg{}
	}
	return st[len(st)-1]
}

// TestRecordKeysFollowTheWriteRule: s and g are offered to whoever the
// store lets write the record (the participant's own case manager, a
// supervisor), named in the help line and in ?, and the case manager
// field only to whoever may move caseloads.
func TestRecordKeysFollowTheWriteRule(t *testing.T) {
	s := seed(t)
	sup := store.Actor{User: "sam", Role: store.RoleSupervisor}
	for _, tt := range []struct {
		actor  store.Actor
		offers bool
		help   string
	}{
		{actorCM, true, "s status, exit, housing"},
		{sup, true, "s status, exit, housing, case manager"},
		{store.SystemActor, true, "s status, exit, housing, case manager"},
		{store.Actor{User: "ben", Role: store.RoleCaseManager}, false, ""},
		{actorPM, false, ""},
		{actorPolice, false, ""},
	} {
		p := openParticipant(t, s, tt.actor, "P-0001", 120, 40)
		short := helpText(p.ShortHelp())
		var full []string
		for _, col := range p.FullHelp() {
			full = append(full, helpText(col))
		}
		if got := p.keys.Record.Enabled() && p.keys.GoalStatus.Enabled(); got != tt.offers {
			t.Errorf("%s: s/g enabled %v, want %v", tt.actor.User, got, tt.offers)
		}
		fullText := strings.Join(full, " • ")
		if tt.offers && (!strings.Contains(short, "s status/housing") || !strings.Contains(short, "g goal status") ||
			!strings.Contains(fullText, tt.help+" • ") || !strings.Contains(fullText, "g goal achieved/set aside/active")) {
			t.Errorf("%s: help line %q / full help %q, want %q and g", tt.actor.User, short, full, tt.help)
		}
		if !tt.offers && (strings.Contains(short, "s status") || strings.Contains(short, "g goal")) {
			t.Errorf("%s: offered s/g: %q", tt.actor.User, short)
		}
	}
}

// helpText is the help of the enabled bindings, as the help line draws it.
func helpText(bs []key.Binding) string {
	var out []string
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return strings.Join(out, " • ")
}

// TestSupervisorMovesCaseload: the supervisor's record form lists the
// active case managers with caseload/cap; picking ben moves P-0002 there,
// in one version-checked write dated in the history, and the screen
// reloads showing it.
func TestSupervisorMovesCaseload(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	sup := store.Actor{User: "sam", Role: store.RoleSupervisor}
	p := openParticipant(t, s, sup, "P-0002", 80, 24)
	pressOn(p, "s")
	v := ansi.Strip(p.View())
	for _, want := range []string{"Status, housing and case manager · P-0002", "case manager", "ana  2/4", "ben  2/20"} {
		if !strings.Contains(v, want) {
			t.Errorf("record form: missing %q:\n%s", want, v)
		}
	}
	// status (kept), housing (typed), case manager: down to ben
	st := pressOn(p, "\r")
	st = append(st, pasteOn(p, "shelter")...)
	st = append(st, pressOn(p, "\r")...)
	st = append(st, pressOn(p, "j\r")...)
	if got := lastStatus(st); got.Err || got.Text != "saved: status, housing and case manager" {
		t.Fatalf("status after the save => %+v (all %+v):\n%s", got, st, ansi.Strip(p.View()))
	}
	got, err := s.GetParticipant(ctx, "P-0002")
	if err != nil || got.CaseManager != "ben" || got.Housing != "shelter" || got.Status != store.StatusNotYetEngaged {
		t.Errorf("P-0002 after the move => %+v, %v", got, err)
	}
	if v := ansi.Strip(p.View()); !strings.Contains(v, "case manager ben") || !strings.Contains(v, "shelter") {
		t.Errorf("screen after the save, want it reloaded:\n%s", v)
	}
	evs, err := s.ListHistory(ctx, store.HistoryFilter{ParticipantID: "P-0002"})
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, e := range evs {
		if e.Kind == store.HistParticipant && e.Time.Equal(fixedNow) {
			fields = append(fields, string(e.Field)+":"+e.From+">"+e.To)
		}
	}
	if strings.Join(fields, " ") != "housing:>shelter case_manager:ana>ben" {
		t.Errorf("history of the change => %q", fields)
	}
}

// TestCaseManagerExitsParticipant: the case manager's form has no case
// manager field; exiting asks why on a page of its own (an empty reason
// is named on the status line, at 80x24) and the exit is saved with it.
func TestCaseManagerExitsParticipant(t *testing.T) {
	s := seed(t)
	p := openParticipant(t, s, actorCM, "P-0001", 80, 24)
	pressOn(p, "s")
	if v := ansi.Strip(p.View()); strings.Contains(v, "case manager") && strings.Contains(v, "ben") {
		t.Errorf("a case manager is offered to move the caseload:\n%s", v)
	}
	pressOn(p, "jjj\r") // engaging -> exited
	pressOn(p, "\r")    // housing kept
	if v := ansi.Strip(p.View()); !strings.Contains(v, "exit reason") {
		t.Fatalf("exited: no exit reason asked:\n%s", v)
	}
	st := pressOn(p, "\r")
	if got := lastStatus(st); !got.Err || !strings.Contains(got.Text, "exit reason: is required") {
		t.Errorf("empty exit reason => status %+v, want it named", st)
	}
	pasteOn(p, "moved out of the area")
	st = pressOn(p, "\r")
	if got := lastStatus(st); got.Err || !strings.HasPrefix(got.Text, "saved") {
		t.Fatalf("exit => %+v", st)
	}
	got, _ := s.GetParticipant(context.Background(), "P-0001")
	if got.Status != store.StatusExited || got.ExitReason != "moved out of the area" || got.CaseManager != "ana" {
		t.Errorf("P-0001 after exit => %+v", got)
	}
	// and back: re-engaged, the reason cleared
	pressOn(p, "s")
	st = pressOn(p, "kkk\r\r")
	if got := lastStatus(st); got.Err {
		t.Fatalf("re-engage => %+v", st)
	}
	if got, _ := s.GetParticipant(context.Background(), "P-0001"); got.Status != store.StatusEngaging || got.ExitReason != "" {
		t.Errorf("P-0001 re-engaged => %+v", got)
	}
	// nothing changed: nothing saved, said so
	pressOn(p, "s")
	if st := pressOn(p, "\r\r"); lastStatus(st).Text != "no change: nothing saved" {
		t.Errorf("unchanged record => %+v", st)
	}
}

// TestRecordFormStale: someone else changed the record while the form was
// open: the save is refused as stale, nothing of the form is written, and
// the screen reloads.
func TestRecordFormStale(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	p := openParticipant(t, s, actorCM, "P-0002", 80, 24)
	pressOn(p, "s")
	other, _ := s.GetParticipant(ctx, "P-0002")
	other.Housing = "vehicle"
	if _, err := s.UpdateParticipant(ctx, store.Actor{User: "sam", Role: store.RoleSupervisor}, other); err != nil {
		t.Fatal(err)
	}
	st := pressOn(p, "j\r\r") // not yet engaged -> unable to locate
	if got := lastStatus(st); !got.Err || !strings.Contains(got.Text, "changed by someone else, reload") {
		t.Errorf("stale save => %+v", st)
	}
	got, _ := s.GetParticipant(ctx, "P-0002")
	if got.Status != store.StatusNotYetEngaged || got.Housing != "vehicle" {
		t.Errorf("P-0002 after a stale save => %+v, want the other change only", got)
	}
	if v := ansi.Strip(p.View()); !strings.Contains(v, "vehicle") {
		t.Errorf("screen not reloaded after the stale save:\n%s", v)
	}
}

// TestGoalStatusForm: g asks which goal (two), then offers the other
// statuses; achieving G-0001 keeps every progress entry (the screen's copy
// is never written back) and is dated in the history.
func TestGoalStatusForm(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	before, err := s.GetGoal(ctx, "G-0001")
	if err != nil {
		t.Fatal(err)
	}
	p := openParticipant(t, s, actorCM, "P-0001", 80, 24)
	pressOn(p, "g")
	if v := ansi.Strip(p.View()); !strings.Contains(v, "G-0001 active") || !strings.Contains(v, "G-0002 active") {
		t.Fatalf("goal pick:\n%s", v)
	}
	pressOn(p, "\r")
	v := ansi.Strip(p.View())
	if !strings.Contains(v, "achieved") || !strings.Contains(v, "set aside") || strings.Contains(v, "active again") {
		t.Errorf("statuses offered for an active goal:\n%s", v)
	}
	st := pressOn(p, "\r")
	if got := lastStatus(st); got.Err || got.Text != "saved: goal G-0001 achieved" {
		t.Fatalf("achieve => %+v", st)
	}
	g, _ := s.GetGoal(ctx, "G-0001")
	if g.Status != store.GoalAchieved || len(g.Progress) != len(before.Progress) {
		t.Errorf("G-0001 => %s with %d entries, want achieved with %d", g.Status, len(g.Progress), len(before.Progress))
	}
	if v := ansi.Strip(p.View()); !strings.Contains(v, "G-0001 housing · achieved") {
		t.Errorf("screen after the change:\n%s", v)
	}
	evs, _ := s.ListHistory(ctx, store.HistoryFilter{ParticipantID: "P-0001"})
	found := false
	for _, e := range evs {
		found = found || (e.Record == "G-0001" && e.To == string(store.GoalAchieved))
	}
	if !found {
		t.Errorf("no history event of G-0001 achieved: %+v", evs)
	}
	// active again, from the second status offered
	pressOn(p, "g\r")
	if st := pressOn(p, "j\r"); lastStatus(st).Text != "saved: goal G-0001 active again" {
		t.Errorf("active again => %+v", st)
	}
	// a stale goal: changed since the screen read it
	g, _ = s.GetGoal(ctx, "G-0002")
	if _, err := setGoalStatus(p.ctx, actorCM, "G-0002", g.Version-1, store.GoalSetAside); !errors.Is(err, store.ErrStale) {
		t.Errorf("stale goal version => %v, want ErrStale", err)
	}
}

// TestStatusFormEndToEnd: the case manager opens José from the Caseload,
// s opens the record form, exited asks why (an empty reason is named on
// the status line at 80x24), the save lands in the store, and the
// Participant screen, the Caseload and Today all follow the change.
func TestStatusFormEndToEnd(t *testing.T) {
	s := seed(t)
	tm := startTUI(t, testOptions(s, actorCM), 80, 24)
	unsub := s.Subscribe(func(c store.Change) { go tm.Send(ChangedMsg{Changes: []store.Change{c}}) })
	t.Cleanup(unsub)
	run(t, tm, step{"1", []string{"Court in the next", "P-0001"}}, step{"2", []string{"URGENT", "P-0001"}}, step{"\r", []string{"Legal", "s status/housing"}})
	press(tm, "s")
	waitFor(t, tm, "Status, housing and case manager · P-0001")
	focusOn(t, tm, "status")
	press(tm, "jjj")
	waitFor(t, tm, "> exited")
	press(tm, "\r")
	focusOn(t, tm, "housing")
	press(tm, "\r")
	focusOn(t, tm, "exit reason")
	press(tm, "\r")
	waitFor(t, tm, "exit reason: is required")
	press(tm, "graduated")
	waitFor(t, tm, "┃ > graduated")
	press(tm, "\r")
	waitFor(t, tm, "saved: status, housing and case manager", "status exited")
	p, err := s.GetParticipant(context.Background(), "P-0001")
	if err != nil || p.Status != store.StatusExited || p.ExitReason != "graduated" {
		t.Errorf("P-0001 => %+v, %v", p, err)
	}
	// the Caseload lists active participants: José is gone from it, and
	// his court date from Today
	press(tm, "\x1b")
	waitFor(t, tm, "URGENT", "P-0002")
	waitGone(t, tm, "P-0001")
	press(tm, "1")
	waitFor(t, tm, "Court in the next 14 days (0)")
	got := finalScreen(t, tm)
	if strings.Contains(got, "P-0001") {
		t.Errorf("Today after José exited still lists him:\n%s", got)
	}
}

// waitGone waits until the program's screen no longer shows text.
func waitGone(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	p, _ := probes.Load(tm)
	probe := p.(screenProbe)
	for deadline := time.Now().Add(10 * time.Second); strings.Contains(probe.Screen(), text); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %q to leave the screen:\n%s", text, probe.Screen())
		}
	}
}
