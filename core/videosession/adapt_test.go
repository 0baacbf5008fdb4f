package videosession

import (
	"image"
	"testing"
	"time"

	"github.com/softphone/softphone/core/video"
)

func TestAdapterLossAndREMB(t *testing.T) {
	var a adapter
	a.init(1_500_000, 30)
	now := time.Now()
	step := func() time.Time { now = now.Add(time.Second); return now }
	if br, fps := a.targets(); br != startBitrate || fps != 30 {
		t.Fatalf("start %d %d", br, fps)
	}
	a.onLoss(0.05, step()) // between the thresholds: hold
	if br, _ := a.targets(); br != startBitrate {
		t.Errorf("moderate loss moved the bit rate to %d", br)
	}
	for range 20 {
		a.onLoss(0, step())
	}
	if br, _ := a.targets(); br != 1_500_000 {
		t.Errorf("no loss for long: %d, want the ceiling", br)
	}
	prev := 1_500_000
	var sawFPSDrop bool
	for range 40 {
		a.onLoss(0.3, step())
		br, fps := a.targets()
		if br > prev || br < minBitrate {
			t.Fatalf("bit rate %d after %d under loss", br, prev)
		}
		if fps < 30 {
			sawFPSDrop = true
			if br >= lowBitrate {
				t.Errorf("frame rate %d lowered at %d bit/s", fps, br)
			}
		}
		prev = br
	}
	if br, fps := a.targets(); br != minBitrate || fps != minFPS || !sawFPSDrop {
		t.Errorf("under heavy loss: %d bit/s, %d fps", br, fps)
	}
	for range 100 {
		a.onLoss(0, step())
	}
	if br, fps := a.targets(); br != 1_500_000 || fps != 30 {
		t.Errorf("recovered to %d bit/s %d fps", br, fps)
	}
	br := a.bitrate.Load()
	a.onLoss(0.5, now.Add(stepGap/2))
	if a.bitrate.Load() != br {
		t.Error("two steps closer than stepGap")
	}
	a.onREMB(300_000)
	if br, _ := a.targets(); br != 300_000 {
		t.Errorf("REMB 300k: %d", br)
	}
	a.onLoss(0, step())
	if br, _ := a.targets(); br != 300_000 {
		t.Errorf("REMB ceiling passed: %d", br)
	}
}

func TestSenderPacesToTargetFPS(t *testing.T) {
	for _, fps := range []int{30, 15, 10} {
		s, err := New(nopTransport{}, Config{Codec: fakeCodec("VP8"), SendPT: 96, RecvPT: 96})
		if err != nil {
			t.Fatal(err)
		}
		s.rate.fps.Store(int32(fps))
		img := image.NewYCbCr(image.Rect(0, 0, 64, 48), image.YCbCrSubsampleRatio420)
		start := time.Now()
		for i := range 90 { // three seconds of a 30 frames/s camera
			at := start.Add(time.Duration(i) * time.Second / 30)
			s.send.sendFrame(video.Frame{Image: img, At: at}, at)
		}
		if got, want := s.Stats().FramesSent, uint64(3*fps); got != want {
			t.Errorf("target %d fps: %d frames sent in 3 s, want %d", fps, got, want)
		}
		s.Close()
	}
}
