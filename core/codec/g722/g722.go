// Package g722 implements ITU-T G.722 at 64 kbit/s (mode 1): 16 kHz audio
// split by a QMF into two sub-bands, coded by ADPCM with 6 bits (lower)
// and 2 bits (higher) per 8 kHz sample, one byte per two input samples.
package g722

import (
	"fmt"
	"io"

	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/plc"
)

// SampleRate is the PCM rate; RTP still counts 8000 Hz (RFC 3551 4.5.2).
const SampleRate = 16000

// Codec is G.722.
type Codec struct{}

// New returns the G.722 codec.
func New() Codec { return Codec{} }

// Info describes G.722 for SDP and RTP: static payload type 9.
func (Codec) Info() codec.Info {
	return codec.Info{Name: "G722", ClockRate: 8000, SampleRate: SampleRate, Channels: 1, PayloadType: 9}
}

// NewEncoder returns an encoder; G.722 mode 1 has no options.
func (Codec) NewEncoder(codec.Options) (codec.Encoder, error) {
	return &Encoder{lo: newBand(lowDet0), hi: newBand(highDet0)}, nil
}

// NewDecoder returns a decoder with packet loss concealment.
func (Codec) NewDecoder() (codec.Decoder, error) {
	p, err := plc.New(SampleRate)
	if err != nil {
		return nil, fmt.Errorf("g722: %w", err)
	}
	return &Decoder{lo: newBand(lowDet0), hi: newBand(highDet0), plc: p}, nil
}

// Encoder compresses 16 kHz PCM to G.722. Not safe for concurrent use.
type Encoder struct {
	qmf    analysis
	lo, hi band
}

// Encode codes pcm (an even number of samples) into len(pcm)/2 bytes.
func (e *Encoder) Encode(pcm []int16, out []byte) (int, error) {
	n := len(pcm) / 2
	if len(pcm)%2 != 0 {
		return 0, fmt.Errorf("g722: odd frame of %d samples", len(pcm))
	}
	if len(out) < n {
		return 0, fmt.Errorf("g722: %d samples need %d bytes, have %d: %w", len(pcm), n, len(out), io.ErrShortBuffer)
	}
	for i := range n {
		xl, xh := e.qmf.split(pcm[2*i], pcm[2*i+1])
		out[i] = encodePair(&e.lo, &e.hi, xl, xh)
	}
	return n, nil
}

// encodePair quantizes one pair of sub-band samples and adapts the bands.
func encodePair(lo, hi *band, xl, xh int32) byte {
	il := lo.quantLow(sat16(xl - lo.s))
	ih := hi.quantHigh(sat16(xh - hi.s))
	lo.updateLow(il)
	hi.updateHigh(ih)
	return byte(ih<<6 | il)
}
