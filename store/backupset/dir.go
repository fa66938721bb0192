package backupset

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// tmpPrefix starts a backup being written; such files are never read and
// are removed by Clean (a server killed mid-backup leaves one).
const tmpPrefix = ".tmp-"

// Entry is one backup file found in a directory.
type Entry struct {
	Name   string // file name, owg-STAMP-SEQ-KIND.owgbk
	Seq    int    // order of writing
	Kind   string
	Header Header
	Err    error // why the file cannot be used (nil: header readable; checksum not yet checked)
}

// Path is the entry's file in dir.
func (e Entry) Path(dir string) string { return filepath.Join(dir, e.Name) }

// fileName builds a backup's name.
func fileName(created time.Time, seq int, kind string) string {
	return fmt.Sprintf("owg-%s-%06d-%s%s", created.UTC().Format("20060102T150405Z"), seq, kind, Ext)
}

// parseName returns the sequence number and kind of a backup file name.
func parseName(name string) (int, string, bool) {
	if !strings.HasPrefix(name, "owg-") || !strings.HasSuffix(name, Ext) {
		return 0, "", false
	}
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(name, "owg-"), Ext), "-")
	if len(parts) != 3 {
		return 0, "", false
	}
	seq, err := strconv.Atoi(parts[1])
	if err != nil || (parts[2] != KindFull && parts[2] != KindIncr) {
		return 0, "", false
	}
	return seq, parts[2], true
}

// List reads the backups in dir, in the order they were written. A file
// whose header cannot be read is listed with Err set.
func List(dir string) ([]Entry, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, de := range ents {
		seq, kind, ok := parseName(de.Name())
		if !ok || !de.Type().IsRegular() {
			continue
		}
		e := Entry{Name: de.Name(), Seq: seq, Kind: kind}
		e.Header, e.Err = readHeader(e.Path(dir))
		if e.Err == nil && e.Header.Kind != kind {
			e.Err = errors.New("name and header disagree on the kind")
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int { return a.Seq - b.Seq })
	return out, nil
}

func readHeader(path string) (Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return Header{}, err
	}
	defer f.Close()
	h, _, err := Decode(io.LimitReader(f, int64(len(Magic))+4096), nil, io.Discard)
	if h.Kind == "" {
		return h, err
	}
	return h, nil
}

// Write takes one backup into dir: stream writes the Badger backup stream
// and returns the version it reaches. The file is written under a
// temporary name, synced and renamed, then its checksum sidecar the same
// way, so an interrupted backup leaves only a temporary file (or a file
// without a checksum, which restore does not trust).
func Write(dir string, h Header, key []byte, stream func(io.Writer) (uint64, error)) (Entry, Trailer, error) {
	return WriteWith(dir, h, key, func(w io.Writer) (Trailer, error) {
		until, err := stream(w)
		return Trailer{Until: until}, err
	})
}

// WriteWith is Write whose stream also says what its trailer records (the
// audit head it holds).
func WriteWith(dir string, h Header, key []byte, stream func(io.Writer) (Trailer, error)) (Entry, Trailer, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Entry{}, Trailer{}, err
	}
	list, err := List(dir)
	if err != nil {
		return Entry{}, Trailer{}, err
	}
	seq := 1
	if len(list) > 0 {
		seq = list[len(list)-1].Seq + 1
	}
	name := fileName(h.Created, seq, h.Kind)
	if h.Kind == KindFull {
		h.Chain = name
	}
	f, err := os.CreateTemp(dir, tmpPrefix+name+"-*")
	if err != nil {
		return Entry{}, Trailer{}, err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return Entry{}, Trailer{}, err
	}
	sum := sha256.New()
	bw, err := NewWriter(io.MultiWriter(f, sum), h, key)
	if err != nil {
		return Entry{}, Trailer{}, err
	}
	tr, err := stream(bw)
	if err != nil {
		return Entry{}, Trailer{}, err
	}
	if err := bw.CloseWith(tr); err != nil {
		return Entry{}, Trailer{}, err
	}
	if err := f.Sync(); err != nil {
		return Entry{}, Trailer{}, err
	}
	if err := f.Close(); err != nil {
		return Entry{}, Trailer{}, err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return Entry{}, Trailer{}, err
	}
	ok = true
	if err := writeSidecar(dir, name, sum.Sum(nil)); err != nil {
		return Entry{}, Trailer{}, err
	}
	syncDir(dir)
	e := Entry{Name: name, Seq: seq, Kind: h.Kind, Header: h}
	tr.Bytes = bw.total
	return e, tr, nil
}

func writeSidecar(dir, name string, sum []byte) error {
	f, err := os.CreateTemp(dir, tmpPrefix+name+SumExt+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := io.WriteString(f, SumLine(sum, name)); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, name+SumExt))
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// Discard removes a backup just written (an increment with nothing new).
func Discard(dir string, e Entry) {
	os.Remove(filepath.Join(dir, e.Name+SumExt))
	os.Remove(e.Path(dir))
}

// Verify checks a backup file against its checksum sidecar and decodes it
// whole (every chunk authenticated when encrypted); it returns the header
// and trailer.
func Verify(dir string, e Entry, key []byte) (Header, Trailer, error) {
	want, err := os.ReadFile(e.Path(dir) + SumExt)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Header{}, Trailer{}, fmt.Errorf("%s: no checksum file (the backup may have been interrupted)", e.Name)
		}
		return Header{}, Trailer{}, err
	}
	sum, err := ParseSumLine(want)
	if err != nil {
		return Header{}, Trailer{}, fmt.Errorf("%s%s: %w", e.Name, SumExt, err)
	}
	f, err := os.Open(e.Path(dir))
	if err != nil {
		return Header{}, Trailer{}, err
	}
	defer f.Close()
	got := sha256.New()
	if _, err := io.Copy(got, f); err != nil {
		return Header{}, Trailer{}, err
	}
	if !bytes.Equal(got.Sum(nil), sum) {
		return Header{}, Trailer{}, fmt.Errorf("%s: checksum mismatch: the file was altered or damaged", e.Name)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Header{}, Trailer{}, err
	}
	h, t, err := Decode(f, key, io.Discard)
	if err != nil {
		return h, t, fmt.Errorf("%s: %w", e.Name, err)
	}
	return h, t, nil
}

// Step is one verified file of a restore plan.
type Step struct {
	Entry
	Trailer Trailer
}

// Plan is what a restore replays: the newest usable full backup and the
// increments that follow it without a gap, every one verified.
type Plan struct {
	Steps []Step
	// Skipped lists files after the last step that could not be used, and
	// why (a restore stops at the first broken link: later increments
	// depend on it).
	Skipped []string
}

// AuditHead is the audit anchor of the newest backup the plan reaches
// ("" when that backup predates anchors).
func (p Plan) AuditHead() string {
	if len(p.Steps) == 0 {
		return ""
	}
	return p.Steps[len(p.Steps)-1].Trailer.AuditHead
}

// Until is the time of the newest backup the plan reaches.
func (p Plan) Until() time.Time {
	if len(p.Steps) == 0 {
		return time.Time{}
	}
	return p.Steps[len(p.Steps)-1].Header.Created
}

// MakePlan verifies the backups in dir and picks the chain to restore: the
// newest full backup that verifies, then its increments in order for as
// long as each verifies and starts where the previous one ended.
func MakePlan(dir string, key []byte) (Plan, error) {
	list, err := List(dir)
	if err != nil {
		return Plan{}, err
	}
	var plan Plan
	for i := len(list) - 1; i >= 0; i-- {
		e := list[i]
		if e.Kind != KindFull {
			continue
		}
		if e.Err != nil {
			plan.Skipped = append(plan.Skipped, fmt.Sprintf("%s: %v", e.Name, e.Err))
			continue
		}
		_, t, err := Verify(dir, e, key)
		if errors.Is(err, ErrKeyRequired) {
			return Plan{}, err
		}
		if err != nil {
			plan.Skipped = append(plan.Skipped, err.Error())
			continue
		}
		plan.Steps = []Step{{Entry: e, Trailer: t}}
		until := t.Until
		for _, inc := range list[i+1:] {
			if inc.Kind != KindIncr {
				continue
			}
			if inc.Err != nil {
				// Its header is unreadable, so its chain is unknown: written
				// after this full, it may be the next link, and nothing
				// after it can be trusted to follow on.
				plan.Skipped = append(plan.Skipped, fmt.Sprintf("%s: %v", inc.Name, inc.Err))
				break
			}
			if inc.Header.Chain != e.Name {
				continue
			}
			_, it, err := Verify(dir, inc, key)
			if err != nil {
				plan.Skipped = append(plan.Skipped, err.Error())
				break
			}
			if inc.Header.Since != until {
				plan.Skipped = append(plan.Skipped, fmt.Sprintf("%s: starts at version %d, the chain is at %d", inc.Name, inc.Header.Since, until))
				break
			}
			plan.Steps = append(plan.Steps, Step{Entry: inc, Trailer: it})
			until = it.Until
		}
		return plan, nil
	}
	if len(plan.Skipped) > 0 {
		return plan, fmt.Errorf("no usable full backup in %s:\n  %s", dir, strings.Join(plan.Skipped, "\n  "))
	}
	return plan, fmt.Errorf("no full backup in %s", dir)
}

// Open returns a reader of step's decoded stream (decoding as it is read;
// an error mid-way surfaces from Read).
func Open(dir string, s Step, key []byte) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		f, err := os.Open(s.Path(dir))
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		defer f.Close()
		_, _, err = Decode(f, key, pw)
		pw.CloseWithError(err)
	}()
	return pr
}

// Prune keeps the newest keep full backups and their increments, and
// removes older ones and leftover temporary files. It returns the names
// removed.
func Prune(dir string, keep int) ([]string, error) {
	list, err := List(dir)
	if err != nil {
		return nil, err
	}
	var fulls []string
	for _, e := range list {
		if e.Kind == KindFull && e.Err == nil {
			fulls = append(fulls, e.Name)
		}
	}
	if len(fulls) <= keep {
		return nil, nil
	}
	oldest := fulls[len(fulls)-keep] // the oldest full kept
	var removed []string
	for _, e := range list {
		if e.Name == oldest {
			break
		}
		os.Remove(e.Path(dir) + SumExt)
		if err := os.Remove(e.Path(dir)); err == nil {
			removed = append(removed, e.Name)
		}
	}
	return removed, nil
}

// Clean removes temporary files left by interrupted backups.
func Clean(dir string) {
	ents, _ := os.ReadDir(dir)
	for _, de := range ents {
		if strings.HasPrefix(de.Name(), tmpPrefix) {
			os.Remove(filepath.Join(dir, de.Name()))
		}
	}
}
