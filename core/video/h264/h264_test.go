package h264

import (
	"errors"
	"fmt"
	"image"
	"testing"

	"github.com/softphone/softphone/core/video"
)

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct{ w, h, bps int }{{640, 480, 1_000_000}, {352, 288, 500_000}} {
		t.Run(fmt.Sprintf("%dx%d", tc.w, tc.h), func(t *testing.T) {
			c := Codec()
			enc, err := c.NewEncoder(video.EncoderConfig{Width: tc.w, Height: tc.h, FPS: 30, Bitrate: tc.bps})
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Close()
			dec, err := c.NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			defer dec.Close()
			src := frames(t, tc.w, tc.h, 30)
			total, worst := 0, 100.0
			for i, img := range src {
				data, key, err := enc.Encode(img, false)
				if err != nil {
					t.Fatalf("encode %d: %v", i, err)
				}
				if i == 0 && !key {
					t.Errorf("first frame is not a key frame")
				}
				total += len(data)
				checkNALs(t, i, data, key)
				pic, err := dec.Decode(data)
				if err != nil || pic == nil {
					t.Fatalf("decode %d: %v, %v", i, pic, err)
				}
				if pic.Rect.Dx() != tc.w || pic.Rect.Dy() != tc.h {
					t.Fatalf("decoded %v, want %dx%d", pic.Rect, tc.w, tc.h)
				}
				p := psnr(img, pic)
				if p < 30 {
					t.Errorf("frame %d: PSNR %.1f dB, want ≥ 30", i, p)
				}
				worst = min(worst, p)
				if s, ok := video.ReadStamp(pic); !ok || s.Frame != uint32(i) {
					t.Errorf("frame %d: stamp %+v %v", i, s, ok)
				}
			}
			t.Logf("%dx%d at %d bit/s: %d bytes a frame on average, worst PSNR %.1f dB",
				tc.w, tc.h, tc.bps, total/len(src), worst)
		})
	}
}

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
	src := frames(t, 640, 480, 40)
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
			deltas = append(deltas, len(data))
		}
	}
	data, key, err := enc.Encode(src[39], true)
	if err != nil {
		t.Fatal(err)
	}
	if !key {
		t.Fatal("keyframe=true did not give a key frame")
	}
	checkNALs(t, 39, data, key)
	if m := mean(deltas); float64(len(data)) < 3*m {
		t.Errorf("key frame %d bytes, deltas %.0f on average: want ≥ 3×", len(data), m)
	}
	t.Logf("key frame %d bytes, deltas %.0f on average", len(data), mean(deltas))
}

func TestSetBitrate(t *testing.T) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 2_000_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	src := frames(t, 640, 480, 120)
	churn(src)
	var high, low []int
	for i, img := range src {
		if i == 60 {
			if err := enc.SetBitrate(200_000); err != nil {
				t.Fatal(err)
			}
		}
		data, _, err := enc.Encode(img, false)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case i >= 30 && i < 60:
			high = append(high, len(data))
		case i >= 90:
			low = append(low, len(data))
		}
	}
	if mean(low) > mean(high)/2 {
		t.Errorf("2 Mbit/s: %.0f bytes a frame, 200 kbit/s: %.0f: want less than half", mean(high), mean(low))
	}
	t.Logf("2 Mbit/s: %.0f bytes a frame, 200 kbit/s: %.0f", mean(high), mean(low))
}

func TestSizeChange(t *testing.T) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 800_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	dec, err := NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	big, small := frames(t, 640, 480, 10), frames(t, 352, 288, 10)
	for i, img := range append(big, small...) {
		data, key, err := enc.Encode(img, false)
		if err != nil {
			t.Fatalf("encode %d: %v", i, err)
		}
		if (i == 0 || i == 10) && !key {
			t.Errorf("frame %d (first of its size) is not a key frame", i)
		}
		pic, err := dec.Decode(data)
		if err != nil || pic == nil {
			t.Fatalf("decode %d: %v", i, err)
		}
		if pic.Rect.Size() != img.Rect.Size() {
			t.Fatalf("frame %d: decoded %v, want %v", i, pic.Rect, img.Rect)
		}
		if s, ok := video.ReadStamp(pic); !ok || s.Frame != uint32(i%10) {
			t.Errorf("frame %d: stamp %+v %v", i, s, ok)
		}
	}
}

func TestParameterSetsAlone(t *testing.T) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 352, Height: 288, FPS: 30, Bitrate: 500_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	data, _, err := enc.Encode(frames(t, 352, 288, 1)[0], true)
	if err != nil {
		t.Fatal(err)
	}
	nals := nalUnits(data)
	dec, err := NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	var ps []byte
	for _, n := range nals[:2] {
		ps = append(append(ps, 0, 0, 0, 1), n...)
	}
	if pic, err := dec.Decode(ps); pic != nil || err != nil {
		t.Fatalf("SPS and PPS alone: %v, %v; want no picture, no error", pic, err)
	}
	if pic, err := dec.Decode(data); pic == nil || err != nil {
		t.Fatalf("the IDR after: %v, %v", pic, err)
	}
}

func TestCorruptInput(t *testing.T) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 352, Height: 288, FPS: 30, Bitrate: 500_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	src := frames(t, 352, 288, 6)
	stream, keys := encodeAll(t, enc, src[:5])
	key, _, err := enc.Encode(src[5], true)
	if err != nil {
		t.Fatal(err)
	}
	if !keys[0] {
		t.Fatal("first frame is not a key frame")
	}
	dec, err := NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()

	// Bad input of every kind: an error wrapping ErrCorrupt or no
	// picture, never a crash.
	bad := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"garbage", []byte("this is not an H.264 frame, not even close to one")},
		{"start code garbage", append([]byte{0, 0, 0, 1, 0x65}, []byte("nonsense slice data that is not CAVLC")...)},
		{"delta first", stream[1]},
		{"truncated key", stream[0][:len(stream[0])/3]},
		{"flipped key", flip(stream[0])},
		{"truncated delta", stream[2][:len(stream[2])/2]},
		{"delta after damage", stream[3]},
	}
	for _, b := range bad {
		pic, err := dec.Decode(b.data)
		if err == nil && pic != nil && b.name != "flipped key" {
			t.Errorf("%s: decoded a %v picture", b.name, pic.Rect)
		}
		if err != nil && !errors.Is(err, video.ErrCorrupt) {
			t.Errorf("%s: %v does not wrap ErrCorrupt", b.name, err)
		}
		t.Logf("%s: picture %v, %v", b.name, pic != nil, err)
	}

	// The next IDR brings the picture back.
	pic, err := dec.Decode(append([]byte(nil), key...))
	if err != nil || pic == nil {
		t.Fatalf("IDR after garbage: %v, %v", pic, err)
	}
	if s, ok := video.ReadStamp(pic); !ok || s.Frame != 5 {
		t.Errorf("after recovery: stamp %+v %v", s, ok)
	}
	if p := psnr(src[5], pic); p < 30 {
		t.Errorf("after recovery: PSNR %.1f dB", p)
	}
}

// flip returns a copy of b with every 7th byte after the parameter sets
// inverted.
func flip(b []byte) []byte {
	c := append([]byte(nil), b...)
	for i := 40; i < len(c); i += 7 {
		c[i] ^= 0xff
	}
	return c
}

func FuzzDecode(f *testing.F) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 160, Height: 120, FPS: 30, Bitrate: 200_000})
	if err != nil {
		f.Fatal(err)
	}
	stream, _ := encodeAll(f, enc, frames(f, 160, 120, 4))
	enc.Close()
	for _, fr := range stream {
		f.Add(fr)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dec, err := NewDecoder()
		if err != nil {
			t.Fatal(err)
		}
		defer dec.Close()
		// A good IDR first, so the input is also tried as a delta.
		if _, err := dec.Decode(stream[0]); err != nil {
			t.Fatal(err)
		}
		pic, err := dec.Decode(data)
		if err != nil && !errors.Is(err, video.ErrCorrupt) {
			t.Fatalf("%v does not wrap ErrCorrupt", err)
		}
		if pic != nil && (pic.Rect.Dx() < 1 || len(pic.Y) < pic.Rect.Dx()*pic.Rect.Dy()) {
			t.Fatalf("bad picture %v", pic.Rect)
		}
	})
}

func BenchmarkEncode640x480(b *testing.B) {
	src := frames(b, 640, 480, 60)
	enc, err := NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 1_000_000})
	if err != nil {
		b.Fatal(err)
	}
	defer enc.Close()
	for _, img := range src { // past the first IDR and buffer growth
		if _, _, err := enc.Encode(img, false); err != nil {
			b.Fatal(err)
		}
	}
	bytes := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		data, _, err := enc.Encode(src[i%len(src)], false)
		if err != nil {
			b.Fatal(err)
		}
		bytes += len(data)
	}
	b.ReportMetric(float64(bytes)/float64(b.N), "B/frame")
}

func BenchmarkDecode640x480(b *testing.B) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 1_000_000})
	if err != nil {
		b.Fatal(err)
	}
	stream, _ := encodeAll(b, enc, frames(b, 640, 480, 60))
	enc.Close()
	dec, err := NewDecoder()
	if err != nil {
		b.Fatal(err)
	}
	defer dec.Close()
	for _, fr := range stream {
		if _, err := dec.Decode(fr); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Frame 0 is an IDR: the loop stays decodable.
		if _, err := dec.Decode(stream[i%len(stream)]); err != nil {
			b.Fatal(err)
		}
	}
}

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
	for i, whole := range frames(t, 642, 482, 5) {
		img := whole.SubImage(image.Rect(1, 1, 642, 482)).(*image.YCbCr) // 641×481 at 1,1
		data, _, err := enc.Encode(img, false)
		if err != nil {
			t.Fatalf("encode %d: %v", i, err)
		}
		pic, err := dec.Decode(data)
		if err != nil || pic == nil {
			t.Fatalf("decode %d: %v", i, err)
		}
		if pic.Rect.Dx() != 640 || pic.Rect.Dy() != 480 {
			t.Fatalf("decoded %v, want the even part 640x480", pic.Rect)
		}
		if p := psnr(img.SubImage(image.Rect(1, 1, 641, 481)).(*image.YCbCr), pic); p < 30 {
			t.Errorf("frame %d: PSNR %.1f dB", i, p)
		}
	}
}

// A slice lost in transit (one RTP packet) spoils the frame and those
// that follow it, until the next IDR.
func TestLostSlice(t *testing.T) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 800_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	src := frames(t, 640, 480, 6)
	stream, _ := encodeAll(t, enc, src[:5])
	idr, _, err := enc.Encode(src[5], true)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		before [][]byte // decoded whole first
		frame  []byte   // loses a slice
		lose   func(nslices int) int
		next   []byte
	}{
		{"IDR, a middle slice", nil, stream[0], func(n int) int { return n / 2 }, stream[1]},
		{"delta, its last slice", stream[:1], stream[1], func(n int) int { return n - 1 }, stream[2]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dec, err := NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			defer dec.Close()
			for _, fr := range tc.before {
				if pic, err := dec.Decode(fr); pic == nil || err != nil {
					t.Fatalf("a whole frame: %v", err)
				}
			}
			var lost, damaged []byte
			var nslices int
			for _, n := range nalUnits(tc.frame) {
				if typ := n[0] & 0x1f; typ == 1 || typ == 5 {
					nslices++
				}
			}
			if nslices < 2 {
				t.Fatalf("the frame has %d slice(s): nothing to lose", nslices)
			}
			lose, k := tc.lose(nslices), 0
			for _, n := range nalUnits(tc.frame) {
				if typ := n[0] & 0x1f; typ == 1 || typ == 5 {
					k++
					if k-1 == lose {
						lost = n
						continue
					}
				}
				damaged = append(append(damaged, 0, 0, 0, 1), n...)
			}
			pic, err := dec.Decode(damaged)
			if pic != nil || !errors.Is(err, video.ErrCorrupt) {
				t.Errorf("without slice %d of %d (%d bytes): %v, %v; want ErrCorrupt", lose, nslices, len(lost), pic, err)
			}
			if pic, err := dec.Decode(tc.next); pic != nil || !errors.Is(err, video.ErrCorrupt) {
				t.Errorf("the next delta: %v, %v; want ErrCorrupt", pic, err)
			}
			if pic, err := dec.Decode(idr); pic == nil || err != nil {
				t.Fatalf("the next IDR: %v", err)
			}
		})
	}
}
