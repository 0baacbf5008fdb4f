package media

import (
	"sync"
	"sync/atomic"

	"github.com/softphone/softphone/core/audio"
)

// portMaxQueue is how many periods a leg may queue toward the mix before
// the oldest are dropped: a leg that caught up after a stall keeps at most
// this much extra delay.
const portMaxQueue = 3

// portReserve is how many periods a leg queues before it is heard (at the
// start, and after it ran dry): one period more delay buys a period of
// slack for the leg's session to be scheduled late without a gap.
const portReserve = 2

// portRing is each direction's ring size, in periods.
const portRing = portMaxQueue + 2

// Port is one conference leg's device: what its call's session captures
// is the mix meant for that party, and what the session plays goes into
// the mix. It claims a shared clock: the session serves both directions
// from its capture loop, paced by the bridge.
type Port struct {
	b        *Bridge
	f        audio.Format
	legFrame int         // samples per period at the leg's rate
	down     *audio.Ring // bridge → session
	up       *audio.Ring // session → bridge

	// The bridge loop's buffers.
	upBuf, downBuf []int16 // leg rate
	upMix, downMix []int16 // the bridge's mixing rate
	upRS, downRS   *audio.Resampler

	primed    bool // the reserve is built: the leg is heard (bridge loop only)
	underruns atomic.Uint64
	dropped   atomic.Uint64
	overruns  atomic.Uint64

	isClosed  atomic.Bool
	closeOnce sync.Once
	onClose   func()
}

// PortStats count a leg's concealments: periods it was late for (mixed as
// silence), periods dropped from its queue, and periods of the mix it did
// not read in time (overwritten).
type PortStats struct {
	Underruns, Dropped, Overruns uint64
}

func newPort(b *Bridge, f audio.Format, onClose func()) (*Port, error) {
	n := f.FrameSamples()
	p := &Port{
		b: b, f: f, legFrame: n, onClose: onClose,
		down: audio.NewRing(portRing * n), up: audio.NewRing(portRing * n),
		upBuf: make([]int16, n), downBuf: make([]int16, n),
		upMix: make([]int16, b.frame), downMix: make([]int16, b.frame),
	}
	if f.SampleRate != b.rate {
		var err error
		if p.upRS, err = audio.NewResampler(f.SampleRate, b.rate); err != nil {
			return nil, err
		}
		if p.downRS, err = audio.NewResampler(b.rate, f.SampleRate); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// ReadFrame blocks until the bridge has mixed the next period for this
// leg: the others and the local microphone.
func (p *Port) ReadFrame(pcm []int16) (int, error) {
	n := min(len(pcm), p.legFrame)
	return p.down.Read(pcm[:n])
}

// WriteFrame queues what the leg's far end said, for the next mix. It
// never blocks.
func (p *Port) WriteFrame(pcm []int16) (int, error) {
	if p.isClosed.Load() {
		return 0, audio.ErrClosed
	}
	if d := p.up.Overwrite(pcm); d > 0 {
		p.dropped.Add(uint64((d + p.legFrame - 1) / p.legFrame))
	}
	return len(pcm), nil
}

// Format is the leg's format.
func (p *Port) Format() audio.Format { return p.f }

// SharedClock is true: the bridge paces both directions.
func (p *Port) SharedClock() bool { return true }

// Stats returns the leg's concealment counts.
func (p *Port) Stats() PortStats {
	return PortStats{Underruns: p.underruns.Load(), Dropped: p.dropped.Load(), Overruns: p.overruns.Load()}
}

// Close takes the leg out of the mix and unblocks its session.
func (p *Port) Close() error {
	p.closeOnce.Do(func() {
		p.isClosed.Store(true)
		p.down.Close()
		p.up.Close()
		p.b.remove(p)
		if p.onClose != nil {
			p.onClose()
		}
	})
	return nil
}

// pull takes the leg's next period for the mix, at the mixing rate.
// Bridge loop only.
func (p *Port) pull() []int16 {
	lvl := p.up.Len()
	for lvl > portMaxQueue*p.legFrame {
		p.up.ReadAvailable(p.upBuf) // too far behind: drop the oldest
		lvl -= p.legFrame
		p.dropped.Add(1)
	}
	switch {
	case !p.primed && lvl < portReserve*p.legFrame:
		// Filling the reserve (at the start, after an underrun).
		clear(p.upBuf)
	case lvl < p.legFrame:
		// Late beyond the reserve: silence now, and the reserve is
		// built again before the leg is heard.
		clear(p.upBuf)
		p.primed = false
		p.underruns.Add(1)
	default:
		p.primed = true
		p.up.ReadAvailable(p.upBuf)
	}
	return resampleFit(p.upRS, p.upBuf, p.upMix)
}

// push hands the leg the mix meant for it (downMix). Bridge loop only.
func (p *Port) push() {
	out := resampleFit(p.downRS, p.downMix, p.downBuf)
	if d := p.down.Overwrite(out); d > 0 {
		p.overruns.Add(1)
	}
}
