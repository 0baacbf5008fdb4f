package videosession

import (
	"math"
	"sync/atomic"
	"time"

	"github.com/softphone/softphone/core/video"
)

// Stats are a video stream's figures (core/video holds the type, so a
// call's statistics can carry them).
type Stats = video.Stats

// counters are what the loops count, read by Stats at any time.
type counters struct {
	framesSent, framesReceived, framesDecoded, framesDropped atomic.Uint64
	keysSent, keysRequested, keyRequestsIn, keysReceived     atomic.Uint64
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
		KeyframesReceived:   c.keysReceived.Load(),
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
