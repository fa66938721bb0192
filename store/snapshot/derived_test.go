package snapshot_test

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
	"github.com/leadtable/owg/store/snapshot"
)

// TestDerivedOncePerChange: fifty callers at once share one computation;
// the next change of any kind makes the next caller compute it again; an
// error is not kept.
func TestDerivedOncePerChange(t *testing.T) {
	db, err := badgerstore.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	snap := snapshot.New(db)
	var runs atomic.Int32
	release := make(chan struct{})
	compute := func() (any, error) {
		n := runs.Add(1)
		<-release
		return int(n), nil
	}
	var wg sync.WaitGroup
	got := make([]any, 50)
	for i := range got {
		wg.Go(func() { got[i], _ = snap.Derived("k", compute) })
	}
	// one computation under way, then finish it: whoever asked before or
	// after shares it (nothing changed)
	for runs.Load() == 0 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if runs.Load() != 1 {
		t.Errorf("%d computations for 50 callers => want 1", runs.Load())
	}
	for i, v := range got {
		if v != 1 {
			t.Fatalf("caller %d got %v => want 1", i, v)
		}
	}
	if v, _ := snap.Derived("k", compute); v != 1 || runs.Load() != 1 {
		t.Errorf("a later caller with no change => %v after %d computations; want the shared 1", v, runs.Load())
	}
	snap.Observe(store.Change{Kind: "referral", ID: "R-0001"})
	if v, _ := snap.Derived("k", compute); v != 2 {
		t.Errorf("after a change => %v; want a new computation (2)", v)
	}
	if v, _ := snap.Derived("other", compute); v != 3 {
		t.Errorf("another key => %v; want its own computation (3)", v)
	}
	fail := errors.New("read failed")
	if _, err := snap.Derived("e", func() (any, error) { return nil, fail }); !errors.Is(err, fail) {
		t.Errorf("a failing computation => %v; want its error", err)
	}
	if v, err := snap.Derived("e", func() (any, error) { return "ok", nil }); err != nil || v != "ok" {
		t.Errorf("after a failure => %v, %v; want it computed again", v, err)
	}
}
