package common

// ShownMsg tells a tab it has just been brought to the front, so a pane
// that computes on demand (Reports) starts then rather than at sign-in.
type ShownMsg struct{}
