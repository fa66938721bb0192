//go:build linux

package main

import (
	"fmt"
	"net"
	"os"
	"syscall"
)

// checkPeer verifies with SO_PEERCRED that the process on the other end of
// the admin socket runs as the server's own OS user.
func checkPeer(c *net.UnixConn) error {
	raw, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var cred *syscall.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return err
	}
	if cerr != nil {
		return fmt.Errorf("cannot check who is calling: %w", cerr)
	}
	if int(cred.Uid) != os.Getuid() {
		return fmt.Errorf("only the server's own OS user may use its socket (caller uid %d)", cred.Uid)
	}
	return nil
}
