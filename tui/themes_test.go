package tui

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/themes"
)

// themeScreens are the screens of the theme goldens, on the demo site.
var themeScreens = []struct {
	name  string
	actor store.Actor
	steps []step
}{
	// the pm's screens wait for the site (capacity), the handoff section and
	// the on-call notice, which load apart
	{"today", demoPM, []step{{"", []string{"capacity", "Field referrals waiting", "take handoff"}}}},
	{"caseload", demoPM, []step{{"", []string{"capacity", "take handoff"}}, {"2", []string{"URGENT"}}}},
	{"referrals", demoPM, []step{{"", []string{"capacity", "take handoff"}}, {"3", []string{"Why"}}}},
	{"cases", demoPM, []step{{"", []string{"capacity", "take handoff"}}, {"4", []string{"POSITION"}}}},
	{"meeting", demoPM, []step{{"", []string{"capacity", "take handoff"}}, {"5", []string{"start"}}, {"n", []string{"Attendees"}},
		{"\r", nil}, {"x", nil}, {"\r", []string{"facilitating"}}}},
	{"participant", demoPM, []step{{"", []string{"capacity", "take handoff"}}, {"2", []string{"URGENT"}}, {"\r", []string{"Legal"}}}},
	{"reports", demoPM, []step{{"", []string{"capacity", "take handoff"}}, {"6", []string{"REFERRALS PER WEEK", "by kind, week by week"}}}}, // the report loaded, not only the tab
	{"newreferral", demoPolice, []step{{"", []string{"referral"}}}},
}

var (
	demoPM     = store.Actor{User: "dana", Role: store.RolePM, Agency: "LEAD Program"}
	demoPolice = store.Actor{User: "reyes", Role: store.RolePolice, Agency: "Metro PD"}
)

// TestThemeScreens renders every screen in every theme at 80x24 on the
// demo site. Colour themes are rendered with the ANSI256 profile so the
// colour codes show in the golden files; monochrome and ascii with the
// ASCII profile (bold, underline and reverse remain).
func TestThemeScreens(t *testing.T) {
	for _, th := range themes.All {
		prof := colorprofile.ANSI256
		if th.Mono {
			prof = colorprofile.ASCII
		}
		for _, sc := range themeScreens {
			t.Run(th.Name+"_"+sc.name, func(t *testing.T) {
				opts := testOptions(demoSite(t), sc.actor)
				opts.Theme = th
				tm := teatest.NewTestModel(t, New(opts), teatest.WithInitialTermSize(80, 24),
					teatest.WithProgramOptions(tea.WithColorProfile(prof)))
				for _, s := range sc.steps {
					press(tm, s.keys)
					if len(s.wait) > 0 {
						waitFor(t, tm, s.wait...)
					} else {
						time.Sleep(150 * time.Millisecond)
					}
				}
				time.Sleep(100 * time.Millisecond) // let the last loads land
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				view := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View().Content
				var b bytes.Buffer
				w := &colorprofile.Writer{Forward: &b, Profile: prof}
				if _, err := w.WriteString(view); err != nil {
					t.Fatal(err)
				}
				got := b.String()
				if th.ASCII {
					for i, r := range stripNames(got) {
						if r > 0x7e {
							t.Errorf("%s: non-ASCII %q at byte %d in the ascii theme", sc.name, r, i)
							break
						}
					}
				}
				golden.RequireEqual(t, got)
			})
		}
	}
}

// stripNames removes the demo's non-ASCII person names (data, not
// decoration) so the ascii theme's glyphs can be checked.
func stripNames(s string) string {
	var b strings.Builder
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' }) {
		if strings.ContainsFunc(f, func(r rune) bool { return r > 0x7e && unicode.IsLetter(r) }) {
			continue // a word with letters beyond ASCII: a name
		}
		fmt.Fprint(&b, f, " ")
	}
	return b.String()
}
