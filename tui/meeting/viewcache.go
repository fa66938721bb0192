package meeting

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// A session's program asks for the view after every message it handles.
// Fifty followers of a meeting each handle a change (which only starts a
// read), the read's reply and the item context's reply for one move of
// the facilitator's: the screen is made again only when something that
// can change it did. What the view is made from is the model's state
// (changed only in Update, Init, SetSize, RestoreDraft and Restore, each
// of which counts viewGen), the size, the styles, and the day (the "N days
// ago" of a record).

type viewCache struct {
	ok  bool
	key viewKey
	out string
}

type viewKey struct {
	gen  int
	w, h int
	st   *common.Styles
	day  time.Time
}

// VerifyViewCache makes every View that the cache would answer render
// afresh too and compare: tests set it (a mismatch is kept for
// ViewCacheMismatch), so a state change that forgot to count viewGen
// fails them.
var VerifyViewCache bool

var mismatch struct {
	sync.Mutex
	first string
}

// ViewCacheMismatch returns the first cached view found stale under
// VerifyViewCache ("" when none).
func ViewCacheMismatch() string {
	mismatch.Lock()
	defer mismatch.Unlock()
	return mismatch.first
}

// RunVerifyingViews runs a package's tests (TestMain's m.Run) with
// VerifyViewCache on, unless only benchmarks run (they measure without the
// check), and returns the exit code: 1 after printing the first stale view
// the cache answered.
func RunVerifyingViews(run func() int) int {
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		VerifyViewCache = true
	}
	code := run()
	if s := ViewCacheMismatch(); s != "" {
		fmt.Fprintln(os.Stderr, s)
		code = 1
	}
	return code
}

func (m *Model) cachedView() string {
	k := viewKey{gen: m.viewGen, w: m.width, h: m.height, st: m.ctx.St(), day: store.Today(m.ctx.Time())}
	if m.lastView.ok && m.lastView.key == k {
		if VerifyViewCache {
			if fresh := m.render(); fresh != m.lastView.out {
				mismatch.Lock()
				if mismatch.first == "" {
					mismatch.first = fmt.Sprintf("meeting view cached at gen %d is stale:\ncached:\n%s\nfresh:\n%s", k.gen, m.lastView.out, fresh)
				}
				mismatch.Unlock()
			}
		}
		return m.lastView.out
	}
	m.lastView = viewCache{ok: true, key: k, out: m.render()}
	return m.lastView.out
}
