package codectest

import (
	"fmt"
	"testing"

	"github.com/softphone/softphone/core/video"
)

// The checks every video codec passes, each given the codec.

// RoundTrip encodes 30 test frames at 640x480 and 352x288 and decodes
// them: the first is a key frame, few are dropped, every picture has its
// size, a luma PSNR of at least 30 dB and its stamp; check, if not nil,
// looks at each frame's bitstream too.
func RoundTrip(t *testing.T, c video.Codec, check func(t *testing.T, i int, data []byte, key bool)) {
	for _, tc := range []struct{ w, h, bps int }{{640, 480, 1_000_000}, {352, 288, 500_000}} {
		t.Run(fmt.Sprintf("%dx%d", tc.w, tc.h), func(t *testing.T) {
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
			src := Frames(t, tc.w, tc.h, 30)
			total, worst, dropped := 0, 100.0, 0
			for i, img := range src {
				data, key, err := enc.Encode(img, false)
				if err != nil {
					t.Fatalf("encode %d: %v", i, err)
				}
				if i == 0 && !key {
					t.Errorf("first frame is not a key frame")
				}
				if check != nil && len(data) > 0 {
					check(t, i, data, key)
				}
				total += len(data)
				if len(data) == 0 {
					dropped++
					continue
				}
				pic, err := dec.Decode(data)
				if err != nil || pic == nil {
					t.Fatalf("decode %d: %v, %v", i, pic, err)
				}
				if pic.Rect.Dx() != tc.w || pic.Rect.Dy() != tc.h {
					t.Fatalf("decoded %v, want %dx%d", pic.Rect, tc.w, tc.h)
				}
				p := PSNR(img, pic)
				if p < 30 {
					t.Errorf("frame %d: PSNR %.1f dB, want ≥ 30", i, p)
				}
				worst = min(worst, p)
				if s, ok := video.ReadStamp(pic); !ok || s.Frame != uint32(i) {
					t.Errorf("frame %d: stamp %+v %v", i, s, ok)
				}
			}
			if dropped > len(src)/4 {
				t.Errorf("%d frames of %d dropped", dropped, len(src))
			}
			t.Logf("%dx%d at %d bit/s: %d bytes a frame on average, %d dropped, worst PSNR %.1f dB",
				tc.w, tc.h, tc.bps, total/len(src), dropped, worst)
		})
	}
}

// SetBitrate: a lower target gives smaller frames.
func SetBitrate(t *testing.T, c video.Codec) {
	enc, err := c.NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 2_000_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	src := Frames(t, 640, 480, 120)
	Churn(src)
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
	if Mean(low) > Mean(high)/2 {
		t.Errorf("2 Mbit/s: %.0f bytes a frame, 200 kbit/s: %.0f: want less than half", Mean(high), Mean(low))
	}
	t.Logf("2 Mbit/s: %.0f bytes a frame, 200 kbit/s: %.0f", Mean(high), Mean(low))
}

// SizeChange: frames of a new size start with a key frame and decode at
// their size.
func SizeChange(t *testing.T, c video.Codec) {
	enc, err := c.NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 800_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	dec, err := c.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	big, small := Frames(t, 640, 480, 10), Frames(t, 352, 288, 10)
	for i, img := range append(big, small...) {
		data, key, err := enc.Encode(img, false)
		if err != nil {
			t.Fatalf("encode %d: %v", i, err)
		}
		if (i == 0 || i == 10) && !key {
			t.Errorf("frame %d (first of its size) is not a key frame", i)
		}
		if len(data) == 0 {
			continue // dropped by the rate control
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

// BenchEncode640x480 measures encoding 640x480 frames at 1 Mbit/s.
func BenchEncode640x480(b *testing.B, c video.Codec) {
	src := Frames(b, 640, 480, 60)
	enc, err := c.NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 1_000_000})
	if err != nil {
		b.Fatal(err)
	}
	defer enc.Close()
	for _, img := range src { // past the first key frame and buffer growth
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

// BenchDecode640x480 measures decoding them (the stream starts with a
// key frame, so the loop stays decodable).
func BenchDecode640x480(b *testing.B, c video.Codec) {
	enc, err := c.NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 1_000_000})
	if err != nil {
		b.Fatal(err)
	}
	stream, _ := EncodeAll(b, enc, Frames(b, 640, 480, 60))
	enc.Close()
	dec, err := c.NewDecoder()
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
		if _, err := dec.Decode(stream[i%len(stream)]); err != nil {
			b.Fatal(err)
		}
	}
}
