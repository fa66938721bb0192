package common

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// ListKeyMap holds the keys of a List.
type ListKeyMap struct {
	Up, Down, PageUp, PageDown, Home, End, Open, Filter, ClearFilter key.Binding
}

// NewListKeyMap returns the default list keys.
func NewListKeyMap() ListKeyMap {
	return ListKeyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Home:        key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "first")),
		End:         key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "last")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
}

// Row is one list row. Text is pre-rendered (styles allowed) and must not
// depend on the selection: the selection is shown only by the marker
// column, so moving it repaints two cells, not two rows.
type Row struct {
	Key    string // stable identity (participant or case id) kept across reloads
	Text   string // rendered row without the marker column
	Filter string // plain text the filter matches; Text when empty
	Header bool   // a section title: shown, never selected
}

// List is a bandwidth-frugal selectable list: a fixed marker column, rows
// that never change with the selection, a substring filter.
type List struct {
	Keys      ListKeyMap
	rows      []Row
	visible   []int // indexes into rows after filtering
	cursor    int   // index into visible
	offset    int
	width     int
	height    int
	filter    string
	filtering bool
	// want is a Place to go back to once its row is loaded (Restore);
	// dropped when the user moves the selection first.
	want *Place
	// chosen: the user moved the selection (or the screen picked a row).
	// Until then it stays on the first row as rows load, whatever order
	// the sections arrive in.
	chosen bool
	// the lines View drew last, and from what
	view    []string
	viewKey listViewKey
	viewOK  bool
}

// NewList returns an empty list.
func NewList() *List { return &List{Keys: NewListKeyMap()} }

// SetSize sets the list's size in cells.
func (l *List) SetSize(width, height int) {
	l.width, l.height = width, max(height, 1)
	l.clamp()
}

// SetRows replaces the rows, keeping the selection on the row with the
// same Key when it is still there. The list keeps rows: the caller must
// not change them after (a new slice for new rows).
func (l *List) SetRows(rows []Row) {
	keep := l.SelectedKey()
	l.rows = rows
	l.refilter()
	if l.want != nil && l.applyWant() {
		return
	}
	if !l.chosen && l.want == nil {
		l.cursor, l.offset = 0, 0
		keep = ""
	}
	l.selectKey(keep)
}

// Rows returns the rows as set, filter or not (callers must not modify
// them).
func (l *List) Rows() []Row { return l.rows }

// Place returns where the list stands: the selected row's key and its
// line in the window (the Place still to go back to, when its row has
// not been loaded yet).
func (l *List) Place() Place {
	if l.want != nil {
		return *l.want
	}
	k := l.SelectedKey()
	if k == "" {
		return Place{Filter: l.filter}
	}
	return Place{Key: k, Line: max(l.cursor-l.offset, 0), Filter: l.filter}
}

// Restore goes back to p: its filter is applied (closed, as after enter)
// and the row with p's key is selected, at p's line in the window, as
// soon as it is loaded (now, when it is already there).
func (l *List) Restore(p Place) {
	if f := Line(p.Filter); f != l.filter {
		l.filtering, l.filter = false, f
		l.refilter()
	}
	if p.Key == "" {
		l.want = nil
		return
	}
	l.want = &p
	l.applyWant()
}

// applyWant selects the wanted row when it is shown, placing it at its
// line; it reports whether it did.
func (l *List) applyWant() bool {
	w := l.want
	for i, ri := range l.visible {
		if l.rows[ri].Key != w.Key || l.rows[ri].Header {
			continue
		}
		l.want, l.chosen = nil, true
		l.cursor = i
		line := min(max(w.Line, 0), max(l.height-1, 0))
		l.offset = max(i-line, 0)
		l.clamp()
		return true
	}
	return false
}

// RowKeys returns the key of every row that has one, filter or not.
func (l *List) RowKeys() []string {
	out := make([]string, 0, len(l.rows))
	for _, r := range l.rows {
		if r.Key != "" {
			out = append(out, r.Key)
		}
	}
	return out
}

// Select moves the cursor to the row with key k (no-op when absent).
func (l *List) Select(k string) {
	l.chosen = l.chosen || k != ""
	l.selectKey(k)
}

// selectKey selects the row with key k (see Select) without counting as a
// choice.
func (l *List) selectKey(k string) {
	if k == "" {
		l.clamp()
		return
	}
	for i, ri := range l.visible {
		if l.rows[ri].Key == k && !l.rows[ri].Header {
			l.cursor = i
			l.clamp()
			return
		}
	}
	l.clamp()
}

// Selected returns the selected row.
func (l *List) Selected() (Row, bool) {
	if l.cursor < 0 || l.cursor >= len(l.visible) {
		return Row{}, false
	}
	r := l.rows[l.visible[l.cursor]]
	if r.Header {
		return Row{}, false
	}
	return r, true
}

// SelectedKey returns the selected row's key or "".
func (l *List) SelectedKey() string {
	r, _ := l.Selected()
	return r.Key
}

// Len returns the number of selectable rows shown.
func (l *List) Len() int {
	n := 0
	for _, ri := range l.visible {
		if !l.rows[ri].Header {
			n++
		}
	}
	return n
}

// Filtering reports whether the filter is taking typed text.
func (l *List) Filtering() bool { return l.filtering }

// FilterText returns the current filter.
func (l *List) FilterText() string { return l.filter }

func (l *List) refilter() {
	l.visible = l.visible[:0]
	f := strings.ToLower(l.filter)
	for i, r := range l.rows {
		if f != "" {
			if r.Header {
				continue
			}
			text := r.Filter
			if text == "" {
				text = r.Text
			}
			if !strings.Contains(strings.ToLower(text), f) {
				continue
			}
		}
		l.visible = append(l.visible, i)
	}
}

func (l *List) selectable(i int) bool {
	return i >= 0 && i < len(l.visible) && !l.rows[l.visible[i]].Header
}

// clamp keeps the cursor on a selectable row and inside the window.
func (l *List) clamp() {
	if len(l.visible) == 0 {
		l.cursor, l.offset = 0, 0
		return
	}
	l.cursor = min(max(l.cursor, 0), len(l.visible)-1)
	if !l.selectable(l.cursor) {
		l.step(1)
		if !l.selectable(l.cursor) {
			l.step(-1)
		}
	}
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.height > 0 && l.cursor >= l.offset+l.height {
		l.offset = l.cursor - l.height + 1
	}
	// show a section header just above the first selectable row
	if l.offset > 0 && l.cursor == l.offset && l.rows[l.visible[l.offset-1]].Header {
		l.offset--
	}
	l.offset = max(0, min(l.offset, len(l.visible)-l.height))
}

// step moves to the next selectable row in direction d, staying put when none.
func (l *List) step(d int) {
	for i := l.cursor + d; i >= 0 && i < len(l.visible); i += d {
		if l.selectable(i) {
			l.cursor = i
			return
		}
	}
}

// Update handles list keys. It returns open=true when enter was pressed
// on a row, and handled=false for keys the list does not use.
func (l *List) Update(msg tea.KeyPressMsg) (handled, open bool) {
	defer func() {
		if handled {
			l.want = nil // the user moved on: a late row must not pull the cursor back
			l.chosen = true
		}
	}()
	if l.filtering {
		keep := l.SelectedKey()
		switch msg.String() {
		case "enter":
			l.filtering = false
		case "esc":
			l.filtering, l.filter = false, ""
			l.refilter()
		case "backspace":
			if r := []rune(l.filter); len(r) > 0 {
				l.filter = string(r[:len(r)-1])
				l.refilter()
			}
		default:
			if msg.Text != "" {
				l.filter += Line(msg.Text)
				l.refilter()
			}
		}
		l.cursor = 0
		l.selectKey(keep)
		return true, false
	}
	switch {
	case key.Matches(msg, l.Keys.Up):
		l.step(-1)
	case key.Matches(msg, l.Keys.Down):
		l.step(1)
	case key.Matches(msg, l.Keys.PageUp):
		l.cursor -= l.height
		if !l.selectable(l.cursor) {
			l.step(-1)
		}
	case key.Matches(msg, l.Keys.PageDown):
		l.cursor += l.height
		if l.cursor >= len(l.visible) {
			l.cursor = len(l.visible) - 1
		}
		if !l.selectable(l.cursor) {
			l.step(1)
		}
	case key.Matches(msg, l.Keys.Home):
		l.cursor = 0
	case key.Matches(msg, l.Keys.End):
		l.cursor = len(l.visible) - 1
	case key.Matches(msg, l.Keys.Filter):
		l.filtering = true
	case key.Matches(msg, l.Keys.ClearFilter) && l.filter != "":
		keep := l.SelectedKey()
		l.filter = ""
		l.refilter()
		l.selectKey(keep)
	case key.Matches(msg, l.Keys.Open):
		_, ok := l.Selected()
		return true, ok
	default:
		return false, false
	}
	l.clamp()
	return true, false
}

// View renders exactly height lines of at most width cells. The marker
// column is two cells wide; only it changes when the selection moves.
// The lines are kept for the next call: a frame drawn again with the list
// as it was (a store change that moved nothing on it) measures no row.
func (l *List) View(st *Styles, empty string) []string {
	k := l.viewKeyOf(st, empty)
	if l.viewOK && l.viewKey == k {
		return slices.Clone(l.view)
	}
	out := l.render(st, empty)
	l.view, l.viewKey, l.viewOK = out, k, true
	return slices.Clone(out)
}

// ViewKey is a comparable value that is the same for two calls of View
// with these arguments exactly when they draw the same lines (a pane that
// keeps its own view keys it by this).
func (l *List) ViewKey(st *Styles, empty string) any { return l.viewKeyOf(st, empty) }

func (l *List) viewKeyOf(st *Styles, empty string) listViewKey {
	k := listViewKey{n: len(l.rows), filter: l.filter, cursor: l.cursor, offset: l.offset,
		width: l.width, height: l.height, st: st, empty: empty}
	if len(l.rows) > 0 {
		k.rows = &l.rows[0]
	}
	return k
}

// listViewKey is everything a list's lines are drawn from: the rows (set
// whole by SetRows, never changed in place), the filter that picks the
// visible ones, the selection, the window and the styles.
type listViewKey struct {
	rows                          *Row
	n                             int
	filter                        string
	cursor, offset, width, height int
	st                            *Styles
	empty                         string
}

func (l *List) render(st *Styles, empty string) []string {
	out := make([]string, 0, l.height)
	if len(l.visible) == 0 {
		if empty != "" {
			out = append(out, "  "+st.Muted.Render(empty))
		}
	}
	for i := l.offset; i < len(l.visible) && len(out) < l.height; i++ {
		r := l.rows[l.visible[i]]
		marker := "  "
		if i == l.cursor && !r.Header {
			marker = st.Accent.Render(st.Cursor) + " "
		}
		if r.Header {
			marker = ""
		}
		out = append(out, Fit(marker+r.Text, l.width))
	}
	for len(out) < l.height {
		out = append(out, "")
	}
	return out
}

// FilterLine renders the filter prompt ("" when no filter is set).
func (l *List) FilterLine(st *Styles) string {
	if !l.filtering && l.filter == "" {
		return ""
	}
	s := "/" + l.filter
	if l.filtering {
		s += "_"
	}
	return st.Accent.Render(s)
}

// ShortHelp returns the list's short help bindings.
func (l *List) ShortHelp() []key.Binding {
	return []key.Binding{l.Keys.Up, l.Keys.Down, l.Keys.Open, l.Keys.Filter}
}

// FullHelp returns every list binding.
func (l *List) FullHelp() []key.Binding {
	return []key.Binding{l.Keys.Up, l.Keys.Down, l.Keys.PageUp, l.Keys.PageDown, l.Keys.Home, l.Keys.End, l.Keys.Open, l.Keys.Filter, l.Keys.ClearFilter}
}
