package videosession

import (
	"math"
	"sync/atomic"
	"time"
)

// Stats are a video stream's figures, for the call's statistics view and
// its JSON.
type Stats struct {
	Codec               string  `json:"codec"`
	FramesSent          uint64  `json:"frames_sent"`
	FramesReceived      uint64  `json:"frames_received"` // whole frames assembled
	FramesDecoded       uint64  `json:"frames_decoded"`
	FramesDropped       uint64  `json:"frames_dropped"` // received but not decodable (after a loss, until a key frame)
	KeyframesSent       uint64  `json:"keyframes_sent"`
	KeyframesRequested  uint64  `json:"keyframes_requested"`   // PLI/FIR we sent
	KeyRequestsReceived uint64  `json:"key_requests_received"` // PLI/FIR the far end sent
	NACKsSent           uint64  `json:"nacks_sent"`            // sequence numbers we asked again
	NACKsReceived       uint64  `json:"nacks_received"`        // sequence numbers the far end asked again
	Retransmitted       uint64  `json:"retransmitted"`         // packets we sent again
	PacketsSent         uint64  `json:"packets_sent"`
	PacketsReceived     uint64  `json:"packets_received"`
	PacketsLost         uint64  `json:"packets_lost"` // never arrived, even resent
	Width               int     `json:"width"`        // of the last decoded picture
	Height              int     `json:"height"`
	FPS                 float64 `json:"fps"`        // decoded, over the last second or so
	SendWidth           int     `json:"send_width"` // of the last frame we encoded
	SendHeight          int     `json:"send_height"`
	SendFPS             float64 `json:"send_fps"` // encoded, over the last second or so
	TargetFPS           int     `json:"target_fps"`
	Bitrate             int     `json:"bitrate"`              // current send target, bits/s
	RemoteFractionLost  float64 `json:"remote_fraction_lost"` // what the far end's last report said of ours
	RTTMs               float64 `json:"rtt_ms"`               // from RTCP, 0 until known
}

// counters are what the loops count, read by Stats at any time.
type counters struct {
	framesSent, framesReceived, framesDecoded, framesDropped atomic.Uint64
	keysSent, keysRequested, keyRequestsIn                   atomic.Uint64
	nacksSent, nacksIn, retransmitted                        atomic.Uint64
	packetsSent, packetsReceived                             atomic.Uint64
	size, sendSize                                           atomic.Uint64 // width<<32 | height
	fps, sendFPS                                             rateMeter
	remoteLost                                               atomic.Uint64 // float64 bits
}

func packSize(w, h int) uint64       { return uint64(w)<<32 | uint64(uint32(h)) }
func unpackSize(v uint64) (int, int) { return int(v >> 32), int(uint32(v)) }

// rateMeter counts events per second over windows of a second: the figure
// is the last whole window's. One goroutine ticks it; Stats reads it.
type rateMeter struct {
	start atomic.Int64 // unix nanos the current window began
	n     atomic.Uint64
	rate  atomic.Uint64 // float64 bits of the last window's rate
}

func (m *rateMeter) tick(now time.Time) {
	ns := now.UnixNano()
	st := m.start.Load()
	if st == 0 {
		m.start.Store(ns)
		st = ns
	}
	if d := ns - st; d >= int64(time.Second) {
		m.rate.Store(floatBits(float64(m.n.Load()) * float64(time.Second) / float64(d)))
		m.n.Store(0)
		m.start.Store(ns)
	}
	m.n.Add(1)
}

// value is the rate, 0 when the last event is more than two windows old.
func (m *rateMeter) value(now time.Time) float64 {
	if st := m.start.Load(); st == 0 || now.UnixNano()-st > 2*int64(time.Second) {
		return 0
	}
	return floatFrom(m.rate.Load())
}

// Stats returns the figures so far.
func (s *Session) Stats() Stats {
	now := time.Now()
	c := &s.st
	st := Stats{
		Codec:               s.cfg.Codec.Name,
		FramesSent:          c.framesSent.Load(),
		FramesReceived:      c.framesReceived.Load(),
		FramesDecoded:       c.framesDecoded.Load(),
		FramesDropped:       c.framesDropped.Load(),
		KeyframesSent:       c.keysSent.Load(),
		KeyframesRequested:  c.keysRequested.Load(),
		KeyRequestsReceived: c.keyRequestsIn.Load(),
		NACKsSent:           c.nacksSent.Load(),
		NACKsReceived:       c.nacksIn.Load(),
		Retransmitted:       c.retransmitted.Load(),
		PacketsSent:         c.packetsSent.Load(),
		PacketsReceived:     c.packetsReceived.Load(),
		FPS:                 c.fps.value(now),
		SendFPS:             c.sendFPS.value(now),
		RemoteFractionLost:  floatFrom(c.remoteLost.Load()),
	}
	st.Width, st.Height = unpackSize(c.size.Load())
	st.SendWidth, st.SendHeight = unpackSize(c.sendSize.Load())
	st.Bitrate, st.TargetFPS = s.rate.targets()
	s.mu.Lock()
	st.PacketsLost = uint64(max(s.recv.totalLost(), 0))
	st.RTTMs = float64(s.rtt) / float64(time.Millisecond)
	s.mu.Unlock()
	return st
}

func floatBits(f float64) uint64 { return math.Float64bits(f) }
func floatFrom(b uint64) float64 { return math.Float64frombits(b) }
