package badgerstore

import (
	stdjson "encoding/json"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	gojson "github.com/goccy/go-json"
	segjson "github.com/segmentio/encoding/json"

	"github.com/leadtable/owg/store"
)

func loadRaw(b *testing.B, p string) []rawRecord {
	db, err := Open("/tmp/d2000", Options{Now: func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var recs []rawRecord
	_ = db.bdb.View(func(txn *badger.Txn) error {
		recs, _ = rawScan(txn, p)
		return nil
	})
	return recs
}

func benchDec[T any](b *testing.B, p string, dec func([]byte, any) error) {
	recs := loadRaw(b, p)
	n := 0
	for _, r := range recs {
		n += len(r.val)
	}
	b.SetBytes(int64(n))
	b.ResetTimer()
	for b.Loop() {
		out := make([]T, len(recs))
		for i, r := range recs {
			if err := dec(r.val, &out[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkZZDec(b *testing.B) {
	for _, c := range []struct {
		name string
		dec  func([]byte, any) error
	}{{"seg", segjson.Unmarshal}, {"goccy", gojson.Unmarshal}, {"std", stdjson.Unmarshal}} {
		b.Run("part/"+c.name, func(b *testing.B) { benchDec[store.Participant](b, pfxParticipant, c.dec) })
		b.Run("roi/"+c.name, func(b *testing.B) { benchDec[store.ROI](b, pfxROI, c.dec) })
	}
}

func TestZZShow(t *testing.T) {
	b := &testing.B{}
	_ = b
	db, err := Open("/tmp/d2000", Options{Now: func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_ = db.bdb.View(func(txn *badger.Txn) error {
		for _, p := range []string{pfxParticipant, pfxROI, pfxCase} {
			recs, _ := rawScan(txn, p)
			t.Logf("%s\n%s", recs[5].key, recs[5].val)
		}
		return nil
	})
}
