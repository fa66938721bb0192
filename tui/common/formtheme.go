package common

import (
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
)

// FormTheme is a huh theme built from the session's styles only: the
// shape of huh's base theme (a left bar on the focused field, "> " and
// "[•]" markers), the session's colours, ASCII glyphs in ASCII themes and
// no bars when Bare. The returned function hands out the same Styles on
// every call (huh calls it on every render).
func FormTheme(st *Styles) huh.ThemeFunc {
	var t huh.Styles
	plain := lipgloss.NewStyle()
	t.Form.Base = plain
	t.Group.Base = plain
	t.Group.Title = st.Title
	t.Group.Description = st.Muted
	t.FieldSeparator = plain.SetString("\n\n")

	bar := lipgloss.ThickBorder()
	if st.Theme.ASCII {
		bar = lipgloss.Border{Left: "|"}
	}
	hidden := lipgloss.Border{Left: " "}

	f := huh.FieldStyles{}
	f.Base = plain.PaddingLeft(1).BorderStyle(bar).BorderLeft(true).BorderForeground(st.Border.GetForeground())
	if st.Bare {
		f.Base = plain
	}
	f.Card = f.Base
	f.Title = st.Title
	f.NoteTitle = st.Title
	f.Description = st.Muted
	f.ErrorIndicator = st.Bad.SetString(" *")
	f.ErrorMessage = st.Bad
	f.SelectSelector = st.Accent.SetString("> ")
	f.NextIndicator = st.Accent.MarginLeft(1).SetString(st.Plain("→"))
	f.PrevIndicator = st.Accent.MarginRight(1).SetString(st.Plain("←"))
	f.Option = st.Base
	f.MultiSelectSelector = st.Accent.SetString("> ")
	f.SelectedOption = st.Good
	f.SelectedPrefix = st.Good.SetString("[" + st.Bullet + "] ")
	if st.Theme.ASCII {
		f.SelectedPrefix = st.Good.SetString("[x] ")
	}
	f.UnselectedOption = st.Base
	f.UnselectedPrefix = st.Muted.SetString("[ ] ")
	f.FocusedButton = st.Selected.Padding(0, 1).MarginRight(1)
	f.BlurredButton = st.Muted.Padding(0, 1).MarginRight(1)
	f.Next = f.FocusedButton
	f.TextInput.Cursor = st.Accent
	f.TextInput.Placeholder = st.Muted
	f.TextInput.Prompt = st.Accent
	f.TextInput.Text = lipgloss.NewStyle() // plain: typed text repaints only itself (a coloured pad costs ~20 B per key)
	t.Focused = f

	b := f
	b.Base = plain.PaddingLeft(1).BorderStyle(hidden).BorderLeft(true)
	if st.Bare {
		b.Base = plain
	}
	b.Card = b.Base
	b.MultiSelectSelector = plain.SetString("  ")
	b.NextIndicator = plain
	b.PrevIndicator = plain
	t.Blurred = b
	t.Help.Ellipsis, t.Help.ShortKey, t.Help.ShortDesc, t.Help.ShortSeparator = st.Muted, st.Accent, st.Muted, st.Muted
	t.Help.FullKey, t.Help.FullDesc, t.Help.FullSeparator = st.Accent, st.Base, st.Muted
	return func(bool) *huh.Styles { return &t }
}
