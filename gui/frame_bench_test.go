package gui

import (
	"image"
	"slices"
	"testing"
	"time"

	"gioui.org/io/input"
	"gioui.org/op"

	"github.com/softphone/softphone/gui/internal/guitest"
)

// BenchmarkFrame measures building one frame's ops (Root.Layout into a
// reset op.Ops, no GPU) per screen, and reports the median of 200 frames
// measured one by one.
func BenchmarkFrame(b *testing.B) {
	cases := []struct {
		name  string
		setup func(b *testing.B, f *guitest.Phone, r *Root)
	}{
		{"dialpad", func(b *testing.B, f *guitest.Phone, r *Root) { r.Router.Tab = TabDialpad }},
		{"incall-two-calls", func(b *testing.B, f *guitest.Phone, r *Root) {
			f.SetCalls(heldCall(), secondCall())
			f.Quality["out-1"] = cannedStats("opus")
			f.Quality["out-2"] = cannedStats("G722")
		}},
		{"history-10000", func(b *testing.B, f *guitest.Phone, r *Root) {
			r.Router.Tab = TabHistory
			rec := guitest.NewRecords()
			rec.AddCalls(cannedHistory(10000)...)
			f.Records = rec
			r.Phone = guitest.NewJournalPhone(f, rec)
		}},
	}
	size := image.Pt(1024, 700)
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			f, r, _ := newTestRoot(b, false)
			c.setup(b, f, r)
			var ops op.Ops
			for range 3 { // the history loads its first page on the command queue
				layoutFrame(r, &ops, size, fixedNow, input.Source{})
				flush(r)
			}
			now := fixedNow
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				layoutFrame(r, &ops, size, now, input.Source{})
			}
			b.StopTimer()
			med, p99 := frameTimes(r, &ops, size, 200)
			b.ReportMetric(med, "median-ns/frame")
			b.ReportMetric(p99, "p99-ns/frame")
		})
	}
}

// frameTimes times n frames one by one and returns the median and the 99th
// percentile in ns (the mean, ns/op, is pulled up by the odd GC pause).
func frameTimes(r *Root, ops *op.Ops, size image.Point, n int) (median, p99 float64) {
	d := make([]time.Duration, n)
	for i := range d {
		start := time.Now()
		layoutFrame(r, ops, size, fixedNow, input.Source{})
		d[i] = time.Since(start)
	}
	slices.Sort(d)
	return float64(d[n/2]), float64(d[n*99/100])
}
