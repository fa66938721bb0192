package common

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// TestFormGroupMovesFound: huh's group moves are recognised (a huh that
// changed them would leave a burst's last keys to a form already done).
func TestFormGroupMovesFound(t *testing.T) {
	if gm := groupMoves(); gm.next == 0 || gm.prev == 0 || gm.next == gm.prev {
		t.Fatalf("group moves not found: %+v", gm)
	}
}

func keys(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		switch r {
		case '\r':
			out = append(out, tea.KeyPressMsg{Code: tea.KeyEnter})
		case '\t':
			out = append(out, tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
		default:
			out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	return out
}

// TestUpdateFormKeepsABurstInItsFields: keys that arrive together with the
// enters between them (a paste, a fast typist, a slow link) each land in
// the field the screen shows them in, with no command run in between; the
// enter on the last field completes the form at once, so keys after it
// never reach it.
func TestUpdateFormKeepsABurstInItsFields(t *testing.T) {
	cases := []struct {
		name, burst  string
		kind         string
		num, court   string
		charges      string
		wantComplete bool
	}{
		{"every field", "j\rABC-1\rCourt X\rTrespass\r", "b", "ABC-1", "Court X", "Trespass", true},
		{"keys after the submit go nowhere", "\rA\rB\rC\rzzz", "a", "A", "B", "C", true},
		{"back a field and on", "\rA\rB\tZ\r", "a", "AZ", "B", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var kind, num, court, charges string
			f := huh.NewForm(huh.NewGroup(
				huh.NewSelect[string]().Title("kind").Options(huh.NewOption("a", "a"), huh.NewOption("b", "b")).Value(&kind),
				huh.NewInput().Title("case number").Value(&num),
				huh.NewInput().Title("court").Value(&court),
				huh.NewInput().Title("charges").Value(&charges),
			))
			f.Init()
			for _, k := range keys(c.burst) {
				UpdateForm(f, k)
			}
			if got := f.State == huh.StateCompleted; got != c.wantComplete {
				t.Fatalf("completed %v, want %v", got, c.wantComplete)
			}
			if c.wantComplete && (kind != c.kind || num != c.num || court != c.court || charges != c.charges) {
				t.Errorf("fields %q %q %q %q, want %q %q %q %q", kind, num, court, charges, c.kind, c.num, c.court, c.charges)
			}
			if !c.wantComplete {
				if got := f.GetFocusedField().GetValue(); got != c.court || num != c.num {
					t.Errorf("focused field (court) holds %q, case number %q; want %q, %q", got, num, c.court, c.num)
				}
			}
		})
	}
}
