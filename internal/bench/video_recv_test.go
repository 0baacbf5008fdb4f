package bench

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/softphone/softphone/core/video"
)

// calleeCPU: the CPU of the callee of one of our callers sending the
// moving test pattern, ours and baresip's in turn. Ours has no camera
// (its [video] camera names none), so it only receives; baresip also
// encodes and sends its still picture.
func (l *videoLab) calleeCPU() Row {
	h := l.h
	// No such device: the call has video, the callee sends none.
	erin := l.account("erin", videoConfig("vp8")+"camera = \"no-camera\"\n")
	window := *callLen - 200*time.Millisecond
	var oursCPU, theirs []float64
	for i := range *cpuPairs {
		answer := startProc(h.b, exec.Command(h.bin, "answer", "--config", erin, "--count", "1", "--json", "--video",
			"--play", h.tone, "--record", filepath.Join(h.b.TempDir(), "erin.wav")))
		if _, err := answer.wait("registration", "registered", 10*time.Second); err != nil {
			h.b.Fatalf("our callee %d: %v", i, err)
		}
		o := l.call("erin")
		if _, err := answer.wait("call", "connected", 10*time.Second); err != nil {
			h.b.Fatalf("our callee %d: %v", i, err)
		}
		c, _, _ := h.measureCall(answer.cmd.Process.Pid, window)
		h.b.Logf("video callee pair %d, ours: %.2f CPU s; callee's last figures %v", i, c, answer.latestVideo())
		if err := o.finish(15 * time.Second); err != nil {
			h.b.Fatalf("video call to our callee %d: %v", i, err)
		}
		if err := answer.finish(10 * time.Second); err != nil {
			h.b.Fatalf("our callee %d: %v", i, err)
		}
		oursCPU = append(oursCPU, c)

		o = l.call("bob")
		waitB(h.b, l.bob, "CALL_ESTABLISHED")
		c, _, _ = h.measureCall(l.bobPid, window)
		st, _ := l.bob.VideoStats()
		h.b.Logf("video callee pair %d, baresip: %.2f CPU s; bob decoded %d frames, sent %d", i, c, st.DisplayFrames, st.SourceFrames)
		if err := o.finish(15 * time.Second); err != nil {
			h.b.Fatalf("video call to baresip %d: %v", i, err)
		}
		waitB(h.b, l.bob, "CALL_CLOSED")
		theirs = append(theirs, c)
	}
	return NewRow(fmt.Sprintf("Video callee CPU per %v call, receiving %s@%d VP8", *callLen, videoSize, videoRate), "CPU s",
		fmt.Sprintf("the callee's utime+stime over %v from the moment it reports the call connected (ours: `connected` event of `softphone answer --video`; baresip: CALL_ESTABLISHED), %d pairs; the same caller (ours, sending the moving test pattern in VP8 %s@%d at %d kbit/s, PCMU audio) calls each through the same Kamailio. Both decode the same stream; ours sends no video (its [video] camera names no device: baresip 1.0 has no receive-only setting we can use here), while baresip also encodes and sends its still fakevideo picture every frame: baresip does more work in this row, so it leans in our favour; read it with the row above, which leans the other way.",
			window, *cpuPairs, videoSize, videoRate, videoKbps), oursCPU, theirs)
}

// patternCost is what drawing the test pattern costs our program per
// call, measured here: part of our caller's CPU in the video rows that
// a camera would not cost (baresip's still picture costs nothing).
func patternCost(b *testing.B) Figure {
	p, err := video.NewTestPattern(video.Constraints{Width: 640, Height: 480, FPS: videoRate}, nil)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	var samples []float64
	window := *callLen - 200*time.Millisecond
	// Timed by hand: testing.Benchmark would wait for this benchmark's lock.
	const frames = 300
	for range 3 {
		t0 := time.Now()
		for i := range frames {
			p.Draw(uint32(i), now)
		}
		perFrame := time.Since(t0).Seconds() / frames
		samples = append(samples, perFrame*videoRate*window.Seconds())
	}
	return NewFigure(fmt.Sprintf("Test pattern drawing per %v of a video call (ours, %s@%d)", *callLen, videoSize, videoRate), "CPU s",
		fmt.Sprintf("(*video.TestPattern).Draw timed in the bench process (3 runs of 300 frames), per frame times %d frames a second over %v: the share of our callers' CPU in the video rows spent drawing the synthetic source (a camera's capture would replace it).", videoRate, window),
		samples, 0, true)
}
