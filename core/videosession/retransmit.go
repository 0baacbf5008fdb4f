package videosession

import (
	"net/netip"
	"sync"
	"time"

	"github.com/softphone/softphone/core/media"
)

// historyLen is how many sent packets are kept for retransmission: a
// power of two, indexed by sequence number. 512 packets hold over a
// second at the default ceiling, and two key frames.
const historyLen = 512

// historyAge is how old a packet may be and still be resent: past it the
// far end has given up on the frame and asked for a key frame.
const historyAge = time.Second

// rtpBufLen is the size of one packet buffer: header, extensions, payload.
const rtpBufLen = 1500

type sentPacket struct {
	buf [rtpBufLen]byte
	n   int
	seq uint16
	at  time.Time
}

// history keeps the packets we sent lately, in buffers reused round the
// ring, to resend those the far end NACKs (RFC 4585 6.2.1: the same
// packet, same sequence number).
type history struct {
	// mu guards ring and serializes tr.SendRTP between the send goroutine
	// and retransmissions from the RTCP goroutine.
	mu   sync.Mutex
	ring [historyLen]sentPacket
}

func newHistory() *history { return &history{} }

// send sends pkt and keeps a copy under seq.
func (h *history) send(tr media.Transport, pkt []byte, seq uint16, to netip.AddrPort, now time.Time) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	err := tr.SendRTP(pkt, to)
	e := &h.ring[seq%historyLen]
	e.n = copy(e.buf[:], pkt)
	e.seq, e.at = seq, now
	return err
}

// resend sends the kept packet seq again; false when it is no longer kept.
func (h *history) resend(tr media.Transport, seq uint16, to netip.AddrPort, now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := &h.ring[seq%historyLen]
	if e.n == 0 || e.seq != seq || now.Sub(e.at) > historyAge {
		return false
	}
	return tr.SendRTP(e.buf[:e.n], to) == nil
}
