//go:build cgo && linux

package audio

import (
	"errors"
	"math"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"

	coreaudio "github.com/softphone/softphone/core/audio"
)

// startPulse runs a private PulseAudio server whose null sink's monitor
// is the default source, and points this process's clients at it.
func startPulse(t *testing.T) *exec.Cmd {
	t.Helper()
	p := testlab.StartPulse(t)
	for _, kv := range p.Env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return p.Cmd
}

func TestPulseLoopback(t *testing.T) {
	server := startPulse(t)
	d, err := NewDriver(WithBackends(BackendPulseAudio), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = d.Close() }()
	devs, err := d.Devices()
	if err != nil {
		t.Fatal(err)
	}
	for _, dv := range devs {
		t.Logf("%+v", dv)
	}
	dev, err := d.Open("", "", tenMs)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = dev.Close() }()

	// Play a 1 kHz tone for as long as the test runs.
	go func() {
		tone := make([]int16, 480)
		for i := 0; ; i += len(tone) {
			for j := range tone {
				tone[j] = int16(8000 * math.Sin(2*math.Pi*1000*float64(i+j)/48000))
			}
			if _, err := dev.WriteFrame(tone); err != nil {
				return
			}
		}
	}()
	pcm := make([]int16, 480)
	heard := 0
	for start := time.Now(); heard < 10; {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("the tone played did not come back on capture (%d frames)", heard)
		}
		if _, err := dev.ReadFrame(pcm); err != nil {
			t.Fatal(err)
		}
		if rms, share := toneShare(pcm, 1000, 48000); rms > 2000 && share > 0.9 {
			heard++
		} else {
			heard = 0
		}
	}

	// The server going away is a lost device, not a hang.
	_ = server.Process.Kill()
	lost := make(chan error, 1)
	go func() {
		for {
			if _, err := dev.ReadFrame(pcm); err != nil {
				lost <- err
				return
			}
		}
	}()
	select {
	case err := <-lost:
		if !errors.Is(err, coreaudio.ErrDeviceLost) {
			t.Fatalf("after the server died: %v, want ErrDeviceLost", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server died but ReadFrame neither returned nor reported the loss")
	}
	// miniaudio's stop can hang on a dead server: Close must not.
	start := time.Now()
	err = dev.Close()
	t.Logf("Close after the loss: %v (%v)", err, time.Since(start).Round(time.Millisecond))
	if time.Since(start) > uninitTimeout+time.Second {
		t.Fatalf("Close took %v", time.Since(start))
	}
}

// toneShare returns the RMS of pcm and the share of its energy at freq
// (Goertzel), 1 for a pure tone.
func toneShare(pcm []int16, freq, rate float64) (rms, share float64) {
	coeff := 2 * math.Cos(2*math.Pi*freq/rate)
	var s1, s2, energy float64
	for _, v := range pcm {
		x := float64(v)
		energy += x * x
		s1, s2 = x+coeff*s1-s2, s1
	}
	if energy == 0 {
		return 0, 0
	}
	power := s1*s1 + s2*s2 - coeff*s1*s2
	return math.Sqrt(energy / float64(len(pcm))), 2 * power / (float64(len(pcm)) * energy)
}
