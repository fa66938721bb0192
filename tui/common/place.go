package common

// Place is where a list stood when its session dropped: the selected
// row's key (a record's id, never its text), that row's line in the
// list's window and the filter typed, so a reconnect lands on the same
// record at the same height in the same filtered list even when rows
// were added above it meanwhile.
type Place struct {
	Key  string // the selected row's Key ("" = nothing selected)
	Line int    // the selected row's line in the window (0 = top)
	// Filter is the list's filter text ("" = none). It is the viewer's
	// own typing, kept in the server's memory for the reconnect only.
	Filter string
	// Detail: the selected row's detail was open (Cases); it opens again
	// on the same row, shown and audited by the viewer's rules then.
	Detail bool
}

// Placed is a pane that can say where it stands and go back there
// (a reconnect within the idle timeout: tui.Resume).
type Placed interface {
	Place() Place
	Restore(Place)
}

// MeetingPlace is where a session stood in a live meeting: which
// meeting, whether it followed the facilitator, and the item it looked
// at when it had stepped away (or drove, as the facilitator).
type MeetingPlace struct {
	ID        string // the meeting ("" = not in one)
	Following bool
	Item      string // the agenda item's id it showed
	Scroll    int    // the item context's first line shown
	Detail    bool   // the case or referral detail was open
}
