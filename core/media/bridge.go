package media

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/softphone/softphone/core/audio"
)

// Bridge is a local conference's audio. It owns one real device (the
// local user's microphone and speaker) and gives each call in the
// conference a Port, a stand-in device for that call's media session. One
// loop, paced by the real device's capture clock, reads the microphone,
// takes one period from each port, mixes with a Mixer (each party hears
// the others and the microphone, the user hears every party) and hands
// each port its mix.
//
// Clocks: ports claim a shared clock, so each call's session reads one
// frame and then plays one, all paced by the bridge: the legs have no
// clock of their own, and the far ends' clocks are absorbed by each
// call's jitter buffer, as in a two-party call. What is left is
// scheduling jitter between the loop and the sessions, which small rings
// absorb with these rules (see Port): a leg is heard once it has queued
// portReserve periods, so its session may run up to a period late
// without a gap; a leg that runs dry all the same contributes silence
// until its reserve is rebuilt (its frames then follow, none lost); past
// portMaxQueue periods queued the oldest is dropped. In steady state
// nothing is dropped or repeated.
//
// A real device with separate capture and playback clocks is still driven
// from its capture clock: its own playback buffer takes up the drift.
type Bridge struct {
	f       audio.Format // the real device's
	rate    int          // the mixing rate
	frame   int          // samples per period at rate
	mixer   *Mixer
	onError func(error)
	log     *slog.Logger

	devMu sync.Mutex
	dev   audio.Device

	mu     sync.Mutex // AddPort and remove
	ports  atomic.Pointer[[]*Port]
	closed bool
	muted  atomic.Bool // the parties do not hear the microphone

	stop      chan struct{}
	done      chan struct{}
	running   atomic.Bool
	startOnce sync.Once
	stopOnce  sync.Once

	// The loop's buffers.
	devIn, devOut    []int16 // device rate
	mic, toLocal     []int16 // mixing rate
	micRS, outRS     *audio.Resampler
	parties, toParty [][]int16
	cycles           atomic.Uint64
}

// NewBridge prepares a bridge around dev (mono) that mixes at rate Hz (0:
// the device's rate): the device and every leg at another rate are
// resampled to it, so pick the highest rate worth keeping (a wideband
// leg mixed at 8 kHz loses its band; narrowband legs mixed at 48 kHz
// cost resampling for nothing). onError, when not nil, hears of a device
// that failed (the bridge goes on with a silent one), on its own
// goroutine. Start runs it.
func NewBridge(dev audio.Device, rate int, onError func(error), log *slog.Logger) (*Bridge, error) {
	f := dev.Format()
	if f.Channels != 1 || f.FrameSamples() <= 0 {
		return nil, fmt.Errorf("media: conference device %+v: want mono with a period", f)
	}
	if rate == 0 {
		rate = f.SampleRate
	}
	frame := int(int64(rate) * int64(f.Period) / 1e9)
	if rate < 8000 || rate > 192000 || frame <= 0 {
		return nil, fmt.Errorf("media: conference mixing rate %d Hz out of range", rate)
	}
	if log == nil {
		log = slog.Default()
	}
	b := &Bridge{
		f: f, rate: rate, frame: frame, mixer: NewMixer(frame), onError: onError, log: log, dev: dev,
		stop: make(chan struct{}), done: make(chan struct{}),
		devIn: make([]int16, f.FrameSamples()), devOut: make([]int16, f.FrameSamples()),
		mic: make([]int16, frame), toLocal: make([]int16, frame),
		parties: make([][]int16, 0, 8), toParty: make([][]int16, 0, 8),
	}
	if f.SampleRate != rate {
		var err error
		if b.micRS, err = audio.NewResampler(f.SampleRate, rate); err != nil {
			return nil, err
		}
		if b.outRS, err = audio.NewResampler(rate, f.SampleRate); err != nil {
			return nil, err
		}
	}
	b.ports.Store(&[]*Port{})
	return b, nil
}

// Format is the real device's format.
func (b *Bridge) Format() audio.Format { return b.f }

// Rate is the mixing rate.
func (b *Bridge) Rate() int { return b.rate }

// Start runs the mixing loop until Stop.
func (b *Bridge) Start() {
	b.startOnce.Do(func() {
		if b.stopping() {
			return
		}
		b.running.Store(true)
		go b.run()
	})
}

// Stop ends the loop (after the period in flight) and returns the real
// device, still open: it goes back to a call, or the caller closes it.
// The ports stay open: swap each call to another device first, which
// closes its port.
func (b *Bridge) Stop() audio.Device {
	b.stopOnce.Do(func() {
		b.mu.Lock()
		b.closed = true
		b.mu.Unlock()
		close(b.stop)
	})
	b.startOnce.Do(func() {}) // waits for a Start in progress; none after
	if b.running.Load() {
		<-b.done
	}
	return b.device()
}

// SetMicMuted keeps the local microphone out of every party's mix (the
// user hears the parties all the same).
func (b *Bridge) SetMicMuted(on bool) { b.muted.Store(on) }

// Cycles is the number of periods mixed so far.
func (b *Bridge) Cycles() uint64 { return b.cycles.Load() }

// Ports is the number of legs.
func (b *Bridge) Ports() int { return len(*b.ports.Load()) }

// Device is the real device.
func (b *Bridge) Device() audio.Device { return b.device() }

func (b *Bridge) device() audio.Device {
	b.devMu.Lock()
	defer b.devMu.Unlock()
	return b.dev
}

// SwapDevice replaces the real device (same format) and returns the old
// one, for the caller to close once the loop has left it.
func (b *Bridge) SwapDevice(dev audio.Device) (audio.Device, error) {
	if dev.Format() != b.f {
		return nil, fmt.Errorf("media: conference device format %+v differs from %+v", dev.Format(), b.f)
	}
	b.devMu.Lock()
	old := b.dev
	b.dev = dev
	b.devMu.Unlock()
	return old, nil
}

// AddPort adds a leg whose session runs at format f (mono, the bridge's
// period) and returns its device. onClose, when not nil, runs once the
// port is closed (its call ended or left), inside Close: it must not block.
func (b *Bridge) AddPort(f audio.Format, onClose func()) (*Port, error) {
	if f.Channels != 1 || f.Period != b.f.Period || f.FrameSamples() <= 0 {
		return nil, fmt.Errorf("media: conference leg format %+v: want mono with %v periods", f, b.f.Period)
	}
	p, err := newPort(b, f, onClose)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, errors.New("media: conference bridge stopped")
	}
	ports := append(slices.Clone(*b.ports.Load()), p)
	b.ports.Store(&ports)
	return p, nil
}

// remove takes p out of the mix.
func (b *Bridge) remove(p *Port) {
	b.mu.Lock()
	defer b.mu.Unlock()
	cur := *b.ports.Load()
	i := slices.Index(cur, p)
	if i < 0 {
		return
	}
	ports := slices.Delete(slices.Clone(cur), i, i+1)
	b.ports.Store(&ports)
}

func (b *Bridge) stopping() bool {
	select {
	case <-b.stop:
		return true
	default:
		return false
	}
}

func (b *Bridge) run() {
	defer close(b.done)
	for !b.stopping() {
		dev := b.device()
		n, err := dev.ReadFrame(b.devIn)
		if err != nil {
			if b.stopping() {
				return
			}
			b.deviceFailed(dev, err)
			continue
		}
		b.cycle(b.devIn[:n])
		if _, err := dev.WriteFrame(b.devOut); err != nil && !b.stopping() {
			b.deviceFailed(dev, err)
		}
	}
}

// cycle mixes one period: mic is what the device captured; the ports get
// their mixes and devOut what the device plays. It does not allocate once
// the bridge has seen its largest number of legs.
func (b *Bridge) cycle(mic []int16) {
	in := resampleFit(b.micRS, mic, b.mic)
	if b.muted.Load() {
		clear(in)
	}
	ports := *b.ports.Load()
	b.parties, b.toParty = b.parties[:0], b.toParty[:0]
	for _, p := range ports {
		b.parties = append(b.parties, p.pull())
		b.toParty = append(b.toParty, p.downMix)
	}
	b.mixer.Mix(in, b.parties, b.toLocal, b.toParty)
	for _, p := range ports {
		p.push()
	}
	resampleFit(b.outRS, b.toLocal, b.devOut)
	b.cycles.Add(1)
}

// deviceFailed goes on with a silent device in place of a failed one, so
// the parties keep hearing each other, and reports it.
func (b *Bridge) deviceFailed(dev audio.Device, err error) {
	null, nerr := audio.NewNullDevice(b.f)
	if nerr != nil {
		b.log.Error("media: conference: no stand-in device", "error", nerr)
		return
	}
	b.devMu.Lock()
	if b.dev != dev {
		b.devMu.Unlock()
		_ = null.Close()
		return // swapped meanwhile: not a failure
	}
	b.dev = null
	b.devMu.Unlock()
	go dev.Close()
	if b.onError != nil {
		// Not on the mixing loop: the handler may take a lock held by
		// whoever is stopping the bridge, and Stop waits for this loop.
		go b.onError(err)
	}
}

// resampleFit converts in to out's rate (rs nil: same rate) and fills all
// of out, padding or trimming the resampler's ±1 sample per frame.
func resampleFit(rs *audio.Resampler, in, out []int16) []int16 {
	var n int
	if rs == nil {
		n = copy(out, in)
	} else {
		n = rs.Process(in, out)
	}
	return audio.FitFrame(out[:n], len(out))
}
