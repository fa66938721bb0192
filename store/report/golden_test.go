package report

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file; run with -update and review the diff\n%s", name, got)
	}
}

func TestTextGolden(t *testing.T) {
	golden(t, "pm.txt", []byte(Build(fixture(), pm).Text(80, false)))
	golden(t, "evaluator_ascii.txt", []byte(Build(fixture(), evaluator).Text(80, true)))
	b, err := Build(fixture(), evaluator).JSON()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "evaluator.json", b)
}
