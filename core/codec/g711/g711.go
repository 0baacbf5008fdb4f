// Package g711 implements ITU-T G.711 PCMU (μ-law) and PCMA (A-law) at
// 8000 Hz, with packet loss concealment after G.711 Appendix I.
package g711

import (
	"fmt"
	"io"

	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/plc"
)

// SampleRate is G.711's only rate.
const SampleRate = 8000

// Codec is PCMU or PCMA.
type Codec struct {
	info codec.Info
	enc  *[1 << 14]byte // code by the top 14 bits of a sample
	dec  *[256]int16
}

// PCMU is μ-law, static payload type 0.
func PCMU() Codec {
	return Codec{
		info: codec.Info{Name: "PCMU", ClockRate: SampleRate, SampleRate: SampleRate, Channels: 1, PayloadType: 0},
		enc:  ulawEncTable,
		dec:  ulawDecTable,
	}
}

// PCMA is A-law, static payload type 8.
func PCMA() Codec {
	return Codec{
		info: codec.Info{Name: "PCMA", ClockRate: SampleRate, SampleRate: SampleRate, Channels: 1, PayloadType: 8},
		enc:  alawEncTable,
		dec:  alawDecTable,
	}
}

// Info describes the codec for SDP and RTP.
func (c Codec) Info() codec.Info { return c.info }

// NewEncoder returns an encoder; G.711 has no options.
func (c Codec) NewEncoder(codec.Options) (codec.Encoder, error) {
	if c.enc == nil {
		return nil, fmt.Errorf("g711: zero Codec, use PCMU or PCMA")
	}
	return &Encoder{table: c.enc}, nil
}

// NewDecoder returns a decoder with packet loss concealment.
func (c Codec) NewDecoder() (codec.Decoder, error) {
	if c.dec == nil {
		return nil, fmt.Errorf("g711: zero Codec, use PCMU or PCMA")
	}
	p, err := plc.New(SampleRate)
	if err != nil {
		return nil, fmt.Errorf("g711: %w", err)
	}
	return &Decoder{table: c.dec, plc: p}, nil
}

// Encoder compresses 16-bit PCM, one byte per sample.
type Encoder struct {
	table *[1 << 14]byte
}

// Encode writes one code per sample of pcm to out.
func (e *Encoder) Encode(pcm []int16, out []byte) (int, error) {
	if len(out) < len(pcm) {
		return 0, fmt.Errorf("g711: %d samples need %d bytes, have %d: %w", len(pcm), len(pcm), len(out), io.ErrShortBuffer)
	}
	out = out[:len(pcm)]
	for i, x := range pcm {
		out[i] = e.table[uint16(x)>>2]
	}
	return len(pcm), nil
}

// Decoder expands codes to 16-bit PCM and conceals lost packets.
type Decoder struct {
	table *[256]int16
	plc   *plc.Concealer
}

// Decode writes one sample per byte of payload to pcm.
func (d *Decoder) Decode(payload []byte, pcm []int16) (int, error) {
	if len(pcm) < len(payload) {
		return 0, fmt.Errorf("g711: %d bytes need %d samples, have %d: %w", len(payload), len(payload), len(pcm), io.ErrShortBuffer)
	}
	pcm = pcm[:len(payload)]
	for i, c := range payload {
		pcm[i] = d.table[c]
	}
	d.plc.Good(pcm)
	return len(pcm), nil
}

// Conceal fills pcm from the decoded history; next is not used, G.711
// carries no redundancy.
func (d *Decoder) Conceal(_ []byte, pcm []int16) (int, error) {
	d.plc.Conceal(pcm)
	return len(pcm), nil
}
