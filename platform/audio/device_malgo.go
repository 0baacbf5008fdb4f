//go:build cgo && (linux || windows || darwin)

package audio

import (
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/gen2brain/malgo"

	coreaudio "github.com/softphone/softphone/core/audio"
)

// uninitTimeout bounds Close: miniaudio's stop can hang for good when the
// backend died (PulseAudio server gone); the phone must not hang with it.
const uninitTimeout = 2 * time.Second

// Device is an open miniaudio device (one duplex device, or a capture and a
// playback device). Its callbacks run on miniaudio's thread and only touch
// the rings and atomics, never blocking.
type Device struct {
	f        coreaudio.Format
	log      *slog.Logger
	release  func(dev *Device, hung bool)
	devs     []*malgo.Device
	capture  *coreaudio.Ring
	playback *coreaudio.Ring
	duplex   bool // one miniaudio device: both directions on one clock

	// Watchdog: miniaudio does not report every loss (PulseAudio server
	// death fires no stop callback), so a device whose callbacks stop for
	// stall is lost too.
	base   time.Time
	lastCB atomic.Int64 // time of the last callback, as ns since base
	stall  time.Duration

	closing   atomic.Bool // set before we stop the devices ourselves
	primed    atomic.Bool // playback has had audio: silence is an underrun
	starved   atomic.Bool // playback is currently running dry
	overruns  atomic.Int64
	underruns atomic.Int64

	done     chan struct{} // closed by Close: stops the watchdog
	lostOnce sync.Once
	close    sync.Once
	closeErr error
}

var _ coreaudio.Device = (*Device)(nil)

func newDevice(f coreaudio.Format, o options, release func(*Device, bool)) *Device {
	frame := f.FrameSamples() * f.Channels
	return &Device{
		f:        f,
		log:      o.log,
		release:  release,
		capture:  coreaudio.NewRing(o.bufferPeriods * frame),
		playback: coreaudio.NewRing(o.bufferPeriods * frame),
		base:     time.Now(),
		stall:    o.stallTimeout,
		done:     make(chan struct{}),
	}
}

// init opens one miniaudio device of kind with the given IDs (nil: default).
func (d *Device) init(ctx malgo.Context, kind malgo.DeviceType, in, out *malgo.DeviceID) error {
	c := malgo.DefaultDeviceConfig(kind)
	c.SampleRate = uint32(d.f.SampleRate)
	c.PeriodSizeInFrames = uint32(d.f.FrameSamples())
	c.Periods = 2
	c.PerformanceProfile = malgo.LowLatency
	c.Capture.Format = malgo.FormatS16
	c.Capture.Channels = uint32(d.f.Channels)
	c.Playback.Format = malgo.FormatS16
	c.Playback.Channels = uint32(d.f.Channels)
	// miniaudio copies the IDs during init; cgo wants Go pointers inside
	// the config pinned meanwhile.
	var pin runtime.Pinner
	defer pin.Unpin()
	if in != nil {
		pin.Pin(in)
		c.Capture.DeviceID = unsafe.Pointer(in)
	}
	if out != nil {
		pin.Pin(out)
		c.Playback.DeviceID = unsafe.Pointer(out)
	}
	dev, err := malgo.InitDevice(ctx, c, malgo.DeviceCallbacks{Data: d.onData, Stop: d.onStop})
	if err != nil {
		return fmt.Errorf("init %s device: %w", kindName(kind), err)
	}
	if got := dev.SampleRate(); got != uint32(d.f.SampleRate) {
		// miniaudio converts to the rate we asked for; this is the check
		// that it did, as the rings assume it.
		dev.Uninit()
		return fmt.Errorf("init %s device: rate %d Hz, asked %d Hz", kindName(kind), got, d.f.SampleRate)
	}
	d.devs = append(d.devs, dev)
	d.duplex = kind == malgo.Duplex
	return nil
}

func (d *Device) start() error {
	d.lastCB.Store(int64(time.Since(d.base)))
	for _, dev := range d.devs {
		if err := dev.Start(); err != nil {
			return fmt.Errorf("start device: %w", err)
		}
	}
	if d.stall > 0 {
		go d.watch()
	}
	return nil
}

func (d *Device) watch() {
	tick := time.NewTicker(d.stall / 4)
	defer tick.Stop()
	for {
		select {
		case <-d.done:
			return
		case <-tick.C:
			if since := time.Since(d.base) - time.Duration(d.lastCB.Load()); since > d.stall {
				d.lost(fmt.Sprintf("no audio callback for %v", since.Round(time.Millisecond)))
				return
			}
		}
	}
}

// onData runs on miniaudio's thread once per period.
func (d *Device) onData(out, in []byte, _ uint32) {
	d.lastCB.Store(int64(time.Since(d.base)))
	if len(in) > 0 {
		if d.capture.Overwrite(asSamples(in)) > 0 {
			d.overruns.Add(1)
		}
	}
	if len(out) > 0 {
		pcm := asSamples(out)
		n := d.playback.ReadAvailable(pcm)
		if n < len(pcm) {
			// Count a glitch once when playback runs dry, not every
			// period of a pause in what the phone sends.
			if d.primed.Load() && !d.starved.Swap(true) {
				d.underruns.Add(1)
			}
		} else {
			d.starved.Store(false)
		}
	}
}

// onStop runs when a device stops: by our Close, or because it was lost
// (unplugged, server gone). In the second case the phone is told.
func (d *Device) onStop() { d.lost("device stopped") }

func (d *Device) lost(why string) {
	if d.closing.Load() {
		return
	}
	d.lostOnce.Do(func() {
		d.log.Warn("audio device lost", "why", why)
		d.capture.CloseWithError(coreaudio.ErrDeviceLost)
		d.playback.CloseWithError(coreaudio.ErrDeviceLost)
	})
}

// asSamples views miniaudio's s16 buffer (native endian, aligned) as int16
// without copying: the callback must not allocate.
func asSamples(b []byte) []int16 {
	return unsafe.Slice((*int16)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/2)
}

// ReadFrame blocks until one frame (at most len(pcm) samples) has been
// captured. It returns coreaudio.ErrDeviceLost if the device went away.
func (d *Device) ReadFrame(pcm []int16) (int, error) {
	n := min(len(pcm), d.f.FrameSamples()*d.f.Channels)
	return d.capture.Read(pcm[:n])
}

// WriteFrame queues pcm for playback, blocking while the ring is full, so
// the device clock paces the caller.
func (d *Device) WriteFrame(pcm []int16) (int, error) {
	if !d.primed.Swap(true) && d.duplex {
		// One loop serves both directions and hands each frame over just
		// before its turn; a period of silence ahead of the first frame
		// lets that loop wake up to a period late (a busy machine) without
		// a glitch. Separate clocks keep more than this in the ring anyway.
		if _, err := d.playback.Write(make([]int16, d.f.FrameSamples()*d.f.Channels)); err != nil {
			return 0, err
		}
	}
	return d.playback.Write(pcm)
}

// SharedClock reports whether capture and playback run on one clock (one
// duplex device), so the media path can serve both from one loop and
// hand each frame over just before the device plays it.
func (d *Device) SharedClock() bool { return d.duplex }

// WaitRoom blocks until the playback ring takes one more frame without
// blocking (coreaudio.RoomWaiter).
func (d *Device) WaitRoom() error { return d.playback.WaitRoom(d.f.FrameSamples() * d.f.Channels) }

// Format is the format the device was opened at.
func (d *Device) Format() coreaudio.Format { return d.f }

// Stats reports capture overruns and playback underruns so far.
func (d *Device) Stats() Stats {
	return Stats{Overruns: d.overruns.Load(), Underruns: d.underruns.Load()}
}

// Close unblocks ReadFrame/WriteFrame and stops the device. If the backend
// does not stop within a few seconds (it died), Close gives up on it and
// returns an error; the device's resources are then leaked, not freed
// under a thread that may still use them.
func (d *Device) Close() error {
	d.close.Do(func() {
		d.closing.Store(true)
		close(d.done)
		d.capture.CloseWithError(coreaudio.ErrClosed)
		d.playback.CloseWithError(coreaudio.ErrClosed)
		stopped := make(chan struct{})
		go func() {
			d.uninit()
			close(stopped)
		}()
		hung := false
		select {
		case <-stopped:
		case <-time.After(uninitTimeout):
			hung = true
			d.closeErr = fmt.Errorf("audio: device did not stop within %v (backend hung); abandoned", uninitTimeout)
			d.log.Error("audio device close", "err", d.closeErr)
		}
		d.release(d, hung)
		s := d.Stats()
		d.log.Info("audio device closed", "overruns", s.Overruns, "underruns", s.Underruns)
	})
	return d.closeErr
}

func (d *Device) uninit() {
	d.closing.Store(true)
	for _, dev := range d.devs {
		dev.Uninit()
	}
	d.devs = nil
}

func kindName(k malgo.DeviceType) string {
	switch k {
	case malgo.Capture:
		return "capture"
	case malgo.Playback:
		return "playback"
	case malgo.Duplex:
		return "duplex"
	}
	return fmt.Sprint(k)
}
