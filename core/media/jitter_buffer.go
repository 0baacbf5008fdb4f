package media

import (
	"sync"
	"time"
)

// JitterConfig sizes a JitterBuffer. Zero fields take the defaults.
type JitterConfig struct {
	ClockRate int           // RTP clock rate (8000, 48000); default 8000
	FrameTS   uint32        // RTP timestamp units per frame (160 for 20 ms at 8 kHz)
	Frame     time.Duration // playout frame; default 20 ms
	// MinDelay and MaxDelay bound the target delay (defaults 20 ms, 300 ms).
	MinDelay, MaxDelay time.Duration
}

func (c JitterConfig) withDefaults() JitterConfig {
	if c.ClockRate <= 0 {
		c.ClockRate = 8000
	}
	if c.Frame <= 0 {
		c.Frame = 20 * time.Millisecond
		if c.FrameTS > 0 {
			c.Frame = time.Duration(c.FrameTS) * time.Second / time.Duration(c.ClockRate)
		}
	}
	if c.FrameTS == 0 {
		c.FrameTS = uint32(max(1, int64(c.ClockRate)*int64(c.Frame)/int64(time.Second)))
	}
	if c.MinDelay <= 0 {
		c.MinDelay = 20 * time.Millisecond
	}
	if c.MaxDelay <= 0 {
		c.MaxDelay = 300 * time.Millisecond
	}
	c.MaxDelay = max(c.MaxDelay, c.MinDelay)
	return c
}

// FrameKind says what a popped frame slot holds.
type FrameKind uint8

const (
	// FrameEmpty: nothing to play (not started, buffering, silence between
	// talkspurts, underrun). Play silence or comfort noise.
	FrameEmpty FrameKind = iota
	// FramePacket: decode Frame.Payload.
	FramePacket
	// FrameLost: conceal. A packet is missing but later ones exist, or the
	// buffer inserts a frame to grow its delay (then Next is nil).
	FrameLost
)

func (k FrameKind) String() string {
	switch k {
	case FramePacket:
		return "packet"
	case FrameLost:
		return "lost"
	default:
		return "empty"
	}
}

// Frame is what to play for one frame slot.
type Frame struct {
	Kind FrameKind
	// Payload of the packet to decode (FramePacket); valid until the next Pop.
	Payload []byte
	// Next is, for FrameLost, the payload of the packet after the missing
	// one when it is already buffered (Opus recovers the loss from its FEC);
	// nil otherwise. Valid until the next Pop.
	Next []byte
	TS   uint32 // RTP timestamp of the slot
}

// Limits of the adaptation, in frames or time.
const (
	jbInsertEvery   = 2                      // pops between two frames inserted in speech
	jbDropSpacing   = 200 * time.Millisecond // between two frames dropped in speech
	jbSeqJump       = 1000                   // a sequence jump this big restarts the buffer
	jbLateRun       = 200 * time.Millisecond // this long of hopelessly late packets restarts it
	jbEarlyJump     = time.Second            // a packet this much early restarts it
	jbPayloadCap    = 256                    // bytes preallocated per slot (G.711 20 ms is 160)
	jbPopRing       = 16                     // pops over which the playout clock's jitter is judged
	jbSilenceRecent = 5 * time.Second        // silence this recent defers drops in speech
	jbIdleSilence   = 2                      // pops of underrun before it counts as silence
)

// JitterBuffer reorders RTP packets and releases one frame per playout
// tick, holding a delay that follows the measured network jitter.
//
// Its timing model: a packet's transit is arrival minus media time (RTP
// timestamp as a duration); the base is the smallest transit of the last
// two seconds. A slot popped at now is on time for a packet iff the
// packet's transit ≤ now − media time of the slot, so the buffering delay
// is now − media time − base, held at or a little above the target (a
// high percentile of transit − base). Sender or device clock drift moves
// that delay; frames are dropped or inserted to pull it back, preferably
// in silence or at a talkspurt start.
//
// Each packet is taken to hold one frame (ptime = Frame). Put and Pop may
// be called from different goroutines.
type JitterBuffer struct {
	mu    sync.Mutex
	cfg   JitterConfig
	est   jbEstimator
	store jbStore
	seen  []int64 // extended seqs recently received, to tell duplicates from late packets

	started bool      // a packet arrived since the last (re)start
	playing bool      // playout has begun (after buffering up to the target)
	epoch   time.Time // arrival of the first packet: times below are offsets from it

	originTS        int64 // extended timestamp of the first packet: media time zero
	highSeq, highTS int64 // the highest sequence seen, and its timestamp
	expSeq          int64 // next sequence to play (while buffering: the lowest held)
	playTS          int64 // timestamp of the next slot
	maxDelayTS      int64 // MaxDelay in timestamp units

	lateRun   bool // packets are arriving later than MaxDelay
	lateSince time.Duration

	pops        int64 // pops since the start, for the pop clock's own jitter
	popRing     [jbPopRing]time.Duration
	sinceAdapt  int   // pops since a frame was dropped or inserted in speech
	idle        int   // pops of underrun in a row
	lastSilence int64 // pop of the last silent slot
	lastKind    FrameKind
	delay       time.Duration

	out, next []byte // what Pop hands out, so Put can reuse slots meanwhile
	stats     JitterStats
}

// NewJitterBuffer makes a buffer for one incoming stream.
func NewJitterBuffer(cfg JitterConfig) *JitterBuffer {
	cfg = cfg.withDefaults()
	// Room for twice the largest delay plus bursts: beyond that, Put makes
	// room by dropping the oldest.
	size := 32
	for size < 2*int(cfg.MaxDelay/cfg.Frame)+16 {
		size *= 2
	}
	j := &JitterBuffer{
		cfg:        cfg,
		store:      newJBStore(size),
		seen:       make([]int64, 4*size),
		maxDelayTS: int64(cfg.ClockRate) * int64(cfg.MaxDelay) / int64(time.Second),
		out:        make([]byte, 0, 1500),
		next:       make([]byte, 0, 1500),
	}
	j.est.init(cfg)
	return j
}

// Put stores a received packet with its arrival time. The payload is
// copied; steady state does not allocate.
func (j *JitterBuffer) Put(seq uint16, ts uint32, marker bool, payload []byte, arrival time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.stats.Received++
	fresh := !j.started
	if fresh {
		j.begin(seq, ts, arrival)
	}
	eseq, ets := j.extend(seq, ts)
	if j.seen[eseq&int64(len(j.seen)-1)] == eseq {
		j.stats.Duplicate++
		return
	}
	at := arrival.Sub(j.epoch)
	transit := at - j.tsDur(ets)
	if !fresh && j.jumped(eseq, ets, at, transit) {
		j.stats.Dropped += uint64(j.store.n)
		j.store.clear()
		j.begin(seq, ts, arrival)
		eseq, ets, at, transit = j.highSeq, j.highTS, 0, 0
	}
	j.seen[eseq&int64(len(j.seen)-1)] = eseq
	j.est.add(at, transit)
	if eseq < j.highSeq {
		j.stats.Reordered++
	} else {
		j.highSeq, j.highTS = eseq, ets
	}
	j.place(eseq, ets, marker, payload)
}

// begin (re)starts the stream at this packet.
func (j *JitterBuffer) begin(seq uint16, ts uint32, arrival time.Time) {
	j.started, j.playing = true, false
	j.epoch = arrival
	// Offsets keep extended values positive, and zero free for "none".
	j.highSeq = int64(seq) + 1<<32
	j.originTS = int64(ts) + 1<<40
	j.highTS, j.expSeq, j.playTS = j.originTS, j.highSeq, j.originTS
	j.lateRun = false
	j.pops = 0
	j.sinceAdapt = 0
	j.lastSilence = -1 << 40
	j.idle = 0
	j.delay = 0
	clear(j.seen)
	j.est.restart()
}

// extend unwraps seq and ts next to the highest ones seen.
func (j *JitterBuffer) extend(seq uint16, ts uint32) (int64, int64) {
	return j.highSeq + int64(int16(seq-uint16(j.highSeq))),
		j.highTS + int64(int32(ts-uint32(j.highTS)))
}

// tsDur is the media time of an extended timestamp.
func (j *JitterBuffer) tsDur(ets int64) time.Duration {
	d, r := ets-j.originTS, int64(j.cfg.ClockRate)
	// Split so that days-long calls at 48 kHz cannot overflow.
	return time.Duration(d/r)*time.Second + time.Duration(d%r)*time.Second/time.Duration(r)
}

// jumped tells a broken timeline (new source behind the same SSRC, sender
// restart) from jitter, loss and silence, which the playout absorbs.
func (j *JitterBuffer) jumped(eseq, ets int64, at, transit time.Duration) bool {
	if d := eseq - j.highSeq; d > jbSeqJump || d < -jbSeqJump {
		return true
	}
	if eseq > j.highSeq && j.highTS-ets > j.maxDelayTS {
		return true // newer packet, much older timestamp
	}
	dev := transit - j.est.base()
	if dev < -max(jbEarlyJump, 2*j.cfg.MaxDelay) {
		return true // timestamp far ahead of what arrival times allow
	}
	if dev <= j.cfg.MaxDelay+j.cfg.Frame {
		j.lateRun = false
		return false
	}
	// One burst after a network stall arrives at once; a timestamp step
	// back or a longer path keeps arriving this late.
	if !j.lateRun {
		j.lateRun, j.lateSince = true, at
		return false
	}
	return at-j.lateSince >= jbLateRun
}

// place stores a new packet, or counts it late.
func (j *JitterBuffer) place(eseq, ets int64, marker bool, payload []byte) {
	size := int64(len(j.store.slots))
	switch {
	case j.playing && (eseq < j.expSeq || ets < j.playTS):
		j.stats.Late++
		if eseq >= j.expSeq {
			// Its slot went by as an underrun: stop waiting for it.
			j.stats.Dropped += uint64(j.store.dropRange(j.expSeq, eseq+1))
			j.expSeq = eseq + 1
		}
		return
	case !j.playing && eseq < j.expSeq:
		if j.highSeq-eseq >= size {
			j.stats.Dropped++
			return
		}
		j.expSeq = eseq // came before the first one: the new head
	}
	if eseq-j.expSeq >= size {
		j.overflow(eseq, ets)
	}
	j.store.put(eseq, ets, marker, payload)
}

// overflow drops the oldest packets to make room for eseq.
func (j *JitterBuffer) overflow(eseq, ets int64) {
	head := eseq - int64(len(j.store.slots)) + 1
	j.stats.Dropped += uint64(j.store.dropRange(j.expSeq, head))
	j.expSeq = eseq
	if h := j.store.after(head - 1); h != nil {
		j.expSeq, ets = h.seq, h.ts
	}
	if j.playing && ets > j.playTS {
		j.playTS = ets
	}
}

// Reset forgets the stream, as for a new SSRC. Counters keep counting:
// they describe the call.
func (j *JitterBuffer) Reset() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.store.clear()
	j.started, j.playing = false, false
	j.delay = 0
	j.est.init(j.cfg)
}

// Stats returns the counters and the current delay figures.
func (j *JitterBuffer) Stats() JitterStats {
	j.mu.Lock()
	defer j.mu.Unlock()
	st := j.stats
	st.TargetDelay = j.est.target
	st.CurrentDelay = j.delay
	st.Jitter = time.Duration(j.est.jitter)
	return st
}
