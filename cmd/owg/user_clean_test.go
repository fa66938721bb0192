package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// noControls fails when r's output holds a control character other than
// a newline (an escape sequence would drive the admin's terminal).
func noControls(t *testing.T, r result) {
	t.Helper()
	for _, c := range r.stdout + r.stderr {
		if c == '\n' {
			continue
		}
		if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) {
			t.Fatalf("output holds control character %U:\n%q", c, r.stdout+r.stderr)
		}
	}
}

// A user name that cleaning would change is refused (a name is an
// identity), and no command echoes a raw argument to the terminal.
func TestUserNameWithEscapesRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	key, _ := newKey(t)
	bad := "yy\x1b]0;TITLE\x07q"
	r := owg(t, nil, "--data", dir, "user", "add", "--name", bad, "--role", "police", "--key", key)
	want(t, r, 1, "--name", `would be stored as "yyq"`)
	noControls(t, r)
	r = owg(t, nil, "--data", dir, "user", "list")
	want(t, r, 0)
	if strings.Contains(r.stdout, "yyq") {
		t.Fatalf("the refused name was stored:\n%s", r)
	}
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", " lead", "--role", "police", "--key", key), 1, "--name")
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", "yyq", "--role", "police", "--key", key), 0, "added yyq")

	for _, args := range [][]string{
		{"user", "remove", bad},
		{"user", "disable", bad},
		{"user", "key", "remove", "yyq", "SHA256:\x1b[2J"},
		{"user", "add", "--name", "x", "--role", "\x1b[2Jsheriff", "--key", key},
		{"referral", "import", filepath.Join(t.TempDir(), "x\x1b]0;T\x07.csv")},
		{"protocol", "check", "p\x1b[31m.toml"},
		{"contact", "add", "P-\x1b[2J1", "--kind", "\x1b[2Jphone"},
		{"--bogus\x1b[2J"},
	} {
		r := owg(t, nil, append([]string{"--data", dir}, args...)...)
		if r.code == 0 {
			t.Fatalf("%q: %s", args, r)
		}
		noControls(t, r)
	}
}
