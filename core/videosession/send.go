package videosession

import (
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"time"

	"github.com/softphone/softphone/core/video"
)

// keyForceGap is the least time between two key frames forced by the far
// end's requests: a burst of PLIs (one per lost frame) makes one key frame.
const keyForceGap = 300 * time.Millisecond

const rtpHeaderLen = 12

// sender is the send side's state. One send goroutine at a time uses it
// (SetSource stops one before it starts the next), so it needs no lock;
// sequence numbers, timestamps and the encoder carry over from one source
// to the next.
type sender struct {
	s          *Session
	enc        video.Encoder
	encW, encH int
	encBitrate int
	encFailed  image.Point // the size the encoder last failed to open at

	seq        uint16
	tsOffset   uint32    // random start of our RTP timestamps
	epoch      time.Time // capture time of timestamp tsOffset
	lastTS     uint32
	lastAt     time.Time // capture time of the last frame sent
	lastKey    time.Time // when we last sent a key frame
	lastForced time.Time // when a request last forced one

	pkt [rtpBufLen]byte // the packet being built
}

func newSender(s *Session, seq uint16) *sender {
	return &sender{s: s, seq: seq, tsOffset: s.ssrc ^ uint32(seq)<<16}
}

// run reads src until ctx ends or src fails: a failed source sends nothing
// more until the next SetSource.
func (x *sender) run(ctx context.Context, src video.Source) {
	s := x.s
	for {
		f, err := src.Read(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("videosession: source stopped", "error", err)
			}
			return
		}
		if f.Image == nil {
			continue
		}
		now := time.Now()
		if f.At.IsZero() {
			f.At = now
		}
		if s.cfg.LocalFeed != nil {
			s.cfg.LocalFeed.Put(f.Image, f.At)
		}
		if s.sending.Load() {
			x.sendFrame(f, now)
		}
	}
}

// sendFrame paces, encodes and sends one captured frame.
func (x *sender) sendFrame(f video.Frame, now time.Time) {
	s := x.s
	bitrate, fps := s.rate.targets()
	// Frames closer than the target rate allows are skipped (10% slack
	// for capture jitter).
	if !x.lastAt.IsZero() && f.At.After(x.lastAt) && f.At.Sub(x.lastAt) < time.Second*9/10/time.Duration(fps) {
		return
	}
	if err := x.ensureEncoder(f.Image, bitrate, fps); err != nil {
		return
	}
	if bitrate != x.encBitrate {
		if err := x.enc.SetBitrate(bitrate); err != nil {
			s.log.Debug("videosession: set bitrate", "bps", bitrate, "error", err)
		}
		x.encBitrate = bitrate
	}
	force := false
	requested := s.wantKey.Load()
	if requested && now.Sub(x.lastForced) >= keyForceGap {
		force = true
		x.lastForced = now
	}
	if iv := s.cfg.KeyFrameInterval; iv > 0 && now.Sub(x.lastKey) >= iv {
		force = true
	}
	data, key, err := x.enc.Encode(f.Image, force)
	if err != nil {
		s.log.Debug("videosession: encode", "error", err)
		return
	}
	if len(data) == 0 { // the encoder's rate control dropped it
		return
	}
	if key {
		x.lastKey = now
		s.st.keysSent.Add(1)
		if requested {
			s.wantKey.Store(false)
		}
	}
	x.lastAt = f.At
	x.send(data, x.timestamp(f.At, fps), f.At, now)
	s.st.framesSent.Add(1)
	s.st.sendFPS.tick(now)
}

// ensureEncoder opens the encoder at img's size, or again when the size
// changed (a shared screen or window resized).
func (x *sender) ensureEncoder(img *image.YCbCr, bitrate, fps int) error {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if x.enc != nil && w == x.encW && h == x.encH {
		return nil
	}
	if x.enc != nil {
		if err := x.enc.Close(); err != nil {
			x.s.log.Debug("videosession: closing encoder", "error", err)
		}
		x.enc = nil
	}
	enc, err := x.s.cfg.Codec.NewEncoder(video.EncoderConfig{Width: w, Height: h, FPS: fps, Bitrate: bitrate})
	if err != nil {
		if x.encFailed != (image.Point{w, h}) {
			x.s.log.Warn("videosession: opening encoder", "codec", x.s.cfg.Codec.Name, "width", w, "height", h, "error", err)
			x.encFailed = image.Point{w, h}
		}
		return fmt.Errorf("videosession: encoder: %w", err)
	}
	x.enc, x.encW, x.encH, x.encBitrate = enc, w, h, bitrate
	x.encFailed = image.Point{}
	x.s.st.sendSize.Store(packSize(w, h))
	return nil
}

// timestamp is the RTP time of a frame captured at at: the 90 kHz clock
// from the capture times, always moving forward.
func (x *sender) timestamp(at time.Time, fps int) uint32 {
	if x.epoch.IsZero() {
		x.epoch = at
		x.lastTS = x.tsOffset
		return x.tsOffset
	}
	ts := x.tsOffset + uint32(rtpUnits(at)-rtpUnits(x.epoch))
	if int32(ts-x.lastTS) <= 0 { // a new source's clock, or a step back
		ts = x.lastTS + uint32(video.ClockRate/max(fps, 1))
	}
	x.lastTS = ts
	return ts
}

// send packetizes one encoded frame, captured at at, and sends its
// packets, keeping each for retransmission.
func (x *sender) send(data []byte, ts uint32, at, now time.Time) {
	s := x.s
	to := *s.remote.Load()
	p := x.pkt[:]
	p[0] = 0x80 // version 2
	binary.BigEndian.PutUint32(p[4:], ts)
	binary.BigEndian.PutUint32(p[8:], s.ssrc)
	s.pkt.begin(data)
	var packets, octets uint64
	for {
		n, last := s.pkt.next(p[rtpHeaderLen : rtpHeaderLen+maxPayload])
		if n == 0 {
			break
		}
		p[1] = s.cfg.SendPT & 0x7f
		if last {
			p[1] |= 0x80 // marker: the frame's last packet
		}
		binary.BigEndian.PutUint16(p[2:], x.seq)
		if err := s.hist.send(s.tr, p[:rtpHeaderLen+n], x.seq, to, now); err != nil && !s.stopped() {
			s.log.Debug("videosession: rtp send", "error", err)
		}
		x.seq++
		packets++
		octets += uint64(n)
		if last {
			break
		}
	}
	s.st.packetsSent.Add(packets)
	s.mu.Lock()
	s.sent.packets += packets
	s.sent.octets += octets
	s.sent.lastTS, s.sent.lastAt = ts, at
	s.mu.Unlock()
}

// close closes the encoder; the send goroutine has ended.
func (x *sender) close() error {
	if x.enc == nil {
		return nil
	}
	err := x.enc.Close()
	x.enc = nil
	return err
}
