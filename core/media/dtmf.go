package media

import (
	"errors"
	"fmt"
)

// RFC 4733 telephone-event errors.
var (
	ErrDTMFPayload = errors.New("media: bad telephone-event payload")
	ErrDTMFEvent   = errors.New("media: unknown DTMF event")
	ErrDTMFDigit   = errors.New("media: not a DTMF digit")
)

// DTMFEvent is the 4-byte RFC 4733 telephone-event payload (section 2.3).
type DTMFEvent struct {
	Event    uint8  // 0-9, 10 = *, 11 = #, 12-15 = A-D
	End      bool   // E bit: the last packet(s) of the event
	Volume   uint8  // power level in -dBm0, 0..63
	Duration uint16 // in RTP timestamp units, from the event's timestamp
}

// DTMFPayloadSize is the size of one telephone-event payload.
const DTMFPayloadSize = 4

// dtmfDigits maps event codes to digits (RFC 4733 section 3.2).
const dtmfDigits = "0123456789*#ABCD"

// EncodeDTMFEvent appends the payload for e to dst.
func EncodeDTMFEvent(dst []byte, e DTMFEvent) ([]byte, error) {
	if int(e.Event) >= len(dtmfDigits) {
		return dst, fmt.Errorf("%w: %d", ErrDTMFEvent, e.Event)
	}
	if e.Volume > 63 {
		return dst, fmt.Errorf("%w: volume %d above 63", ErrDTMFPayload, e.Volume)
	}
	var b [DTMFPayloadSize]byte
	e.put(&b)
	return append(dst, b[:]...), nil
}

// put writes a checked event.
func (e DTMFEvent) put(b *[DTMFPayloadSize]byte) {
	b[0], b[1] = e.Event, e.Volume
	if e.End {
		b[1] |= 0x80
	}
	// The R bit (0x40) stays zero, as the RFC asks of senders.
	b[2], b[3] = byte(e.Duration>>8), byte(e.Duration)
}

// DecodeDTMFEvent reads a telephone-event payload. Events other than the
// sixteen DTMF ones are refused with ErrDTMFEvent.
func DecodeDTMFEvent(p []byte) (DTMFEvent, error) {
	if len(p) != DTMFPayloadSize {
		return DTMFEvent{}, fmt.Errorf("%w: %d bytes", ErrDTMFPayload, len(p))
	}
	e := DTMFEvent{
		Event:    p[0],
		End:      p[1]&0x80 != 0,
		Volume:   p[1] & 0x3f, // the R bit is ignored on receipt
		Duration: uint16(p[2])<<8 | uint16(p[3]),
	}
	if int(e.Event) >= len(dtmfDigits) {
		return DTMFEvent{}, fmt.Errorf("%w: %d", ErrDTMFEvent, e.Event)
	}
	return e, nil
}

// DTMFEventCode is the event code of a digit: 0-9, *, #, A-D (a-d too).
func DTMFEventCode(digit rune) (uint8, error) {
	if digit >= 'a' && digit <= 'd' {
		digit -= 'a' - 'A'
	}
	for i, d := range dtmfDigits {
		if d == digit {
			return uint8(i), nil
		}
	}
	return 0, fmt.Errorf("%w: %q", ErrDTMFDigit, digit)
}

// DTMFEventDigit is the digit of an event code.
func DTMFEventDigit(event uint8) (rune, error) {
	if int(event) >= len(dtmfDigits) {
		return 0, fmt.Errorf("%w: %d", ErrDTMFEvent, event)
	}
	return rune(dtmfDigits[event]), nil
}

// dtmfEvent validates a digit to send.
func dtmfEvent(digit rune) (uint8, error) { return DTMFEventCode(digit) }
