package badgerstore

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

var long = flag.Bool("long", false, "run the long versions of the crash test (200 kills)")

const crashEnv = "OWG_CRASH_CHILD_DIR"

// TestCrashChild is the child of TestCrashDurability: it writes records to
// the store in $OWG_CRASH_CHILD_DIR and prints each id once the call that
// wrote it has returned, until it is killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("the child of TestCrashDurability")
	}
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		p, err := db.CreateParticipant(ctx, pm, newParticipant(fmt.Sprint("Crash ", i), "casey"))
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(2)
		}
		fmt.Println(p.ID)
		c, err := db.CreateContact(ctx, cm, store.Contact{ParticipantID: p.ID, Date: day(2025, 3, 1), Kind: store.ContactPhone, Author: "casey", Sensitivity: store.General})
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(2)
		}
		fmt.Println(c.ID)
	}
}

// TestCrashDurability kills a writing child with SIGKILL at a random moment,
// reopens the store and finds every record the child acknowledged.
func TestCrashDurability(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("in the child")
	}
	rounds := 20
	if *long {
		rounds = 200
	}
	dir := t.TempDir() // one store across rounds: each restart recovers the last crash
	var acked []string
	for round := 0; round < rounds; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		target := 1 + rand.IntN(40)
		n := 0
		for n < target && sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "ERR") {
				t.Fatalf("round %d: child => %s", round, line)
			}
			acked = append(acked, line)
			n++
		}
		time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
		cmd.Process.Kill() // SIGKILL
		for sc.Scan() {    // printed before it died: acknowledged too
			if line := sc.Text(); !strings.HasPrefix(line, "ERR") && line != "" {
				acked = append(acked, line)
			}
		}
		cmd.Wait()
		if n < target {
			t.Fatalf("round %d: child stopped after %d lines", round, n)
		}

		db, err := Open(dir, Options{Now: fixedClock})
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL => %v", round, err)
		}
		for _, id := range acked {
			var err error
			if strings.HasPrefix(id, "P-") {
				_, err = db.GetParticipant(ctx, id)
			} else {
				_, err = db.GetContact(ctx, id)
			}
			if err != nil {
				t.Errorf("round %d: acknowledged %s => %v after SIGKILL", round, id, err)
			}
		}
		if seq, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("round %d: VerifyAudit after SIGKILL => %d, %v", round, seq, err)
		}
		db.Close()
		if t.Failed() {
			return
		}
	}
	t.Logf("%d rounds, %d acknowledged records all found", rounds, len(acked))
}
