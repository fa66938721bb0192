package badgerstore

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/demo"
)

// TestDecodeJSONReadsWhatEncodingJSONReads: every record of the demo
// site, as stored, decodes with decodeJSON to exactly what encoding/json
// gives, and keeps nothing of the buffer it read (Badger reuses it).
func TestDecodeJSONReadsWhatEncodingJSONReads(t *testing.T) {
	db, err := OpenMemoryAt(fixedClock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Fill(ctx, db, testNow, 7); err != nil {
		t.Fatalf("demo.Fill => %v", err)
	}
	if _, _, err := db.RecordProtocol(ctx, store.SystemActor, store.DefaultProtocolTOML()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveDraft(ctx, pm, store.Draft{User: pm.User, Form: "contact", Subject: "P-0001",
		Fields: map[string]string{"note": "café \u00e9 \"quoted\" \x7f", "kind": "phone"}}); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, prefix string, newV func() any) {
		var raw []rawRecord
		if err := db.bdb.View(func(txn *badger.Txn) (err error) { raw, err = rawScan(txn, prefix); return err }); err != nil {
			t.Fatal(err)
		}
		if len(raw) == 0 {
			t.Fatalf("%s: no records in the demo site", prefix)
		}
		for _, r := range raw {
			want, got := newV(), newV()
			if err := json.Unmarshal(r.val, want); err != nil {
				t.Fatalf("%s: encoding/json => %v", r.key, err)
			}
			buf := bytes.Clone(r.val)
			if err := decodeJSON(buf, got); err != nil {
				t.Fatalf("%s: decodeJSON => %v", r.key, err)
			}
			for i := range buf {
				buf[i] = 'x' // the buffer is reused: nothing decoded may change
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: decodeJSON => %+v, want %+v", r.key, got, want)
			}
		}
	}
	for _, c := range []struct {
		prefix string
		newV   func() any
	}{
		{pfxParticipant, func() any { return new(store.Participant) }},
		{pfxROI, func() any { return new(store.ROI) }},
		{pfxCase, func() any { return new(store.LegalCase) }},
		{pfxReferral, func() any { return new(store.Referral) }},
		{pfxGoal, func() any { return new(store.Goal) }},
		{pfxContact, func() any { return new(store.Contact) }},
		{pfxMeeting, func() any { return new(store.Meeting) }},
		{pfxUser, func() any { return new(store.User) }},
		{pfxAudit, func() any { return new(store.AuditEvent) }},
		{pfxHistory, func() any { return new(store.HistoryEvent) }},
		{pfxProtocol, func() any { return new(store.ProtocolVersion) }},
		{pfxDraft, func() any { return new(store.Draft) }},
		{keyAuditHead, func() any { return new(auditHead) }},
	} {
		t.Run(c.prefix, func(t *testing.T) { check(t, c.prefix, c.newV) })
	}
}

// TestDecodeJSONRefusesWhatEncodingJSONRefuses: a damaged record is an
// error with either decoder, and what encoding/json reads decodeJSON
// reads the same (old field spellings, unknown keys, nulls).
func TestDecodeJSONRefusesWhatEncodingJSONRefuses(t *testing.T) {
	for _, in := range []string{
		`{"id":"P-0001","name":"A"`,             // cut short
		`{"id":"P-0001","name":"A"}x`,           // trailing bytes
		`{"id":"P-0001","name":7}`,              // wrong type
		`{"id":"P-0001","dob":"not a date"}`,    // bad time
		`{"id":"P-0001","version":"1"}`,         // string for a number
		``,                                      // empty
		`nul`,                                   // broken literal
		`{"id":"P-0001","NAME":"A","extra":{}}`, // case-insensitive key, unknown key
		`{"id":"P-0001","aliases":null,"flags":["a","b"]}`,
		`{"id":"P-0001","name":"caf\u00e9 \ud83d\ude00"}`,
	} {
		var want, got store.Participant
		werr := json.Unmarshal([]byte(in), &want)
		gerr := decodeJSON([]byte(in), &got)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%q: decodeJSON error %v, encoding/json %v", in, gerr, werr)
			continue
		}
		if werr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%q: decodeJSON => %+v, want %+v", in, got, want)
		}
	}
}
