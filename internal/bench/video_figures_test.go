package bench

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// The in-process video figures: how long a picture takes from capture to
// decoded picture, and how many pictures a second survive 5 % loss.
const (
	videoWarm    = 2 * time.Second  // after the first picture, before measuring
	videoMeasure = 10 * time.Second // of each measurement
	videoLoss    = 0.05
)

// videoFigures measures glass-to-glass latency and the decoded frame rate,
// clean and under loss, between two of our engines in the bench process.
func videoFigures(b *testing.B) []Figure {
	lat, p95 := videoLatency(b)
	clean, _ := videoFPS(b, 0)
	lossy, seen := videoFPS(b, videoLoss)
	return []Figure{
		NewFigure("Video glass-to-glass latency, median (ours↔ours, VP8 640x480@30, loopback)", "ms",
			fmt.Sprintf("two of our engines in the bench process in a direct video call on loopback (the answerer receives only): for every picture the receiver decodes over %v, its arrival in the receiver's picture feed minus the capture time the test pattern stamped into it (read back from the decoded picture; one clock, millisecond stamps). It covers capture, encoding, packetization, the network, the 5 ms receive poll, reassembly, decoding and the copy into the feed; not the drawing on screen.", videoMeasure),
			lat, 0, true),
		NewFigure("Video glass-to-glass latency, p95 (same call)", "ms",
			"the 95th percentile of the same per-picture samples (one value).", []float64{p95}, 0, true),
		NewFigure("Video frame rate, clean (ours↔ours, VP8 640x480@30)", "fps",
			fmt.Sprintf("pictures decoded per second by the receiver, one sample per second over %v, the caller's video packets through the bench's UDP relay with no loss (the reference for the next row).", videoMeasure),
			clean, 0, false),
		NewFigure("Video frame rate held under 5 % loss (ours↔ours, VP8 640x480@30)", "fps",
			fmt.Sprintf("the same, the relay dropping %.0f %% of the caller's video packets (RTP and RTCP, retransmissions included) at random from the start of the call; recovery by NACK retransmission and key frame requests. In this run, over the whole call (warm-up included): %s.", 100*videoLoss, seen),
			lossy, 0, false),
	}
}

// videoLatency returns the per-picture glass-to-glass latencies (ms) of a
// direct call, and their 95th percentile.
func videoLatency(b *testing.B) ([]float64, float64) {
	vp := startVideoPair(b, "vp8", "640x480", 30, nil)
	defer vp.close()
	first, ok := vp.waitPicture(time.Time{}, 10*time.Second)
	if !ok {
		b.Fatal("latency: no picture with a readable stamp")
	}
	from := first.at.Add(videoWarm)
	time.Sleep(time.Until(from.Add(videoMeasure)))
	var lat []float64
	for _, p := range vp.pictures() {
		if !p.at.Before(from) && p.at.Before(from.Add(videoMeasure)) {
			lat = append(lat, ms(p.at.Sub(p.captured)))
		}
	}
	if len(lat) == 0 {
		b.Fatal("latency: no picture in the measuring window")
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return lat, quantile(s, 0.95)
}

// videoFPS returns the decoded pictures of each second of a call whose
// video packets go through a relay dropping loss of them, and what the
// relay and the receiver's feedback saw.
func videoFPS(b *testing.B, loss float64) ([]float64, string) {
	vp := startVideoPair(b, "vp8", "640x480", 30, &RelayConfig{Loss: loss, Seed: 11})
	defer vp.close()
	first, ok := vp.waitPicture(time.Time{}, 10*time.Second)
	if !ok {
		b.Fatal("frame rate: no picture with a readable stamp")
	}
	time.Sleep(time.Until(first.at.Add(videoWarm)))
	fps := make([]float64, 0, int(videoMeasure/time.Second))
	t := time.NewTicker(time.Second)
	defer t.Stop()
	last := vp.feed.Seq()
	for range cap(fps) {
		<-t.C
		seq := vp.feed.Seq()
		fps = append(fps, float64(seq-last))
		last = seq
	}
	rt := vp.relay.Load()
	fb, st := rt.Feedback(), rt.Stats()
	seen := fmt.Sprintf("the relay dropped %d of %d packets; the receiver asked for %d packets again (%d NACK messages) and sent %d PLI, %d FIR",
		st.Dropped, st.Received, fb.NACKed, fb.NACKPackets, fb.PLI, fb.FIR)
	b.Logf("video at %.0f %% loss: %s; fps %v", 100*loss, seen, fps)
	return fps, seen
}
