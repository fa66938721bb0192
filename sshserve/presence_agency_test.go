package sshserve

import (
	"testing"
	"time"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui"
)

// TestPresenceCarriesAgency: room view needs each attendee's agency (an
// ROI may name it): the hub's presence list carries it.
func TestPresenceCarriesAgency(t *testing.T) {
	h := newHub()
	start := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	pm := h.register(store.Actor{User: "dana", Role: store.RolePM, Agency: "LEAD Program"}, "SHA256:pm", start, func(string) {})
	cop := h.register(store.Actor{User: "reyes", Role: store.RolePolice, Agency: "Metro PD"}, "SHA256:cop", start, func(string) {})
	defer h.unregister(pm)
	defer h.unregister(cop)
	h.setPresence(cop, tui.Presence{MeetingID: "M-0002", Following: true})
	var got []tui.Presence
	for _, msg := range pm.take() {
		if p, ok := msg.(tui.PresenceMsg); ok {
			got = p.People
		}
	}
	found := false
	for _, p := range got {
		if p.User == "reyes" {
			found = true
			if p.Agency != "Metro PD" || p.Role != store.RolePolice || p.MeetingID != "M-0002" {
				t.Errorf("presence => %+v, want reyes, police, Metro PD, in M-0002", p)
			}
		}
	}
	if !found {
		t.Errorf("presence => %+v, want reyes listed", got)
	}
}
