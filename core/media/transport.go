package media

import (
	"net/netip"
	"time"
)

// Transport carries one stream's RTP and RTCP packets: the last stage of
// the send path and the first of the receive path. Plain UDP sockets, an
// ICE connection, or a stage over another Transport (SRTP) implement it,
// so stages compose as in pion's interceptors: the session neither knows
// nor cares whether its packets are encrypted or relayed.
//
// Demultiplexing is the innermost transport's job: with rtcp-mux (or ICE)
// RTCP shares the RTP socket, and DTLS and STUN may too; each packet comes
// out of NextRTP or ReadRTCP according to its kind (RFC 7983, RFC 5761).
//
// The send path and the playout loop each use one goroutine; the RTCP
// methods may be called from two (the report loop and Close).
type Transport interface {
	// SendRTP sends one RTP packet to `to` without blocking; a packet the
	// network will not queue is dropped. Transports with a path of their
	// own (ICE) ignore to. pkt is not retained.
	SendRTP(pkt []byte, to netip.AddrPort) error
	// NextRTP copies the next waiting RTP packet into buf without
	// blocking, with its source and arrival time; ok is false when none
	// waits. err is net.ErrClosed once the transport is closed.
	NextRTP(buf []byte) (n int, from netip.AddrPort, at time.Time, ok bool, err error)
	// SendRTCP sends one compound RTCP packet to `to` (ignored as above).
	SendRTCP(pkt []byte, to netip.AddrPort) error
	// ReadRTCP blocks until an RTCP packet arrives; err is net.ErrClosed
	// once the transport is closed.
	ReadRTCP(buf []byte) (n int, err error)
	// Close releases the sockets; blocked calls return net.ErrClosed.
	Close() error
}

// PacketKind is what the first byte of a packet on a shared socket says it
// is (RFC 7983 section 7, RFC 5761 section 4).
type PacketKind uint8

// The kinds a media socket sees.
const (
	KindUnknown PacketKind = iota
	KindSTUN
	KindDTLS
	KindRTP
	KindRTCP
)

// Classify tells a packet's kind from its first two bytes.
func Classify(p []byte) PacketKind {
	if len(p) == 0 {
		return KindUnknown
	}
	switch b := p[0]; {
	case b <= 3:
		return KindSTUN
	case b >= 20 && b <= 63:
		return KindDTLS
	case b >= 128 && b <= 191:
		if len(p) < 2 {
			return KindUnknown
		}
		// RTCP packet types 192..223 sit where RTP would carry payload
		// types 64..95 with the marker bit, which RFC 5761 reserves.
		if pt := p[1]; pt >= 192 && pt <= 223 {
			return KindRTCP
		}
		return KindRTP
	}
	return KindUnknown
}
