package badgerstore

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/leadtable/owg/store"
)

// The benchmark store: OWG_BENCH_PARTICIPANTS participants (default 10,000)
// with 10 contacts each, spread over case managers of 25, built once per
// process with a WriteBatch of exactly the keys the store itself writes
// (records, indexes, counters, audit chain).
var bench struct {
	once         sync.Once
	dir          string
	participants int
	build        time.Duration
	err          error
}

const benchCaseload = 25

func benchStore(b *testing.B) string {
	b.Helper()
	bench.once.Do(func() {
		bench.participants = 10000
		if s := os.Getenv("OWG_BENCH_PARTICIPANTS"); s != "" {
			if n, err := strconv.Atoi(s); err == nil && n > 0 {
				bench.participants = n
			}
		}
		bench.dir, bench.err = os.MkdirTemp("", "owg-bench-")
		if bench.err != nil {
			return
		}
		start := time.Now()
		bench.err = bulkLoad(bench.dir, bench.participants, 10)
		bench.build = time.Since(start)
	})
	if bench.err != nil {
		b.Fatalf("building the benchmark store => %v", bench.err)
	}
	return bench.dir
}

// TestMain removes the benchmark store at the end.
func TestMain(m *testing.M) {
	code := m.Run()
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// bulkLoad writes nParticipants participants with perP contacts each.
func bulkLoad(dir string, nParticipants, perP int) error {
	db, err := Open(dir, Options{Now: fixedClock})
	if err != nil {
		return err
	}
	wb := db.bdb.NewWriteBatch()
	defer wb.Cancel()
	now := testNow
	var head auditHead
	set := func(k string, v []byte) error { return wb.Set([]byte(k), v) }
	put := func(k string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return set(k, b)
	}
	audit := func(subject, detail string) error {
		e := store.AuditEvent{Seq: head.Seq + 1, Time: now, User: "operator", Role: store.RolePM, Action: store.AuditCreate, Subject: subject, Detail: detail, PrevHash: head.Hash}
		e.Hash = store.AuditHash(e)
		head = auditHead{Seq: e.Seq, Hash: e.Hash}
		if err := put(auditKey(e.Seq), e); err != nil {
			return err
		}
		return set(ixAuditTime+timeKey(e.Time)+sep+seqKey(e.Seq), nil)
	}
	cid := uint64(0)
	statuses := []store.ParticipantStatus{store.StatusEngaging, store.StatusEngaging, store.StatusNotYetEngaged, store.StatusUnableToLocate, store.StatusExited}
	for i := 1; i <= nParticipants; i++ {
		p := store.Participant{
			ID: formatID(kindParticipant, uint64(i)), Name: fmt.Sprintf("Participant Número %d", i),
			DOB: day(1960+i%40, time.Month(1+i%12), 1+i%28), EnrolledOn: day(2024, time.Month(1+i%12), 1+i%28),
			CaseManager: fmt.Sprintf("cm-%03d", (i-1)/benchCaseload), Status: statuses[i%len(statuses)],
			Housing: "shelter", Pronouns: "they/them", Created: now, Updated: now, Version: 1,
		}
		if p.Status == store.StatusExited {
			p.ExitReason = "moved"
		}
		for j := 0; j < perP; j++ {
			cid++
			c := store.Contact{
				ID: formatID(kindContact, cid), ParticipantID: p.ID, Date: day(2025, time.Month(1+j%12), 1+j),
				Kind: store.ContactStreet, Note: "Met at the day center; talked about the housing list and the next court date.",
				Author: p.CaseManager, Sensitivity: store.General, Created: now,
			}
			if c.Date.After(p.LastContact) {
				p.LastContact = c.Date
			}
			if p.FirstContact.IsZero() || c.Date.Before(p.FirstContact) {
				p.FirstContact = c.Date
			}
			if err := put(pfxContact+c.ID, c); err != nil {
				return err
			}
			for _, k := range contactIndex(c) {
				if err := set(k, nil); err != nil {
					return err
				}
			}
			if err := audit(p.ID, "contact:"+c.ID); err != nil {
				return err
			}
		}
		if err := put(pfxParticipant+p.ID, p); err != nil {
			return err
		}
		for _, k := range participantIndex(p) {
			if err := set(k, nil); err != nil {
				return err
			}
		}
		if err := audit(p.ID, "participant"); err != nil {
			return err
		}
	}
	counter := func(kind string, n uint64) error {
		var b [8]byte
		for i := 7; i >= 0; i-- {
			b[i] = byte(n)
			n >>= 8
		}
		return set(pfxCounter+kind, b[:])
	}
	if err := counter(kindParticipant, uint64(nParticipants)); err != nil {
		return err
	}
	if err := counter(kindContact, cid); err != nil {
		return err
	}
	if err := put(keyAuditHead, head); err != nil {
		return err
	}
	if err := wb.Flush(); err != nil {
		return err
	}
	return db.Close()
}

// footprint returns the bytes the store's files take on disk.
func footprint(dir string) (apparent, allocated int64) {
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if fi, err := d.Info(); err == nil {
			apparent += fi.Size()
			allocated += diskUsage(fi)
		}
		return nil
	})
	return
}

func reportFootprint(b *testing.B, dir string) {
	apparent, allocated := footprint(dir)
	b.ReportMetric(float64(apparent), "disk-bytes")
	b.ReportMetric(float64(allocated), "disk-alloc-bytes")
	b.Logf("store of %d participants / %d contacts built in %v: %d bytes on disk (%d allocated)",
		bench.participants, bench.participants*10, bench.build.Round(time.Millisecond), apparent, allocated)
}

func BenchmarkOpen(b *testing.B) {
	dir := benchStore(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db, err := Open(dir, Options{Now: fixedClock})
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
	b.StopTimer()
	reportFootprint(b, dir)
}

func openBench(b *testing.B) *DB {
	db, err := Open(benchStore(b), Options{Now: fixedClock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func BenchmarkListCaseload(b *testing.B) {
	db := openBench(b)
	f := store.ParticipantFilter{CaseManager: "cm-007", ActiveOnly: true}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ps, err := db.ListParticipants(ctx, f)
		if err != nil || len(ps) == 0 {
			b.Fatalf("ListParticipants => %d, %v", len(ps), err)
		}
	}
}

func BenchmarkAppendContact(b *testing.B) {
	db := openBench(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// the supervisor writes every caseload (store.MayWrite)
		_, err := db.CreateContact(ctx, store.Actor{User: "sam", Role: store.RoleSupervisor}, store.Contact{
			ParticipantID: formatID(kindParticipant, uint64(1+i%bench.participants)), Date: testNow,
			Kind: store.ContactPhone, Note: "checked in by phone", Author: "casey", Sensitivity: store.General,
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBackup(b *testing.B) {
	db := openBench(b)
	var n countWriter
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n = 0
		if err := db.Backup(&n); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(n), "backup-bytes")
	b.SetBytes(int64(n))
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
