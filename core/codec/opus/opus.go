// Package opus wraps libopus (through github.com/hraban/opus) as a
// codec.Codec: 48 kHz mono PCM, in-band FEC to recover lost packets.
package opus

import (
	"fmt"

	"github.com/hraban/opus"

	"github.com/softphone/softphone/core/codec"
)

// SampleRate is the PCM rate we run libopus at; RTP always counts 48 kHz.
const SampleRate = 48000

// Defaults for zero Options fields.
const (
	DefaultBitrate        = 32000
	DefaultComplexity     = 5
	DefaultPacketLossPerc = 10
	DefaultPayloadType    = 111 // dynamic; what we offer
)

// Codec is Opus.
type Codec struct{}

// New returns the Opus codec.
func New() Codec { return Codec{} }

// DefaultOptions are the options the phone uses: in-band FEC on, tuned
// for 10% loss. codec.Options' zero value cannot say "FEC on", so callers
// wanting the defaults start from this.
func DefaultOptions() codec.Options {
	return codec.Options{
		Bitrate:        DefaultBitrate,
		FEC:            true,
		PacketLossPerc: DefaultPacketLossPerc,
		Complexity:     DefaultComplexity,
	}
}

// Info describes Opus as SDP names it: opus/48000/2 (RFC 7587 always says
// two channels; we send mono).
func (Codec) Info() codec.Info {
	return codec.Info{
		Name:        "opus",
		ClockRate:   SampleRate,
		SampleRate:  SampleRate,
		Channels:    2,
		PayloadType: DefaultPayloadType,
		Fmtp:        "minptime=10;useinbandfec=1",
	}
}

// NewEncoder returns a VoIP-tuned mono encoder. Zero fields of o take the
// defaults above; FEC and DTX are off unless set.
func (Codec) NewEncoder(o codec.Options) (codec.Encoder, error) {
	e, err := opus.NewEncoder(SampleRate, 1, opus.AppVoIP)
	if err != nil {
		return nil, fmt.Errorf("opus: new encoder: %w", err)
	}
	bitrate := orDefault(o.Bitrate, DefaultBitrate)
	complexity := orDefault(o.Complexity, DefaultComplexity)
	if complexity < 0 || complexity > 10 {
		return nil, fmt.Errorf("opus: complexity %d outside 0..10", complexity)
	}
	if err := e.SetBitrate(bitrate); err != nil {
		return nil, fmt.Errorf("opus: bitrate %d: %w", bitrate, err)
	}
	if err := e.SetComplexity(complexity); err != nil {
		return nil, fmt.Errorf("opus: complexity %d: %w", complexity, err)
	}
	if err := e.SetInBandFEC(o.FEC); err != nil {
		return nil, fmt.Errorf("opus: in-band FEC: %w", err)
	}
	if o.FEC {
		// FEC is only spent when the encoder expects loss.
		loss := orDefault(o.PacketLossPerc, DefaultPacketLossPerc)
		if err := e.SetPacketLossPerc(loss); err != nil {
			return nil, fmt.Errorf("opus: packet loss %d%%: %w", loss, err)
		}
	}
	if err := e.SetDTX(o.DTX); err != nil {
		return nil, fmt.Errorf("opus: DTX: %w", err)
	}
	return &Encoder{enc: e}, nil
}

// NewDecoder returns a mono decoder.
func (Codec) NewDecoder() (codec.Decoder, error) {
	d, err := opus.NewDecoder(SampleRate, 1)
	if err != nil {
		return nil, fmt.Errorf("opus: new decoder: %w", err)
	}
	return &Decoder{dec: d}, nil
}

// orDefault returns v, or def when v is zero.
func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
