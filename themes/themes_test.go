package themes

import "testing"

func TestPick(t *testing.T) {
	tests := []struct {
		flag, pref string
		env        []string
		low        bool
		want       string
		ascii      bool
	}{
		{"", "", nil, false, "default", false},
		{"", "high-contrast", nil, false, "high-contrast", false},
		{"monochrome", "high-contrast", nil, false, "monochrome", false},
		{"", "gone-theme", nil, false, "default", false},
		{"", "", []string{"NO_COLOR=1"}, false, "monochrome", false},
		{"", "", []string{"NO_COLOR="}, false, "default", false},
		{"high-contrast", "", []string{"NO_COLOR=1"}, false, "monochrome", false},
		{"ascii", "", []string{"NO_COLOR=1"}, false, "ascii", true},
		{"", "", []string{"TERM=linux"}, false, "default", true},
		{"", "", []string{"TERM=xterm", "TERM=dumb"}, false, "default", true},
		{"", "", []string{"TERM=dumb", "TERM=xterm-256color"}, false, "default", false},
		{"", "high-contrast", nil, true, "ascii", true},
		{"", "", []string{"NO_COLOR=1", "TERM=linux"}, false, "monochrome", true},
	}
	for _, tt := range tests {
		got, err := Pick(tt.flag, tt.pref, tt.env, tt.low)
		if err != nil || got.Name != tt.want || got.ASCII != tt.ascii {
			t.Errorf("Pick(%q, %q, %q, %v) => %s ascii=%v err=%v, want %s ascii=%v", tt.flag, tt.pref, tt.env, tt.low, got.Name, got.ASCII, err, tt.want, tt.ascii)
		}
	}
	if _, err := Pick("neon", "", nil, false); err == nil {
		t.Errorf("Pick(neon) => no error, want unknown theme")
	}
}

func TestNextCycles(t *testing.T) {
	seen := map[string]bool{}
	th := Default
	for range All {
		seen[th.Name] = true
		th = Next(th)
	}
	if len(seen) != len(All) || th.Name != Default.Name {
		t.Errorf("Next cycled through %v, ended on %s => want every theme and back to default", seen, th.Name)
	}
}

func TestMonoThemesHaveNoColours(t *testing.T) {
	for _, th := range []Theme{Monochrome, ASCII} {
		if th.Dark != (Palette{}) || th.Light != (Palette{}) || !th.Mono {
			t.Errorf("%s: has colours or is not mono", th.Name)
		}
	}
}
