package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

func TestTodayRowParticipant(t *testing.T) {
	for _, tt := range []struct {
		key, want string
		ok        bool
	}{
		{"overdue:P-0001", "P-0001", true},
		{"roi:P-0002", "P-0002", true},
		{"court:P-0044:L-0015", "P-0044", true},
		{"intake:P-0002:L-0002", "P-0002", true},
		{"court:P-12345:L-0001", "P-12345", true},
		{"action:A-0001", "", false},
		{"notice:R-0003", "", false},
		{"handoff:R-0003", "", false},
		{"P-0001", "", false},
		{"", "", false},
	} {
		got, ok := todayRowParticipant(tt.key)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("todayRowParticipant(%q) = %q, %v => want %q, %v", tt.key, got, ok, tt.want, tt.ok)
		}
	}
}

// TestTodayEnterOpensEveryRowKind: enter on each kind of participant row
// of Today (overdue contact, court date, expiring ROI, intake deadline)
// opens that participant, and the record loads. Court and intake rows
// once asked for "P-0001:L-0001" and failed with "not found".
func TestTodayEnterOpensEveryRowKind(t *testing.T) {
	s := seed(t)
	// an ROI of ana's P-0001 ending in 10 days, for an "ROI expiring" row
	if _, err := s.CreateROI(context.Background(), store.SystemActor, store.ROI{ParticipantID: "P-0001", Roles: []store.Role{store.RoleProvider},
		Classes: []store.DataKind{store.DataIdentity}, Purpose: "housing", Signed: day(-30), Expires: day(10)}); err != nil {
		t.Fatal(err)
	}
	ctx := privacyCtx(s, actorCM)
	td := newToday(ctx)
	td.SetSize(120, 40)
	st, err := loadSite(ctx)
	if err != nil {
		t.Fatal(err)
	}
	td.Update(todayLoadedMsg{site: st})
	kinds := map[string]bool{}
	for _, k := range td.list.RowKeys() {
		kind, _, _ := strings.Cut(k, ":")
		want, ok := todayRowParticipant(k)
		if !ok {
			continue
		}
		kinds[kind] = true
		td.list.Select(k)
		_, cmd := td.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
		if cmd == nil {
			t.Errorf("enter on %q: nothing opened", k)
			continue
		}
		open, isOpen := cmd().(common.OpenParticipantMsg)
		if !isOpen || open.ID != want {
			t.Errorf("enter on %q => %#v, want OpenParticipantMsg{%s}", k, open, want)
			continue
		}
		p := newParticipant(ctx, open.ID)
		p.SetSize(120, 40)
		p.Update(p.Init()())
		if v := p.View(); !p.loaded || p.err != nil || strings.Contains(v, "could not load") || !strings.Contains(v, want) {
			t.Errorf("enter on %q: participant %s => err %v:\n%s", k, open.ID, p.err, v)
		}
	}
	for _, kind := range []string{"overdue", "court", "roi", "intake"} {
		if !kinds[kind] {
			t.Errorf("Today of ana has no %q row: rows %q", kind, td.list.RowKeys())
		}
	}
}
