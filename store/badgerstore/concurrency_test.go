package badgerstore

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/leadtable/owg/store"
)

// TestNoLostUpdates: 50 goroutines each append progress entries to one goal
// and update one participant (read-modify-write, reloading on ErrStale),
// and add an action item to one meeting; nothing is lost.
func TestNoLostUpdates(t *testing.T) {
	db, _ := diskDB(t) // on disk: synced writes, the real thing
	p := mustParticipant(t, db, "José Núñez", "casey")
	g := must[store.Goal](t, "goal")(db.CreateGoal(ctx, cm, store.Goal{ParticipantID: p.ID, Words: "steady work", Domain: store.DomainIncome}))
	m := must[store.Meeting](t, "meeting")(db.CreateMeeting(ctx, pm, store.Meeting{Date: day(2025, 5, 1), Facilitator: "pat"}))
	const workers, appends = 50, 4
	var wg sync.WaitGroup
	errs := make(chan error, workers*(appends+2))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < appends; j++ {
				_, err := db.AppendProgress(ctx, cm, g.ID, store.ProgressEntry{Date: day(2025, 2, 1), Step: store.StepForward, Note: fmt.Sprintf("w%d-%d", w, j), Author: "casey"})
				if err != nil {
					errs <- err
				}
			}
			for {
				cur, err := db.GetParticipant(ctx, p.ID)
				if err != nil {
					errs <- err
					return
				}
				cur.Flags = append(cur.Flags, fmt.Sprintf("w%d", w))
				_, err = db.UpdateParticipant(ctx, cm, cur)
				if errors.Is(err, store.ErrStale) {
					continue
				}
				if err != nil {
					errs <- err
				}
				break
			}
			_, err := db.MutateMeeting(ctx, pm, m.ID, func(m *store.Meeting) error {
				m.ActionItems = append(m.ActionItems, store.ActionItem{Text: fmt.Sprintf("w%d", w), Owner: "pat"})
				return nil
			})
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write => %v", err)
	}

	gg := must[store.Goal](t, "goal")(db.GetGoal(ctx, g.ID))
	if len(gg.Progress) != workers*appends || gg.Version != 1+workers*appends {
		t.Errorf("goal => %d entries v%d, want %d entries v%d", len(gg.Progress), gg.Version, workers*appends, 1+workers*appends)
	}
	notes := map[string]bool{}
	for _, e := range gg.Progress {
		notes[e.Note] = true
	}
	pp := must[store.Participant](t, "participant")(db.GetParticipant(ctx, p.ID))
	if pp.Version != 1+workers || len(pp.Flags) != workers {
		t.Errorf("participant => v%d with %d flags, want v%d with %d", pp.Version, len(pp.Flags), 1+workers, workers)
	}
	mm := must[store.Meeting](t, "meeting")(db.GetMeeting(ctx, m.ID))
	var actionIDs []string
	for _, a := range mm.ActionItems {
		actionIDs = append(actionIDs, a.ID)
	}
	slices.Sort(actionIDs)
	if len(slices.Compact(actionIDs)) != workers {
		t.Errorf("meeting => %d distinct action items, want %d", len(actionIDs), workers)
	}
	for w := 0; w < workers; w++ {
		for j := 0; j < appends; j++ {
			if n := fmt.Sprintf("w%d-%d", w, j); !notes[n] {
				t.Errorf("progress entry %s lost", n)
			}
		}
		if f := fmt.Sprintf("w%d", w); !slices.Contains(pp.Flags, f) {
			t.Errorf("participant update %s lost", f)
		}
	}
	if seq, err := db.VerifyAudit(ctx); err != nil {
		t.Errorf("VerifyAudit => %d, %v", seq, err)
	}
	evs := must[[]store.AuditEvent](t, "audit")(db.ListAudit(ctx, store.AuditFilter{}))
	if want := 3 + workers*appends + workers + workers; len(evs) != want {
		t.Errorf("audit events => %d, want %d (one per write)", len(evs), want)
	}
}
