package audio

import (
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeWAV writes pcm as a mono WAV file and returns its path.
func writeWAV(t *testing.T, rate int, pcm []int16) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.wav")
	w, err := CreateWAV(path, rate)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(pcm); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

var narrow = Format{SampleRate: 8000, Channels: 1, Period: 20 * time.Millisecond}

func TestFileSourcePacingAndEOF(t *testing.T) {
	// 50 frames of 20 ms and half a frame more.
	path := writeWAV(t, 8000, seq(0, 50*160+80))
	s, err := OpenFileSource(path, narrow, FileSourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	pcm := make([]int16, 160)
	start := time.Now()
	for i := range 50 {
		if n, err := s.ReadFrame(pcm); n != 160 || err != nil || !slices.Equal(pcm, seq(i*160, 160)) {
			t.Fatalf("frame %d: %d %v", i, n, err)
		}
	}
	pacedWithin(t, "50 file frames of 20 ms", time.Since(start))
	// The last, partial frame comes padded with silence, then io.EOF.
	if n, err := s.ReadFrame(pcm); n != 160 || err != nil ||
		!slices.Equal(pcm[:80], seq(50*160, 80)) || !slices.Equal(pcm[80:], make([]int16, 80)) {
		t.Fatalf("last frame: %d %v", n, err)
	}
	for range 2 {
		if _, err := s.ReadFrame(pcm); !errors.Is(err, io.EOF) {
			t.Fatalf("after the end: %v, want io.EOF", err)
		}
	}
}

func TestFileSourceEOFOnFrameBoundary(t *testing.T) {
	s, err := OpenFileSource(writeWAV(t, 8000, seq(0, 320)), narrow, FileSourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	pcm := make([]int16, 160)
	for range 2 {
		if _, err := s.ReadFrame(pcm); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ReadFrame(pcm); !errors.Is(err, io.EOF) {
		t.Fatalf("got %v, want io.EOF with no extra silent frame", err)
	}
}

func TestFileSourceLoop(t *testing.T) {
	file := seq(0, 100) // shorter than a frame: every frame wraps
	s, err := OpenFileSource(writeWAV(t, 8000, file), narrow, FileSourceOptions{Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	pcm := make([]int16, 160)
	var got []int16
	for range 5 {
		if _, err := s.ReadFrame(pcm); err != nil {
			t.Fatal(err)
		}
		got = append(got, pcm...)
	}
	for i, v := range got {
		if v != file[i%len(file)] {
			t.Fatalf("sample %d = %d, want %d (seamless loop)", i, v, file[i%len(file)])
		}
	}
	// An empty file cannot loop forever.
	e, err := OpenFileSource(writeWAV(t, 8000, nil), narrow, FileSourceOptions{Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = e.Close() }()
	if _, err := e.ReadFrame(pcm); !errors.Is(err, io.EOF) {
		t.Fatalf("empty looping file: %v", err)
	}
}

func TestFileSourceRateMismatch(t *testing.T) {
	_, err := OpenFileSource(writeWAV(t, 16000, seq(0, 10)), narrow, FileSourceOptions{})
	if !errors.Is(err, ErrRateMismatch) || !strings.Contains(err.Error(), "16000") || !strings.Contains(err.Error(), "8000") {
		t.Fatalf("got %v, want ErrRateMismatch naming both rates", err)
	}
	stereo := narrow
	stereo.Channels = 2
	if _, err := OpenFileSource(writeWAV(t, 8000, seq(0, 10)), stereo, FileSourceOptions{}); err == nil {
		t.Fatal("stereo format accepted")
	}
}

func TestFileSourceCloseUnblocks(t *testing.T) {
	s, err := OpenFileSource(writeWAV(t, 8000, seq(0, 8000)), narrow, FileSourceOptions{Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		pcm := make([]int16, 160)
		for {
			if _, err := s.ReadFrame(pcm); err != nil {
				errc <- err
				return
			}
		}
	}()
	time.Sleep(50 * time.Millisecond) // the reader blocks first (nothing to observe); closing early passes too
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("got %v, want ErrClosed", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not unblock ReadFrame")
	}
}

func TestFileSinkRecordsInRealTime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.wav")
	s, err := CreateFileSink(path, narrow)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = s.WriteFrame(seq(0, 160)) // the first slot is now
	start := time.Now()
	for i := 1; i <= 50; i++ {
		if _, err := s.WriteFrame(seq(i*160, 160)); err != nil {
			t.Fatal(err)
		}
	}
	pacedWithin(t, "50 sink frames of 20 ms", time.Since(start))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteFrame(seq(0, 160)); !errors.Is(err, ErrClosed) {
		t.Fatalf("WriteFrame after Close: %v", err)
	}
	got, rate, err := ReadWAVFile(path)
	if err != nil || rate != 8000 || !slices.Equal(got, seq(0, 51*160)) {
		t.Fatalf("recording: %d samples at %d Hz, %v", len(got), rate, err)
	}
}

func TestFileDeviceCommonClock(t *testing.T) {
	in := writeWAV(t, 8000, seq(0, 8000))
	out := filepath.Join(t.TempDir(), "out.wav")
	d, err := OpenFileDevice(narrow, in, out, FileSourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Echo what the "microphone" hears back to the "speaker", as a call
	// with a loopback peer would; both directions run on one clock.
	var wg sync.WaitGroup
	frames := make(chan []int16, 100)
	var readErr, writeErr error
	wg.Add(2)
	start := time.Now()
	go func() {
		defer wg.Done()
		defer close(frames)
		for range 50 {
			pcm := make([]int16, 160)
			if _, readErr = d.ReadFrame(pcm); readErr != nil {
				return
			}
			frames <- pcm
		}
	}()
	go func() {
		defer wg.Done()
		for pcm := range frames {
			if _, writeErr = d.WriteFrame(pcm); writeErr != nil {
				return
			}
		}
	}()
	wg.Wait()
	pacedWithin(t, "50 duplex frames", time.Since(start))
	if readErr != nil || writeErr != nil {
		t.Fatal(readErr, writeErr)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	got, _, err := ReadWAVFile(out)
	if err != nil || !slices.Equal(got, seq(0, 8000)) {
		t.Fatalf("recorded %d samples, %v", len(got), err)
	}
}

func TestFileDeviceWithoutFiles(t *testing.T) {
	d, err := OpenFileDevice(narrow, "", "", FileSourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pcm := seq(1, 160)
	if _, err := d.ReadFrame(pcm); err != nil || !slices.Equal(pcm, make([]int16, 160)) {
		t.Fatalf("silence: %v", err)
	}
	if _, err := d.WriteFrame(pcm); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ReadFrame(pcm); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if _, err := OpenFileDevice(narrow, filepath.Join(t.TempDir(), "none.wav"), "", FileSourceOptions{}); err == nil {
		t.Fatal("missing input file accepted")
	}
}

func TestFileDeviceCountsLateFrames(t *testing.T) {
	in := writeWAV(t, 8000, seq(0, 8000))
	d, err := OpenFileDevice(slow, in, filepath.Join(t.TempDir(), "out.wav"), FileSourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = d.Close() }()
	pcm := make([]int16, slow.FrameSamples())
	frame := func() { readWrite(t, d, pcm) }
	frame()
	time.Sleep(3 * slow.Period) // a stall: the source's next frame and the sink's next slot are late
	frame()
	st := d.PaceStats()
	if st.Capture.Frames != 2 || st.Playback.Frames != 2 || st.Capture.Late != 1 || st.Playback.Late != 1 {
		t.Fatalf("stats %+v, want 2 frames and 1 late each way", st)
	}
}
