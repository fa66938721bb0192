package main

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"

	"github.com/leadtable/owg/store/badgerstore/demodir"
)

// BenchmarkLocalStart: from starting the owg binary in a pty that never
// answers the terminal's queries to the full Today frame, on the demo
// site and (without -short) on one of 2,000 participants. Goals (issue
// 16): demo <= 30 ms, 2,000 <= 60 ms, and never a stall on an unanswered
// query (bubbletea v1's init waited 5 s).
func BenchmarkLocalStart(b *testing.B) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		b.Skip("no go tool")
	}
	bin := filepath.Join(b.TempDir(), "owg")
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	sizes := []int{0}
	if !testing.Short() {
		sizes = append(sizes, 2000)
	}
	asOf := time.Now().UTC().Truncate(24 * time.Hour)
	for _, n := range sizes {
		name := "demo"
		if n > 0 {
			name = fmt.Sprintf("participants=%d", n)
		}
		b.Run(name, func(b *testing.B) {
			dir := demodir.Make(b, n, asOf)
			dir2 := ""
			// The first open after a restore compacts what the restore
			// loaded; a start killed at its frame would leave that to
			// every later start. One start first runs to the end of its
			// compactions and quits as a person would.
			settleStart(b, bin, dir)
			trace := ""
			if base := os.Getenv("OWG_TRACE_START"); base != "" {
				trace = base + "." + name
				_ = os.Remove(trace)
			}
			// OWG_BENCH_AB names another owg binary (an older build):
			// its starts are interleaved with this one's on the same
			// store, so a comparison is not skewed by the machine's drift
			// (ab-* figures). OWG_BENCH_A replaces this build (a script
			// that sets an environment, say).
			other := os.Getenv("OWG_BENCH_AB")
			var ds, cpu, ods, ocpu []time.Duration
			for b.Loop() {
				d, c := startOnce(b, cmp.Or(os.Getenv("OWG_BENCH_A"), bin), dir, trace)
				ds, cpu = append(ds, d), append(cpu, c)
				if other != "" || dir2 != "" {
					d, c := startOnce(b, cmp.Or(other, bin), cmp.Or(dir2, dir), "")
					ods, ocpu = append(ods, d), append(ocpu, c)
				}
			}
			if other != "" || dir2 != "" {
				reportSpread(b, ods, "ab-ms-to-frame")
				reportSpread(b, ocpu, "ab-cpu-ms-to-frame")
			}
			if trace != "" {
				// a benchmark's log is cut at 10 lines: the table goes to a file
				sum := trace + ".phases"
				if err := os.WriteFile(sum, []byte(tracePhases(b, trace)), 0o600); err != nil {
					b.Fatal(err)
				}
				b.Logf("phases of %d starts (median ms since launch, ms of CPU) in %s", len(ds), sum)
			}
			slices.Sort(ds)
			b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "ms-to-frame")
			b.ReportMetric(float64(ds[len(ds)-1].Microseconds())/1000, "max-ms-to-frame")
			// CPU is what a loaded machine does not inflate (wall time
			// includes waiting for a core)
			reportSpread(b, cpu, "cpu-ms-to-frame")
		})
	}
}

// startOnce starts owg on dir in an 80x24 pty and returns the time to the
// Today frame (its "Overdue" section) and the CPU the process had used by
// then. Nothing answers the queries. With trace set, owg appends its
// start's phases there (OWG_TRACE_START), timed from this launch.
func startOnce(b *testing.B, bin, dir, trace string) (time.Duration, time.Duration) {
	cmd := exec.Command(bin, "--data", dir)
	cmd.Env = append(withoutTrace(os.Environ()), "TERM=xterm-256color")
	start := time.Now()
	if trace != "" {
		cmd.Env = append(cmd.Env, "OWG_TRACE_START="+trace, fmt.Sprintf("OWG_TRACE_T0=%d", start.UnixNano()))
		if os.Getenv("OWG_TRACE_CPU") != "" {
			// each start's CPU profile beside the trace, to merge with pprof
			startProfiles++
			cmd.Env = append(cmd.Env, fmt.Sprintf("OWG_TRACE_CPU=%s.%d.prof", trace, startProfiles))
		}
	}
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		go func() { _, _ = io.Copy(io.Discard, f) }() // what it writes after the frame
		if trace != "" && os.Getenv("OWG_TRACE_CPU") != "" {
			time.Sleep(300 * time.Millisecond) // the profile is written after the frame
		}
		// The session ends as a person ends it (closing the terminal):
		// the store is closed, and what the session wrote is the next
		// start's store, as at a real site.
		endStart(cmd)
		f.Close()
	}()
	var got []byte
	chunk := make([]byte, 32<<10)
	_ = f.SetReadDeadline(time.Now().Add(15 * time.Second))
	for {
		n, err := f.Read(chunk)
		got = append(got, chunk[:n]...)
		if strings.Contains(ansi.Strip(string(got)), "Overdue") {
			d := time.Since(start)
			c := (&server{pid: cmd.Process.Pid}).cpu(b)
			if trace != "" {
				appendLine(b, trace, fmt.Sprintf("frame read by the launcher\t%.2f\t\t%.2f\n---",
					float64(d.Microseconds())/1000, float64(c.Microseconds())/1000))
			}
			return d, c
		}
		if err != nil {
			b.Fatalf("no Today frame: %v; got %q", err, ansi.Strip(string(got)))
		}
	}
}

// settleStart starts owg on dir, waits for its frame and then until it
// has used no CPU for 200 ms (its compactions done; 30 s at most), and
// ends it with SIGTERM, as closing the terminal would.
func settleStart(b *testing.B, bin, dir string) {
	cmd := exec.Command(bin, "--data", dir)
	cmd.Env = append(withoutTrace(os.Environ()), "TERM=xterm-256color")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	go func() { _, _ = io.Copy(io.Discard, f) }()
	srv := &server{pid: cmd.Process.Pid}
	deadline := time.Now().Add(30 * time.Second)
	last := srv.cpu(b)
	for quiet := 0; quiet < 4 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		now := srv.cpu(b)
		if now-last < time.Millisecond {
			quiet++
		} else {
			quiet = 0
		}
		last = now
	}
	endStart(cmd)
}

// endStart ends a started owg with SIGTERM, as closing the terminal
// would, and waits for it to close its store (15 s at most).
func endStart(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// startProfiles numbers the CPU profiles of the starts (OWG_TRACE_CPU).
var startProfiles int

// withoutTrace drops OWG_TRACE_* from env (the launcher sets its own).
func withoutTrace(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "OWG_TRACE_") })
}

func appendLine(b *testing.B, path, line string) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	fmt.Fprintln(f, line)
}

// tracePhases sums up a trace file of many starts (separated by "---"):
// each phase in the order of the first start, with the median over the
// starts of when it ended, in ms since launch, and of the CPU the process
// had used by then.
func tracePhases(b *testing.B, path string) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var order []string
	at, cpu, faults := map[string][]float64{}, map[string][]float64{}, map[string][]float64{}
	for _, run := range strings.Split(string(raw), "---") {
		seen := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(run), "\n") {
			f := strings.Split(line, "\t")
			if len(f) < 2 || seen[f[0]] {
				continue
			}
			var v float64
			if _, err := fmt.Sscan(f[1], &v); err != nil {
				continue
			}
			seen[f[0]] = true
			if _, ok := at[f[0]]; !ok {
				order = append(order, f[0])
			}
			at[f[0]] = append(at[f[0]], v)
			var c float64
			if len(f) > 3 {
				if _, err := fmt.Sscan(f[3], &c); err == nil {
					cpu[f[0]] = append(cpu[f[0]], c)
				}
			}
			if len(f) > 4 {
				if _, err := fmt.Sscan(f[4], &c); err == nil {
					faults[f[0]] = append(faults[f[0]], c)
				}
			}
		}
	}
	median := func(vs []float64) float64 {
		if len(vs) == 0 {
			return 0
		}
		vs = slices.Clone(vs)
		slices.Sort(vs)
		return vs[len(vs)/2]
	}
	var out strings.Builder
	fmt.Fprintf(&out, "%8s %8s %8s %7s  %s\n", "ms", "+ms", "cpu-ms", "faults", "phase ended")
	prev := 0.0
	for _, ph := range order {
		med := median(at[ph])
		fmt.Fprintf(&out, "%8.2f %+8.2f %8.2f %7.0f  %s\n", med, med-prev, median(cpu[ph]), median(faults[ph]), ph)
		prev = med
	}
	return out.String()
}
