package snapshot

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/leadtable/owg/store"
)

// countingSource is a RecordSource over fixed data that counts reads and
// can hold a read until released.
type countingSource struct {
	mu       sync.Mutex
	name     map[string]string
	reads    atomic.Int64
	hold     chan struct{} // non-nil: GetParticipant waits on it
	started  chan struct{}
	refReads atomic.Int64
}

func (s *countingSource) GetParticipant(ctx context.Context, id string) (store.Participant, error) {
	s.reads.Add(1)
	s.mu.Lock()
	hold, started := s.hold, s.started
	n, ok := s.name[id] // read before any hold: a hold makes it old
	s.mu.Unlock()
	if started != nil {
		started <- struct{}{}
	}
	if hold != nil {
		<-hold
	}
	if !ok {
		return store.Participant{}, store.ErrNotFound
	}
	return store.Participant{ID: id, Name: n}, nil
}
func (s *countingSource) ListROIs(context.Context, string) ([]store.ROI, error)   { return nil, nil }
func (s *countingSource) ListGoals(context.Context, string) ([]store.Goal, error) { return nil, nil }
func (s *countingSource) ListContacts(context.Context, string) ([]store.Contact, error) {
	return nil, nil
}
func (s *countingSource) ListCases(ctx context.Context, id string) ([]store.LegalCase, error) {
	if id == "P-0001" {
		return []store.LegalCase{{ID: "L-0001", ParticipantID: id}}, nil
	}
	return nil, nil
}
func (s *countingSource) GetReferral(_ context.Context, id string) (store.Referral, error) {
	s.refReads.Add(1)
	return store.Referral{ID: id}, nil
}

func (s *countingSource) rename(id, n string) {
	s.mu.Lock()
	s.name[id] = n
	s.mu.Unlock()
}

// TestRecordsReadOnceUntilChanged: many askers share one read; a change
// naming the participant (or one of its cases, or anything when
// invalidated) makes the next ask read again; other changes do not.
func TestRecordsReadOnceUntilChanged(t *testing.T) {
	src := &countingSource{name: map[string]string{"P-0001": "Ana", "P-0002": "Bo"}}
	r := NewRecords(src)
	ctx := context.Background()
	ask := func(id, want string) {
		t.Helper()
		rec, err := r.Participant(ctx, id)
		if err != nil || rec.Participant.Name != want {
			t.Fatalf("Participant(%s) => %q, %v; want %q", id, rec.Participant.Name, err, want)
		}
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { ask("P-0001", "Ana") })
	}
	wg.Wait()
	if n := src.reads.Load(); n != 1 {
		t.Errorf("50 askers => %d reads, want 1", n)
	}
	for _, tc := range []struct {
		change store.Change
		reread bool
	}{
		{store.Change{Kind: "meeting", ID: "M-0001"}, false},
		{store.Change{Kind: "user", ID: "tomas"}, false},
		{store.Change{Kind: "contact", ID: "C-0009", Subject: "P-0002"}, false},
		{store.Change{Kind: "contact", ID: "C-0010", Subject: "P-0001"}, true},
		{store.Change{Kind: "goal", ID: "G-0001", Subject: "P-0001"}, true},
		{store.Change{Kind: "participant", ID: "P-0001", Subject: "P-0001"}, true},
		{store.Change{Kind: "roi", ID: "I-0001", Subject: "P-0001"}, true},
		{store.Change{Kind: "case", ID: "L-0001", Subject: "P-0002"}, true}, // moved away
		{store.Change{Kind: "mystery"}, true},
	} {
		before := src.reads.Load()
		r.observe(tc.change)
		ask("P-0001", "Ana")
		if got := src.reads.Load() > before; got != tc.reread {
			t.Errorf("after %+v: read again %v, want %v", tc.change, got, tc.reread)
		}
	}
	before := src.reads.Load()
	r.invalidate()
	ask("P-0001", "Ana")
	if src.reads.Load() == before {
		t.Error("after Invalidate: no read, want one")
	}
	if _, err := r.Participant(ctx, "P-0404"); !store.IsNotFound(err) {
		t.Errorf("missing participant => %v, want not found", err)
	}
	r.Referral(ctx, "R-0001")
	r.Referral(ctx, "R-0001")
	r.observe(store.Change{Kind: "referral", ID: "R-0001", Subject: "P-0001"})
	r.Referral(ctx, "R-0001")
	if n := src.refReads.Load(); n != 2 {
		t.Errorf("referral asked thrice with one change between => %d reads, want 2", n)
	}
}

// TestRecordsNeverKeepAReadOverlappingAChange: a read that began before a
// change was observed is not kept, and a caller asking after the change
// never shares it.
func TestRecordsNeverKeepAReadOverlappingAChange(t *testing.T) {
	src := &countingSource{name: map[string]string{"P-0001": "Ana"}, hold: make(chan struct{}), started: make(chan struct{}, 4)}
	r := NewRecords(src)
	ctx := context.Background()
	first := make(chan string)
	go func() {
		rec, _ := r.Participant(ctx, "P-0001")
		first <- rec.Participant.Name
	}()
	<-src.started // the first read is under way, before the change
	src.rename("P-0001", "Ana Maria")
	r.observe(store.Change{Kind: "participant", ID: "P-0001", Subject: "P-0001"})
	src.mu.Lock()
	held := src.hold
	src.hold = nil
	src.mu.Unlock()
	second, err := r.Participant(ctx, "P-0001") // asked after the change: its own read
	if err != nil || second.Participant.Name != "Ana Maria" {
		t.Fatalf("after the change => %q, %v; want the new name", second.Participant.Name, err)
	}
	close(held) // the first read ends now, after the change
	if name := <-first; name != "Ana" {
		t.Fatalf("the read under way => %q, want the old name (the test needs it)", name)
	}
	third, _ := r.Participant(ctx, "P-0001")
	if third.Participant.Name != "Ana Maria" {
		t.Errorf("kept the read that overlapped the change: %q", third.Participant.Name)
	}
}
