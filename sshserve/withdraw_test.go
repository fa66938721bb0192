package sshserve

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

func TestAccessWithdrawnEndsOnlyThatUsersSessions(t *testing.T) {
	e := newTestEnv(t, nil)
	kim := e.addUser("kim", store.RolePolice, true)
	pat := e.addUser("pat", store.RolePM, true)
	ck := e.open(kim, true)
	defer ck.close()
	cp := e.open(pat, true)
	defer cp.close()
	eventually(t, 5*time.Second, "two sessions", func() bool { return len(e.srv.Sessions()) == 2 })

	// A change that keeps kim's access (a theme) leaves the session alone.
	ctx := context.Background()
	u, err := e.db.GetUser(ctx, "kim")
	if err != nil {
		t.Fatal(err)
	}
	u.Theme = "ascii"
	if u, err = e.db.UpdateUser(ctx, store.SystemActor, u); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(e.srv.Sessions()); n != 2 {
		t.Fatalf("%d sessions after a harmless change, want 2", n)
	}
	// A new role ends it: the session was opened as police.
	u.Role = store.RoleDefender
	if _, err := e.db.UpdateUser(ctx, store.SystemActor, u); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if code := ck.wait(t, 2*time.Second); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("ended after %s, want within a second", d)
	}
	if !strings.Contains(ck.out.text(), WithdrawnNotice) {
		t.Errorf("no notice in %q", ck.out.text())
	}
	// the client saw its session end; the server drops it from its list
	// just after
	eventually(t, 2*time.Second, "pat's session alone is left", func() bool {
		ss := e.srv.Sessions()
		return len(ss) == 1 && ss[0].User == "pat"
	})
	evs, err := e.db.ListAudit(ctx, store.AuditFilter{User: "kim", Action: store.AuditDenied})
	if err != nil || len(evs) != 1 || evs[0].Detail != DetailWithdrawn {
		t.Errorf("audit %+v %v, want one %s event", evs, err, DetailWithdrawn)
	}
	// Removing the user ends theirs too.
	if err := e.db.DeleteUser(ctx, store.SystemActor, "pat"); err != nil {
		t.Fatal(err)
	}
	cp.wait(t, 2*time.Second)
}
