package opus

import (
	"fmt"

	"github.com/hraban/opus"
)

// Decoder expands Opus packets to 48 kHz mono and conceals lost ones,
// from the next packet's FEC data when it is there. Not safe for
// concurrent use.
type Decoder struct {
	dec *opus.Decoder
}

// Decode expands one packet into pcm, which must hold the packet's
// duration (up to 120 ms), and returns the samples written.
func (d *Decoder) Decode(payload []byte, pcm []int16) (int, error) {
	// The binding reads the capacity as the room it has; cap it at len so
	// the decoder never writes past what the caller sees.
	n, err := d.dec.Decode(payload, pcm[:len(pcm):len(pcm)])
	if err != nil {
		return 0, fmt.Errorf("opus: decode %d bytes: %w", len(payload), err)
	}
	return n, nil
}

// Conceal makes up len(pcm) samples, a multiple of 2.5 ms, for a lost
// packet. With next, the packet after the lost one, it recovers the lost
// audio from next's in-band FEC (libopus falls back to its own PLC when
// next carries none); next must then still be decoded normally.
func (d *Decoder) Conceal(next []byte, pcm []int16) (int, error) {
	// libopus makes exactly as many samples as the buffer's capacity.
	pcm = pcm[:len(pcm):len(pcm)]
	if len(next) > 0 {
		if err := d.dec.DecodeFEC(next, pcm); err != nil {
			return 0, fmt.Errorf("opus: FEC of %d bytes into %d samples: %w", len(next), len(pcm), err)
		}
		return len(pcm), nil
	}
	if err := d.dec.DecodePLC(pcm); err != nil {
		return 0, fmt.Errorf("opus: PLC of %d samples: %w", len(pcm), err)
	}
	return len(pcm), nil
}
