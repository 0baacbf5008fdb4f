package h264

import (
	"errors"
	"testing"

	"github.com/softphone/softphone/core/video/internal/codectest"

	"github.com/softphone/softphone/core/video"
)

func TestParameterSetsAlone(t *testing.T) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 352, Height: 288, FPS: 30, Bitrate: 500_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	data, _, err := enc.Encode(codectest.Frames(t, 352, 288, 1)[0], true)
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
	if s, ok := video.ReadStamp(pic); !ok || s.Frame != uint32(at) {
		t.Errorf("after recovery: stamp %+v %v, want frame %d", s, ok, at)
	}
	if p := codectest.PSNR(src[at], pic); p < 30 {
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

// A slice lost in transit (one RTP packet) spoils the frame and those
// that follow it, until the next IDR.
func TestLostSlice(t *testing.T) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 800_000})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	src := codectest.Frames(t, 640, 480, 20)
	stream, _ := codectest.EncodeAll(t, enc, src[:10])
	if len(stream) < 3 {
		t.Fatalf("%d frames out of 10", len(stream))
	}
	idr, _ := codectest.KeyFrame(t, enc, src[10:])
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
