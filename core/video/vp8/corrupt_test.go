package vp8

import (
	"errors"
	"testing"

	"github.com/softphone/softphone/core/video/internal/codectest"

	"github.com/softphone/softphone/core/video"
)

func TestCorruptInput(t *testing.T) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 352, Height: 288, FPS: 30, Bitrate: 500_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	src := codectest.Frames(t, 352, 288, 20)
	stream, keys := codectest.EncodeAll(t, enc, src[:10])
	key, at := codectest.KeyFrame(t, enc, src[10:])
	at += 10
	if len(stream) < 4 || !keys[0] {
		t.Fatalf("%d frames out, the first key %v", len(stream), len(keys) > 0 && keys[0])
	}
	dec, err := NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()

	// Bad input of every kind: an error wrapping ErrCorrupt (or no
	// picture), never a crash.
	bad := map[string][]byte{
		"empty":           nil,
		"garbage":         []byte("this is not a VP8 frame, not even close to one"),
		"delta first":     stream[1],
		"truncated key":   stream[0][:len(stream[0])/3],
		"three bytes":     stream[0][:3],
		"flipped key":     flip(stream[0]),
		"truncated delta": stream[2][:len(stream[2])/2],
		"huge key":        huge(stream[0]),
	}
	for _, name := range []string{"empty", "garbage", "delta first", "truncated key", "three bytes", "flipped key", "truncated delta", "huge key"} {
		pic, err := dec.Decode(bad[name])
		if err == nil && pic != nil && name != "flipped key" && name != "truncated delta" {
			t.Errorf("%s: decoded a %v picture", name, pic.Rect)
		}
		if err != nil && !errors.Is(err, video.ErrCorrupt) {
			t.Errorf("%s: %v does not wrap ErrCorrupt", name, err)
		}
		t.Logf("%s: picture %v, %v", name, pic != nil, err)
	}

	// The next key frame brings the picture back.
	pic, err := dec.Decode(append([]byte(nil), key...))
	if err != nil || pic == nil {
		t.Fatalf("key frame after garbage: %v", err)
	}
	if s, ok := video.ReadStamp(pic); !ok || s.Frame != uint32(at) {
		t.Errorf("after recovery: stamp %+v %v, want frame %d", s, ok, at)
	}
	if p := codectest.PSNR(src[at], pic); p < 30 {
		t.Errorf("after recovery: PSNR %.1f dB", p)
	}
}

// huge returns a copy of key frame b that says it is 16000×16000.
func huge(b []byte) []byte {
	c := append([]byte(nil), b...)
	c[6], c[7], c[8], c[9] = 16000&0xff, 16000>>8, 16000&0xff, 16000>>8
	return c
}

// flip returns a copy of b with every 7th byte after the header inverted.
func flip(b []byte) []byte {
	c := append([]byte(nil), b...)
	for i := 10; i < len(c); i += 7 {
		c[i] ^= 0xff
	}
	return c
}

func FuzzDecode(f *testing.F) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 160, Height: 120, FPS: 30, Bitrate: 200_000})
	if err != nil {
		f.Fatal(err)
	}
	stream, _ := codectest.EncodeAll(f, enc, codectest.Frames(f, 160, 120, 4))
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
		// A good key frame first, so the input is also tried as a delta.
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
