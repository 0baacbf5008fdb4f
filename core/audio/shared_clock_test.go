package audio

import (
	"testing"
	"time"
)

// TestSharedClockStall: one loop reads then writes a software device, as
// the media path does when both directions share a clock. After a stall
// long enough to re-base the device, both directions must be back in step
// at once: no direction may stay late for the rest of the call.
func TestSharedClockStall(t *testing.T) {
	t.Parallel()
	f := Format{SampleRate: 8000, Channels: 1, Period: 20 * time.Millisecond}
	opens := map[string]func() (pacedDevice, error){
		"null": func() (pacedDevice, error) { return NewNullDevice(f) },
		"file": func() (pacedDevice, error) { return NewFileDevice(f, nil, nil) },
	}
	for _, stall := range []time.Duration{95 * time.Millisecond, 105 * time.Millisecond, 115 * time.Millisecond, 150 * time.Millisecond} {
		t.Run(stall.String(), func(t *testing.T) {
			t.Parallel()
			for name, open := range opens {
				d, err := open()
				if err != nil {
					t.Fatal(err)
				}
				pcm := make([]int16, f.FrameSamples())
				for i := range 60 {
					if i == 10 {
						time.Sleep(stall)
					}
					readWrite(t, d, pcm)
				}
				st := d.PaceStats()
				// The stalled frame itself (and the next, on a slow
				// machine) may count late; a direction left behind would
				// count every frame after the stall.
				if st.Capture.Late > 3 || st.Playback.Late > 3 {
					t.Errorf("%s device, %v stall: late capture %d, playback %d of %d frames", name, stall, st.Capture.Late, st.Playback.Late, st.Capture.Frames)
				}
				_ = d.Close()
			}
		})
	}
}

// pacedDevice is a software device with its pacing figures.
type pacedDevice interface {
	Device
	PaceStats() PaceStats
}

// readWrite captures a frame into pcm and plays it: one turn of the loop
// the media path runs on a device whose directions share a clock.
func readWrite(t *testing.T, d Device, pcm []int16) {
	t.Helper()
	if _, err := d.ReadFrame(pcm); err != nil {
		t.Fatal(err)
	}
	if _, err := d.WriteFrame(pcm); err != nil {
		t.Fatal(err)
	}
}

// TestPacerSteady: frame after frame (the ticker's path), a capture frame
// is never handed over before it is due, and the stream keeps real time.
func TestPacerSteady(t *testing.T) {
	t.Parallel()
	f := Format{SampleRate: 8000, Channels: 1, Period: 20 * time.Millisecond}
	d, err := NewNullDevice(f)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	origin := time.Now()
	pcm := make([]int16, f.FrameSamples())
	early := 0
	for i := range 50 {
		if i == 20 {
			time.Sleep(30 * time.Millisecond) // one late frame, then back on the ticker
		}
		if _, err := d.ReadFrame(pcm); err != nil {
			t.Fatal(err)
		}
		if due := origin.Add(time.Duration(i+1) * f.Period); time.Until(due) > 1500*time.Microsecond {
			early++
		}
	}
	took := time.Since(origin)
	if early > 0 || took < 990*time.Millisecond || took > 1150*time.Millisecond {
		t.Errorf("50 frames of 20 ms: %d handed over early, took %v (want about 1 s)", early, took)
	}
}
