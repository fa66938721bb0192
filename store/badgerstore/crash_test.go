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

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
)

var (
	long        = flag.Bool("long", false, "run the long versions of the crash test (2,000 kills) and the import of 100,000 rows")
	crashRounds = flag.Int("crashrounds", 0, "kill -9 rounds in TestCrashDurability (default 20, 2,000 with -long)")
)

const (
	crashEnv  = "OWG_CRASH_CHILD_DIR"
	crashTiny = "OWG_CRASH_CHILD_TINY"
)

// TestCrashChild is the child of TestCrashDurability: it writes records to
// the store in $OWG_CRASH_CHILD_DIR and prints each id once the call that
// wrote it has returned, until it is killed. With $OWG_CRASH_CHILD_TINY
// its memtables and tables are tiny, so it flushes and compacts every few
// dozen writes and the kill often lands in one; its values then also go
// to the value log.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("the child of TestCrashDurability")
	}
	tinyTables = os.Getenv(crashTiny) != ""
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	if d := db.Damage(); len(d) > 0 {
		fmt.Println("ERR damage:", d)
		os.Exit(2)
	}
	note := strings.Repeat("Met at the day center; talked about the housing list. ", 30) // over the value threshold when tiny
	for i := 0; ; i++ {
		p, err := db.CreateParticipant(ctx, pm, newParticipant(fmt.Sprint("Crash ", i), "casey"))
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(2)
		}
		fmt.Println(p.ID)
		c, err := db.CreateContact(ctx, cm, store.Contact{ParticipantID: p.ID, Date: day(2025, 3, 1), Kind: store.ContactPhone, Author: "casey", Sensitivity: store.General, Note: note})
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(2)
		}
		fmt.Println(c.ID)
	}
}

// TestCrashDurability kills a writing child with SIGKILL at a random moment
// (every other round with tiny tables: during flushes and compactions),
// reopens the store and finds every record the child acknowledged, the
// audit trail intact and no damage. Whatever the kill left (a table not in
// the MANIFEST, an empty memtable log) is recovered by Open.
func TestCrashDurability(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("in the child")
	}
	rounds := 20
	if *long {
		rounds = 2000
	}
	if *crashRounds > 0 {
		rounds = *crashRounds
	}
	// One store across rounds (each restart recovers the last crash); a
	// fresh one every storeRounds rounds, so that a long run's rounds stay
	// as fast as the first (a store restarted thousands of times keeps
	// thousands of value-log files).
	const storeRounds = 250
	var dir string
	var acked []string
	recovered, total := 0, 0
	start := time.Now()
	for round := 0; round < rounds; round++ {
		if round%storeRounds == 0 {
			if dir != "" {
				os.RemoveAll(dir)
			}
			dir = t.TempDir()
			total += len(acked)
			acked = nil
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		if round%2 == 1 {
			cmd.Env = append(cmd.Env, crashTiny+"=1")
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		target := 1 + rand.IntN(80)
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

		tinyTables = round%2 == 1
		db, err := Open(dir, Options{Now: fixedClock, Warn: func(string) { recovered++ }})
		tinyTables = false
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL => %v", round, err)
		}
		if d := db.Damage(); len(d) > 0 {
			t.Errorf("round %d: damage after SIGKILL => %q", round, d)
		}
		// Every acknowledged record, found in one scan of the store's keys
		// (one Get each would make the long run quadratic).
		stored := map[string]bool{}
		db.bdb.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{})
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				k := string(it.Item().Key())
				if strings.HasPrefix(k, pfxParticipant) || strings.HasPrefix(k, pfxContact) {
					stored[k[2:]] = true
				}
			}
			return nil
		})
		for _, id := range acked {
			if !stored[id] {
				t.Errorf("round %d: acknowledged %s is missing after SIGKILL", round, id)
			}
		}
		if round%100 == 99 || round == rounds-1 {
			if _, err := db.GetParticipant(ctx, acked[len(acked)-1]); err != nil && strings.HasPrefix(acked[len(acked)-1], "P-") {
				t.Errorf("round %d: the last acknowledged participant => %v", round, err)
			}
		}
		if seq, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("round %d: VerifyAudit after SIGKILL => %d, %v", round, seq, err)
		}
		db.Close()
		if t.Failed() {
			return
		}
		if round%250 == 249 {
			t.Logf("round %d: %d acknowledged writes all found, %d files recovered so far, %v", round+1, total+len(acked), recovered, time.Since(start).Round(time.Second))
		}
	}
	t.Logf("%d kill -9 rounds in %v, %d acknowledged writes all found (0 lost), %d files a kill left recovered by Open",
		rounds, time.Since(start).Round(time.Second), total+len(acked), recovered)
}
