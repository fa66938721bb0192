package main

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A forwarded command whose server goes away mid-way fails at run time:
// the error is said, and no usage hint follows it.
func TestForwardLostConnectionIsNoUsageError(t *testing.T) {
	dir, err := os.MkdirTemp("", "owgfw") // short: a socket path has a small limit
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ln, err := net.Listen("unix", filepath.Join(dir, adminSocketName))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		bufio.NewReader(c).ReadString('\n') // the request, then the server is gone
		c.Close()
	}()
	r := owg(t, nil, "--data", dir, "contact", "add", "P-0001", "--kind", "phone")
	want(t, r, 1, "connection lost before the command finished")
	if strings.Contains(r.stderr, "for usage") {
		t.Fatalf("a lost connection is not a usage error:\n%s", r)
	}
}
