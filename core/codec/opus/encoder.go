package opus

import (
	"fmt"

	"github.com/hraban/opus"
)

// Encoder compresses 48 kHz mono frames of 2.5 to 60 ms. Not safe for
// concurrent use.
type Encoder struct {
	enc *opus.Encoder
}

// Encode codes one frame of pcm into out (libopus needs no more than
// about 1275 bytes per frame) and returns the packet length. With DTX a
// packet of 2 bytes or less means silence and need not be sent.
func (e *Encoder) Encode(pcm []int16, out []byte) (int, error) {
	// libopus takes the output capacity as the limit; cap it at len so it
	// never writes past what the caller gave.
	n, err := e.enc.Encode(pcm, out[:len(out):len(out)])
	if err != nil {
		return 0, fmt.Errorf("opus: encode %d samples: %w", len(pcm), err)
	}
	return n, nil
}
