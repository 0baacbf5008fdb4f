package gui

import (
	"fmt"
	"image"
	"slices"
	"testing"
	"time"

	"gioui.org/io/input"
	"gioui.org/op"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/gui/pages/history"
)

// feedHistory gives the history page n canned entries from memory, newest
// first (the app reads them from the store the same way).
func feedHistory(r *Root, n int) {
	r.History.SetSource(history.NewMemSource(cannedHistory(n)...))
}

// cannedHistory is n calls, newest first, one every 37 minutes back from
// fixedNow: outgoing, answered incoming, missed, declined, over a few
// accounts and people.
func cannedHistory(n int) []store.Call {
	people := []struct{ name, uri string }{
		{"Carol Smith", "sip:carol@sip.example.com"},
		{"", "sip:+33123456789@sip.example.com"},
		{"Bob Dupont", "sip:bob@sip.example.com"},
		{"Reception", "sip:100@pbx.example.org"},
		{"", "sip:dave@192.0.2.44:5060"},
	}
	accounts := []string{"alice", "alice", "work", ""}
	out := make([]store.Call, n)
	for i := range out {
		p := people[i%len(people)]
		c := store.Call{
			ID: int64(n - i), CallID: fmt.Sprintf("h-%d", n-i),
			Direction: string(call.Outgoing), Account: accounts[i%len(accounts)],
			RemoteURI: p.uri, DisplayName: p.name, State: "ended",
			Started: fixedNow.Add(-time.Duration(i+1) * 37 * time.Minute),
			Reason:  "hung up", Seen: true, Codec: "opus",
		}
		talk := time.Duration(20+(i*53)%900) * time.Second
		switch i % 4 {
		case 1: // answered incoming
			c.Direction, c.Reason = string(call.Inbound), "remote hung up"
		case 2: // missed
			c.Direction, c.Missed, c.Seen, c.Reason, talk = string(call.Inbound), true, i > 10, "cancelled", 0
		case 3: // declined, or not answered
			if i%8 == 3 {
				c.Direction, c.Reason, c.Code, talk = string(call.Inbound), "rejected", 603, 0
			} else {
				c.Reason, c.Code, talk = "busy", 486, 0
			}
		}
		c.Ended = c.Started.Add(8*time.Second + talk)
		if talk > 0 {
			c.Answered, c.Duration = c.Started.Add(8*time.Second), talk
		}
		out[i] = c
	}
	return out
}

// BenchmarkFrame measures building one frame's ops (Root.Layout into a
// reset op.Ops, no GPU) per screen, and reports the median of 200 frames
// measured one by one.
func BenchmarkFrame(b *testing.B) {
	cases := []struct {
		name  string
		setup func(b *testing.B, f *fakePhone, r *Root)
	}{
		{"dialpad", func(b *testing.B, f *fakePhone, r *Root) { r.Tab = TabDialpad }},
		{"incall-two-calls", func(b *testing.B, f *fakePhone, r *Root) {
			f.setCalls(heldCall(), secondCall())
			f.setStats("out-1", cannedStats("opus"))
			f.setStats("out-2", cannedStats("G722"))
		}},
		{"history-10000", func(b *testing.B, f *fakePhone, r *Root) {
			r.Tab = TabHistory
			feedHistory(r, 10000)
		}},
	}
	size := image.Pt(1024, 700)
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			f, r, _ := newTestRoot(false)
			c.setup(b, f, r)
			var ops op.Ops
			for range 3 { // the history loads its first page on another goroutine
				layoutFrame(r, &ops, size, fixedNow, input.Source{})
				time.Sleep(20 * time.Millisecond)
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
