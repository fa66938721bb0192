package common

import (
	"slices"
	"testing"
)

// TestDraftWritesSkipStale: whatever order the writes run in, a write
// decided earlier than one already written is skipped.
func TestDraftWritesSkipStale(t *testing.T) {
	for _, tt := range []struct {
		name  string
		order []int // indexes of the tickets, in the order their writes run
		want  []int // the writes that ran
	}{
		{"in order", []int{0, 1, 2}, []int{0, 1, 2}},
		{"a periodic save landing after the flush", []int{1, 0}, []int{1}},
		{"a save after the delete that followed it", []int{0, 2, 1}, []int{0, 2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var w DraftWrites
			tickets := make([]uint64, 3)
			for i := range tickets {
				tickets[i] = w.Ticket()
			}
			var ran []int
			for _, i := range tt.order {
				_ = w.Write(tickets[i], func() error { ran = append(ran, i); return nil })
			}
			if !slices.Equal(ran, tt.want) {
				t.Errorf("writes run %v => %v, want %v", tt.order, ran, tt.want)
			}
		})
	}
}
