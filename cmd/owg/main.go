// Command owg is the table a LEAD Operational Work Group sits at: the TUI
// on the local store, the SSH server, and the commands that manage users,
// referrals, backups and the audit trail.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	mainAt := time.Now()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	app := newApp(os.Stdin, os.Stdout, os.Stderr)
	app.trace = newStartTrace(os.Getenv, mainAt)
	code := run(ctx, app, os.Args[1:])
	stop()
	app.trace.close()
	os.Exit(code)
}
