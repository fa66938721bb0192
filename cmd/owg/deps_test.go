package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoBubbleteaV1 keeps bubbletea v1 (and wish's root package, which
// links it) out of the binary: its package init asks the terminal for its
// background colour and waits up to 5 s when no answer comes.
func TestNoBubbleteaV1(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	out, err := exec.Command(goBin, "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		switch pkg {
		case "github.com/charmbracelet/bubbletea", "github.com/charmbracelet/wish", "github.com/charmbracelet/lipgloss":
			t.Errorf("owg links %s => want only the v2 line (charm.land/...)", pkg)
		}
	}
}
