package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/themes"
	"github.com/leadtable/owg/tui/common"
)

const (
	defenseNote     = "alibi witness Rosalind"
	prosecutionNote = "offer diversion if engaged"
)

// privacyCtx is a session context of actor on s.
func privacyCtx(s store.Store, actor store.Actor) *common.Ctx {
	return &common.Ctx{Ctx: context.Background(), Store: s, Actor: actor, Protocol: store.DefaultProtocol(),
		Theme: themes.Default, Now: func() time.Time { return fixedNow }}
}

// casesFor returns the Cases screen of actor, loaded.
func casesFor(t *testing.T, s store.Store, actor store.Actor) *cases {
	t.Helper()
	c := newCases(privacyCtx(s, actor))
	st, err := loadSite(c.ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.SetSize(140, 40)
	c.Update(casesLoadedMsg{site: st})
	return c
}

func typeKeys(c common.Component, keys string) tea.Cmd {
	var cmds []tea.Cmd
	for _, r := range keys {
		_, cmd := c.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// TestCaseDetailNotesAndAudit: the defense's notes on a case reach
// defenders only (never the prosecutor, the pm or case managers); the
// prosecution's notes reach everyone who sees the case in full; opening
// the detail is audited with ids only.
func TestCaseDetailNotesAndAudit(t *testing.T) {
	s := seed(t)
	ctx := context.Background()
	lc, err := s.GetCase(ctx, "L-0001")
	if err != nil {
		t.Fatal(err)
	}
	lc.DefenderNotes = []store.CaseNote{
		{Time: fixedNow, Author: "dee", Role: store.RoleDefender, Text: defenseNote},
		{Time: fixedNow, Author: "pro", Role: store.RoleProsecutor, Text: prosecutionNote},
	}
	if _, err := s.UpdateCase(ctx, store.SystemActor, lc); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateROI(ctx, store.SystemActor, store.ROI{ParticipantID: "P-0001", Covers: []string{"defender"}, Signed: day(-10), Expires: day(100)}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		actor       store.Actor
		defense     bool
		prosecution bool
	}{
		{actorPM, false, true},
		{actorCM, false, true},
		{actorProsecute, false, true},
		{actorDefender, true, true},
		{actorPolice, false, false}, // status only
	} {
		t.Run(string(tt.actor.Role), func(t *testing.T) {
			c := casesFor(t, s, tt.actor)
			c.list.Select("L-0001")
			if c.list.SelectedKey() != "L-0001" {
				t.Fatalf("L-0001 is not on the %s docket", tt.actor.Role)
			}
			cmd := typeKeys(c, "i")
			screen := ansi.Strip(c.View())
			if !strings.Contains(screen, "Case L-0001") {
				t.Fatalf("no case detail:\n%s", screen)
			}
			if got := strings.Contains(screen, defenseNote); got != tt.defense {
				t.Errorf("%s sees the defense's note => %v, want %v:\n%s", tt.actor.Role, got, tt.defense, screen)
			}
			if got := strings.Contains(screen, prosecutionNote); got != tt.prosecution {
				t.Errorf("%s sees the prosecution's note => %v, want %v:\n%s", tt.actor.Role, got, tt.prosecution, screen)
			}
			runCmds(cmd)
			evs, err := s.ListAudit(ctx, store.AuditFilter{Subject: "P-0001", User: tt.actor.User})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, e := range evs {
				if e.Action == store.AuditView && e.Detail == "case:L-0001" {
					found = true
				}
			}
			if !found {
				t.Errorf("opening the case detail as %s => no view event on P-0001 in %+v", tt.actor.Role, evs)
			}
		})
	}
}

// runCmds runs cmd and the commands of any batch it returns.
func runCmds(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if b, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range b {
			runCmds(c)
		}
	}
}

// TestFiltersMatchOnlyWhatIsShown: the list filters match only text the
// viewer may see, so typing a guess never confirms a hidden case number
// or participant id.
func TestFiltersMatchOnlyWhatIsShown(t *testing.T) {
	s := seed(t)
	// police see P-0001's case status only: its number must not match
	c := casesFor(t, s, actorPolice)
	if c.list.Len() == 0 {
		t.Fatal("police docket is empty")
	}
	typeKeys(c, "/26CR0042")
	if n := c.list.Len(); n != 0 {
		t.Errorf("police filtering the docket by a case number they may not see => %d rows, want 0", n)
	}
	// the pm sees it
	c = casesFor(t, s, actorPM)
	typeKeys(c, "/26CR0042")
	if n := c.list.Len(); n != 1 {
		t.Errorf("pm filtering the docket by case number => %d rows, want 1", n)
	}

	// community sees de-identified rows: ids must not match
	cl := newCaseload(privacyCtx(s, actorCommunity))
	st, err := loadSite(cl.ctx)
	if err != nil {
		t.Fatal(err)
	}
	cl.SetSize(140, 40)
	cl.Update(caseloadLoadedMsg{site: st})
	if cl.list.Len() == 0 {
		t.Fatal("community caseload is empty")
	}
	typeKeys(cl, "/P-0004")
	if n := cl.list.Len(); n != 0 {
		t.Errorf("community filtering the caseload by a participant id => %d rows, want 0", n)
	}
}
