package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
)

// testNow is the clock of every CLI test: Monday 2026-03-02, 12:00 UTC.
var testNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// result is one in-process run of owg.
type result struct {
	code           int
	stdout, stderr string
}

// owg runs the command tree in-process with args, no environment but
// HOME, and captured output.
func owg(t *testing.T, stdin io.Reader, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	app := newApp(stdin, &out, &errb)
	app.Now = func() time.Time { return testNow }
	home := t.TempDir()
	app.Getenv = func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	code := run(context.Background(), app, args)
	return result{code, out.String(), errb.String()}
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

func want(t *testing.T, r result, code int, in ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\n%s", r.code, code, r)
	}
	for _, s := range in {
		if !strings.Contains(r.stdout+r.stderr, s) {
			t.Fatalf("output lacks %q\n%s", s, r)
		}
	}
}

var (
	demoOnce sync.Once
	demoTmpl string
	demoErr  string
)

// demoDir returns a fresh data directory holding the demo site (seed 1),
// copied from one built once.
func demoDir(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "owg-demo-*")
		if err != nil {
			demoErr = err.Error()
			return
		}
		demoTmpl = filepath.Join(dir, "data")
		r := owg(t, nil, "--data", demoTmpl, "demo", "--seed", "1")
		if r.code != 0 {
			demoErr = r.String()
		}
	})
	if demoErr != "" {
		t.Fatalf("demo: %s", demoErr)
	}
	dst := filepath.Join(t.TempDir(), "data")
	if err := os.CopyFS(dst, os.DirFS(demoTmpl)); err != nil {
		t.Fatal(err)
	}
	// as owg leaves its files: directories 0700, files 0600 (CopyFS widens them)
	err := filepath.WalkDir(dst, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(path, 0o700)
		}
		return os.Chmod(path, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestMain(m *testing.M) {
	if args := os.Getenv(helperServeEnv); args != "" {
		os.Exit(helperServe(strings.Split(args, "\x1f")))
	}
	code := m.Run()
	if demoTmpl != "" {
		os.RemoveAll(filepath.Dir(demoTmpl))
	}
	removeBenchTemps()
	os.Exit(code)
}

// openStore opens a data directory directly, for checks.
func openStore(t *testing.T, dir string) *badgerstore.DB {
	t.Helper()
	db, err := badgerstore.Open(dir, badgerstore.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func countReferrals(t *testing.T, dir string) int {
	t.Helper()
	db, err := badgerstore.Open(dir, badgerstore.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.ListReferrals(context.Background(), store.ReferralFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(rs)
}

func TestDemoThenVerify(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	r := owg(t, nil, "--data", dir, "demo")
	want(t, r, 0, "participants", "slots open")
	r = owg(t, nil, "--data", dir, "audit", "--verify")
	want(t, r, 0, "audit trail intact: ")
	r = owg(t, nil, "--data", dir, "demo")
	want(t, r, 1, "not empty")
	// the main job without a terminal prints a summary
	r = owg(t, nil, "--data", dir)
	want(t, r, 0, "participants", "open slots")
}

func TestEmptyStoreHint(t *testing.T) {
	r := owg(t, nil, "--data", filepath.Join(t.TempDir(), "d"))
	want(t, r, 0, "empty store: run `owg demo` to load the demo site")
}

func TestUsageExitCodes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	for _, args := range [][]string{
		{"--data", dir, "nosuch"},
		{"--data", dir, "referral", "nosuch"},
		{"--data", dir, "audit", "--bogus"},
		{"--data", dir, "user", "remove"},
		{"--data", dir, "referral", "rank", "--as-of", "yesterday"},
		{"--data", dir, "referral", "decide", "R-0001", "maybe"},
		// the help promised "negative: never" and a zero quietly meant the
		// default: automatic logoff and the session cap must be positive
		{"--data", dir, "serve", "--listen", "127.0.0.1:0", "--idle-timeout", "-1s"},
		{"--data", dir, "serve", "--listen", "127.0.0.1:0", "--idle-timeout", "0"},
		{"--data", dir, "serve", "--listen", "127.0.0.1:0", "--max-sessions", "0"},
		{"--data", dir, "serve", "--listen", "127.0.0.1:0", "--handshake-timeout", "0"},
	} {
		if r := owg(t, nil, args...); r.code != 2 {
			t.Errorf("%v: %s, want exit 2", args, r)
		}
	}
}

func TestProtocol(t *testing.T) {
	r := owg(t, nil, "protocol", "show")
	want(t, r, 0, "minimum_age")
	if _, err := store.ParseProtocol([]byte(r.stdout)); err != nil {
		t.Fatalf("protocol show does not parse: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "p.toml")
	os.WriteFile(bad, []byte("minimum_age = -3\nbogus_key = 1\n[weights]\nper_contact = \"x\"\n"), 0o600)
	r = owg(t, nil, "protocol", "check", bad)
	want(t, r, 1, "minimum_age", "bogus_key", "weights.per_contact")
	// every error goes to standard error, each with its key
	if r.stdout != "" || !strings.Contains(r.stderr, "bogus_key: unknown key") {
		t.Errorf("protocol check errors not on stderr:\n%s", r)
	}
	good := filepath.Join(t.TempDir(), "p.toml")
	os.WriteFile(good, []byte("minimum_age = 21\n"), 0o600)
	want(t, owg(t, nil, "protocol", "check", good), 0, "ok")
	// coded decision reasons: a site edits them; bad keys are named
	reasons := filepath.Join(t.TempDir(), "p.toml")
	os.WriteFile(reasons, []byte("[[decline_reasons]]\ncode = \"full\"\nlabel = \"\"\ncolour = \"red\"\n"), 0o600)
	want(t, owg(t, nil, "protocol", "check", reasons), 1, "decline_reasons[0].colour", "decline_reasons[0].label")
	// 40 KB of nested inline tables exhausted memory (and the command then
	// ignored SIGTERM): refused before parsing (issue 13).
	nested := filepath.Join(t.TempDir(), "p.toml")
	os.WriteFile(nested, []byte("x = "+strings.Repeat("{a=", 10000)+"1"+strings.Repeat("}", 10000)+"\n"), 0o600)
	want(t, owg(t, nil, "protocol", "check", nested), 1, "line 1: nested more than 8 levels deep")
}

func TestReferralImportAllOrNothing(t *testing.T) {
	dir := demoDir(t)
	before := countReferrals(t, dir)
	csvPath := filepath.Join(t.TempDir(), "in.csv")
	os.WriteFile(csvPath, []byte(strings.Join([]string{
		"id,received,kind,name,dob,offense,impairment,warrant",
		"R-0500,2026-01-02,arrest_diversion,Ann One,1980-01-01,trespass,1,no",
		"R-0501,2026-01-02,parole,Bob Two,1980-01-01,trespass,1,no",
		"R-0502,2026-01-03,social_contact,Cy Three,1980-02-30,,7,no",
		"R-0503,2026-01-04,community,,1980-01-01,,0,maybe",
		"R-0500,2026-01-05,community,Dee Four,1980-01-01,,0,yes",
	}, "\n")+"\n"), 0o600)
	r := owg(t, nil, "--data", dir, "referral", "import", csvPath)
	want(t, r, 1,
		"line 3, column kind:",
		"line 4, column dob:", "line 4, column impairment:",
		"line 5, column name:", "line 5, column warrant:",
		"line 6, column id:",
		"nothing imported")
	if strings.Contains(r.stderr, "line 2,") {
		t.Errorf("line 2 is good but was reported:\n%s", r)
	}
	if after := countReferrals(t, dir); after != before {
		t.Fatalf("referrals %d -> %d after a failed import", before, after)
	}

	// a good file imports, screens and routes re-referrals
	db := openStore(t, dir)
	ps, _ := db.ListParticipants(context.Background(), store.ParticipantFilter{ActiveOnly: true})
	db.Close()
	p := ps[0]
	os.WriteFile(csvPath, []byte(strings.Join([]string{
		"id,received,kind,name,dob,offense",
		"R-0600,2026-01-02,arrest_diversion,Ann One,1980-01-01,trespass",
		"R-0601,2026-01-02,arrest_diversion,Bob Two,1980-01-01,dui",
		"R-0602,2026-01-02,social_contact," + p.Name + "," + store.FormatDate(p.DOB) + ",",
	}, "\n")+"\n"), 0o600)
	r = owg(t, nil, "--data", dir, "referral", "import", csvPath)
	want(t, r, 0, "imported 3 referrals: 1 to rank, 1 screened out, 1 re-referrals")
	if after := countReferrals(t, dir); after != before+3 {
		t.Fatalf("referrals %d -> %d, want +3", before, after)
	}
	// importing it again: every id is taken now? (ids were assigned) — the
	// same file imports again as new referrals, so use explicit ids instead
	os.WriteFile(csvPath, []byte("id,received,kind,name\nR-0001,2026-01-02,community,Zed\n"), 0o600)
	r = owg(t, nil, "--data", dir, "referral", "import", csvPath)
	want(t, r, 1, "line 2, column id: R-0001 already exists")
}

func TestRankJSONShape(t *testing.T) {
	dir := demoDir(t)
	r := owg(t, nil, "--data", dir, "referral", "rank", "--json", "--capacity", "3")
	want(t, r, 0)
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	keys := func(m map[string]json.RawMessage) []string {
		var k []string
		for x := range m {
			k = append(k, x)
		}
		slices.Sort(k)
		return k
	}
	if got := keys(doc); !slices.Equal(got, []string{"as_of", "capacity", "equity", "protocol_version", "ranked", "re_referrals", "screened_out"}) { // protocol_version: issue 17
		t.Fatalf("top-level keys %v", got)
	}
	var ranked []map[string]json.RawMessage
	json.Unmarshal(doc["ranked"], &ranked)
	if len(ranked) <= 3 {
		t.Fatalf("%d ranked", len(ranked))
	}
	for i, row := range ranked {
		w := []string{"decision", "factors", "id", "rank", "score"}
		var dec string
		json.Unmarshal(row["decision"], &dec)
		if i >= 3 {
			w = []string{"decision", "factors", "id", "rank", "score", "waitlist_position"}
			if dec != "waitlist" {
				t.Errorf("row %d decision %s, want waitlist", i, dec)
			}
		} else if dec != "offer" {
			t.Errorf("row %d decision %s, want offer", i, dec)
		}
		if got := keys(row); !slices.Equal(got, w) {
			t.Errorf("ranked[%d] keys %v, want %v", i, got, w)
		}
		var f map[string]int
		if err := json.Unmarshal(row["factors"], &f); err != nil {
			t.Errorf("factors: %v", err)
		}
		for name, pts := range f {
			if pts == 0 || !slices.Contains(store.FactorNames, name) {
				t.Errorf("factor %s = %d", name, pts)
			}
		}
	}
	for name, wantKeys := range map[string][]string{
		"screened_out": {"id", "reason"},
		"re_referrals": {"id", "participant"},
		"equity":       {"flag", "group", "offered", "ranked", "share"},
	} {
		var rows []map[string]json.RawMessage
		json.Unmarshal(doc[name], &rows)
		if len(rows) == 0 {
			t.Errorf("%s is empty in the demo", name)
		}
		for _, row := range rows {
			if got := keys(row); !slices.Equal(got, wantKeys) {
				t.Errorf("%s keys %v, want %v", name, got, wantKeys)
			}
		}
	}
	var capn int
	json.Unmarshal(doc["capacity"], &capn)
	if capn != 3 {
		t.Errorf("capacity %d, want 3", capn)
	}
	// text output draws the cut line
	want(t, owg(t, nil, "--data", dir, "referral", "rank"), 0, "capacity")
}

func TestReferralAdd(t *testing.T) {
	dir := demoDir(t)
	before := countReferrals(t, dir)
	r := owg(t, nil, "--data", dir, "referral", "add",
		"--kind", "parole", "--name", " ", "--dob", "1990-02-30", "--impairment", "3",
		"--contacts-12m", "-1", "--next-court-date", "soon", "--received", "2020-13-01", "--json")
	want(t, r, 1, "--kind:", "--name:", "--dob:", "--impairment:", "--contacts-12m:", "--next-court-date:", "--received:")
	if r.stdout != "" {
		t.Errorf("stdout on error: %q", r.stdout)
	}
	if n := countReferrals(t, dir); n != before {
		t.Fatalf("a bad referral was stored: %d -> %d", before, n)
	}
	for _, bad := range [][]string{{"--kind", "community"}, {"--name", "X"}} {
		r := owg(t, nil, append([]string{"--data", dir, "referral", "add"}, bad...)...)
		if r.code == 0 {
			t.Errorf("%v: accepted\n%s", bad, r)
		}
	}

	r = owg(t, nil, "--data", dir, "referral", "add", "--kind", "arrest_diversion", "--name", "Nguyễn Văn An",
		"--dob", "1985-04-03", "--offense", "trespass", "--unsheltered", "--impairment", "2", "--warrant",
		"--contacts-12m", "3", "--location", "3rd & Pine", "--note", "warm handoff", "--json")
	want(t, r, 0)
	var out map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("not JSON: %v: %q", err, r.stdout)
	}
	if len(out) != 4 || out["eligible"] != true || out["reason"] != "" || out["re_referral"] != "" {
		t.Fatalf("json = %v", out)
	}
	id, _ := out["id"].(string)
	if !store.ValidReferralID(id) {
		t.Fatalf("id %q", id)
	}
	if !strings.HasPrefix(r.stdout, `{"id": "`+id+`", "eligible": true, "reason": "", "re_referral": ""}`) {
		t.Errorf("json text %q", r.stdout)
	}

	r = owg(t, nil, "--data", dir, "--as", "reyes", "referral", "add", "--kind", "arrest_diversion",
		"--name", "Sam Doe", "--dob", "1990-01-01", "--offense", "dui", "--json")
	want(t, r, 0, `"eligible": false`, `"reason": "excluded"`)

	db := openStore(t, dir)
	ps, _ := db.ListParticipants(context.Background(), store.ParticipantFilter{ActiveOnly: true})
	rs, _ := db.ListReferrals(context.Background(), store.ReferralFilter{})
	db.Close()
	last := rs[len(rs)-1]
	if last.ReferrerUser != "reyes" || last.Referrer != "reyes" || last.Agency != "Metro PD" || last.Status != store.RefScreenedOut {
		t.Errorf("referral by --as reyes: %+v", last)
	}
	p := ps[3]
	r = owg(t, nil, "--data", dir, "referral", "add", "--kind", "social_contact", "--name", p.Name,
		"--dob", store.FormatDate(p.DOB), "--json")
	want(t, r, 0, `"re_referral": "`+p.ID+`"`)
	if n := countReferrals(t, dir); n != before+3 {
		t.Fatalf("referrals %d -> %d, want +3", before, n)
	}
}

// rankedRow is one referral of "referral rank --json".
type rankedRow struct {
	ID       string `json:"id"`
	Decision string `json:"decision"`
}

// ranked runs "referral rank --json" on dir and returns its ranked
// referrals, failing the test when there are none; r is the run, for
// messages.
func ranked(t *testing.T, dir string) (rows []rankedRow, r result) {
	t.Helper()
	r = owg(t, nil, "--data", dir, "referral", "rank", "--json")
	var doc struct {
		Ranked []rankedRow `json:"ranked"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Ranked) == 0 {
		t.Fatalf("ranking: %v\n%s", err, r)
	}
	return doc.Ranked, r
}

func TestDecideOverrideNeedsReason(t *testing.T) {
	dir := demoDir(t)
	rows, r := ranked(t, dir)
	var offered, waitlisted string
	for _, x := range rows {
		if x.Decision == "offer" && offered == "" {
			offered = x.ID
		}
		if x.Decision == "waitlist" {
			waitlisted = x.ID // the last one
		}
	}
	if offered == "" || waitlisted == "" {
		t.Fatalf("ranking: %s", r.stdout)
	}
	want(t, owg(t, nil, "--data", dir, "referral", "decide", waitlisted, "accept", "--case-manager", "tomas"), 1, "--reason", "override")
	want(t, owg(t, nil, "--data", dir, "referral", "decide", offered, "decline"), 2, "--code")
	// an unknown code is an error listing the valid ones
	want(t, owg(t, nil, "--data", dir, "referral", "decide", offered, "decline", "--code", "psychosis"), 1, "--code", "capacity", "declined_by_person")
	// waitlisting a referral the ranking offers is an override: it needs a reason
	want(t, owg(t, nil, "--data", dir, "referral", "decide", offered, "waitlist"), 1, "--code", "override")
	want(t, owg(t, nil, "--data", dir, "referral", "decide", waitlisted, "accept"), 2, "--case-manager")
	want(t, owg(t, nil, "--data", dir, "referral", "decide", waitlisted, "accept", "--case-manager", "nobody", "--reason", "x"), 1, "--case-manager")

	want(t, owg(t, nil, "--data", dir, "referral", "decide", offered, "accept", "--case-manager", "mei"), 0, "accepted as P-")
	want(t, owg(t, nil, "--data", dir, "referral", "decide", waitlisted, "accept", "--case-manager", "tomas",
		"--reason", "court date tomorrow"), 0, "override")
	want(t, owg(t, nil, "--data", dir, "referral", "decide", offered, "waitlist"), 1, "already accepted")

	db := openStore(t, dir)
	ref, err := db.GetReferral(context.Background(), waitlisted)
	if err != nil || ref.Status != store.RefAccepted || !ref.Override || ref.DecisionNote != "court date tomorrow" {
		t.Fatalf("override accept stored as %+v, %v", ref, err)
	}
	db.Close()
	want(t, owg(t, nil, "--data", dir, "audit", "--verify"), 0, "audit trail intact")
}

func TestBackupRestore(t *testing.T) {
	dir := demoDir(t)
	bk := filepath.Join(t.TempDir(), "site.bak")
	want(t, owg(t, nil, "--data", dir, "backup", bk), 0)
	if fi, err := os.Stat(bk); err != nil || fi.Size() == 0 {
		t.Fatalf("backup file: %v", err)
	}
	dst := filepath.Join(t.TempDir(), "restored")
	want(t, owg(t, nil, "--data", dst, "restore", bk), 0, "audit trail intact")
	want(t, owg(t, nil, "--data", dst, "audit", "--verify"), 0, "audit trail intact")
	if a, b := countReferrals(t, dir), countReferrals(t, dst); a != b || a == 0 {
		t.Fatalf("referrals %d in the original, %d restored", a, b)
	}
	// never into a non-empty directory
	want(t, owg(t, nil, "--data", dir, "restore", bk), 1, "not empty")
	// through standard output and input
	var buf bytes.Buffer
	r := owg(t, nil, "--data", dir, "backup", "-")
	want(t, r, 0)
	buf.WriteString(r.stdout)
	dst2 := filepath.Join(t.TempDir(), "restored2")
	want(t, owg(t, &buf, "--data", dst2, "restore", "-"), 0, "audit trail intact")
	// garbage is refused and leaves nothing behind
	dst3 := filepath.Join(t.TempDir(), "restored3")
	r = owg(t, strings.NewReader("not a backup"), "--data", dst3, "restore", "-")
	if r.code != 1 {
		t.Fatalf("restore of garbage: %s", r)
	}
	if ents, _ := os.ReadDir(dst3); len(ents) != 0 {
		t.Errorf("failed restore left %d files", len(ents))
	}
}

func TestLockedStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	db, err := badgerstore.Open(dir, badgerstore.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := owg(t, nil, "--data", dir, "audit", "--verify")
	want(t, r, 1, "the store in "+dir+" is in use by another owg process")
	if strings.Contains(r.stderr, "join it with") {
		t.Errorf("join hint without a server: %s", r)
	}
	os.WriteFile(filepath.Join(dir, serveAddrFile), []byte("127.0.0.1:2323\n"), 0o600)
	r = owg(t, nil, "--data", dir, "referral", "rank")
	want(t, r, 1, "is in use by another owg process", "join it with: ssh -p 2323 127.0.0.1")
	if strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
		t.Errorf("locked message longer than two lines: %q", r.stderr)
	}
	// repair and check are refused the same way, before touching a file
	for _, cmd := range []string{"repair", "check"} {
		r = owg(t, nil, "--data", dir, cmd)
		want(t, r, 1, "is in use by another owg process", "join it with: ssh -p 2323 127.0.0.1")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "recovered-*")); len(m) > 0 {
		t.Errorf("recovered folders made in a held store: %q", m)
	}
}

func TestJoinCommand(t *testing.T) {
	for in, w := range map[string]string{
		"127.0.0.1:2323": "ssh -p 2323 127.0.0.1",
		"0.0.0.0:2222":   "ssh -p 2222 localhost",
		"[::1]:2323":     "ssh -p 2323 [::1]",
		"example.org:22": "ssh example.org",
		"garbage":        "",
	} {
		if got := joinCommand(in); got != w {
			t.Errorf("joinCommand(%q) = %q, want %q", in, got, w)
		}
	}
}

func newKey(t *testing.T) (line, fp string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " test@owg", ssh.FingerprintSHA256(sp)
}

func TestUsers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	key, fp := newKey(t)
	key2, fp2 := newKey(t)
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", "reyes", "--role", "police",
		"--agency", "Metro PD", "--key", key), 0, fp)
	keyFile := filepath.Join(t.TempDir(), "k.pub")
	os.WriteFile(keyFile, []byte("# a comment\n"+key2+"\n"), 0o600)
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", "mei", "--role", "case_manager",
		"--cap", "18", "--key-file", keyFile), 0)

	r := owg(t, nil, "--data", dir, "user", "list")
	want(t, r, 0, "NAME", "ROLE", "AGENCY", "KEYS", "ACTIVE")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[2], "reyes") || !strings.Contains(lines[2], "Metro PD") ||
		!strings.Contains(lines[2], "police") || !strings.Contains(lines[2], "yes") {
		t.Fatalf("user list:\n%s", r.stdout)
	}

	// bad input: every field named, nothing stored
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", "x", "--role", "sheriff", "--key", key2), 1, "--role")
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", "x", "--role", "police", "--key", "ssh-ed25519 nope"), 1, "--key")
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", "x", "--role", "police", "--key", key), 1, "already registered to user reyes")
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", "reyes", "--role", "police", "--key", key), 1, "--name")
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", "a b", "--role", "police", "--key", key2+"x"), 1)
	want(t, owg(t, nil, "--data", dir, "user", "add", "--name", "x", "--role", "police"), 2, "--key")

	// keys, disable, enable
	want(t, owg(t, nil, "--data", dir, "user", "key", "remove", "mei", fp2), 0)
	want(t, owg(t, nil, "--data", dir, "user", "key", "add", "mei", "--key", key2), 0)
	want(t, owg(t, nil, "--data", dir, "user", "key", "remove", "mei", "SHA256:nope"), 1, "FINGERPRINT")
	want(t, owg(t, nil, "--data", dir, "user", "disable", "reyes"), 0)
	r = owg(t, nil, "--data", dir, "user", "list")
	if !strings.Contains(r.stdout, "no") {
		t.Errorf("disabled user shown active:\n%s", r.stdout)
	}
	want(t, owg(t, nil, "--data", dir, "--as", "reyes", "referral", "rank"), 1, "disabled")
	want(t, owg(t, nil, "--data", dir, "user", "enable", "reyes"), 0)
	want(t, owg(t, nil, "--data", dir, "--as", "reyes", "user", "list"), 1, "pm")

	want(t, owg(t, nil, "--data", dir, "user", "remove", "reyes"), 0)
	want(t, owg(t, nil, "--data", dir, "user", "remove", "reyes"), 1, "no user")
	r = owg(t, nil, "--data", dir, "user", "list")
	if strings.Contains(r.stdout, "reyes") {
		t.Errorf("removed user still listed:\n%s", r.stdout)
	}

	db := openStore(t, dir)
	u, err := db.UserByKey(context.Background(), fp2)
	if err != nil || u.Name != "mei" || u.Cap != 18 {
		t.Fatalf("UserByKey: %+v, %v", u, err)
	}
}

func TestAuditFilters(t *testing.T) {
	dir := demoDir(t)
	r := owg(t, nil, "--data", dir, "audit", "--json", "--user", "tomas", "--since", testNow.AddDate(0, 0, -1).Format("2006-01-02"))
	want(t, r, 0)
	var evs []store.AuditEvent
	if err := json.Unmarshal([]byte(r.stdout), &evs); err != nil || len(evs) == 0 {
		t.Fatalf("audit --json: %v, %d events", err, len(evs))
	}
	for _, e := range evs {
		if e.User != "tomas" {
			t.Fatalf("event by %s with --user tomas", e.User)
		}
	}
	r = owg(t, nil, "--data", dir, "audit", "--participant", "P-0001")
	want(t, r, 0, "P-0001")
}

// An import whose file has bad rows and ids the store already holds names
// all of them in one run.
func TestReferralImportTakenIDsWithOtherErrors(t *testing.T) {
	dir := demoDir(t)
	before := countReferrals(t, dir)
	csvPath := filepath.Join(t.TempDir(), "in.csv")
	os.WriteFile(csvPath, []byte(strings.Join([]string{
		"id,received,kind,name",
		"R-0700,2026-01-02,parole,Ann One",
		"R-0001,2026-01-02,community,Bob Two",
		"R-0702,2026-01-02,community,",
	}, "\n")+"\n"), 0o600)
	r := owg(t, nil, "--data", dir, "referral", "import", csvPath)
	want(t, r, 1, "line 2, column kind:", "line 3, column id: R-0001 already exists in the store",
		"line 4, column name:", "3 error(s); nothing imported")
	if i, j := strings.Index(r.stderr, "line 2,"), strings.Index(r.stderr, "line 3,"); i < 0 || j < i {
		t.Errorf("errors not in line order:\n%s", r.stderr)
	}
	if after := countReferrals(t, dir); after != before {
		t.Fatalf("referrals %d -> %d after a failed import", before, after)
	}
	// a file with errors and no store yet: no store is made for it
	fresh := filepath.Join(t.TempDir(), "none")
	want(t, owg(t, nil, "--data", fresh, "referral", "import", csvPath), 1, "line 2, column kind:")
	if _, err := os.Stat(fresh); err == nil {
		t.Errorf("a failed import created the data directory %s", fresh)
	}
}

// Accepting a re-referral links it to the enrolled participant, who keeps
// their case manager; it needs no --case-manager and never says another.
func TestDecideReReferral(t *testing.T) {
	dir := demoDir(t)
	db := openStore(t, dir)
	ps, _ := db.ListParticipants(context.Background(), store.ParticipantFilter{ActiveOnly: true})
	db.Close()
	var p store.Participant
	for _, x := range ps {
		if !x.DOB.IsZero() && x.CaseManager != "mei" {
			p = x
			break
		}
	}
	add := func() string {
		r := owg(t, nil, "--data", dir, "referral", "add", "--kind", "social_contact", "--name", p.Name,
			"--dob", store.FormatDate(p.DOB), "--json")
		want(t, r, 0, `"re_referral": "`+p.ID+`"`)
		var out struct{ ID string }
		json.Unmarshal([]byte(r.stdout), &out)
		return out.ID
	}
	id := add()
	want(t, owg(t, nil, "--data", dir, "referral", "decide", id, "accept"), 0,
		id+" accepted: re-referral of "+p.ID+", case manager "+p.CaseManager)
	id = add()
	r := owg(t, nil, "--data", dir, "referral", "decide", id, "accept", "--case-manager", "mei")
	want(t, r, 0, "re-referral of "+p.ID+", case manager "+p.CaseManager, "stays with their case manager")
	if strings.Contains(r.stdout, "mei") {
		t.Errorf("accept said the wrong case manager:\n%s", r)
	}
	db = openStore(t, dir)
	got, err := db.GetParticipant(context.Background(), p.ID)
	db.Close()
	if err != nil || got.CaseManager != p.CaseManager {
		t.Fatalf("participant after re-referral: %+v, %v", got, err)
	}
	// a referral that is not a re-referral still needs --case-manager
	r = owg(t, nil, "--data", dir, "referral", "add", "--kind", "community", "--name", "Nobody Enrolled", "--json")
	var out struct{ ID string }
	json.Unmarshal([]byte(r.stdout), &out)
	want(t, owg(t, nil, "--data", dir, "referral", "decide", out.ID, "accept"), 2, "--case-manager")
}

// In "user add", --key-file is the user's public key: on an encrypted
// store opened without its key the message says to use OWG_KEY_FILE.
func TestUserAddEncryptedStoreHint(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "d")
	storeKey := filepath.Join(tmp, "store.key")
	os.WriteFile(storeKey, bytes.Repeat([]byte{7}, 32), 0o600)
	pub, fp := newKey(t)
	pubFile := filepath.Join(tmp, "u.pub")
	os.WriteFile(pubFile, []byte(pub+"\n"), 0o600)
	want(t, owg(t, nil, "--data", dir, "--key-file", storeKey, "audit"), 0)

	r := owg(t, nil, "--data", dir, "--key-file", storeKey, "user", "add", "--name", "ann", "--role", "pm", "--key-file", pubFile)
	want(t, r, 1, "store is encrypted", "OWG_KEY_FILE")
	if !strings.Contains(r.stderr, "public key") {
		t.Errorf("no hint that --key-file is the public key here:\n%s", r)
	}
	// with OWG_KEY_FILE it works
	var out, errb bytes.Buffer
	app := newApp(strings.NewReader(""), &out, &errb)
	app.Now = func() time.Time { return testNow }
	app.Getenv = func(k string) string {
		switch k {
		case "HOME":
			return tmp
		case "OWG_KEY_FILE":
			return storeKey
		}
		return ""
	}
	if code := run(context.Background(), app, []string{"--data", dir, "user", "add", "--name", "ann", "--role", "pm", "--key-file", pubFile}); code != 0 || !strings.Contains(out.String(), fp) {
		t.Fatalf("user add with OWG_KEY_FILE: exit %d\n%s%s", code, out.String(), errb.String())
	}
}

// An officer's referral of someone enrolled whose ROI does not cover
// police gets exactly what a new referral gets (issue 12): same text, same
// JSON, no hint; with an ROI covering police the participant is named.
func TestReferralAddReReferralHiddenFromPolice(t *testing.T) {
	dir := demoDir(t)
	db := openStore(t, dir)
	ctx := context.Background()
	ps, _ := db.ListParticipants(ctx, store.ParticipantFilter{ActiveOnly: true})
	var hidden, shared store.Participant
	for _, p := range ps {
		if p.DOB.IsZero() {
			continue
		}
		rois, _ := db.ListROIs(ctx, p.ID)
		if store.Sees(store.Actor{Role: store.RolePolice, Agency: "Metro PD"}, rois, testNow, store.DataIdentity) == store.Shown {
			if shared.ID == "" {
				shared = p
			}
		} else if hidden.ID == "" {
			hidden = p
		}
	}
	db.Close()
	if hidden.ID == "" || shared.ID == "" {
		t.Fatalf("demo lacks participants with and without a police ROI")
	}
	args := func(p store.Participant, json bool) []string {
		a := []string{"--data", dir, "--as", "reyes", "referral", "add", "--kind", "social_contact",
			"--name", p.Name, "--dob", store.FormatDate(p.DOB)}
		if json {
			a = append(a, "--json")
		}
		return a
	}
	fresh := store.Participant{Name: "Nobody Known-Before", DOB: hidden.DOB}
	ids := regexp.MustCompile(`R-[0-9]+`)
	same := func(a, b result) {
		t.Helper()
		x := ids.ReplaceAllString(a.stdout+"|"+a.stderr, "R-N")
		y := ids.ReplaceAllString(b.stdout+"|"+b.stderr, "R-N")
		if x != y || a.code != b.code {
			t.Errorf("re-referral told the officer something new:\nre-referral: %s\nnew referral: %s", a, b)
		}
	}
	r := owg(t, nil, args(hidden, true)...)
	want(t, r, 0, `"re_referral": ""`)
	same(r, owg(t, nil, args(fresh, true)...))
	r = owg(t, nil, args(hidden, false)...)
	same(r, owg(t, nil, args(fresh, false)...))
	if strings.Contains(r.stdout+r.stderr, hidden.ID) || strings.Contains(r.stdout+r.stderr, "routed") {
		t.Errorf("police told of the participant without an ROI:\n%s", r)
	}
	want(t, owg(t, nil, args(shared, true)...), 0, `"re_referral": "`+shared.ID+`"`)
	// the referral is still a re-referral in the queue
	r = owg(t, nil, "--data", dir, "referral", "rank", "--json")
	want(t, r, 0, `"participant": "`+hidden.ID+`"`)
}

// A backup that cannot be written names FILE, not the temporary file it
// goes through.
func TestBackupUnwritable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	want(t, owg(t, nil, "--data", dir, "audit"), 0)
	bk := filepath.Join(t.TempDir(), "missing", "site.bak")
	r := owg(t, nil, "--data", dir, "backup", bk)
	want(t, r, 1, "cannot write "+bk)
	if strings.Contains(r.stderr, ".tmp-") {
		t.Errorf("message names the temporary file:\n%s", r)
	}
}

func TestThemeFlag(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	r := owg(t, nil, "--data", dir, "--theme", "neon")
	want(t, r, 2, "--theme: unknown theme \"neon\"", "high-contrast")
	for _, args := range [][]string{{"--theme", "ascii"}, {"--theme", "monochrome", "--low-bandwidth"}, {"--low-bandwidth"}} {
		r := owg(t, nil, append([]string{"--data", dir}, args...)...)
		want(t, r, 0)
	}
}

// A decision names only a meeting that exists; nothing is stored otherwise.
func TestDecideUnknownMeeting(t *testing.T) {
	dir := demoDir(t)
	rows, _ := ranked(t, dir)
	id := rows[len(rows)-1].ID
	want(t, owg(t, nil, "--data", dir, "referral", "decide", id, "waitlist", "--meeting", "M-9999"), 1, "--meeting")
	db := openStore(t, dir)
	ref, _ := db.GetReferral(context.Background(), id)
	db.Close()
	if ref.MeetingID != "" || ref.Status != store.RefNew {
		t.Fatalf("a decision with an unknown meeting was stored: %+v", ref)
	}
	want(t, owg(t, nil, "--data", dir, "referral", "decide", id, "waitlist", "--meeting", "M-0001"), 0, "waitlisted")
}

// TestReferralList is the door of issue 12 in `owg referral list`: the pm
// declines an officer's referral with a clinical note; the officer's list
// shows the coded label and never the note (no "note" key at all), staff
// read the note, other roles see no referral.
func TestReferralList(t *testing.T) {
	dir := demoDir(t)
	const note = "active psychosis, referred to inpatient psych"
	r := owg(t, nil, "--data", dir, "--as", "reyes", "referral", "add", "--kind", "social_contact",
		"--name", "Quinn Newperson", "--dob", "1990-04-05", "--json")
	want(t, r, 0, `"id": "R-`)
	var added struct{ ID string }
	if err := json.Unmarshal([]byte(r.stdout), &added); err != nil {
		t.Fatal(err)
	}
	want(t, owg(t, nil, "--data", dir, "referral", "decide", added.ID, "decline", "--code", "capacity", "--reason", note), 0, "declined")
	// a --reason alone, as scripts use today, is the note with code other
	r = owg(t, nil, "--data", dir, "--as", "reyes", "referral", "add", "--kind", "social_contact",
		"--name", "Robin Otherperson", "--dob", "1991-04-05")
	other := strings.TrimSpace(r.stdout)
	want(t, owg(t, nil, "--data", dir, "referral", "decide", other, "decline", "--reason", "lives with the person we declined"), 0, "declined")

	type row struct {
		ID, Status, Reason string
		Note               *string
	}
	list := func(args ...string) ([]row, string) {
		t.Helper()
		r := owg(t, nil, append([]string{"--data", dir}, args...)...)
		want(t, r, 0)
		var rows []row
		if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, r)
		}
		return rows, r.stdout
	}
	find := func(rows []row, id string) (row, bool) {
		for _, x := range rows {
			if x.ID == id {
				return x, true
			}
		}
		return row{}, false
	}

	rows, raw := list("--as", "reyes", "referral", "list", "--json")
	if strings.Contains(raw, "psychosis") || strings.Contains(raw, `"note"`) || strings.Contains(raw, "lives with") {
		t.Errorf("officer's referral list carries a decision note:\n%s", raw)
	}
	got, ok := find(rows, added.ID)
	if !ok || got.Status != "declined" || got.Reason != "No case-management capacity right now" {
		t.Errorf("officer sees %s as %+v, want declined with the capacity label", added.ID, got)
	}
	if got, _ := find(rows, other); got.Reason != "Other reason" {
		t.Errorf("officer sees %s as %+v, want the label of code other", other, got)
	}
	for _, x := range rows {
		db := openStore(t, dir)
		ref, err := db.GetReferral(context.Background(), x.ID)
		db.Close()
		if err != nil || ref.ReferrerUser != "reyes" {
			t.Errorf("officer's list holds %s, made by %q", x.ID, ref.ReferrerUser)
		}
	}
	text := owg(t, nil, "--data", dir, "--as", "reyes", "referral", "list")
	want(t, text, 0, added.ID, "No case-management capacity right now")
	if strings.Contains(text.stdout, "psychosis") || strings.Contains(text.stdout, "NOTE") {
		t.Errorf("officer's text list shows a note:\n%s", text.stdout)
	}

	rows, _ = list("--as", "keisha", "referral", "list", "--json")
	if got, _ := find(rows, added.ID); got.Note == nil || *got.Note != note || got.Reason != "No case-management capacity right now" {
		t.Errorf("supervisor sees %s as %+v, want the label and the note", added.ID, got)
	}
	if got, _ := find(rows, other); got.Note == nil || *got.Note != "lives with the person we declined" {
		t.Errorf("supervisor sees %s as %+v, want the --reason kept as the note", other, got)
	}
	if len(rows) < 3 {
		t.Errorf("supervisor sees %d referrals, want every one", len(rows))
	}
	if rows, _ := list("--as", "keisha", "referral", "list", "--mine", "--json"); len(rows) != 0 {
		t.Errorf("--mine for a supervisor who made none => %d rows", len(rows))
	}
	if rows, _ := list("--as", "reyes", "referral", "list", "--mine", "--json"); len(rows) == 0 {
		t.Errorf("--mine for the officer => none")
	}
	for _, who := range []string{"ellen", "raj", "uw.eval"} {
		if rows, raw := list("--as", who, "referral", "list", "--json"); len(rows) != 0 {
			t.Errorf("%s sees referrals:\n%s", who, raw)
		}
	}
	if rows, raw := list("--as", "pastor.james", "referral", "list", "--json"); len(rows) != 0 {
		t.Errorf("a community member who made none sees referrals:\n%s", raw)
	}

	// the store, not the command, refuses a case manager's CSV import
	csvPath := filepath.Join(t.TempDir(), "in.csv")
	os.WriteFile(csvPath, []byte("id,received,kind,name\nR-0900,2026-03-01,social_contact,Ann Example\n"), 0o600)
	want(t, owg(t, nil, "--data", dir, "--as", "tomas", "referral", "import", csvPath), 1, "importing referrals is for the pm or a supervisor")
	want(t, owg(t, nil, "--data", dir, "audit"), 0, "write:referral.import")
}

// TestRaceEthnicityVocabularyCLI: `referral add --race-ethnicity` takes
// HUD's labels in any case and short codes and refuses anything else
// (without repeating it); the evaluator's CSV and the community's report
// carry only HUD's categories.
func TestRaceEthnicityVocabularyCLI(t *testing.T) {
	dir := demoDir(t)
	before := countReferrals(t, dir)
	free := "White; named Rosa Okafor, uses heroin"
	r := owg(t, nil, "--data", dir, "--as", "reyes", "referral", "add", "--kind", "social_contact", "--name", "Test Person", "--race-ethnicity", free)
	want(t, r, 1, "--race-ethnicity:", "HUD")
	if strings.Contains(r.stderr, "Rosa") || strings.Contains(r.stdout, "Rosa") {
		t.Errorf("the refusal repeats the text:\n%s", r)
	}
	if n := countReferrals(t, dir); n != before {
		t.Fatalf("a refused referral was stored: %d -> %d", before, n)
	}
	r = owg(t, nil, "--data", dir, "--as", "reyes", "referral", "add", "--kind", "social_contact", "--name", "Test Person",
		"--race-ethnicity", "WHITE; mena", "--json")
	want(t, r, 0)
	db := openStore(t, dir)
	rs, _ := db.ListReferrals(context.Background(), store.ReferralFilter{})
	db.Close()
	if got := rs[len(rs)-1].RaceEthnicity; got != "Middle Eastern or North African; White" {
		t.Errorf("stored race %q", got)
	}
	r = owg(t, nil, "--data", dir, "--as", "uw.eval", "export", "csv", "--deidentified", "--period", "3650d")
	want(t, r, 0, "Middle Eastern or North African; White")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "race_ethnicity")
	for _, row := range rows[1:] {
		if v := row[col]; v != "" {
			if _, err := store.ParseRaceEthnicity(v); err != nil {
				t.Errorf("race_ethnicity %q is not HUD's categories", v)
			}
		}
	}
	r = owg(t, nil, "--data", dir, "--as", "pastor.james", "report", "--period", "3650d")
	want(t, r, 0, "Middle Eastern or North African; White")
}
