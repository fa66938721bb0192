package intake

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestStaleDraftSaveNeverLandsAfterTheFlush: a periodic save taken
// before the last keys, still in flight when the connection drops, runs
// after the flush of the newer input (a loaded server): the draft keeps
// the newer input.
func TestStaleDraftSaveNeverLandsAfterTheFlush(t *testing.T) {
	s := newStore(t)
	m := New(newCtx(s, officer)).(*Model)
	m.SetSize(80, 24)
	_ = m.Init()
	key := func(text string) {
		for _, r := range text {
			k := tea.KeyPressMsg{Code: r, Text: string(r)}
			if r == '\t' {
				k = tea.KeyPressMsg{Code: tea.KeyTab}
			}
			m.Update(k)
		}
	}
	key("\tHalfway")
	_, stale := m.Update(draftDueMsg{owner: m}) // the periodic save of "Halfway", not run yet
	if stale == nil {
		t.Fatal("no periodic save for the typed name")
	}
	key(" Through")
	if err := m.FlushDraft(context.Background()); err != nil {
		t.Fatal(err)
	}
	stale() // lands late
	ds, err := s.Drafts(context.Background(), officer, 0)
	if err != nil || len(ds) != 1 {
		t.Fatalf("drafts %+v, %v => want one", ds, err)
	}
	if got := ds[0].Fields["name"]; got != "Halfway Through" {
		t.Errorf("draft name %q => want %q (the flush's, not the stale save's)", got, "Halfway Through")
	}
}
