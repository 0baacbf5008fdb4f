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
	for _, stall := range []time.Duration{95 * time.Millisecond, 105 * time.Millisecond, 115 * time.Millisecond, 150 * time.Millisecond} {
		t.Run(stall.String(), func(t *testing.T) {
			t.Parallel()
			for _, open := range []struct {
				name string
				dev  func() (interface {
					Device
					PaceStats() PaceStats
				}, error)
			}{
				{"null", func() (interface {
					Device
					PaceStats() PaceStats
				}, error) {
					return NewNullDevice(f)
				}},
				{"file", func() (interface {
					Device
					PaceStats() PaceStats
				}, error) {
					return NewFileDevice(f, nil, nil)
				}},
			} {
				d, err := open.dev()
				if err != nil {
					t.Fatal(err)
				}
				pcm := make([]int16, f.FrameSamples())
				for i := range 60 {
					if i == 10 {
						time.Sleep(stall)
					}
					if _, err := d.ReadFrame(pcm); err != nil {
						t.Fatal(err)
					}
					if _, err := d.WriteFrame(pcm); err != nil {
						t.Fatal(err)
					}
				}
				st := d.PaceStats()
				// The stalled frame itself (and the next, on a slow
				// machine) may count late; a direction left behind would
				// count every frame after the stall.
				if st.Capture.Late > 3 || st.Playback.Late > 3 {
					t.Errorf("%s device, %v stall: late capture %d, playback %d of %d frames", open.name, stall, st.Capture.Late, st.Playback.Late, st.Capture.Frames)
				}
				_ = d.Close()
			}
		})
	}
}
