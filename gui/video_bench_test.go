package gui

import (
	"image"
	"testing"

	"gioui.org/io/input"
	"gioui.org/op"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/internal/guitest"
)

// BenchmarkVideoCallFrame measures a video call's frame at desktop size
// (no GPU): "still" draws the same pictures again (no conversion),
// "new-picture" gets a new far-end picture before each frame (the feed's
// copy and one conversion at the view's size).
func BenchmarkVideoCallFrame(b *testing.B) {
	for _, fresh := range []bool{false, true} {
		name := "still"
		if fresh {
			name = "new-picture"
		}
		b.Run(name, func(b *testing.B) {
			f, r, _ := newTestRoot(b, false)
			c := connectedCall()
			c.Video = &call.Video{Codec: "VP8", Sending: true, Receiving: true}
			remote := guitest.PatternFeed(b, 640, 480, 1, fixedNow)
			f.SetFeeds(c.ID, remote, guitest.PatternFeed(b, 352, 288, 1, fixedNow))
			f.SetCalls(c)
			next := guitest.PatternFeed(b, 640, 480, 2, fixedNow).Snapshot()
			var ops op.Ops
			size := image.Pt(1024, 700)
			for range 3 {
				layoutFrame(r, &ops, size, fixedNow, input.Source{})
				flush(r)
			}
			b.ReportAllocs()
			for b.Loop() {
				if fresh {
					remote.Put(next, fixedNow)
				}
				layoutFrame(r, &ops, size, fixedNow, input.Source{})
			}
		})
	}
}
