package media

import (
	"fmt"
	"time"
)

// DTMFTone describes one digit to send as RFC 4733 events.
type DTMFTone struct {
	Digit     rune
	Start     uint32        // RTP timestamp of the tone's first frame
	Step      uint32        // timestamp units per frame (packet interval)
	ClockRate int           // telephone-event clock rate; 0 means 8000
	Duration  time.Duration // 0 means 100 ms
	Volume    uint8         // -dBm0; 0 means 10
}

// DTMFPacket is one telephone-event packet to send. All packets of a tone
// carry the tone's start timestamp; each gets its own sequence number.
type DTMFPacket struct {
	TS      uint32
	Marker  bool
	Payload [DTMFPayloadSize]byte
}

// AppendPackets appends the packets of the tone to dst, one to send per
// frame interval: the first with the marker bit, then one per frame with
// the duration so far, then the end packet three times (RFC 4733 2.5.1.4)
// so that losing one or two does not lose the end.
func (t DTMFTone) AppendPackets(dst []DTMFPacket) ([]DTMFPacket, error) {
	code, err := DTMFEventCode(t.Digit)
	if err != nil {
		return dst, err
	}
	if t.Step == 0 {
		return dst, fmt.Errorf("media: DTMF tone: zero frame step")
	}
	rate := int64(t.ClockRate)
	if rate <= 0 {
		rate = 8000
	}
	dur, vol := t.Duration, t.Volume
	if dur <= 0 {
		dur = 100 * time.Millisecond
	}
	if vol == 0 {
		vol = 10
	}
	total := rate * int64(dur) / int64(time.Second)
	if total > 0xffff {
		return dst, fmt.Errorf("media: DTMF tone of %v: longer than the 16-bit duration field", dur)
	}
	total = max(total, 1)
	if vol > 63 {
		return dst, fmt.Errorf("%w: volume %d above 63", ErrDTMFPayload, vol)
	}
	first := len(dst)
	add := func(d int64, end bool) {
		p := DTMFPacket{TS: t.Start, Marker: len(dst) == first}
		DTMFEvent{Event: code, Volume: vol, Duration: uint16(d), End: end}.put(&p.Payload)
		dst = append(dst, p)
	}
	for d := int64(t.Step); d < total; d += int64(t.Step) {
		add(d, false)
	}
	for range 3 {
		add(total, true)
	}
	return dst, nil
}

// Packets returns the packets of the tone (see AppendPackets).
func (t DTMFTone) Packets() ([]DTMFPacket, error) { return t.AppendPackets(nil) }

// dtmfSender paces tones for the send loop: one packet per frame slot.
type dtmfSender struct {
	pt        uint8
	step      uint32
	clockRate int
	pkts      []DTMFPacket
	i         int
	out       [1]dtmfOut
}

// dtmfOut is a packet for the send loop; payload is valid until next().
type dtmfOut struct {
	marker  bool
	ts      uint32
	payload []byte
}

func newDTMFSender(pt uint8, step uint32, clockRate int) *dtmfSender {
	return &dtmfSender{pt: pt, step: step, clockRate: clockRate}
}

func (d *dtmfSender) active() bool { return d.i < len(d.pkts) }

// start begins a tone at timestamp ts. A digit the caller failed to
// validate sends nothing.
func (d *dtmfSender) start(digit rune, ts uint32) {
	t := DTMFTone{Digit: digit, Start: ts, Step: d.step, ClockRate: d.clockRate}
	pkts, err := t.AppendPackets(d.pkts[:0])
	if err != nil {
		pkts = pkts[:0]
	}
	d.pkts, d.i = pkts, 0
}

// next returns the packets to send in this frame slot.
func (d *dtmfSender) next() []dtmfOut {
	if !d.active() {
		return nil
	}
	p := &d.pkts[d.i]
	d.i++
	d.out[0] = dtmfOut{marker: p.Marker, ts: p.TS, payload: p.Payload[:]}
	return d.out[:]
}
