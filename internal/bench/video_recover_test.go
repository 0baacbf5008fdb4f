package bench

import (
	"testing"
	"time"

	"github.com/softphone/softphone/core/video/videocodecs"
)

// The loss burst: a clean start, 5 % random loss on the caller's video
// packets, clean again; the picture must be back within recoverWithin.
const (
	burstClean    = 2 * time.Second
	burstLen      = 2 * time.Second
	burstLoss     = 0.05
	recoverWithin = time.Second
)

// TestVideoRecoversAfterLossBurst: after a burst of 5 % loss on the
// video packets, a picture captured after the burst is decoded within a
// second (by retransmission or a key frame), in VP8 and in H.264.
func TestVideoRecoversAfterLossBurst(t *testing.T) {
	if len(videocodecs.Default()) == 0 {
		t.Skip("this build has no video codecs (the Windows build: libvpx and openh264 are not cross-built)")
	}
	for _, codec := range []string{"vp8", "h264"} {
		t.Run(codec, func(t *testing.T) { recoversAfterBurst(t, codec) })
	}
}

func recoversAfterBurst(t *testing.T, codec string) {
	vp := startVideoPair(t, codec, "640x480", 30, &RelayConfig{Seed: 5})
	defer vp.close()
	if _, ok := vp.waitPicture(time.Time{}, 10*time.Second); !ok {
		t.Fatal("no picture with a readable stamp within 10 s")
	}
	rt := vp.relay.Load()
	time.Sleep(burstClean)
	before, fbBefore := rt.Stats(), rt.Feedback()
	burstStart := time.Now()
	if err := rt.SetLoss(burstLoss); err != nil {
		t.Fatal(err)
	}
	time.Sleep(burstLen)
	if err := rt.SetLoss(0); err != nil {
		t.Fatal(err)
	}
	burstEnd := time.Now()
	during := rt.Stats()
	p, ok := vp.waitPicture(burstEnd, recoverWithin-time.Since(burstEnd))
	// Late feedback for the burst's last losses: half a second more.
	time.Sleep(500 * time.Millisecond)
	fb := rt.Feedback()

	sent, decoded := burstFrames(vp.pictures(), burstStart, burstEnd, 30)
	t.Logf("%s: burst of %v at %.0f %% loss: relay dropped %d of %d video packets; decoded %d of the %d frames captured during the burst",
		codec, burstLen, 100*burstLoss, during.Dropped-before.Dropped, during.Received-before.Received, decoded, sent)
	t.Logf("%s: feedback from the receiver: %d NACK messages asking for %d packets, %d PLI, %d FIR (before the burst: %d NACKed, %d PLI, %d FIR)",
		codec, fb.NACKPackets-fbBefore.NACKPackets, fb.NACKed-fbBefore.NACKed, fb.PLI-fbBefore.PLI, fb.FIR-fbBefore.FIR,
		fbBefore.NACKed, fbBefore.PLI, fbBefore.FIR)
	if st := vp.latestStats(vp.answerer); st.FramesDecoded > 0 {
		t.Logf("%s: receiver's last periodic figures: %+v", codec, st)
	}
	if during.Dropped == before.Dropped {
		t.Fatal("the burst dropped no packet: nothing was tested")
	}
	if !ok {
		t.Fatalf("%s: no picture captured after the burst decoded within %v of its end", codec, recoverWithin)
	}
	t.Logf("%s: first picture captured after the burst (frame %d) decoded %v after the burst's end, %v after its capture",
		codec, p.frame, p.at.Sub(burstEnd).Round(time.Millisecond), p.at.Sub(p.captured).Round(time.Millisecond))
}

// burstFrames counts the frames captured in [from, to) and how many of
// them were decoded, from the frame numbers of the pictures around it
// (without a picture on either side: from the capture rate fps).
func burstFrames(pics []picture, from, to time.Time, fps int) (sent, decoded int) {
	var first, last uint32 // frame numbers just outside the window
	var haveFirst, haveLast bool
	seen := map[uint32]bool{}
	for _, p := range pics {
		switch {
		case p.captured.Before(from):
			if !haveFirst || p.frame > first {
				first, haveFirst = p.frame, true
			}
		case p.captured.Before(to):
			seen[p.frame] = true
		default:
			if !haveLast || p.frame < last {
				last, haveLast = p.frame, true
			}
		}
	}
	if haveFirst && haveLast && last > first {
		sent = int(last - first - 1)
	} else {
		sent = int(to.Sub(from).Seconds()*float64(fps) + 0.5)
	}
	return sent, len(seen)
}
