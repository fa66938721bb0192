// Command owg is the table a LEAD Operational Work Group sits at: the TUI
// on the local store, the SSH server, and the commands that manage users,
// referrals, backups and the audit trail.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	app := newApp(os.Stdin, os.Stdout, os.Stderr)
	code := run(ctx, app, os.Args[1:])
	stop()
	os.Exit(code)
}
