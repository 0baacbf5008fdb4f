package media

import (
	"crypto/rand"
	"time"

	"github.com/pion/rtp"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/codec"
)

// sender is the capture → resample → encode → RTP path. Its buffers are
// allocated once: steady state does not allocate.
type sender struct {
	s        *Session
	enc      codec.Encoder
	rs       *audio.Resampler // nil when the device runs at the codec rate
	devBuf   []int16
	codecBuf []int16
	payload  []byte
	packet   []byte
	hdr      rtp.Header
	step     uint32
	dtmf     *dtmfSender
	play     *player // plays a frame after each capture when the device shares its clock
	out      Transport
}

func newSender(s *Session) (*sender, error) {
	info := s.cfg.Codec.Info()
	enc, err := s.cfg.Codec.NewEncoder(s.cfg.Encoder)
	if err != nil {
		return nil, err
	}
	f := s.Device().Format()
	snd := &sender{
		s:        s,
		enc:      enc,
		out:      s.tr,
		devBuf:   make([]int16, f.FrameSamples()),
		codecBuf: make([]int16, info.FrameSamples(s.cfg.Ptime)),
		payload:  make([]byte, 1500),
		packet:   make([]byte, 1500),
		step:     info.TimestampStep(s.cfg.Ptime),
	}
	if f.SampleRate != info.SampleRate {
		if snd.rs, err = audio.NewResampler(f.SampleRate, info.SampleRate); err != nil {
			return nil, err
		}
	}
	var b [6]byte
	_, _ = rand.Read(b[:]) // random start values, RFC 3550 5.1
	snd.hdr = rtp.Header{
		Version:        2,
		PayloadType:    s.cfg.SendPT,
		SSRC:           s.ssrc,
		SequenceNumber: uint16(b[0])<<8 | uint16(b[1]),
		Timestamp:      uint32(b[2])<<24 | uint32(b[3])<<16 | uint32(b[4])<<8 | uint32(b[5]),
		Marker:         true, // first packet of the stream starts a talkspurt
	}
	if s.cfg.DTMFSendPT != 0 {
		snd.dtmf = newDTMFSender(s.cfg.DTMFSendPT, snd.step, info.ClockRate)
	}
	return snd, nil
}

func (snd *sender) run() {
	s := snd.s
	for !s.stopped() {
		dev := s.Device()
		n, err := dev.ReadFrame(snd.devBuf)
		if err != nil {
			if s.stopped() {
				return
			}
			s.deviceFailed(dev, err)
			continue
		}
		snd.send(n)
		if snd.play != nil && audio.SharesClock(dev) {
			snd.play.playOne(dev)
		}
	}
}

// send encodes and sends the n captured samples in devBuf (or the DTMF
// event in their place).
func (snd *sender) send(n int) {
	s := snd.s
	if !s.sending.Load() {
		snd.hdr.Timestamp += snd.step
		snd.hdr.Marker = true
		return
	}
	if snd.dtmf != nil && snd.sendDTMF() {
		return
	}
	pcm := snd.toCodecRate(snd.devBuf[:n])
	if s.muted.Load() {
		clear(pcm)
	}
	m, err := snd.enc.Encode(pcm, snd.payload)
	if err != nil {
		s.log.Warn("media: encode", "error", err)
		snd.hdr.Timestamp += snd.step
		return
	}
	snd.write(snd.s.cfg.SendPT, snd.payload[:m])
	snd.hdr.Timestamp += snd.step
	snd.hdr.Marker = false
}

// toCodecRate resamples one captured frame to the codec's rate.
func (snd *sender) toCodecRate(in []int16) []int16 {
	if snd.rs == nil {
		return in
	}
	n := snd.rs.Process(in, snd.codecBuf)
	out := snd.codecBuf[:n]
	// A resampler with delay may give a sample more or less per frame; the
	// encoder wants exact frames, so pad or trim the edge.
	for len(out) < len(snd.codecBuf) {
		out = append(out, 0)
		if len(out) > 1 {
			out[len(out)-1] = out[len(out)-2]
		}
	}
	return out[:len(snd.codecBuf)]
}

// sendDTMF sends the next telephone-event packet(s) in place of audio; it
// reports whether this frame slot was used.
func (snd *sender) sendDTMF() bool {
	if !snd.dtmf.active() {
		select {
		case d := <-snd.s.dtmfOut:
			snd.dtmf.start(d, snd.hdr.Timestamp)
		default:
			return false
		}
	}
	for _, p := range snd.dtmf.next() {
		snd.hdr.Marker = p.marker
		ts := snd.hdr.Timestamp
		snd.hdr.Timestamp = p.ts
		snd.write(snd.dtmf.pt, p.payload)
		snd.hdr.Timestamp = ts
	}
	snd.hdr.Timestamp += snd.step
	snd.hdr.Marker = !snd.dtmf.active() // audio after a tone starts a talkspurt
	return true
}

func (snd *sender) write(pt uint8, payload []byte) {
	s := snd.s
	snd.hdr.PayloadType = pt
	n, err := snd.hdr.MarshalTo(snd.packet)
	if err != nil {
		return
	}
	n += copy(snd.packet[n:], payload)
	snd.hdr.SequenceNumber++
	dst := s.remote.Load()
	if err := snd.out.SendRTP(snd.packet[:n], *dst); err != nil {
		if !s.stopped() {
			s.log.Debug("media: rtp send", "error", err)
		}
		return
	}
	s.mu.Lock()
	s.sent.packets++
	s.sent.octets += uint64(len(payload))
	s.sent.lastTS = snd.hdr.Timestamp
	s.sent.lastAt = time.Now()
	s.mu.Unlock()
}

// deviceFailed replaces a failed device by a null one so the call goes on
// (the far end still hears silence, our playout keeps its clock), and
// reports it once. A device closed because SwapDevice replaced it is no failure.
func (s *Session) deviceFailed(dev audio.Device, err error) {
	s.devMu.Lock()
	if s.dev != dev {
		s.devMu.Unlock()
		return
	}
	null, nerr := audio.NewNullDevice(dev.Format())
	if nerr != nil {
		s.devMu.Unlock()
		s.log.Error("media: no stand-in device", "error", nerr)
		time.Sleep(s.cfg.Ptime) // do not spin on a dead device
		return
	}
	s.setDeviceLocked(null)
	s.devMu.Unlock()
	go dev.Close()
	s.h.DeviceError(err)
}
