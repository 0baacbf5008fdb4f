package h264

import (
	"image"
	"testing"

	"github.com/softphone/softphone/core/video/internal/codectest"

	"github.com/softphone/softphone/core/video"
)

func TestRoundTrip(t *testing.T) { codectest.RoundTrip(t, Codec(), checkNALs) }

// checkNALs checks frame i's NAL units: none larger than MaxNALSize, and
// an IDR that starts with constrained-baseline level 3.1 SPS and a PPS.
func checkNALs(t *testing.T, i int, data []byte, key bool) {
	t.Helper()
	nals := nalUnits(data)
	if len(nals) == 0 {
		t.Fatalf("frame %d: no NAL units in % x", i, data[:min(len(data), 16)])
	}
	for _, n := range nals {
		if len(n) > MaxNALSize {
			t.Errorf("frame %d: NAL unit type %d of %d bytes", i, n[0]&0x1f, len(n))
		}
	}
	if !key {
		return
	}
	if len(nals) < 3 || nals[0][0]&0x1f != 7 || nals[1][0]&0x1f != 8 {
		t.Fatalf("frame %d: an IDR without SPS and PPS first", i)
	}
	// profile_idc 66 (baseline), constraint_set1 (constrained), level 31.
	if sps := nals[0]; len(sps) < 4 || sps[1] != 66 || sps[2]&0x40 == 0 || sps[3] != 31 {
		t.Errorf("frame %d: SPS profile/constraints/level % x, want 42 e0/c0/40 1f", i, sps[1:4])
	}
}

func TestKeyFrameOnRequest(t *testing.T) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 800_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	src := codectest.Frames(t, 640, 480, 50)
	var deltas []int
	for i, img := range src[:39] {
		data, key, err := enc.Encode(img, false)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			if key {
				t.Fatalf("frame %d is a key frame unasked", i)
			}
			if len(data) > 0 {
				deltas = append(deltas, len(data))
			}
		}
	}
	data, at := codectest.KeyFrame(t, enc, src[39:])
	checkNALs(t, 39+at, data, true)
	if m := codectest.Mean(deltas); float64(len(data)) < 3*m {
		t.Errorf("key frame %d bytes, deltas %.0f on average: want ≥ 3×", len(data), m)
	}
	t.Logf("key frame %d bytes, deltas %.0f on average", len(data), codectest.Mean(deltas))
}

func TestSetBitrate(t *testing.T) { codectest.SetBitrate(t, Codec()) }

func TestSizeChange(t *testing.T) { codectest.SizeChange(t, Codec()) }

func TestOddSubImage(t *testing.T) {
	enc, err := NewEncoder(video.EncoderConfig{FPS: 30, Bitrate: 800_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	dec, err := NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	for i, whole := range codectest.Frames(t, 642, 482, 5) {
		img := whole.SubImage(image.Rect(1, 1, 642, 482)).(*image.YCbCr) // 641×481 at 1,1
		data, _, err := enc.Encode(img, false)
		if err != nil {
			t.Fatalf("encode %d: %v", i, err)
		}
		if len(data) == 0 {
			continue // dropped by the rate control
		}
		pic, err := dec.Decode(data)
		if err != nil || pic == nil {
			t.Fatalf("decode %d: %v", i, err)
		}
		if pic.Rect.Dx() != 640 || pic.Rect.Dy() != 480 {
			t.Fatalf("decoded %v, want the even part 640x480", pic.Rect)
		}
		if p := codectest.PSNR(img.SubImage(image.Rect(1, 1, 641, 481)).(*image.YCbCr), pic); p < 30 {
			t.Errorf("frame %d: PSNR %.1f dB", i, p)
		}
	}
}

// A key frame asked for while the rate control drops frames still comes,
// as the next frame out.
func TestKeyFrameWhileDropping(t *testing.T) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 64_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	src := codectest.Frames(t, 640, 480, 90)
	codectest.Churn(src)
	stream, _ := codectest.EncodeAll(t, enc, src[:60])
	if len(stream) > 50 {
		t.Fatalf("%d frames of 60 out at 64 kbit/s: the rate control drops none", len(stream))
	}
	_, at := codectest.KeyFrame(t, enc, src[60:])
	t.Logf("%d frames of 60 out; the key frame came %d frames after it was asked for", len(stream), at)
}
