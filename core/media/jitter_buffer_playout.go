package media

import "time"

// Pop is called once per frame by the playout clock (the audio device)
// and says what to play for the next frame slot.
func (j *JitterBuffer) Pop(now time.Time) Frame {
	j.mu.Lock()
	defer j.mu.Unlock()
	f := j.pop(now)
	j.lastKind = f.Kind
	return f
}

func (j *JitterBuffer) pop(now time.Time) Frame {
	if !j.started {
		return Frame{Kind: FrameEmpty}
	}
	at := now.Sub(j.epoch)
	// Judge the delay at the earliest of the recent pops: a device that
	// asks for frames in bursts must not make the buffer swing.
	at -= j.popJitter(at)
	if !j.playing && !j.startPlayout(at) {
		return Frame{Kind: FrameEmpty} // buffering up to the target
	}
	j.delay = at - j.tsDur(j.playTS) - j.est.base()
	excess := j.delay - j.est.target
	if excess-j.cfg.Frame > j.cfg.MaxDelay {
		// The device stalled or the timestamps leapt ahead: catch up now.
		k := int64(excess / j.cfg.Frame)
		j.playTS += k * int64(j.cfg.FrameTS)
		j.stats.Dropped += uint64(k)
		j.dropStale()
		excess -= time.Duration(k) * j.cfg.Frame
	}
	j.sinceAdapt++
	idle := j.idle
	j.idle = 0 // underrun counts it up again
	return j.slot(excess, idle)
}

// popJitter is how late this pop is against the earliest of the last
// jbPopRing pops, all measured against a steady frame clock.
func (j *JitterBuffer) popJitter(at time.Duration) time.Duration {
	e := at - time.Duration(j.pops)*j.cfg.Frame
	j.popRing[j.pops%jbPopRing] = e
	j.pops++
	lo := e
	for _, v := range j.popRing[:min(j.pops, jbPopRing)] {
		lo = min(lo, v)
	}
	return e - lo
}

// startPlayout begins playout once the head packet has waited the target.
func (j *JitterBuffer) startPlayout(at time.Duration) bool {
	h := j.store.get(j.expSeq)
	if h == nil {
		if h = j.store.after(j.expSeq); h == nil {
			return false
		}
		j.expSeq = h.seq
	}
	if at-j.tsDur(h.ts)-j.est.base() < j.est.target {
		return false
	}
	j.playing, j.playTS, j.sinceAdapt = true, h.ts, 0
	return true
}

// dropStale drops the packets the playout point has passed.
func (j *JitterBuffer) dropStale() {
	for j.store.n > 0 {
		sl := j.store.get(j.expSeq)
		if sl == nil {
			if sl = j.store.after(j.expSeq); sl == nil {
				break
			}
			j.expSeq = sl.seq
		}
		if sl.ts >= j.playTS {
			return
		}
		j.store.free(sl)
		j.expSeq++
	}
	j.expSeq = max(j.expSeq, j.highSeq+1)
}

// slot decides the frame at playTS. excess is the delay above target.
func (j *JitterBuffer) slot(excess time.Duration, idle int) Frame {
	step := int64(j.cfg.FrameTS)
	for {
		if s := j.store.get(j.expSeq); s != nil {
			if s.ts < j.playTS+step {
				return j.speech(s, excess)
			}
			return j.silence(s.ts, excess) // DTX: timestamps moved on, sequence did not
		}
		n := j.store.after(j.expSeq)
		if n == nil {
			return j.underrun(excess, idle)
		}
		// The missing packets are taken to sit right before n.
		missing := n.seq - j.expSeq
		lostStart := n.ts - missing*step
		if lostStart <= j.playTS-step {
			// Some of them had slots that already went by as underruns.
			passed := min(missing, (j.playTS-lostStart)/step)
			j.expSeq += passed
			if passed == missing {
				continue
			}
			lostStart += passed * step
		}
		if lostStart >= j.playTS+step {
			return j.silence(lostStart, excess)
		}
		return j.lost()
	}
}

// speech plays s, due now, unless the delay needs a frame more or less.
func (j *JitterBuffer) speech(s *jbSlot, excess time.Duration) Frame {
	start := s.marker || j.lastKind == FrameEmpty
	switch {
	case start && (excess < 0 || excess < j.cfg.Frame/2 && j.silentLately()):
		// A longer silence before a talkspurt is not heard. Aim as in
		// silence: the base transit, stale while no packet came, has just
		// been brought up to date by this talkspurt's first packets.
		j.stats.Inserted++
		j.sinceAdapt = 0
		return Frame{Kind: FrameEmpty, TS: uint32(j.playTS)}
	case excess < 0 && j.sinceAdapt >= jbInsertEvery:
		j.stats.Inserted++
		j.sinceAdapt = 0
		return Frame{Kind: FrameLost, TS: uint32(j.playTS)}
	case excess >= j.dropAbove() && !start && j.sinceAdapt >= j.dropEvery(excess):
		// Only drop when the next one can take its place.
		step := int64(j.cfg.FrameTS)
		if nx := j.store.get(s.seq + 1); nx != nil && nx.ts < s.ts+2*step {
			j.store.free(s)
			j.stats.Dropped++
			j.sinceAdapt = 0
			s = nx
		}
	}
	return j.play(s)
}

// silentLately tells a stream with silences (DTX), where adaptation can
// wait for the next one, from continuous speech.
func (j *JitterBuffer) silentLately() bool {
	return j.pops-j.lastSilence < int64(jbSilenceRecent/j.cfg.Frame)
}

// dropAbove is the excess that makes speech lose a frame. When silence
// came lately, more will come: leave the work to it.
func (j *JitterBuffer) dropAbove() time.Duration {
	if j.silentLately() {
		return 5 * j.cfg.Frame / 2
	}
	return j.cfg.Frame + j.cfg.Frame/4
}

// dropEvery is how many pops apart frames are dropped in speech: rarely,
// unless the delay is far above target.
func (j *JitterBuffer) dropEvery(excess time.Duration) int {
	if excess >= 3*j.cfg.Frame {
		return 2
	}
	return max(1, int(jbDropSpacing/j.cfg.Frame))
}

func (j *JitterBuffer) play(s *jbSlot) Frame {
	j.out = append(j.out[:0], s.buf...)
	f := Frame{Kind: FramePacket, Payload: j.out, TS: uint32(s.ts)}
	j.playTS = s.ts + int64(j.cfg.FrameTS)
	j.expSeq = s.seq + 1
	j.store.free(s)
	j.stats.Played++
	return f
}

func (j *JitterBuffer) lost() Frame {
	f := Frame{Kind: FrameLost, TS: uint32(j.playTS)}
	if nx := j.store.get(j.expSeq + 1); nx != nil {
		j.next = append(j.next[:0], nx.buf...)
		f.Next = j.next
	}
	j.expSeq++
	j.playTS += int64(j.cfg.FrameTS)
	j.stats.Lost++
	return f
}

// silence plays an empty slot before the packet at until, and adapts the
// delay freely: nobody hears a silence grow or shrink. It aims at the
// middle of the band speech keeps to, so that drift in the next
// talkspurt is unlikely to need a frame dropped or concealed.
func (j *JitterBuffer) silence(until int64, excess time.Duration) Frame {
	f := Frame{Kind: FrameEmpty, TS: uint32(j.playTS)}
	j.lastSilence = j.pops
	step, fr := int64(j.cfg.FrameTS), j.cfg.Frame
	gap := (until - j.playTS) / step
	switch {
	case excess >= fr+fr/2 && gap > 1:
		k := min(int64((excess-fr/2)/fr), gap-1)
		j.playTS += (k + 1) * step
		j.stats.Dropped += uint64(k)
	case excess < fr/2:
		j.stats.Inserted++
	default:
		j.playTS += step
	}
	return f
}

// underrun: nothing buffered. Below target, wait for it rather than let
// the packet due now come late. An underrun that lasts is the sender's
// silence (DTX, or a talkspurt ended without a packet to say so).
func (j *JitterBuffer) underrun(excess time.Duration, idle int) Frame {
	j.idle = idle + 1
	if j.idle > jbIdleSilence {
		return j.silence(j.playTS+1<<40, excess)
	}
	f := Frame{Kind: FrameEmpty, TS: uint32(j.playTS)}
	if excess < 0 {
		j.stats.Inserted++
		if j.idle == 1 && j.lastKind != FrameEmpty {
			f.Kind = FrameLost // mid-speech: a concealed frame, not a hole
		}
		return f
	}
	j.playTS += int64(j.cfg.FrameTS)
	return f
}
