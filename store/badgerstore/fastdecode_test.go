package badgerstore

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/demo"
)

// demoRecords is every participant, ROI and legal case record of a demo
// site of 200 participants, as stored.
var demoRecords = sync.OnceValues(func() (map[string][][]byte, error) {
	db, err := OpenMemoryAt(fixedClock)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := demo.FillN(context.Background(), db, testNow, demo.DefaultSeed, 200); err != nil {
		return nil, err
	}
	out := map[string][][]byte{}
	err = db.bdb.View(func(txn *badger.Txn) error {
		for _, p := range []string{pfxParticipant, pfxROI, pfxCase} {
			recs, err := rawScan(txn, p)
			if err != nil {
				return err
			}
			for _, r := range recs {
				out[p] = append(out[p], r.val)
			}
		}
		return nil
	})
	return out, err
})

// sameAsDecoder checks b with T's fast path: where it reads b, the
// general decoder reads b without error into the same value. It reports
// whether the fast path read it.
func sameAsDecoder[T any](t testing.TB, b []byte) bool {
	t.Helper()
	fast := fastDecoderFor[T]()
	lx := lexer{intern: map[string]string{}}
	lx.reset(b)
	var got T
	if !fast(&lx, &got) {
		return false
	}
	var want T
	if err := decodeJSON(b, &want); err != nil {
		t.Fatalf("the fast path read %q, the decoder says %v", b, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\nfast path %+v\n=> want %+v (the decoder's)", b, got, want)
	}
	return true
}

// Every participant, ROI and case record of a demo site is read by the
// fast path, into what the general decoder makes of it; and so is each
// changed in ways the fast path reads too, while every change it does
// not read goes to the general decoder.
func TestFastDecodeMatchesTheDecoder(t *testing.T) {
	recs, err := demoRecords()
	if err != nil {
		t.Fatal(err)
	}
	check := map[string]func(testing.TB, []byte) bool{
		pfxParticipant: sameAsDecoder[store.Participant],
		pfxROI:         sameAsDecoder[store.ROI],
		pfxCase:        sameAsDecoder[store.LegalCase],
	}
	for pfx, rs := range recs {
		if len(rs) < 50 {
			t.Fatalf("%s: %d demo records => want many", pfx, len(rs))
		}
		for _, r := range rs {
			if !check[pfx](t, r) {
				t.Errorf("%s: the fast path did not read %q", pfx, r)
			}
		}
	}
	// changes to a record: whether the fast path reads it (it must then
	// agree with the decoder; where not, the decoder reads it)
	changes := []struct {
		name      string
		change    func(string) string
		fastReads bool
	}{
		{"blanks between tokens", func(s string) string {
			return strings.NewReplacer(`,"`, ` ,  "`, `":`, `" : `, "{", "{ ", "}", " }").Replace(s)
		}, true},
		{"a duplicate key (the last one counts)", func(s string) string {
			return strings.Replace(s, `{"id":`, `{"version":7,"id":`, 1)
		}, true},
		{"an empty list", func(s string) string {
			for _, k := range []string{`{"id":"P-`, `{"id":"I-`, `{"id":"L-`} {
				if strings.HasPrefix(s, k) {
					list := map[byte]string{'P': "aliases", 'I': "roles", 'L': "hearings"}[k[7]]
					return strings.Replace(s, `{"id":`, `{"`+list+`":[],"id":`, 1)
				}
			}
			return s
		}, true},
		{"a key in another case", func(s string) string { return strings.Replace(s, `"id":`, `"ID":`, 1) }, false},
		{"an unknown field", func(s string) string { return strings.Replace(s, `{"id":`, `{"shoe_size":44,"id":`, 1) }, false},
		{"an escape", func(s string) string { return strings.Replace(s, `"id":"`, `"id":"\u0041`, 1) }, false},
		{"a null", func(s string) string { return strings.Replace(s, `"id":"`, `"id":null,"x":"`, 1) }, false},
		{"a time with an offset", func(s string) string { return strings.Replace(s, `T00:00:00Z"`, `T00:00:00+02:00"`, 1) }, false},
		{"a fraction", func(s string) string { return strings.Replace(s, `"version":`, `"version":1.5,"v":`, 1) }, false},
		{"invalid UTF-8", func(s string) string { return strings.Replace(s, `"id":"`, "\"id\":\"\xff", 1) }, false},
		{"a control character", func(s string) string { return strings.Replace(s, `"id":"`, "\"id\":\"\t", 1) }, false},
		{"trailing garbage", func(s string) string { return s + "x" }, false},
		{"cut short", func(s string) string { return s[:len(s)-2] }, false},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			read := 0
			for pfx, rs := range recs {
				for _, r := range rs[:20] {
					changed := []byte(c.change(string(r)))
					if check[pfx](t, changed) {
						read++
					}
				}
			}
			if c.fastReads && read == 0 {
				t.Errorf("the fast path read none => want it to read them")
			}
			if !c.fastReads && read > 0 {
				t.Errorf("the fast path read %d => want the decoder to", read)
			}
		})
	}
}

// FuzzFastDecode: whatever the bytes, where a fast path reads them the
// general decoder reads them the same.
func FuzzFastDecode(f *testing.F) {
	recs, err := demoRecords()
	if err != nil {
		f.Fatal(err)
	}
	for _, rs := range recs {
		for _, r := range rs[:5] {
			f.Add(r)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 64<<10 {
			return
		}
		sameAsDecoder[store.Participant](t, b)
		sameAsDecoder[store.ROI](t, b)
		sameAsDecoder[store.LegalCase](t, b)
	})
}

// BenchmarkDecodeRecords: decoding a demo site's participant, ROI and
// case records on one goroutine, by the fast path and by the general
// decoder alone.
func BenchmarkDecodeRecords(b *testing.B) {
	recs, err := demoRecords()
	if err != nil {
		b.Fatal(err)
	}
	for _, way := range []string{"fast", "decoder"} {
		b.Run(way, func(b *testing.B) {
			n := 0
			for _, rs := range recs {
				for _, r := range rs {
					n += len(r)
				}
			}
			b.SetBytes(int64(n))
			for b.Loop() {
				lx := lexer{intern: map[string]string{}}
				for _, r := range recs[pfxParticipant] {
					var p store.Participant
					lx.reset(r)
					if way == "decoder" || !fastParticipant(&lx, &p) {
						_ = decodeJSON(r, &p)
					}
				}
				for _, r := range recs[pfxROI] {
					var v store.ROI
					lx.reset(r)
					if way == "decoder" || !fastROI(&lx, &v) {
						_ = decodeJSON(r, &v)
					}
				}
				for _, r := range recs[pfxCase] {
					var c store.LegalCase
					lx.reset(r)
					if way == "decoder" || !fastCase(&lx, &c) {
						_ = decodeJSON(r, &c)
					}
				}
			}
		})
	}
}

// The site read's scan decodes chunk by chunk what a copy and a decode of
// every record gives, in key order: over many chunks, with a record
// bigger than a chunk's slab, and one the fast path leaves to the
// decoder; a record that does not decode is named.
func TestScanDecodeIsCopyThenDecode(t *testing.T) {
	db := memDB(t)
	put := func(key, val string) {
		t.Helper()
		if err := db.bdb.Update(func(txn *badger.Txn) error { return txn.Set([]byte(key), []byte(val)) }); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3*scanChunkRecords + 7 {
		put(fmt.Sprintf("%sP-%05d", pfxParticipant, i), fmt.Sprintf(`{"id":"P-%05d","name":"Person %d","case_manager":"cm%d","version":%d}`, i, i, i%3, i))
	}
	put(pfxParticipant+"P-00005", `{"id":"P-00005","name":"Big","aliases":["`+strings.Repeat("a", 2*scanSlab)+`"],"version":1}`)
	put(pfxParticipant+"P-00006", `{"ID":"P-00006","Name":"Other case","version":1}`)
	var want, got []store.Participant
	err := db.bdb.View(func(txn *badger.Txn) error {
		raw, err := rawScan(txn, pfxParticipant)
		if err != nil {
			return err
		}
		if want, err = decodeAll[store.Participant](raw); err != nil {
			return err
		}
		s, err := scanDecode[store.Participant](txn, pfxParticipant)
		if err != nil {
			return err
		}
		got, err = s.wait()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3*scanChunkRecords+7 || !reflect.DeepEqual(got, want) {
		t.Fatalf("scanDecode => %d records, equal %v => want the %d of a copy and decode", len(got), reflect.DeepEqual(got, want), len(want))
	}
	if got[6].Name != "Other case" || len(got[5].Aliases[0]) != 2*scanSlab {
		t.Errorf("records 5 and 6 => %q, %d => want them read", got[6].Name, len(got[5].Aliases[0]))
	}
	put(pfxParticipant+"P-00200", `{"id":"P-00200","name":`)
	err = db.bdb.View(func(txn *badger.Txn) error {
		s, err := scanDecode[store.Participant](txn, pfxParticipant)
		if err != nil {
			return err
		}
		_, err = s.wait()
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "P-00200") {
		t.Errorf("a damaged record => %v, want an error naming it", err)
	}
}

// Every field of the three record types is read by the fast path (a
// field added to one of them and not to fastdecode.go would send every
// record that holds it to the general decoder, unnoticed), but for the
// case's defender notes, which it leaves to the general decoder.
func TestFastDecodeKnowsEveryField(t *testing.T) {
	when := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			v.SetString("x")
		case reflect.Int64, reflect.Int:
			v.SetInt(7)
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Slice:
			s := reflect.MakeSlice(v.Type(), 1, 1)
			fill(s.Index(0))
			v.Set(s)
		case reflect.Struct:
			if v.Type() == reflect.TypeOf(time.Time{}) {
				v.Set(reflect.ValueOf(when))
				return
			}
			for i := range v.NumField() {
				fill(v.Field(i))
			}
		default:
			t.Fatalf("no value for a %s field", v.Type())
		}
	}
	full := func(v any) []byte {
		fill(reflect.ValueOf(v).Elem())
		if c, ok := v.(*store.LegalCase); ok {
			c.DefenderNotes = nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for name, check := range map[string]func() bool{
		"participant": func() bool { return sameAsDecoder[store.Participant](t, full(&store.Participant{})) },
		"ROI":         func() bool { return sameAsDecoder[store.ROI](t, full(&store.ROI{})) },
		"legal case":  func() bool { return sameAsDecoder[store.LegalCase](t, full(&store.LegalCase{})) },
	} {
		if !check() {
			t.Errorf("%s with every field set: the fast path gave up => want it to read them all", name)
		}
	}
}
