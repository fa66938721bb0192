package triage

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leadtable/owg/themes"
	"github.com/leadtable/owg/tui/common"
)

// TestScrollPane: a breakdown longer than its pane keeps its title, says
// what is below or above, and never scrolls past its end.
func TestScrollPane(t *testing.T) {
	st := common.NewStyles(themes.Default, true)
	pane := []string{"Why this rank: R-0001"}
	for i := 1; i <= 8; i++ {
		pane = append(pane, fmt.Sprintf("factor %d", i))
	}
	tests := []struct {
		off  int
		want string
	}{
		{0, "Why this rank: R-0001|factor 1|factor 2|factor 3|  ... 5 more: ] scrolls"},
		{3, "Why this rank: R-0001|factor 4|factor 5|factor 6|  ... 2 more: ] scrolls"},
		{99, "Why this rank: R-0001|  ... 5 above: [ scrolls back|factor 6|factor 7|factor 8"},
	}
	for _, tt := range tests {
		got := strings.Join(scrollPane(st, pane, tt.off, 5), "|")
		if !strings.Contains(got, "factor") || stripped(got) != tt.want {
			t.Errorf("scrollPane(off %d) => %q, want %q", tt.off, stripped(got), tt.want)
		}
	}
	if got := scrollPane(st, pane[:3], 0, 5); len(got) != 3 {
		t.Errorf("a pane that fits => %q, want it whole", got)
	}
}

func stripped(s string) string {
	var b strings.Builder
	esc := false
	for _, r := range s {
		switch {
		case r == '\x1b':
			esc = true
		case esc && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'):
			esc = false
		case !esc:
			b.WriteRune(r)
		}
	}
	return b.String()
}
