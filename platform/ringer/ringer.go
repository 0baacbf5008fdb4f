// Package ringer plays the ringtone on a sound device while a call rings.
//
// A Ringer loops a 16-bit WAV on an audio.Driver's output device; the device
// is opened when ringing starts and closed when it stops, always on the
// ringer's own goroutine, so Ring never blocks its caller (the GUI or the
// event loop). Watch drives a Ringer from the phone's event stream.
package ringer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
)

// period is the size of each frame written to the device.
const period = 20 * time.Millisecond

// retryAfter is how long to wait before reopening a device that failed
// (unplugged headset, busy device) while still told to ring.
var retryAfter = 2 * time.Second

// PlaybackOpener is implemented by a driver that can open a playback
// device alone. The ringer uses it when there: audio.Driver.Open opens a
// microphone too, which a ringtone does not need (and which may be
// missing or busy).
type PlaybackOpener interface {
	OpenPlayback(out string, f audio.Format) (audio.Device, error)
}

// Ringer loops a ringtone on an output device while told to ring. Its
// methods are safe for concurrent use.
type Ringer struct {
	driver audio.Driver
	output string
	pcm    []int16
	rate   int
	log    *slog.Logger

	mu     sync.Mutex
	on     bool
	closed bool
	stop   chan struct{} // closed to stop the current player
	done   chan struct{} // closed when the current player has closed its device
}

// New prepares a ringer that plays wav (16-bit PCM; several channels are
// mixed down to mono) on driver's playback device output ("" is the system
// default). Nothing is opened until Ring(true).
func New(driver audio.Driver, wav []byte, output string) (*Ringer, error) {
	if driver == nil {
		return nil, errors.New("ringer: no audio driver")
	}
	rd, err := audio.NewWAVReader(bytes.NewReader(wav))
	if err != nil {
		return nil, fmt.Errorf("ringer: ringtone: %w", err)
	}
	var pcm []int16
	buf := make([]int16, 4096)
	for {
		n, err := rd.ReadSamples(buf)
		pcm = append(pcm, buf[:n]...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("ringer: ringtone: %w", err)
		}
	}
	if len(pcm) == 0 {
		return nil, errors.New("ringer: ringtone has no samples")
	}
	done := make(chan struct{})
	close(done)
	return &Ringer{
		driver: driver, output: output, pcm: pcm, rate: rd.SampleRate(),
		log: slog.Default(), done: done,
	}, nil
}

// SetLogger sets where device errors are reported (default slog.Default()).
func (r *Ringer) SetLogger(l *slog.Logger) {
	if l == nil {
		return
	}
	r.mu.Lock()
	r.log = l
	r.mu.Unlock()
}

// Ring starts (on) or stops ringing. It returns at once: the device is
// opened and closed on the ringer's goroutine. Calling it again with the
// same value does nothing; after Close it does nothing.
func (r *Ringer) Ring(on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || on == r.on {
		return
	}
	r.on = on
	if !on {
		close(r.stop)
		return
	}
	prev := r.done
	r.stop, r.done = make(chan struct{}), make(chan struct{})
	go r.play(prev, r.stop, r.done, r.log)
}

// Ringing reports whether the ringer was last told to ring.
func (r *Ringer) Ringing() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.on
}

// Close stops ringing and waits until the device is closed. The ringer
// cannot ring again.
func (r *Ringer) Close() error {
	r.Ring(false)
	r.mu.Lock()
	r.closed = true
	done := r.done
	r.mu.Unlock()
	<-done
	return nil
}

// play opens the device and loops the ringtone on it until stop is closed.
// It waits for the previous player (prev) to have closed its device first,
// so at most one device is open at a time.
func (r *Ringer) play(prev <-chan struct{}, stop <-chan struct{}, done chan<- struct{}, log *slog.Logger) {
	defer close(done)
	select {
	case <-prev:
	case <-stop:
		<-prev
		return
	}
	pos := 0
	for {
		select {
		case <-stop:
			return
		default:
		}
		var err error
		pos, err = r.playOnce(pos, stop)
		if err == nil {
			return // stopped
		}
		log.Warn("ringer: cannot play the ringtone", "output", r.output, "err", err)
		select {
		case <-stop:
			return
		case <-time.After(retryAfter):
		}
	}
}

// playOnce opens the device and writes the ringtone from sample pos on,
// looping, until stop is closed (nil error) or the device fails. It returns
// where it got to, so a reopened device goes on from there.
func (r *Ringer) playOnce(pos int, stop <-chan struct{}) (int, error) {
	f := audio.Format{SampleRate: r.rate, Channels: 1, Period: period}
	var dev audio.Device
	var err error
	if po, ok := r.driver.(PlaybackOpener); ok {
		dev, err = po.OpenPlayback(r.output, f)
	} else {
		dev, err = r.driver.Open("", r.output, f)
	}
	if err != nil {
		return pos, err
	}
	// Closing the device unblocks a WriteFrame waiting on a full buffer,
	// so ringing stops at once instead of after the queued audio.
	ended := make(chan struct{})
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		select {
		case <-stop:
		case <-ended:
		}
		_ = dev.Close()
	}()
	defer func() {
		close(ended)
		<-closed
	}()
	frame := make([]int16, f.FrameSamples())
	for {
		select {
		case <-stop:
			return pos, nil
		default:
		}
		for i := range frame {
			frame[i] = r.pcm[pos]
			if pos++; pos == len(r.pcm) {
				pos = 0
			}
		}
		if _, err := dev.WriteFrame(frame); err != nil {
			select {
			case <-stop:
				return pos, nil // closed because we were told to stop
			default:
				return pos, err
			}
		}
	}
}

// Watch rings r while any call is in state call.Incoming, following the
// call events on events, until ctx ends or events is closed; it stops the
// ringing when it returns.
func Watch(ctx context.Context, events <-chan core.Event, r *Ringer) {
	defer r.Ring(false)
	incoming := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			ce, isCall := ev.(core.CallEvent)
			if !isCall {
				continue
			}
			if ce.State == call.Incoming {
				incoming[ce.ID] = true
			} else {
				delete(incoming, ce.ID)
			}
			r.Ring(len(incoming) > 0)
		}
	}
}
