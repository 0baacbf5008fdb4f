package videosession

import (
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"time"

	"github.com/softphone/softphone/core/video"
)

// pollInterval is how often the receive loop drains the transport, which
// cannot be waited on (NextRTP never blocks): 5 ms adds at most that to a
// frame's delay, far below a frame's 33 ms, for 200 cheap wake-ups a
// second.
const pollInterval = 5 * time.Millisecond

// How long a missing packet is waited for before its frame is given up:
// with NACK, about a round trip for the resend (bounded); without, only
// for reordering.
const (
	nackWaitDefault = 100 * time.Millisecond
	nackWaitMin     = 40 * time.Millisecond
	nackWaitMax     = 300 * time.Millisecond
	reorderWait     = 20 * time.Millisecond
)

// receiver is the receive loop's state.
type receiver struct {
	s       *Session
	dec     video.Decoder
	asm     *assembler
	buf     [rtpBufLen]byte // the packet being read
	frame   []byte          // the frame being rebuilt, reused
	miss    []uint16        // reused list of missing sequence numbers
	ssrc    uint32
	haveSrc bool
	latched bool // the far end's RTP address is known from its packets
	waitKey bool // the decoder gets nothing but a key frame
}

func newReceiver(s *Session) (*receiver, error) {
	dec, err := s.cfg.Codec.NewDecoder()
	if err != nil {
		return nil, err
	}
	return &receiver{s: s, dec: dec, asm: newAssembler(s.depkt.mayStart), waitKey: true}, nil
}

func (r *receiver) run() {
	defer func() {
		if err := r.dec.Close(); err != nil {
			r.s.log.Debug("videosession: closing decoder", "error", err)
		}
	}()
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		select {
		case <-r.s.stop:
			return
		case <-t.C:
		}
		if !r.drain() {
			return
		}
		r.assemble(time.Now())
	}
}

// drain takes every waiting packet; false once the transport is closed.
func (r *receiver) drain() bool {
	for {
		n, from, at, ok, err := r.s.tr.NextRTP(r.buf[:])
		if err != nil {
			if errors.Is(err, net.ErrClosed) || r.s.stopped() {
				return false
			}
			r.s.log.Debug("videosession: rtp read", "error", err)
			return true
		}
		if !ok {
			return true
		}
		r.packet(r.buf[:n], from, at)
	}
}

// packet takes one RTP packet of ours (payload type), from from, into the
// reorder buffer.
func (r *receiver) packet(p []byte, from netip.AddrPort, at time.Time) {
	s := r.s
	h, ok := parseRTP(p)
	if !ok || h.pt != s.cfg.RecvPT {
		return
	}
	if !r.latched && from.IsValid() {
		// Symmetric RTP, as the audio does: answer where the far end
		// really sends from (a NAT may have rewritten its SDP address).
		r.latched = true
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		if *s.remote.Load() != from {
			s.setRemote(from, netip.AddrPortFrom(from.Addr(), from.Port()+1))
		}
	}
	if !s.receiving.Load() {
		return
	}
	if !r.haveSrc || h.ssrc != r.ssrc {
		// A new stream (or the far end changed its SSRC): start over,
		// from a key frame.
		r.ssrc, r.haveSrc = h.ssrc, true
		r.asm.started = false
		r.waitKey = true
	}
	if !r.asm.insert(h.seq, h.ts, h.marker, p[h.off:h.end]) {
		return
	}
	s.st.packetsReceived.Add(1)
	s.mu.Lock()
	s.recv.update(h.ssrc, h.seq, h.ts, at)
	s.mu.Unlock()
}

// assemble hands every whole frame to the decoder, NACKs what is missing
// and gives up on what waited too long.
func (r *receiver) assemble(now time.Time) {
	s := r.s
	for {
		kind, first, last := r.asm.pop()
		switch kind {
		case popNone:
			r.asm.gapAt = time.Time{}
			return
		case popReset:
			r.lost(now)
			continue
		case popGap:
			if r.asm.gapAt.IsZero() {
				r.asm.gapAt = now
			}
			if s.cfg.Feedback.NACK {
				r.miss = r.asm.missing(r.miss[:0])
				s.sendNACK(r.miss, now)
			}
			if now.Sub(r.asm.gapAt) < r.gapWait() {
				return
			}
			r.asm.giveUp()
			r.lost(now)
			continue
		}
		r.frame = r.frame[:0]
		var err error
		for seq := first; seq != last+1 && err == nil; seq++ {
			sl := r.asm.slot(seq)
			r.frame, err = s.depkt.appendPayload(r.frame, sl.buf[:sl.n])
		}
		r.asm.take(last)
		s.st.framesReceived.Add(1)
		if err != nil {
			s.st.framesDropped.Add(1)
			r.lost(now)
			continue
		}
		r.decode(now)
	}
}

// gapWait is how long a missing packet is waited for.
func (r *receiver) gapWait() time.Duration {
	if d := r.s.gapWaitFor.Load(); d != 0 {
		return time.Duration(d)
	}
	if !r.s.cfg.Feedback.NACK {
		return reorderWait
	}
	r.s.mu.Lock()
	rtt := r.s.rtt
	r.s.mu.Unlock()
	if rtt == 0 {
		return nackWaitDefault
	}
	return min(max(2*rtt+20*time.Millisecond, nackWaitMin), nackWaitMax)
}

// lost freezes the picture until a key frame, and asks for one.
func (r *receiver) lost(now time.Time) {
	r.waitKey = true
	r.s.requestKeyFrame(now)
}

// decode decodes the frame in r.frame and shows it.
func (r *receiver) decode(now time.Time) {
	s := r.s
	key := s.depkt.isKey(r.frame)
	if r.waitKey && !key {
		s.st.framesDropped.Add(1)
		s.requestKeyFrame(now)
		return
	}
	r.waitKey = false
	if key {
		s.keyReq.keyFrameCame()
	}
	img, err := r.dec.Decode(r.frame)
	if err != nil {
		s.st.framesDropped.Add(1)
		if !errors.Is(err, video.ErrCorrupt) {
			s.log.Debug("videosession: decode", "error", err)
		}
		r.lost(now)
		return
	}
	if img == nil {
		return
	}
	s.st.framesDecoded.Add(1)
	if key {
		s.st.keysReceived.Add(1)
	}
	s.st.fps.tick(now)
	s.st.size.Store(packSize(img.Rect.Dx(), img.Rect.Dy()))
	if s.cfg.RemoteFeed != nil {
		s.cfg.RemoteFeed.Put(img, now)
	}
}

// rtpHeader is what the receive path reads of an RTP header.
type rtpHeader struct {
	pt       uint8
	marker   bool
	seq      uint16
	ts, ssrc uint32
	off, end int // the payload's bounds
}

// parseRTP reads an RTP header (RFC 3550 5.1), skipping CSRCs, a header
// extension and padding, without allocating.
func parseRTP(p []byte) (rtpHeader, bool) {
	var h rtpHeader
	if len(p) < rtpHeaderLen || p[0]>>6 != 2 {
		return h, false
	}
	h.marker = p[1]&0x80 != 0
	h.pt = p[1] & 0x7f
	h.seq = binary.BigEndian.Uint16(p[2:])
	h.ts = binary.BigEndian.Uint32(p[4:])
	h.ssrc = binary.BigEndian.Uint32(p[8:])
	h.off = rtpHeaderLen + 4*int(p[0]&0x0f)
	h.end = len(p)
	if p[0]&0x10 != 0 { // extension
		if len(p) < h.off+4 {
			return h, false
		}
		h.off += 4 + 4*int(binary.BigEndian.Uint16(p[h.off+2:]))
	}
	if p[0]&0x20 != 0 { // padding
		if len(p) == 0 {
			return h, false
		}
		h.end -= int(p[len(p)-1])
	}
	if h.off > h.end {
		return h, false
	}
	return h, true
}
