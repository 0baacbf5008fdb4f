package g722

import (
	"fmt"
	"io"

	"github.com/softphone/softphone/core/codec/plc"
)

// Decoder expands G.722 to 16 kHz PCM and conceals lost packets. Not safe
// for concurrent use.
type Decoder struct {
	lo, hi band
	qmf    synthesis
	plc    *plc.Concealer

	re reencoder
}

// Decode expands payload into 2·len(payload) samples of pcm.
func (d *Decoder) Decode(payload []byte, pcm []int16) (int, error) {
	n := 2 * len(payload)
	if len(pcm) < n {
		return 0, fmt.Errorf("g722: %d bytes need %d samples, have %d: %w", len(payload), n, len(pcm), io.ErrShortBuffer)
	}
	pcm = pcm[:n]
	for i, c := range payload {
		pcm[2*i], pcm[2*i+1] = d.decodeByte(c)
	}
	d.plc.Good(pcm)
	return n, nil
}

// decodeByte expands one code byte into two samples.
func (d *Decoder) decodeByte(c byte) (int16, int16) {
	il, ih := int32(c&0x3F), int32(c>>6)
	// INVQBL uses all six bits; the predictor adapts on four (INVQAL).
	rl := sat15(d.lo.s + (d.lo.det*lowInv6[il])>>15)
	rh := sat15(d.hi.s + (d.hi.det*highInv[ih])>>15)
	d.lo.updateLow(il)
	d.hi.updateHigh(ih)
	return d.qmf.merge(rl, rh)
}
