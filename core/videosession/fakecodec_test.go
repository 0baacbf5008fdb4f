package videosession

import (
	"bytes"
	"fmt"
	"image"
	"sync/atomic"

	"github.com/softphone/softphone/core/video"
)

// extraCodecs are further codecs the session tests run with: a file of
// the integrator's (say realcodecs_test.go, no build tag) appends the real
// VP8 and H.264 codecs in an init function, and every loopback test runs
// with them as well as with the fakes.
var extraCodecs []video.Codec

// testCodecs are the codecs the loopback tests run with.
func testCodecs() []video.Codec {
	return append([]video.Codec{fakeCodec("VP8"), fakeCodec("H264")}, extraCodecs...)
}

// fakeCodec is a stand-in for a real codec that produces the real
// payload format's framing: a "VP8" frame carries the VP8 frame tag's key
// bit; an "H264" frame is Annex-B with SPS, PPS and an IDR slice for a key
// frame, a non-IDR slice otherwise. The picture is the Y plane at half
// size (so the test pattern's stamp survives); a delta frame decodes only
// right after the frame before it, else ErrCorrupt, as a real decoder that
// lost its reference.
func fakeCodec(name string) video.Codec {
	return video.Codec{
		Name: name,
		NewEncoder: func(c video.EncoderConfig) (video.Encoder, error) {
			if c.Width <= 0 || c.Height <= 0 || c.Width%2 != 0 || c.Height%2 != 0 {
				return nil, fmt.Errorf("fake: bad size %dx%d", c.Width, c.Height)
			}
			return &fakeEncoder{h264: name == "H264", w: c.Width, h: c.Height}, nil
		},
		NewDecoder: func() (video.Decoder, error) { return &fakeDecoder{h264: name == "H264"}, nil },
	}
}

type fakeEncoder struct {
	h264 bool
	w, h int
	n    uint32
	out  []byte
}

// putVarint7 writes v in 7-bit groups with the top bit set: never a zero
// byte, so no start code appears inside an H.264 NAL unit.
func putVarint7(b []byte, v uint32, groups int) []byte {
	for i := groups - 1; i >= 0; i-- {
		b = append(b, 0x80|byte(v>>(7*i))&0x7f)
	}
	return b
}

func getVarint7(b []byte, groups int) (uint32, []byte, bool) {
	if len(b) < groups {
		return 0, nil, false
	}
	var v uint32
	for i := 0; i < groups; i++ {
		v = v<<7 | uint32(b[i]&0x7f)
	}
	return v, b[groups:], true
}

func (e *fakeEncoder) Encode(img *image.YCbCr, key bool) ([]byte, bool, error) {
	if img.Rect.Dx() != e.w || img.Rect.Dy() != e.h {
		return nil, false, fmt.Errorf("fake: frame %v, encoder %dx%d", img.Rect.Size(), e.w, e.h)
	}
	key = key || e.n == 0
	b := e.out[:0]
	switch {
	case e.h264 && key:
		b = append(b, 0, 0, 0, 1, 0x67, 0x42, 0x01, 0, 0, 0, 1, 0x68, 0xce, 0, 0, 0, 1, 0x65)
	case e.h264:
		b = append(b, 0, 0, 0, 1, 0x41)
	case key:
		b = append(b, 0x10)
	default:
		b = append(b, 0x11)
	}
	b = putVarint7(b, e.n, 5)
	b = putVarint7(b, uint32(e.w), 2)
	b = putVarint7(b, uint32(e.h), 2)
	for y := 0; y < e.h; y += 2 {
		row := img.Y[img.YOffset(img.Rect.Min.X, img.Rect.Min.Y+y):]
		for x := 0; x < e.w; x += 2 {
			b = append(b, max(row[x], 1))
		}
	}
	e.n++
	e.out = b
	return b, key, nil
}

func (e *fakeEncoder) SetBitrate(int) error { return nil }
func (e *fakeEncoder) Close() error         { return nil }

type fakeDecoder struct {
	h264  bool
	last  uint32
	valid bool // last is a frame we decoded, a reference
	img   *image.YCbCr
}

func (d *fakeDecoder) Decode(data []byte) (*image.YCbCr, error) {
	var key bool
	var body []byte
	if d.h264 {
		for _, nal := range bytes.Split(data, []byte{0, 0, 1}) {
			nal = bytes.TrimRight(nal, "\x00")
			if len(nal) == 0 {
				continue
			}
			switch nal[0] & 0x1f {
			case 5:
				key, body = true, nal[1:]
			case 1:
				body = nal[1:]
			}
		}
	} else if len(data) > 0 {
		key, body = data[0]&1 == 0, data[1:]
	}
	n, rest, ok1 := getVarint7(body, 5)
	w, rest, ok2 := getVarint7(rest, 2)
	h, rest, ok3 := getVarint7(rest, 2)
	if !ok1 || !ok2 || !ok3 || w == 0 || h == 0 || len(rest) != int(w/2*(h/2)) {
		d.valid = false
		return nil, fmt.Errorf("fake: damaged frame: %w", video.ErrCorrupt)
	}
	if !key && (!d.valid || n != d.last+1) {
		d.valid = false
		return nil, fmt.Errorf("fake: frame %d after %d: %w", n, d.last, video.ErrCorrupt)
	}
	d.last, d.valid = n, true
	if d.img == nil || d.img.Rect.Dx() != int(w) || d.img.Rect.Dy() != int(h) {
		d.img = image.NewYCbCr(image.Rect(0, 0, int(w), int(h)), image.YCbCrSubsampleRatio420)
		for i := range d.img.Cb {
			d.img.Cb[i], d.img.Cr[i] = 128, 128
		}
	}
	for y := 0; y < int(h); y++ {
		for x := 0; x < int(w); x++ {
			d.img.Y[y*d.img.YStride+x] = rest[(y/2)*int(w/2)+x/2]
		}
	}
	return d.img, nil
}

func (d *fakeDecoder) Close() error { return nil }

// codecObs counts what the session asked of a codec.
type codecObs struct {
	encoders  atomic.Int32 // encoders opened
	forced    atomic.Int32 // Encode calls that asked for a key frame
	keys      atomic.Int32 // key frames out
	bitrate   atomic.Int64 // the last SetBitrate (or the opening bit rate)
	lastW     atomic.Int32
	lastH     atomic.Int32
	decErrors atomic.Int32
}

// observe wraps c so a test sees what the session does with it.
func observe(c video.Codec) (video.Codec, *codecObs) {
	o := &codecObs{}
	newEnc, newDec := c.NewEncoder, c.NewDecoder
	c.NewEncoder = func(cfg video.EncoderConfig) (video.Encoder, error) {
		e, err := newEnc(cfg)
		if err != nil {
			return nil, err
		}
		o.encoders.Add(1)
		o.bitrate.Store(int64(cfg.Bitrate))
		o.lastW.Store(int32(cfg.Width))
		o.lastH.Store(int32(cfg.Height))
		return &obsEncoder{Encoder: e, o: o}, nil
	}
	c.NewDecoder = func() (video.Decoder, error) {
		d, err := newDec()
		if err != nil {
			return nil, err
		}
		return &obsDecoder{Decoder: d, o: o}, nil
	}
	return c, o
}

type obsEncoder struct {
	video.Encoder
	o *codecObs
}

func (e *obsEncoder) Encode(img *image.YCbCr, key bool) ([]byte, bool, error) {
	if key {
		e.o.forced.Add(1)
	}
	data, k, err := e.Encoder.Encode(img, key)
	if k {
		e.o.keys.Add(1)
	}
	return data, k, err
}

func (e *obsEncoder) SetBitrate(bps int) error {
	e.o.bitrate.Store(int64(bps))
	return e.Encoder.SetBitrate(bps)
}

type obsDecoder struct {
	video.Decoder
	o *codecObs
}

func (d *obsDecoder) Decode(data []byte) (*image.YCbCr, error) {
	img, err := d.Decoder.Decode(data)
	if err != nil {
		d.o.decErrors.Add(1)
	}
	return img, err
}
