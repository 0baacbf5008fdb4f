package videosession

import (
	"time"

	"github.com/softphone/softphone/core/video"
)

// recvStats are the figures of the far end's stream that our reception
// reports carry (RFC 3550 A.3, A.8). Guarded by Session.mu.
type recvStats struct {
	started       bool
	ssrc          uint32
	baseSeq       uint32
	maxSeq        uint16
	cycles        uint32
	received      uint64 // distinct packets
	expectedPrior uint64
	receivedPrior uint64
	jitter        float64 // in RTP timestamp units
	transit       int64
	lastSRMid     uint32 // middle of the NTP time of its last SR
	lastSRAt      time.Time
}

// update counts one new packet (not a duplicate) of the stream.
func (r *recvStats) update(ssrc uint32, seq uint16, ts uint32, at time.Time) {
	transit := rtpUnits(at) - int64(ts)
	if !r.started || ssrc != r.ssrc {
		*r = recvStats{started: true, ssrc: ssrc, baseSeq: uint32(seq), maxSeq: seq, transit: transit}
		r.received = 1
		return
	}
	r.received++
	if d := int16(seq - r.maxSeq); d > 0 {
		if seq < r.maxSeq {
			r.cycles += 1 << 16
		}
		r.maxSeq = seq
		// Jitter over in-order packets only: a resent one would count its
		// round trip as jitter.
		dt := transit - r.transit
		if dt < 0 {
			dt = -dt
		}
		r.jitter += (float64(dt) - r.jitter) / 16
		r.transit = transit
	}
}

// rtpUnits is t on a 90 kHz clock.
func rtpUnits(t time.Time) int64 {
	ns := t.UnixNano()
	return ns/int64(time.Millisecond)*video.ClockRate/1000 + ns%int64(time.Millisecond)*video.ClockRate/int64(time.Second)
}

func (r *recvStats) extendedMax() uint32 { return r.cycles + uint32(r.maxSeq) }

func (r *recvStats) expected() uint64 {
	if !r.started {
		return 0
	}
	return uint64(r.extendedMax()-r.baseSeq) + 1
}

// totalLost is the cumulative number of packets lost.
func (r *recvStats) totalLost() int64 { return int64(r.expected()) - int64(r.received) }

// fractionLost is the loss since the last call, in 1/256.
func (r *recvStats) fractionLost() uint8 {
	exp, rec := r.expected(), r.received
	expInt, recInt := exp-r.expectedPrior, rec-r.receivedPrior
	r.expectedPrior, r.receivedPrior = exp, rec
	if expInt == 0 || recInt >= expInt {
		return 0
	}
	return uint8(min((expInt-recInt)*256/expInt, 255))
}
