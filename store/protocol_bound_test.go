package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// nestedTables is a file of n nested inline tables: 40 KB of it exhausted
// memory before the bound (issue 13).
func nestedTables(n int) []byte {
	return []byte("x = " + strings.Repeat("{a=", n) + "1" + strings.Repeat("}", n) + "\n")
}

func protocolErr(t *testing.T, err error) []FieldError {
	t.Helper()
	var pe *ProtocolError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v => want a *ProtocolError", err)
	}
	return pe.Errs
}

func TestProtocolNestingBound(t *testing.T) {
	data := nestedTables(10000)
	if len(data) < 40000 {
		t.Fatalf("test file is %d bytes", len(data))
	}
	_, err := ParseProtocol(data)
	errs := protocolErr(t, err)
	if len(errs) != 1 || errs[0].Field != "line 1" || !strings.Contains(errs[0].Msg, "nested more than 8 levels") {
		t.Errorf("40 KB of nested inline tables => %v, want one error: line 1 nested more than %d levels", errs, MaxProtocolDepth)
	}
	arrays := "site = \"x\"\nkinds_accepted = " + strings.Repeat("[", 20) + strings.Repeat("]", 20) + "\n"
	errs = protocolErr(t, func() error { _, err := ParseProtocol([]byte(arrays)); return err }())
	if len(errs) != 1 || errs[0].Field != "line 2" {
		t.Errorf("nested arrays on line 2 => %v, want line 2 named", errs)
	}
	// At the bound the decoder runs and reports what is wrong with it.
	_, err = ParseProtocol(nestedTables(MaxProtocolDepth))
	if errs := protocolErr(t, err); strings.Contains(errs[0].Msg, "nested") {
		t.Errorf("%d levels => %v, want the decoder's errors, not the bound", MaxProtocolDepth, errs)
	}
	// Brackets inside strings and comments are not nesting.
	quoted := "# [[[[[[[[[[{{{{{{{{{{{\n" +
		`site = "[[[[[[[[[[\"{{{{{{{{{{"` + "\n" +
		"excluded_offenses = ['[[[[[[[[[[[', \"\"\"\n{{{{{{{{{{{{\n\"\"\", '''\n]]]][[[[[[[[[[[[\n''']\n"
	p, err := ParseProtocol([]byte(quoted))
	if err != nil {
		t.Fatalf("brackets in strings and comments => %v, want parsed", err)
	}
	if !strings.HasPrefix(p.Site, "[[[[") {
		t.Errorf("site %q => want the quoted brackets", p.Site)
	}
}

func TestProtocolSizeBound(t *testing.T) {
	big := append(DefaultProtocolTOML(), []byte(strings.Repeat("# padding\n", MaxProtocolBytes/10))...)
	_, err := ParseProtocol(big)
	if errs := protocolErr(t, err); len(errs) != 1 || !strings.Contains(errs[0].Msg, "over 256 KiB") {
		t.Errorf("%d bytes => %v, want one error: over 256 KiB", len(big), errs)
	}
	// LoadProtocol does not read past the bound: a sparse 1 TiB file fails
	// at once.
	path := filepath.Join(t.TempDir(), "protocol.toml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 40); err != nil {
		t.Skipf("no sparse file here: %v", err)
	}
	f.Close()
	_, err = LoadProtocol(path)
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.File != path || !strings.Contains(err.Error(), "over 256 KiB") {
		t.Errorf("LoadProtocol(1 TiB) => %v, want %s: over 256 KiB", err, path)
	}
}

// The worst file within the bounds still decodes quickly (the bound is
// what makes the decoder's cost predictable).
func BenchmarkParseProtocolAtBounds(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < MaxProtocolBytes-200; i++ {
		fmt.Fprintf(&sb, "k%d = %s1%s\n", i, strings.Repeat("{a=", MaxProtocolDepth), strings.Repeat("}", MaxProtocolDepth))
	}
	data := []byte(sb.String())
	for b.Loop() {
		_, _ = ParseProtocol(data)
	}
}

func TestReadFileLimit(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("0123456789"), 0o600)
	if b, err := ReadFileLimit(small, 10); err != nil || string(b) != "0123456789" {
		t.Errorf("10 bytes at limit 10 => %q, %v", b, err)
	}
	if _, err := ReadFileLimit(small, 9); !errors.Is(err, ErrFileTooLarge) {
		t.Errorf("10 bytes at limit 9 => %v, want ErrFileTooLarge", err)
	}
	huge := filepath.Join(dir, "huge")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 40); err != nil {
		t.Skipf("no sparse file here: %v", err)
	}
	f.Close()
	if _, err := ReadFileLimit(huge, 4<<10); !errors.Is(err, ErrFileTooLarge) {
		t.Errorf("1 TiB at limit 4 KiB => %v, want ErrFileTooLarge", err)
	}
	if _, err := ReadFileLimit(filepath.Join(dir, "none"), 1); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file => %v, want not exist", err)
	}
}
