package media

// dtmfMemory is how many recent events the receiver remembers, so that a
// straggler of an older event is not taken for a new one.
const dtmfMemory = 16

type dtmfSeen struct {
	ts       uint32
	event    uint8
	duration uint16
	end      bool
	used     bool
}

// DTMFReceiver turns received telephone-event packets into digits, each
// once. An event is keyed by its RTP timestamp: whichever of its packets
// comes first (start, update or end, in any order, repeated or not)
// reports the digit, the others are ignored.
//
// Not safe for concurrent use.
type DTMFReceiver struct {
	seen [dtmfMemory]dtmfSeen
	n    int // events remembered so far; the last is seen[(n-1)%dtmfMemory]
}

// NewDTMFReceiver returns a receiver with no event seen.
func NewDTMFReceiver() *DTMFReceiver { return &DTMFReceiver{} }

// Receive takes one telephone-event packet. It returns the digit and true
// when the packet begins an event not reported yet.
func (r *DTMFReceiver) Receive(ts uint32, payload []byte) (rune, bool, error) {
	e, err := DecodeDTMFEvent(payload)
	if err != nil {
		return 0, false, err
	}
	for i := range r.seen {
		s := &r.seen[i]
		if s.used && s.ts == ts && s.event == e.Event {
			s.duration = max(s.duration, e.Duration)
			s.end = s.end || e.End
			return 0, false, nil
		}
	}
	// A tone longer than the 16-bit duration goes on in a new segment whose
	// timestamp is where the previous one's duration ran out (RFC 4733
	// 2.5.1.3): the same key press.
	if l := &r.seen[(r.n+dtmfMemory-1)%dtmfMemory]; r.n > 0 && !l.end && l.event == e.Event && ts == l.ts+uint32(l.duration) {
		r.remember(ts, e)
		return 0, false, nil
	}
	r.remember(ts, e)
	d, _ := DTMFEventDigit(e.Event) // decoded: a DTMF event
	return d, true, nil
}

func (r *DTMFReceiver) remember(ts uint32, e DTMFEvent) {
	s := &r.seen[r.n%dtmfMemory]
	r.n++
	*s = dtmfSeen{ts: ts, event: e.Event, duration: e.Duration, end: e.End, used: true}
}

func newDTMFReceiver() *DTMFReceiver { return NewDTMFReceiver() }

// packet is Receive for the receive loop, which drops bad packets.
func (r *DTMFReceiver) packet(ts uint32, payload []byte) (rune, bool) {
	d, ok, err := r.Receive(ts, payload)
	return d, ok && err == nil
}
