//go:build cgo && (linux || windows || darwin)

package audio

import (
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"

	coreaudio "github.com/softphone/softphone/core/audio"
)

var tenMs = coreaudio.Format{SampleRate: 48000, Channels: 1, Period: 10 * time.Millisecond}

func nullDriver(t *testing.T) *Driver {
	t.Helper()
	d, err := NewDriver(WithBackends(BackendNull), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Error(err)
		}
	})
	return d
}

func testLogger(t *testing.T) Option {
	return WithLogger(slog.New(slog.NewTextHandler(t.Output(), nil)))
}

func TestNullBackendDevices(t *testing.T) {
	devs, err := nullDriver(t).Devices()
	if err != nil {
		t.Fatal(err)
	}
	var capture, playback bool
	for _, d := range devs {
		t.Logf("%+v", d)
		capture = capture || d.Capture
		playback = playback || d.Playback
		if d.ID == "" || d.Name == "" {
			t.Errorf("device without ID or name: %+v", d)
		}
	}
	if !capture || !playback {
		t.Fatalf("want a capture and a playback device, got %+v", devs)
	}
}

func TestNullBackendPacing(t *testing.T) {
	d := nullDriver(t)
	dev, err := d.Open("", "", tenMs)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = dev.Close() }()
	if dev.Format() != tenMs {
		t.Fatalf("format %+v", dev.Format())
	}
	pcm := make([]int16, 480)
	tone := make([]int16, 480)
	for i := range tone {
		tone[i] = int16(1000 * (i % 8))
	}
	// Writes run alongside reads, as in a call; reads are paced by capture.
	writeErr := make(chan error, 1)
	go func() {
		for {
			if _, err := dev.WriteFrame(tone); err != nil {
				writeErr <- err
				return
			}
		}
	}()
	if _, err := dev.ReadFrame(pcm); err != nil { // the clock is running
		t.Fatal(err)
	}
	start := time.Now()
	for i := range 100 {
		pcm[0] = 1
		n, err := dev.ReadFrame(pcm)
		if err != nil || n != 480 {
			t.Fatalf("frame %d: %d %v", i, n, err)
		}
		if slices.ContainsFunc(pcm, func(s int16) bool { return s != 0 }) {
			t.Fatalf("frame %d: the null backend captured sound", i)
		}
	}
	if took := time.Since(start); took < 900*time.Millisecond || took > 1600*time.Millisecond {
		t.Errorf("100 periods of 10 ms took %v, want about 1 s (0.9-1.6 s)", took)
	}
	if err := dev.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-writeErr:
		if !errors.Is(err, coreaudio.ErrClosed) {
			t.Fatalf("WriteFrame after Close: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not unblock WriteFrame")
	}
	if _, err := dev.ReadFrame(pcm); !errors.Is(err, coreaudio.ErrClosed) {
		t.Fatalf("ReadFrame after Close: %v", err)
	}
	t.Logf("stats %+v", dev.(*Device).Stats())
}

func TestNullBackendByIDAndName(t *testing.T) {
	d := nullDriver(t)
	devs, err := d.Devices()
	if err != nil {
		t.Fatal(err)
	}
	var in, out coreaudio.DeviceInfo
	for _, dv := range devs {
		if dv.Capture {
			in = dv
		}
		if dv.Playback {
			out = dv
		}
	}
	// By name: two devices (the names differ); by ID: the null backend's
	// capture and playback IDs are equal, so one duplex device.
	for _, c := range [][2]string{{in.Name, out.Name}, {in.ID, out.ID}} {
		dev, err := d.Open(c[0], c[1], tenMs)
		if err != nil {
			t.Fatalf("Open(%q, %q): %v", c[0], c[1], err)
		}
		if _, err := dev.ReadFrame(make([]int16, 480)); err != nil {
			t.Fatal(err)
		}
		if _, err := dev.WriteFrame(make([]int16, 480)); err != nil {
			t.Fatal(err)
		}
		_ = dev.Close()
	}
}

func TestUnknownDevice(t *testing.T) {
	d := nullDriver(t)
	for _, c := range [][2]string{{"no such mic", ""}, {"", "no such speaker"}} {
		if _, err := d.Open(c[0], c[1], tenMs); !errors.Is(err, coreaudio.ErrNoDevice) {
			t.Errorf("Open(%q, %q): %v, want ErrNoDevice", c[0], c[1], err)
		}
	}
}

func TestDeviceLostUnblocks(t *testing.T) {
	d := nullDriver(t)
	dev, err := d.Open("", "", tenMs)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = dev.Close() }()
	md := dev.(*Device)
	errs := make(chan error, 1)
	go func() {
		pcm := make([]int16, 480)
		for {
			if _, err := dev.ReadFrame(pcm); err != nil {
				errs <- err
				return
			}
		}
	}()
	// The reader blocks first (nothing to observe); stopping early passes too.
	time.Sleep(30 * time.Millisecond)
	md.onStop() // what miniaudio calls when the device goes away
	select {
	case err := <-errs:
		if !errors.Is(err, coreaudio.ErrDeviceLost) {
			t.Fatalf("got %v, want ErrDeviceLost", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("device loss did not unblock ReadFrame")
	}
	if _, err := dev.WriteFrame(make([]int16, 480)); !errors.Is(err, coreaudio.ErrDeviceLost) {
		t.Fatalf("WriteFrame after loss: %v", err)
	}
}

func TestDriverCloseClosesDevices(t *testing.T) {
	d, err := NewDriver(WithBackends(BackendNull), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	dev, err := d.Open("", "", tenMs)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := dev.ReadFrame(make([]int16, 480)); !errors.Is(err, coreaudio.ErrClosed) {
		t.Fatalf("ReadFrame after driver Close: %v", err)
	}
	if _, err := d.Open("", "", tenMs); !errors.Is(err, coreaudio.ErrClosed) {
		t.Fatalf("Open after Close: %v", err)
	}
}

func TestUnderrunCounted(t *testing.T) {
	dev, err := nullDriver(t).Open("", "", tenMs)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = dev.Close() }()
	md := dev.(*Device)
	if _, err := dev.WriteFrame(make([]int16, 480)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the phone stops writing: one glitch
	// ...and nobody reads: capture drops the oldest.
	s := md.Stats()
	if s.Underruns != 1 || s.Overruns == 0 {
		t.Fatalf("stats %+v, want 1 underrun and some overruns", s)
	}
}

// TestDuplexSharesClock: one duplex device claims a shared clock, and the
// media path's single loop (read a captured frame, then write one to play)
// keeps playback fed without underruns.
func TestDuplexSharesClock(t *testing.T) {
	d := nullDriver(t)
	dev, err := d.Open("", "", tenMs)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = dev.Close() }()
	if !coreaudio.SharesClock(dev) {
		t.Fatal("a duplex device does not claim a shared clock")
	}
	pcm := make([]int16, 480)
	tone := make([]int16, 480)
	for i := range tone {
		tone[i] = int16(1000 * (i%8 + 1))
	}
	for i := range 100 {
		if _, err := dev.ReadFrame(pcm); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if _, err := dev.WriteFrame(tone); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
	if st := dev.(*Device).Stats(); st.Underruns > 1 || st.Overruns > 0 {
		t.Errorf("one loop for both directions: %+v, want no underrun after the first frame and no overrun", st)
	}
	play, err := d.OpenPlayback("", tenMs)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = play.Close() }()
	if coreaudio.SharesClock(play) {
		t.Error("a playback-only device claims a shared clock")
	}
}
