package media

import (
	"net/netip"
	"time"
)

// rtpReader takes the packets waiting on a call's RTP socket without
// blocking, each with its arrival time. The playout loop drains it once per
// period, just before it takes a frame from the jitter buffer: no goroutine
// wakes up for every packet, and a packet is not played any later, as
// playout only ever happens at those instants.
type rtpReader interface {
	// next copies the next waiting packet into buf; ok is false when none
	// is waiting. err is set when the socket is closed or broken.
	next(buf []byte) (n int, from netip.AddrPort, at time.Time, ok bool, err error)
}
