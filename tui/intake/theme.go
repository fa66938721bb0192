package intake

import (
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/leadtable/owg/tui/common"
)

// titleWidth is the width of the field titles column, so every input
// starts in the same column.
const titleWidth = 20

// leanTheme builds a compact huh theme from the session's styles: one line
// per field, no titles (View draws them), no borders, no buttons with
// backgrounds, no padding, so typing repaints only the typed cell and the
// cursor. The
// returned ThemeFunc hands out the same Styles every time (huh calls it on
// every render).
func leanTheme(st *common.Styles) huh.ThemeFunc {
	var t huh.Styles
	plain := lipgloss.NewStyle()
	t.Form.Base = plain
	t.Group.Base = plain
	t.Group.Title = st.Title
	t.Group.Description = st.Muted
	t.FieldSeparator = plain.SetString("\n")

	f := huh.FieldStyles{}
	f.Base = plain
	f.Card = f.Base
	f.Title = st.Accent
	f.Description = st.Muted
	f.ErrorIndicator = st.Bad.SetString(" *")
	f.ErrorMessage = st.Bad
	f.SelectSelector = st.Accent.SetString(st.Cursor + " ")
	f.Option = st.Base
	prev, next := "<", ">"
	f.PrevIndicator = st.Accent.SetString(prev + " ")
	f.NextIndicator = st.Accent.SetString(" " + next)
	f.MultiSelectSelector = st.Accent.SetString(st.Cursor + " ")
	f.SelectedOption = st.Base
	f.SelectedPrefix = st.Accent.SetString("[x] ")
	f.UnselectedOption = st.Base
	f.UnselectedPrefix = st.Muted.SetString("[ ] ")
	f.FocusedButton = st.Selected.Padding(0, 1)
	f.BlurredButton = st.Muted.Padding(0, 1)
	f.TextInput.Cursor = st.Accent
	f.TextInput.Placeholder = st.Muted
	f.TextInput.Prompt = st.Muted
	f.TextInput.Text = lipgloss.NewStyle() // plain: typed text repaints only itself (a coloured pad costs ~20 B per key)
	f.NoteTitle = st.Title
	f.Next = f.FocusedButton
	t.Focused = f

	b := f
	b.Base = plain
	b.Card = b.Base
	b.Title = st.Base
	b.PrevIndicator = st.Muted.SetString(prev + " ")
	b.NextIndicator = st.Muted.SetString(" " + next)
	b.FocusedButton = st.Base.Padding(0, 1)
	b.TextInput.Prompt = st.Muted
	b.MultiSelectSelector = plain.SetString("  ") // the race field's cursor shows only when focused
	t.Blurred = b

	return func(bool) *huh.Styles { return &t }
}
