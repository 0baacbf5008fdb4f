package audio

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

var phone = Format{SampleRate: 48000, Channels: 1, Period: 20 * time.Millisecond}

// pacedWithin checks a real-time behaviour, not a speed target: the bounds
// are generous for loaded CI machines.
func pacedWithin(t *testing.T, what string, d time.Duration) {
	t.Helper()
	if d < 900*time.Millisecond || d > 1600*time.Millisecond {
		t.Errorf("%s took %v, want about 1 s (0.9-1.6 s)", what, d)
	}
}

func TestNullDevicePacing(t *testing.T) {
	d, err := NewNullDevice(phone)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = d.Close() }()
	var wg sync.WaitGroup
	var readTook, writeTook time.Duration
	var readErr, writeErr error
	wg.Add(2)
	go func() { // capture and playback run at once, as in a call
		defer wg.Done()
		start := time.Now()
		pcm := make([]int16, 960)
		for range 50 {
			pcm[0] = 1
			n, err := d.ReadFrame(pcm)
			if err != nil || n != 960 || slices.ContainsFunc(pcm, func(s int16) bool { return s != 0 }) {
				readErr = errors.Join(err, errors.New("not a silent frame"))
				return
			}
		}
		readTook = time.Since(start)
	}()
	go func() {
		defer wg.Done()
		pcm := make([]int16, 960)
		_, _ = d.WriteFrame(pcm) // first slot is now
		start := time.Now()
		for range 50 {
			if _, err := d.WriteFrame(pcm); err != nil {
				writeErr = err
				return
			}
		}
		writeTook = time.Since(start)
	}()
	wg.Wait()
	if readErr != nil || writeErr != nil {
		t.Fatal(readErr, writeErr)
	}
	pacedWithin(t, "50 reads of 20 ms", readTook)
	pacedWithin(t, "50 writes of 20 ms", writeTook)
}

func TestNullDeviceCloseUnblocks(t *testing.T) {
	d, err := NewNullDevice(Format{SampleRate: 8000, Channels: 1, Period: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if d.Format().FrameSamples() != 160 {
		t.Fatalf("format %+v", d.Format())
	}
	// Writing 10 s in one go makes the next write wait 10 s, unless Close
	// unblocks it.
	errs := make(chan error, 2)
	go func() {
		for {
			if _, err := d.ReadFrame(make([]int16, 160)); err != nil {
				errs <- err
				return
			}
		}
	}()
	go func() {
		_, _ = d.WriteFrame(make([]int16, 80000))
		_, err := d.WriteFrame(nil)
		errs <- err
	}()
	time.Sleep(50 * time.Millisecond) // both block first (nothing to observe); closing early passes too
	_ = d.Close()
	for range 2 {
		select {
		case err := <-errs:
			if !errors.Is(err, ErrClosed) {
				t.Fatalf("after Close: %v", err)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("Close did not unblock")
		}
	}
	if _, err := d.ReadFrame(make([]int16, 160)); !errors.Is(err, ErrClosed) {
		t.Fatalf("ReadFrame after Close: %v", err)
	}
	if _, err := d.WriteFrame(make([]int16, 160)); !errors.Is(err, ErrClosed) {
		t.Fatalf("WriteFrame after Close: %v", err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestNullDeviceRebasesLateCaller(t *testing.T) {
	d, err := NewNullDevice(phone)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = d.Close() }()
	time.Sleep(300 * time.Millisecond) // the call started late
	start := time.Now()
	pcm := make([]int16, 960)
	for range 10 {
		if _, err := d.ReadFrame(pcm); err != nil {
			t.Fatal(err)
		}
	}
	// No burst of 15 catch-up frames: 10 frames still take ~200 ms.
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Fatalf("10 frames after a stall took %v: burst instead of real time", took)
	}
}

func TestBadFormats(t *testing.T) {
	for _, f := range []Format{
		{SampleRate: 0, Channels: 1, Period: 20 * time.Millisecond},
		{SampleRate: 8000, Channels: 1, Period: 0},
		{SampleRate: 8000, Channels: -1, Period: 20 * time.Millisecond},
	} {
		if _, err := NewNullDevice(f); err == nil {
			t.Errorf("NewNullDevice(%+v) accepted", f)
		}
	}
}

func TestNullDeviceCountsLateFrames(t *testing.T) {
	d, err := NewNullDevice(slow)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = d.Close() }()
	pcm := make([]int16, slow.FrameSamples())
	// One loop that plays right after each capture: every playback frame
	// comes a period after its slot starts, a steady offset, not late.
	frame := func() { readWrite(t, d, pcm) }
	for range 3 {
		frame()
	}
	st := d.PaceStats()
	if st.Capture.Frames != 3 || st.Playback.Frames != 3 || st.Capture.Late+st.Playback.Late != 0 ||
		st.Playback.Offset < slow.Period {
		t.Fatalf("on time: %+v", st)
	}
	// A stall of three periods: the next frame each way is late.
	time.Sleep(3 * slow.Period)
	frame()
	st = d.PaceStats()
	if st.Capture.Late != 1 || st.Playback.Late != 1 || st.Capture.Worst < 2*slow.Period || st.Playback.Worst < 2*slow.Period {
		t.Fatalf("after a stall: %+v", st)
	}
	d.ResetWorst()
	if st := d.PaceStats(); st.Capture.Worst != 0 || st.Playback.Worst != 0 || st.Capture.Late != 1 {
		t.Fatalf("after ResetWorst: %+v", st)
	}
}
