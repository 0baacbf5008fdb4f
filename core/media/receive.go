package media

import (
	"errors"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/codec"
)

// rtpIn is the receiving side's state, used only by the playout loop
// (under player.mu).
type rtpIn struct {
	reader  Transport
	buf     []byte
	latched bool
	settled bool // packets came from the SDP's address: no latching since
	flowing bool // Flowing reported
	dtmf    *DTMFReceiver
	closed  bool
	pkt     rtp.Packet // reused: unmarshalling keeps its slices' room
}

// drainRTP moves every packet waiting on the socket into the jitter buffer
// (and DTMF events out of it).
func (s *Session) drainRTP(in *rtpIn) {
	for !in.closed {
		n, from, at, ok, err := in.reader.NextRTP(in.buf)
		if err != nil {
			if s.stopped() || errors.Is(err, net.ErrClosed) {
				in.closed = true
				return
			}
			s.log.Debug("media: rtp read", "error", err)
			return
		}
		if !ok {
			return
		}
		s.handleRTP(in, in.buf[:n], from, at)
	}
}

// latch follows symmetric RTP: answer where the far end really sends
// from (it may sit behind a NAT that rewrote the SDP's address), taken
// from the first packet. A packet from the very address the SDP gives
// wins over that for good: the first packet may have come from elsewhere
// (a peer whose relay was not ready yet, or someone injecting packets
// to draw our media to them).
func (s *Session) latch(in *rtpIn, from netip.AddrPort) {
	sdp := s.sdpRemote.Load()
	if sdp != nil && from == *sdp {
		in.latched, in.settled = true, true
		if cur := s.remote.Load(); *cur != from {
			s.setRemote(from, netip.AddrPortFrom(from.Addr(), from.Port()+1))
		}
		return
	}
	if in.latched {
		return
	}
	in.latched = true
	if cur := s.remote.Load(); *cur != from {
		s.setRemote(from, netip.AddrPortFrom(from.Addr(), from.Port()+1))
	}
}

// handleRTP takes one packet that arrived at now.
func (s *Session) handleRTP(in *rtpIn, data []byte, from netip.AddrPort, now time.Time) {
	pkt := &in.pkt
	if err := pkt.Unmarshal(data); err != nil || pkt.Version != 2 {
		return // not RTP: ignore, as RFC 3550 A.1 asks of invalid packets
	}
	if pkt.PayloadType != s.cfg.RecvPT && (s.cfg.DTMFRecvPT == 0 || pkt.PayloadType != s.cfg.DTMFRecvPT) {
		return // not a payload this call negotiated: not ours to latch on
	}
	from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
	if !in.settled {
		s.latch(in, from)
	}
	s.lastRTP.Store(now.UnixNano())
	switch pkt.PayloadType {
	case s.cfg.RecvPT:
		if !in.flowing {
			in.flowing = true
			s.h.Flowing(now)
		}
		if !s.receiving.Load() {
			return
		}
		s.mu.Lock()
		if !s.recv.update(pkt.SSRC, pkt.SequenceNumber, pkt.Timestamp, now, true) {
			s.jb.Reset() // a new source: start the buffer afresh
		}
		s.jb.Put(pkt.SequenceNumber, pkt.Timestamp, pkt.Marker, pkt.Payload, now)
		s.mu.Unlock()
	case s.cfg.DTMFRecvPT:
		// Events share the audio's sequence numbers: count them, or
		// each digit would show as lost packets.
		s.mu.Lock()
		s.recv.update(pkt.SSRC, pkt.SequenceNumber, pkt.Timestamp, now, false)
		s.mu.Unlock()
		if d, ok := in.dtmf.packet(pkt.Timestamp, pkt.Payload); ok {
			s.h.DTMF(d)
		}
	}
}

// player is the jitter buffer → decode/conceal → resample → device path,
// paced by the device's clock.
type player struct {
	mu       sync.Mutex
	s        *Session
	in       rtpIn
	inAudio  bool // the previous frame carried (or concealed) speech
	dec      codec.Decoder
	rs       *audio.Resampler
	payload  []byte
	next     []byte
	codecBuf []int16
	devBuf   []int16
}

func newPlayer(s *Session) (*player, error) {
	info := s.cfg.Codec.Info()
	dec, err := s.cfg.Codec.NewDecoder()
	if err != nil {
		return nil, err
	}
	f := s.Device().Format()
	p := &player{
		s: s, dec: dec,
		in:       rtpIn{reader: s.tr, buf: make([]byte, 1500), dtmf: newDTMFReceiver()},
		payload:  make([]byte, 1500),
		next:     make([]byte, 1500),
		codecBuf: make([]int16, info.FrameSamples(s.cfg.Ptime)),
		devBuf:   make([]int16, f.FrameSamples()),
	}
	if f.SampleRate != info.SampleRate {
		if p.rs, err = audio.NewResampler(info.SampleRate, f.SampleRate); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// run plays frames paced by the device's playback clock; while the device
// shares one clock for both directions, the capture loop plays instead
// and run only waits for a device change.
func (p *player) run() {
	s := p.s
	for !s.stopped() {
		dev, swapped := s.deviceAndSwap()
		if audio.SharesClock(dev) {
			select {
			case <-swapped:
			case <-s.stop:
			}
			continue
		}
		if w, ok := dev.(audio.RoomWaiter); ok {
			// The frame is decoded when the device can take it, not a
			// period ahead; an error is WriteFrame's to report.
			_ = w.WaitRoom()
		}
		p.playOne(dev)
	}
}

// playOne plays one frame on dev. Both loops may call it around a device
// change, hence the lock.
func (p *player) playOne(dev audio.Device) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.s
	s.drainRTP(&p.in)
	pcm := p.frame(time.Now())
	if _, err := dev.WriteFrame(pcm); err != nil {
		if s.stopped() {
			return
		}
		s.deviceFailed(dev, err)
		return
	}
	// The end-of-media guard, checked once per frame.
	if s.cfg.NoMediaTimeout > 0 && s.receiving.Load() && !s.guardPause.Load() && !s.guardFired.Load() {
		if idle := time.Since(time.Unix(0, s.lastRTP.Load())); idle > s.cfg.NoMediaTimeout {
			s.guardFired.Store(true)
			s.h.NoMedia(idle)
		}
	}
}

// frame produces one device frame of audio to play.
func (p *player) frame(now time.Time) []int16 {
	s := p.s
	s.mu.Lock()
	f := s.jb.Pop(now)
	// Copied under the lock: the buffer reuses its slots as packets arrive.
	payload := p.payload[:copy(p.payload, f.Payload)]
	var next []byte
	if f.Next != nil {
		next = p.next[:copy(p.next, f.Next)]
	}
	s.mu.Unlock()

	pcm := p.codecBuf
	var n int
	var err error
	switch {
	case f.Kind == FramePacket:
		n, err = p.dec.Decode(payload, pcm)
		p.inAudio = true
	case f.Kind == FrameLost:
		n, err = p.dec.Conceal(next, pcm)
		p.inAudio = true
		s.concealed.Add(1)
	case p.inAudio:
		// An underrun inside speech: conceal it (the PLC fades out by
		// itself) rather than cut to silence.
		n, err = p.dec.Conceal(nil, pcm)
		p.inAudio = false
		s.concealed.Add(1)
	default:
		clear(pcm)
		n = len(pcm)
	}
	if err != nil {
		s.log.Debug("media: decode", "error", err)
		clear(pcm)
		n = len(pcm)
	}
	pcm = pcm[:n]
	if !s.receiving.Load() {
		clear(pcm)
	}
	if p.rs == nil {
		return audio.FitFrame(pcm, len(p.devBuf))
	}
	m := p.rs.Process(pcm, p.devBuf)
	return audio.FitFrame(p.devBuf[:m], len(p.devBuf))
}

// rtcpLoop sends a report every 5 s (RFC 3550's minimum interval) and
// reads the far end's.
func (s *Session) rtcpLoop() {
	go func() {
		buf := make([]byte, 1500)
		for {
			n, err := s.tr.ReadRTCP(buf)
			if err != nil {
				if s.stopped() || errors.Is(err, net.ErrClosed) {
					return
				}
				continue
			}
			if pkts, err := rtcp.Unmarshal(buf[:n]); err == nil {
				s.readRTCP(pkts, time.Now())
			}
		}
	}()
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			s.sendRTCP(s.report(now))
		}
	}
}

func (s *Session) sendRTCP(pkts []rtcp.Packet) {
	b, err := rtcp.Marshal(pkts)
	if err != nil {
		return
	}
	if err := s.tr.SendRTCP(b, *s.remoteRTCP.Load()); err != nil && !s.stopped() {
		s.log.Debug("media: rtcp send", "error", err)
	}
}

func (s *Session) sendRTCPBye() {
	pkts := s.report(time.Now())
	pkts = append(pkts, &rtcp.Goodbye{Sources: []uint32{s.ssrc}})
	s.sendRTCP(pkts)
}
