// Package bench runs the side-by-side performance benchmarks: the same
// scenarios on our program and on baresip, alternately (A B A B ...), on
// one loopback Kamailio, and writes the report under docs/bench.
//
// The scenarios live in BenchmarkSideBySide and run only with both -bench
// and -bench.side (see the Makefile's bench target), so `go test ./...`
// neither runs nor skips them.
package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Stat is a figure's median and spread over its samples.
type Stat struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Q1     float64 `json:"q1"`
	Q3     float64 `json:"q3"`
}

// Summarize computes a Stat; quartiles are linear-interpolated.
func Summarize(xs []float64) Stat {
	if len(xs) == 0 {
		return Stat{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return Stat{N: len(s), Median: quantile(s, 0.5), Min: s[0], Max: s[len(s)-1], Q1: quantile(s, 0.25), Q3: quantile(s, 0.75)}
}

func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i]*(1-f) + sorted[i+1]*f
}

// Row is one figure of the report: both programs' samples, in pair order,
// and the ratio ours/baresip computed pair by pair.
type Row struct {
	Scenario string    `json:"scenario"`
	Unit     string    `json:"unit"`
	Method   string    `json:"method"`
	Ours     Stat      `json:"ours"`
	Baresip  Stat      `json:"baresip"`
	Ratio    Stat      `json:"ratio"` // ours/baresip per pair
	OursRaw  []float64 `json:"ours_samples"`
	BareRaw  []float64 `json:"baresip_samples"`
}

// NewRow summarizes paired samples (ours[i] and theirs[i] ran back to back).
func NewRow(scenario, unit, method string, ours, theirs []float64) Row {
	n := min(len(ours), len(theirs))
	ratios := make([]float64, 0, n)
	for i := range n {
		if theirs[i] != 0 {
			ratios = append(ratios, ours[i]/theirs[i])
		}
	}
	return Row{Scenario: scenario, Unit: unit, Method: method, Ours: Summarize(ours), Baresip: Summarize(theirs),
		Ratio: Summarize(ratios), OursRaw: ours, BareRaw: theirs}
}

// Machine describes where the figures were measured.
type Machine struct {
	Date      string `json:"date"`
	CPU       string `json:"cpu"`
	Cores     int    `json:"cores"`
	GoVersion string `json:"go"`
	Baresip   string `json:"baresip"`
	Kamailio  string `json:"kamailio"`
	Kernel    string `json:"kernel"`
}

// Figure is an absolute measurement of ours alone, with the target
// when it has one (latency, capacity, GUI start-up...).
type Figure struct {
	Scenario string    `json:"scenario"`
	Unit     string    `json:"unit"`
	Method   string    `json:"method"`
	Value    Stat      `json:"value"`
	Samples  []float64 `json:"samples"`
	// Target is the bound the median must meet, e.g. "≤ 40"; "" = none.
	Target string `json:"target,omitempty"`
	Met    *bool  `json:"met,omitempty"`
}

// NewFigure summarizes samples and checks the median against target:
// atMost true means lower is better (≤ limit), false means ≥ limit. A
// limit of 0 means no target.
func NewFigure(scenario, unit, method string, samples []float64, limit float64, atMost bool) Figure {
	f := Figure{Scenario: scenario, Unit: unit, Method: method, Value: Summarize(samples), Samples: samples}
	if limit != 0 && f.Value.N > 0 {
		met := f.Value.Median >= limit
		f.Target = "≥ " + num(limit)
		if atMost {
			met = f.Value.Median <= limit
			f.Target = "≤ " + num(limit)
		}
		f.Met = &met
	}
	return f
}

// Micro is one Go microbenchmark result.
type Micro struct {
	Name        string  `json:"name"`
	Package     string  `json:"package"`
	NsPerOp     float64 `json:"ns_per_op"`
	BytesPerOp  float64 `json:"bytes_per_op"`
	AllocsPerOp float64 `json:"allocs_per_op"`
}

// Report is docs/bench/results.json.
type Report struct {
	Machine Machine  `json:"machine"`
	Notes   []string `json:"notes"`
	Rows    []Row    `json:"rows"`
	Figures []Figure `json:"figures,omitempty"`
	Micro   []Micro  `json:"micro,omitempty"`
}

// MachineFacts reads the CPU model from /proc/cpuinfo; versions are given.
func MachineFacts(baresip, kamailio string) Machine {
	m := Machine{Date: time.Now().UTC().Format(time.RFC3339), Cores: runtime.NumCPU(), GoVersion: runtime.Version(),
		Baresip: baresip, Kamailio: kamailio}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// Write writes results.json and results.md into dir.
func (r Report) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(j, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "results.md"), []byte(r.Markdown()), 0o644)
}

// Markdown renders the report as a table.
func (r Report) Markdown() string {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "# Side-by-side benchmarks: softphone vs baresip\n\n")
	fmt.Fprintf(&b, "Measured on %s on this project's machine; these are this machine's figures, not universal ones. "+
		"Reproduce with `make bench` (about 30 minutes; writes this file and results.json).\n\n", m.Date)
	fmt.Fprintf(&b, "| Machine | |\n|---|---|\n| CPU | %s |\n| Cores | %d |\n| Go | %s |\n| baresip | %s |\n| Kamailio | %s |\n| Kernel | %s |\n\n",
		m.CPU, m.Cores, m.GoVersion, m.Baresip, m.Kamailio, m.Kernel)
	b.WriteString("Median [min–max] over n runs; ratio = ours/baresip computed pair by pair (the two programs alternate A B A B), then summarized. Lower is better everywhere.\n\n")
	b.WriteString("| Scenario | Unit | n | Ours | baresip | Ratio ours/baresip |\n|---|---|---|---|---|---|\n")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s |\n", row.Scenario, row.Unit, row.Ours.N,
			cell(row.Ours), cell(row.Baresip), cell(row.Ratio))
	}
	if len(r.Figures) > 0 {
		b.WriteString("\n## Absolute figures (ours)\n\n| Scenario | Unit | n | Median [min–max] | Target | Met |\n|---|---|---|---|---|---|\n")
		for _, f := range r.Figures {
			met := "–"
			if f.Met != nil {
				met = map[bool]string{true: "yes", false: "**no**"}[*f.Met]
			}
			target := f.Target
			if target == "" {
				target = "–"
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s |\n", f.Scenario, f.Unit, f.Value.N, cell(f.Value), target, met)
		}
	}
	if len(r.Micro) > 0 {
		b.WriteString("\n## Hot-path microbenchmarks (Go testing, -benchmem)\n\n| Benchmark | Package | ns/op | B/op | allocs/op |\n|---|---|---|---|---|\n")
		for _, m := range r.Micro {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", m.Name, m.Package, num(m.NsPerOp), num(m.BytesPerOp), num(m.AllocsPerOp))
		}
	}
	b.WriteString("\n## Methods\n\n")
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "- **%s**: %s\n", row.Scenario, row.Method)
	}
	for _, f := range r.Figures {
		fmt.Fprintf(&b, "- **%s**: %s\n", f.Scenario, f.Method)
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return b.String()
}

func cell(s Stat) string {
	if s.N == 0 {
		return "–"
	}
	return fmt.Sprintf("%s [%s–%s]", num(s.Median), num(s.Min), num(s.Max))
}

func num(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	default:
		return fmt.Sprintf("%.3g", x)
	}
}
