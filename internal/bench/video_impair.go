package bench

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/softphone/softphone/core/media"
)

// RelayTransport is a stage over a stream's Transport (see
// core.WithMediaInterceptor) that sends every outgoing RTP and RTCP packet
// through an impairing Relay towards its destination: one relay per
// destination, opened on first use, all sharing one switchable loss.
// Incoming packets pass untouched; the RTCP feedback among them (NACK,
// PLI, FIR) is counted, so a benchmark sees what the far end asked for.
// The stage sits under any SRTP stage: feedback is counted on plain RTCP
// only.
type RelayTransport struct {
	media.Transport
	ip  netip.Addr
	cfg RelayConfig

	// mu guards relays, loss and closed.
	mu     sync.Mutex
	relays map[netip.AddrPort]*Relay
	loss   float64
	closed bool

	nacked, nackPkts, plis, firs atomic.Uint64
}

// Feedback counts the RTCP feedback a RelayTransport has read so far.
type Feedback struct {
	NACKPackets uint64 // generic NACK messages
	NACKed      uint64 // sequence numbers they asked again
	PLI, FIR    uint64 // picture loss indications, full intra requests
}

// NewRelayTransport wraps tr; its relays listen on ip and start with cfg
// (cfg.Loss can be changed later with SetLoss).
func NewRelayTransport(tr media.Transport, ip netip.Addr, cfg RelayConfig) *RelayTransport {
	return &RelayTransport{Transport: tr, ip: ip, cfg: cfg, loss: cfg.Loss, relays: map[netip.AddrPort]*Relay{}}
}

// relay is the relay towards to, opened on first use.
func (t *RelayTransport) relay(to netip.AddrPort) (*Relay, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if r := t.relays[to]; r != nil {
		return r, nil
	}
	if t.closed {
		return nil, fmt.Errorf("bench: relay transport: %w", errClosedRelay)
	}
	cfg := t.cfg
	cfg.Loss = t.loss
	if cfg.Seed != 0 {
		cfg.Seed += uint64(len(t.relays)) // each relay its own draws
	}
	r, err := NewRelay(t.ip, to, cfg)
	if err != nil {
		return nil, err
	}
	t.relays[to] = r
	return r, nil
}

var errClosedRelay = errors.New("closed")

// SendRTP sends pkt to `to` through its relay.
func (t *RelayTransport) SendRTP(pkt []byte, to netip.AddrPort) error {
	r, err := t.relay(to)
	if err != nil {
		return err
	}
	return t.Transport.SendRTP(pkt, r.Addr())
}

// SendRTCP sends pkt to `to` through its relay.
func (t *RelayTransport) SendRTCP(pkt []byte, to netip.AddrPort) error {
	r, err := t.relay(to)
	if err != nil {
		return err
	}
	return t.Transport.SendRTCP(pkt, r.Addr())
}

// ReadRTCP reads the next RTCP packet, counting its feedback.
func (t *RelayTransport) ReadRTCP(buf []byte) (int, error) {
	n, err := t.Transport.ReadRTCP(buf)
	if err == nil {
		t.count(buf[:n])
	}
	return n, err
}

// SetLoss changes the loss of every relay, present and to come.
func (t *RelayTransport) SetLoss(loss float64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range t.relays {
		if err := r.SetLoss(loss); err != nil {
			return err
		}
	}
	t.loss = loss
	return nil
}

// Stats sums the counters of every relay.
func (t *RelayTransport) Stats() RelayStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	var s RelayStats
	for _, r := range t.relays {
		rs := r.Stats()
		s.Received += rs.Received
		s.Dropped += rs.Dropped
		s.Duplicated += rs.Duplicated
		s.Sent += rs.Sent
		s.Returned += rs.Returned
	}
	return s
}

// Feedback is the RTCP feedback read so far.
func (t *RelayTransport) Feedback() Feedback {
	return Feedback{NACKPackets: t.nackPkts.Load(), NACKed: t.nacked.Load(), PLI: t.plis.Load(), FIR: t.firs.Load()}
}

// Close closes the relays, then the stream's transport.
func (t *RelayTransport) Close() error {
	t.mu.Lock()
	rs := t.relays
	t.relays, t.closed = nil, true
	t.mu.Unlock()
	var errs []error
	for _, r := range rs {
		errs = append(errs, r.Close())
	}
	return errors.Join(append(errs, t.Transport.Close())...)
}

// count walks a compound RTCP packet (RFC 3550 section 6.1) and counts its
// transport-layer NACKs (RFC 4585 section 6.2.1: PT 205, FMT 1) and its
// PLIs and FIRs (PT 206, FMT 1 and 4). Anything malformed ends the walk.
func (t *RelayTransport) count(p []byte) {
	for len(p) >= 4 && p[0]>>6 == 2 {
		size := 4 * (int(binary.BigEndian.Uint16(p[2:4])) + 1)
		if size > len(p) {
			return
		}
		fmtField, pt := p[0]&0x1f, p[1]
		switch {
		case pt == 205 && fmtField == 1 && size >= 12:
			t.nackPkts.Add(1)
			for fci := p[12:size]; len(fci) >= 4; fci = fci[4:] {
				t.nacked.Add(1 + uint64(bits.OnesCount16(binary.BigEndian.Uint16(fci[2:4]))))
			}
		case pt == 206 && fmtField == 1:
			t.plis.Add(1)
		case pt == 206 && fmtField == 4:
			t.firs.Add(1)
		}
		p = p[size:]
	}
}
