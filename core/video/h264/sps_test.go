package h264

import (
	"errors"
	"testing"

	"github.com/softphone/softphone/core/video"
)

// bitWriter writes an RBSP bit by bit, for hand-made parameter sets.
type bitWriter struct {
	b []byte
	n int
}

func (w *bitWriter) bits(v, k int) {
	for i := k - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.b = append(w.b, 0)
		}
		if v>>i&1 != 0 {
			w.b[len(w.b)-1] |= 0x80 >> (w.n % 8)
		}
		w.n++
	}
}

// ue writes v in unsigned Exp-Golomb code.
func (w *bitWriter) ue(v int) {
	k := 0
	for x := v + 1; x > 1; x >>= 1 {
		k++
	}
	w.bits(0, k)
	w.bits(v+1, k+1)
}

// spsFor is a baseline SPS (with its start code) for a picture of mbs×mbs
// macroblocks.
func spsFor(mbs int) []byte {
	w := bitWriter{b: []byte{0, 0, 0, 1}, n: 32}
	w.bits(0x67, 8)      // NAL header: SPS
	w.bits(0x42c01f, 24) // constrained baseline, level 3.1
	w.ue(0)              // seq_parameter_set_id
	w.ue(0)              // log2_max_frame_num_minus4
	w.ue(2)              // pic_order_cnt_type
	w.ue(1)              // max_num_ref_frames
	w.bits(0, 1)         // gaps_in_frame_num_value_allowed_flag
	w.ue(mbs - 1)        // pic_width_in_mbs_minus1
	w.ue(mbs - 1)        // pic_height_in_map_units_minus1
	w.bits(0b11, 2)      // frame_mbs_only_flag, direct_8x8_inference_flag
	w.bits(0b001, 3)     // no cropping, no VUI, stop bit
	return w.b
}

// A hostile or damaged SPS must not make the decoder allocate pictures of
// up to 16384×16384: openh264 itself refuses sizes past its largest level
// (36864 macroblocks, e.g. 4096×2304), which this test pins.
func TestHugeSPSRefused(t *testing.T) {
	for _, tc := range []struct {
		mbs int
		ok  bool
	}{{22, true}, {128, true}, {256, false}, {1023, false}} {
		dec, err := NewDecoder()
		if err != nil {
			t.Fatal(err)
		}
		pic, err := dec.Decode(spsFor(tc.mbs))
		dec.Close()
		switch {
		case pic != nil:
			t.Errorf("%d MBs a side: a picture from an SPS alone", tc.mbs)
		case tc.ok && err != nil:
			t.Errorf("%d MBs a side: %v", tc.mbs, err)
		case !tc.ok && !errors.Is(err, video.ErrCorrupt):
			t.Errorf("%d MBs a side: %v, want ErrCorrupt", tc.mbs, err)
		}
	}
}
