package videosession

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/pion/rtp/codecs"
)

// packetize runs pk over frame and returns the payloads.
func packetize(t *testing.T, pk packetizer, frame []byte) [][]byte {
	t.Helper()
	var out [][]byte
	pk.begin(frame)
	for i := 0; ; i++ {
		buf := make([]byte, maxPayload)
		n, last := pk.next(buf)
		if n == 0 {
			break
		}
		if n > maxPayload {
			t.Fatalf("payload of %d bytes", n)
		}
		out = append(out, buf[:n])
		if last {
			break
		}
		if i > 10000 {
			t.Fatal("no last packet")
		}
	}
	return out
}

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.IntN(255) + 1) // no zero: no start code inside
	}
	return b
}

func TestVP8PayloadRoundTripAndPion(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pk, dp := &vp8Packetizer{pid: 0x7ffe}, vp8Depacketizer{}
	for _, size := range []int{1, 100, maxPayload - vp8DescLen, maxPayload - vp8DescLen + 1, 5000} {
		frame := randomBytes(r, size)
		wantPID := pk.pid
		pays := packetize(t, pk, frame)
		var got, pionGot []byte
		for i, p := range pays {
			var err error
			if got, err = dp.appendPayload(got, p); err != nil {
				t.Fatal(err)
			}
			if dp.mayStart(p) != (i == 0) {
				t.Errorf("size %d packet %d: mayStart %v", size, i, !(i == 0))
			}
			var vp codecs.VP8Packet
			d, err := vp.Unmarshal(p)
			if err != nil {
				t.Fatal(err)
			}
			if vp.PictureID != wantPID || (vp.S == 1) != (i == 0) {
				t.Errorf("pion reads picture ID %d S %d, want %d", vp.PictureID, vp.S, wantPID)
			}
			pionGot = append(pionGot, d...)
		}
		if !bytes.Equal(got, frame) || !bytes.Equal(pionGot, frame) {
			t.Errorf("size %d: frame not rebuilt", size)
		}
	}
	if pk.pid != 3 {
		t.Errorf("picture ID %d after 5 frames from 0x7ffe, want 3 (15 bits wrap)", pk.pid)
	}
	// A frame pion cut up, with its 7-bit picture ID: rebuilt by ours.
	pp := &codecs.VP8Payloader{EnablePictureID: true}
	frame := randomBytes(r, 3000)
	var got []byte
	for _, p := range pp.Payload(maxPayload, frame) {
		var err error
		if got, err = dp.appendPayload(got, p); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, frame) {
		t.Error("pion's VP8 payloads not rebuilt")
	}
	if !dp.isKey([]byte{0x10}) || dp.isKey([]byte{0x11}) {
		t.Error("VP8 key bit misread")
	}
}

// annexB joins NAL units with 4-byte start codes.
func annexB(nals ...[]byte) []byte {
	var b []byte
	for _, n := range nals {
		b = append(append(b, 0, 0, 0, 1), n...)
	}
	return b
}

func TestH264PayloadRoundTripAndPion(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	nal := func(header byte, n int) []byte { return append([]byte{header}, randomBytes(r, n)...) }
	sps, pps := nal(0x67, 10), nal(0x68, 4)
	idr, slice := nal(0x65, 4000), nal(0x41, 700)
	aud := []byte{0x09, 0xf0}
	exact := nal(0x41, maxPayload-1)
	pk, dp := &h264Packetizer{}, h264Depacketizer{}
	for _, tc := range []struct {
		name  string
		in    []byte
		out   []byte
		key   bool
		count int
	}{
		{"key", annexB(aud, sps, pps, idr), annexB(sps, pps, idr), true, 2 + 4},
		{"delta", annexB(slice), annexB(slice), false, 1},
		{"3-byte start codes", append([]byte{0, 0, 1}, append(slice, 0, 0, 1, 0x41, 7)...), annexB(slice, []byte{0x41, 7}), false, 2},
		{"exact fit", annexB(exact), annexB(exact), false, 1},
		{"one over", append(annexB(exact), 7), nil, false, 2},
	} {
		if tc.out == nil {
			tc.out = tc.in
		}
		pays := packetize(t, pk, tc.in)
		if len(pays) != tc.count {
			t.Errorf("%s: %d packets, want %d", tc.name, len(pays), tc.count)
		}
		var got, pionGot []byte
		var hp codecs.H264Packet
		for i, p := range pays {
			var err error
			if got, err = dp.appendPayload(got, p); err != nil {
				t.Fatal(err)
			}
			if i == 0 && !dp.mayStart(p) {
				t.Errorf("%s: first packet cannot start a frame", tc.name)
			}
			d, err := hp.Unmarshal(p)
			if err != nil {
				t.Fatal(err)
			}
			pionGot = append(pionGot, d...)
		}
		if !bytes.Equal(got, tc.out) {
			t.Errorf("%s: rebuilt frame differs", tc.name)
		}
		if !bytes.Equal(pionGot, tc.out) {
			t.Errorf("%s: pion rebuilds a different frame", tc.name)
		}
		if dp.isKey(got) != tc.key {
			t.Errorf("%s: isKey %v", tc.name, !tc.key)
		}
	}
	// pion's payloads (STAP-A for SPS/PPS, FU-A) rebuilt by ours.
	pp := &codecs.H264Payloader{}
	var got []byte
	for _, p := range pp.Payload(maxPayload, annexB(sps, pps, idr)) {
		var err error
		if got, err = dp.appendPayload(got, p); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, annexB(sps, pps, idr)) {
		t.Error("pion's H.264 payloads not rebuilt")
	}
	if _, err := dp.appendPayload(nil, []byte{25}); err == nil {
		t.Error("STAP-B accepted")
	}
	if dp.mayStart([]byte{0x7c, 0x05}) {
		t.Error("an FU-A continuation may start a frame")
	}
}

func TestParseRTP(t *testing.T) {
	p := []byte{0xb1, 0xe0, 0x12, 0x34, 0, 0, 0, 9, 0, 0, 0, 7, // V=2 P X CC=1, M, PT 96
		1, 2, 3, 4, // CSRC
		0xbe, 0xde, 0, 1, 5, 6, 7, 8, // one-word extension
		0xaa, 0xbb, 0, 0, 2} // payload, two bytes of padding
	h, ok := parseRTP(p)
	if !ok || h.pt != 96 || !h.marker || h.seq != 0x1234 || h.ts != 9 || h.ssrc != 7 ||
		!bytes.Equal(p[h.off:h.end], []byte{0xaa, 0xbb, 0}) {
		t.Errorf("parsed %+v ok %v: payload %x", h, ok, p[h.off:h.end])
	}
	for _, bad := range [][]byte{p[:11], append([]byte{0x40}, p[1:]...), p[:14]} {
		if _, ok := parseRTP(bad); ok {
			t.Errorf("accepted %x", bad)
		}
	}
}

func TestUnknownCodecRefused(t *testing.T) {
	c := fakeCodec("VP8")
	c.Name = "AV1"
	if _, err := New(nopTransport{}, Config{Codec: c}); !errors.Is(err, ErrCodec) {
		t.Errorf("New with AV1: %v, want ErrCodec", err)
	}
}
