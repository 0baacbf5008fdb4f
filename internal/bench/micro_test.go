package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
)

// microSpec is one package's share of the hot-path microbenchmarks: the
// -bench pattern picks them (Go splits it on '/' into one regexp per
// sub-benchmark level).
type microSpec struct {
	pkg   string // import path relative to the module root
	bench string
}

// microSpecs are the hot paths the report measures: a codec's work per 20 ms frame,
// the resampler between a 48 kHz device and 8 kHz codecs, the jitter
// buffer, the per-frame send and receive pipelines, and the SIP layer's
// per-message work, and the conference mixer.
var microSpecs = []microSpec{
	// Encode and decode of one 20 ms frame.
	{"./core/codec/g711", `^Benchmark(Encode|Decode)20ms$/^PCMU$`},
	{"./core/codec/g722", `^Benchmark(Encode|Decode)20ms$`},
	{"./core/codec/opus", `^Benchmark(Encode|Decode)20ms$`},
	// One 20 ms frame between a 48 kHz device and an 8 kHz codec.
	{"./core/audio", `^BenchmarkResample20ms$/^(48kto8k|8kto48k)$`},
	// One packet in and one frame out of the jitter buffer; one frame from
	// the device to an RTP packet and from RTP to the device, per codec at
	// 48 kHz (and PCMU at 8 kHz, no resampling).
	{"./core/media", `^Benchmark(JitterBufferPutPop|SendPath|ReceivePath)$/^(opus|G722|PCMU)$`},
	// One 20 ms frame of a three-party conference mixed for its four listeners.
	{"./core/media", `^BenchmarkMixer20ms$`},
	// Parse an INVITE and a 200 OK with SDP, build and serialize our INVITE
	// and REGISTER, answer a digest challenge (MD5, SHA-256).
	{"./core/sip", `^Benchmark(ParseInvite|Parse200OK|NewInvite|NewRegister|DigestAuthorize)$`},
}

// microBenchTime is each benchmark's -benchtime: the whole run (builds
// included) stays well under 90 s on the 2-core benchmark machine.
const microBenchTime = "300ms"

// microBenchmarks runs microSpecs with `go test -bench -benchmem` from the
// module root, one package at a time, and returns every result. A package
// that fails to build or run, or yields nothing, fails tb but does not stop
// the others.
func microBenchmarks(tb testing.TB) []Micro {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), 5*time.Minute)
	defer cancel()
	procs := runtime.GOMAXPROCS(0)
	var all []Micro
	for _, s := range microSpecs {
		cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", s.bench, "-benchmem",
			"-count", "1", "-benchtime", microBenchTime, "-cpu", strconv.Itoa(procs), s.pkg)
		cmd.Dir = filepath.Join("..", "..")
		out, err := cmd.CombinedOutput()
		if err != nil {
			tb.Errorf("%s: %v\n%s", cmd, err, out)
			continue
		}
		res, err := parseBenchOutput(strings.NewReader(string(out)), procs)
		if err != nil {
			tb.Errorf("%s: %v\n%s", cmd, err, out)
			continue
		}
		if len(res) == 0 {
			tb.Errorf("%s: no benchmark matched (renamed?)\n%s", cmd, out)
		}
		all = append(all, res...)
	}
	return all
}

// parseBenchOutput reads the standard output of `go test -bench -benchmem`
// (one or more packages): each result line gives a Micro named as the
// benchmark without the -procs suffix Go appends when GOMAXPROCS is not 1,
// in the package of the last "pkg:" line. Other lines (goos, cpu, PASS, ok,
// logs) are skipped. A result without ns/op, B/op or allocs/op is an error.
func parseBenchOutput(r io.Reader, procs int) ([]Micro, error) {
	suffix := ""
	if procs != 1 {
		suffix = "-" + strconv.Itoa(procs)
	}
	var out []Micro
	pkg := ""
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.ParseUint(f[1], 10, 64); err != nil {
			continue // not a result: a benchmark's own output after its name
		}
		if pkg == "" {
			return nil, fmt.Errorf("result %q before any pkg: line", f[0])
		}
		m := Micro{Name: strings.TrimSuffix(f[0], suffix), Package: pkg}
		seen := map[string]bool{}
		if len(f)%2 != 0 {
			return nil, fmt.Errorf("result %q: odd value/unit fields", line)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("result %q: value %q: %v", line, f[i], err)
			}
			switch unit := f[i+1]; unit {
			case "ns/op":
				m.NsPerOp = v
			case "B/op":
				m.BytesPerOp = v
			case "allocs/op":
				m.AllocsPerOp = v
			default:
				continue // MB/s and custom metrics
			}
			seen[f[i+1]] = true
		}
		for _, unit := range []string{"ns/op", "B/op", "allocs/op"} {
			if !seen[unit] {
				return nil, fmt.Errorf("result %q: no %s (run with -benchmem)", line, unit)
			}
		}
		out = append(out, m)
	}
	return out, sc.Err()
}

// microTable renders results as an aligned text table.
func microTable(res []Micro) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "Benchmark\tPackage\tns/op\tB/op\tallocs/op\t\n")
	for _, m := range res {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t\n", m.Name, m.Package, num(m.NsPerOp), num(m.BytesPerOp), num(m.AllocsPerOp))
	}
	w.Flush()
	return b.String()
}

// BenchmarkMicro runs the hot-path microbenchmarks once (whatever b.N)
// when -bench.side is given and prints their table; without it, it returns
// at once:
//
//	cd internal/bench && go test -run '^$' -bench Micro -benchtime 1x -bench.side .
//
// The table goes to stdout: the testing package cuts a benchmark's log
// (b.Log) to 10 lines.
func BenchmarkMicro(b *testing.B) {
	if !*sideFlag {
		return
	}
	b.StopTimer()
	start := time.Now()
	res := microBenchmarks(b)
	fmt.Printf("\n%s", microTable(res))
	b.Logf("%d microbenchmarks in %v (-benchtime %s, GOMAXPROCS %d)",
		len(res), time.Since(start).Round(time.Second), microBenchTime, runtime.GOMAXPROCS(0))
}

// benchSample is real `go test -bench -benchmem` output of two packages
// (GOMAXPROCS 2), with an MB/s column, sub-benchmarks whose names hold '/'
// and end in digits, and a benchmark's log lines.
const benchSample = `goos: linux
goarch: amd64
pkg: github.com/softphone/softphone/core/codec/g711
cpu: Oxide Virtual Turin-like Processor             
BenchmarkEncode20ms/PCMU-2         	 1000000	       258.1 ns/op	       0 B/op	       0 allocs/op
BenchmarkDecode20ms/PCMU-2         	 2395867	       102.4 ns/op	       0 B/op	       0 allocs/op
PASS
ok  	github.com/softphone/softphone/core/codec/g711	1.178s
goos: linux
goarch: amd64
pkg: github.com/softphone/softphone/core/sip
cpu: Oxide Virtual Turin-like Processor             
BenchmarkParseInvite-2       	   10515	     23757 ns/op	  39.06 MB/s	    3696 B/op	      52 allocs/op
BenchmarkDigestAuthorize/MD5-2         	   18832	     11916 ns/op	    8224 B/op	      87 allocs/op
BenchmarkDigestAuthorize/SHA-256-2     	   15157	     14855 ns/op	    8809 B/op	      90 allocs/op
BenchmarkNoisy-2
--- BENCH: BenchmarkNoisy-2
    message_bench_test.go:12: hello
BenchmarkNoisy-2   	   45588	      5508.5 ns/op	    2984 B/op	      39 allocs/op
PASS
ok  	github.com/softphone/softphone/core/sip	1.513s
`

func TestParseBenchOutput(t *testing.T) {
	const g711, sip = "github.com/softphone/softphone/core/codec/g711", "github.com/softphone/softphone/core/sip"
	got, err := parseBenchOutput(strings.NewReader(benchSample), 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []Micro{
		{"BenchmarkEncode20ms/PCMU", g711, 258.1, 0, 0},
		{"BenchmarkDecode20ms/PCMU", g711, 102.4, 0, 0},
		{"BenchmarkParseInvite", sip, 23757, 3696, 52},
		{"BenchmarkDigestAuthorize/MD5", sip, 11916, 8224, 87},
		{"BenchmarkDigestAuthorize/SHA-256", sip, 14855, 8809, 90},
		{"BenchmarkNoisy", sip, 5508.5, 2984, 39},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d results, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("result %d: got %+v, want %+v", i, got[i], want[i])
		}
	}

	// GOMAXPROCS 1: Go appends no suffix, and a name's own digits stay.
	one := "pkg: p\nBenchmarkDigestAuthorize/SHA-256   \t 100\t 5 ns/op\t 1 B/op\t 2 allocs/op\n"
	got, err = parseBenchOutput(strings.NewReader(one), 1)
	if err != nil || len(got) != 1 || got[0] != (Micro{"BenchmarkDigestAuthorize/SHA-256", "p", 5, 1, 2}) {
		t.Errorf("GOMAXPROCS 1: %+v, %v", got, err)
	}

	for name, bad := range map[string]string{
		"no -benchmem":  "pkg: p\nBenchmarkX-2 \t 100\t 5 ns/op\n",
		"no pkg line":   "BenchmarkX-2 \t 100\t 5 ns/op\t 1 B/op\t 2 allocs/op\n",
		"bad value":     "pkg: p\nBenchmarkX-2 \t 100\t five ns/op\t 1 B/op\t 2 allocs/op\n",
		"missing unit":  "pkg: p\nBenchmarkX-2 \t 100\t 5 ns/op\t 1 B/op\t 2\n",
		"no allocs/op":  "pkg: p\nBenchmarkX-2 \t 100\t 5 ns/op\t 1 B/op\t 2 MB/s\n",
		"no ns/op also": "pkg: p\nBenchmarkX-2 \t 100\t 1 B/op\t 2 allocs/op\n",
	} {
		if got, err := parseBenchOutput(strings.NewReader(bad), 2); err == nil {
			t.Errorf("%s: no error, got %+v", name, got)
		}
	}
}
