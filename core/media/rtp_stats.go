package media

import "time"

// recvStats follows one incoming RTP stream the way RFC 3550 appendix A.3
// and A.8 describe: extended highest sequence, expected vs received packets,
// and the interarrival jitter estimate.
type recvStats struct {
	// Call totals over every source the call has had (a new SSRC restarts
	// the per-source state below, not these).
	priorReceived, priorLost uint64

	base     time.Time // arrival times are measured from here (no overflow)
	started  bool
	ssrc     uint32
	baseSeq  uint16
	maxSeq   uint16
	cycles   uint32
	received uint64

	// For the RR's fraction lost: counts at the previous report.
	expectedPrior uint64
	receivedPrior uint64

	clockRate int
	transit   int64   // previous relative transit time, in RTP units
	jitter    float64 // RTP units, smoothed per RFC 3550 A.8

	// From the far end's last SR, for the RR's LSR/DLSR fields.
	lastSRMid uint32
	lastSRAt  time.Time
}

// update counts one packet. It returns false for a packet from a new SSRC,
// after restarting the statistics for it. timing is false for packets whose
// timestamp does not follow the audio clock (RFC 4733 events keep their
// start timestamp): they count for loss, not for jitter.
func (r *recvStats) update(ssrc uint32, seq uint16, ts uint32, arrival time.Time, timing bool) bool {
	if !r.started || ssrc != r.ssrc {
		fresh := !r.started
		prior := recvStats{clockRate: r.clockRate, lastSRMid: r.lastSRMid, lastSRAt: r.lastSRAt}
		if r.started {
			prior.priorReceived = r.priorReceived + r.received
			prior.priorLost = r.priorLost + r.lost()
		}
		*r = prior
		r.started, r.ssrc, r.baseSeq, r.maxSeq, r.base = true, ssrc, seq, seq, arrival
		r.received = 1
		r.transit = r.arrivalUnits(arrival) - int64(ts)
		return fresh
	}
	delta := seq - r.maxSeq
	switch {
	case delta > 0 && delta < 0x8000:
		if seq < r.maxSeq {
			r.cycles += 1 << 16
		}
		r.maxSeq = seq
	case delta == 0:
		return true // duplicate: RFC 3550 counts it, the jitter buffer drops it
	}
	r.received++
	if !timing {
		return true
	}
	transit := r.arrivalUnits(arrival) - int64(ts)
	d := transit - r.transit
	r.transit = transit
	if d < 0 {
		d = -d
	}
	r.jitter += (float64(d) - r.jitter) / 16
	return true
}

// arrivalUnits is t in RTP clock units since the stream's first packet;
// split in seconds and the rest so the product cannot overflow.
func (r *recvStats) arrivalUnits(t time.Time) int64 {
	d := t.Sub(r.base)
	rate := int64(r.clockRate)
	return int64(d/time.Second)*rate + int64(d%time.Second)*rate/int64(time.Second)
}

// totalReceived and totalLost are the call's figures over all its sources.
func (r *recvStats) totalReceived() uint64 { return r.priorReceived + r.received }
func (r *recvStats) totalLost() uint64     { return r.priorLost + r.lost() }

func (r *recvStats) extendedMax() uint32 { return r.cycles + uint32(r.maxSeq) }

func (r *recvStats) expected() uint64 {
	return uint64(r.extendedMax()) - uint64(r.baseSeq) + 1
}

// lost is the cumulative number of packets lost (never negative here).
func (r *recvStats) lost() uint64 {
	if e := r.expected(); e > r.received {
		return e - r.received
	}
	return 0
}

// fractionLost is the loss since the previous call, in 1/256 (RR field).
func (r *recvStats) fractionLost() uint8 {
	expected := r.expected()
	expInt := expected - r.expectedPrior
	recInt := r.received - r.receivedPrior
	r.expectedPrior, r.receivedPrior = expected, r.received
	if expInt == 0 || recInt >= expInt {
		return 0
	}
	return uint8((expInt - recInt) * 256 / expInt)
}

func (r *recvStats) jitterDuration() time.Duration {
	if r.clockRate == 0 {
		return 0
	}
	return time.Duration(r.jitter * float64(time.Second) / float64(r.clockRate))
}
