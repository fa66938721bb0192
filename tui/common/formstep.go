package common

import (
	"reflect"
	"sync"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// UpdateForm passes msg to the huh form f and returns the commands left to
// run. huh moves between fields and groups through commands of its own
// (NextField, PrevField and its unexported group moves, in batches): run
// asynchronously, a key that arrives in the same burst as an enter (a fast
// typist, a paste, a slow SSH link delivering several keys at once) is
// handled before the move and lands in the field left behind, or is lost.
// Those moves are resolved here at once, in order, so every key lands in
// the field the screen shows it in; other commands (cursor blinks, the
// form's own) run as usual. It stops once the form is completed or
// aborted: the host then reads f.State.
func UpdateForm(f *huh.Form, msg tea.Msg) tea.Cmd {
	var async []tea.Cmd
	queue := []tea.Msg{msg}
	// bounded: a move never yields more than a few others
	for i := 0; len(queue) > 0 && i < 64 && f.State == huh.StateNormal; i++ {
		next := queue[0]
		queue = queue[1:]
		_, cmd := f.Update(next)
		queue, async = resolveMoves(cmd, queue, async)
	}
	return tea.Batch(async...)
}

// resolveMoves sorts the commands huh returned: field and group moves (and
// batches of commands, which only list others) are run now and their
// messages queued; anything else is left to run asynchronously.
func resolveMoves(cmd tea.Cmd, queue []tea.Msg, async []tea.Cmd) ([]tea.Msg, []tea.Cmd) {
	if cmd == nil {
		return queue, async
	}
	p := fnPtr(cmd)
	switch {
	case p == nextFieldPtr || p == prevFieldPtr:
		return append(queue, cmd()), async
	case p == batchPtr:
		// tea.Batch and tea.Sequence share this closure; only a batch's
		// commands may be taken apart (a sequence's order must hold)
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				queue, async = resolveMoves(c, queue, async)
			}
			return queue, async
		}
		return queue, append(async, func() tea.Msg { return msg })
	}
	if gm := groupMoves(); p != 0 && (p == gm.next || p == gm.prev) {
		return append(queue, cmd()), async
	}
	return queue, append(async, cmd)
}

// fnPtr is the code pointer of a function (closures of one literal share it).
func fnPtr(f tea.Cmd) uintptr { return reflect.ValueOf(f).Pointer() }

var (
	nextFieldPtr = fnPtr(huh.NextField)
	prevFieldPtr = fnPtr(huh.PrevField)
	batchPtr     = fnPtr(tea.Batch(huh.NextField, huh.PrevField))
	// groupMoves are found on first use, not at every process's start
	// (a throwaway form: half a millisecond and a megabyte)
	groupMoves = sync.OnceValue(findGroupMoves)
)

// moves are the code pointers of huh's group moves.
type moves struct{ next, prev uintptr }

// findGroupMoves finds huh's unexported group moves (the commands a field
// move on a group's last or first field returns) on a form of one input:
// the one command of each move that is neither a field move nor a batch.
// A huh whose moves look otherwise leaves them at 0 (run asynchronously,
// as before) and fails TestFormGroupMovesFound.
func findGroupMoves() (m moves) {
	find := func(move tea.Msg) uintptr {
		var in string
		f := huh.NewForm(huh.NewGroup(huh.NewInput().Value(&in)))
		f.Init()
		_, cmd := f.Update(move)
		var found []uintptr
		var walk func(tea.Cmd)
		walk = func(c tea.Cmd) {
			if c == nil {
				return
			}
			switch p := fnPtr(c); p {
			case batchPtr:
				if b, ok := c().(tea.BatchMsg); ok {
					for _, c := range b {
						walk(c)
					}
				}
			case nextFieldPtr, prevFieldPtr:
			default:
				found = append(found, p)
			}
		}
		walk(cmd)
		if len(found) != 1 {
			return 0
		}
		return found[0]
	}
	m.next, m.prev = find(huh.NextField()), find(huh.PrevField())
	return m
}
