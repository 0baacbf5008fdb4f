package audio

import (
	"fmt"
	"testing"

	"github.com/softphone/softphone/internal/testlab"
)

// TestWaitingTonePattern checks the tone's timing and level with a
// Goertzel filter on 10 ms windows: 440 Hz at -16 dBFS inside each beep
// (two of 200 ms, 200 ms apart, every 3 s), nothing between them.
func TestWaitingTonePattern(t *testing.T) {
	for _, rate := range []int{8000, 16000, 48000} {
		t.Run(fmt.Sprint(rate), func(t *testing.T) {
			tone := NewWaitingTone(rate)
			frame := rate / 50
			pcm := make([]int16, 0, rate*7)
			buf := make([]int16, frame)
			for len(pcm) < 7*rate { // 7 s: two cycles and a bit, frame by frame
				clear(buf)
				tone.Add(buf, true)
				pcm = append(pcm, buf...)
			}
			win := rate / 100
			beep := func(ms int) bool {
				in := ms % 3000
				return in < 200 || (in >= 400 && in < 600)
			}
			for w := 0; (w+1)*win <= len(pcm); w++ {
				start, end := w*10, w*10+10
				level := testlab.DBFS(testlab.Goertzel(pcm[w*win:(w+1)*win], rate, 440))
				switch {
				case beep(start) && beep(end-1) && beep(start-5+3000) && beep(end+5):
					// Wholly inside a beep (5 ms away from its edges, the ramps).
					if level < -17 || level > -15 {
						t.Fatalf("%d-%d ms: 440 Hz at %.1f dBFS, want -16 ±1", start, end, level)
					}
				case !beep(start) && !beep(end-1):
					if level > -90 {
						t.Fatalf("%d-%d ms (between beeps): 440 Hz at %.1f dBFS, want silence", start, end, level)
					}
				}
			}
			if allocs := testing.AllocsPerRun(100, func() { tone.Add(buf, true) }); allocs != 0 {
				t.Errorf("Add allocates %.1f times per frame", allocs)
			}
		})
	}
}

// TestWaitingToneOffFades: turned off mid-beep, the tone fades out within
// its ramp (no click, no beep finished after off), and the next start
// begins with a beep at once.
func TestWaitingToneOffFades(t *testing.T) {
	const rate = 48000
	tone := NewWaitingTone(rate)
	buf := make([]int16, rate/50)
	tone.Add(buf, true) // 20 ms into the first beep
	clear(buf)
	if !tone.Add(buf, false) || buf[0] == 0 {
		t.Fatal("the tone stopped dead instead of fading")
	}
	ramp := rate * waitingToneRampMS / 1000
	for i, s := range buf[ramp:] {
		if s != 0 {
			t.Fatalf("sample %d after off is %d, want silence after the %d-sample fade", ramp+i, s, ramp)
		}
	}
	for i := 1; i < ramp; i++ {
		if d := int(buf[i]) - int(buf[i-1]); d > 600 || d < -600 {
			t.Fatalf("fade step %d: %d → %d jumps", i, buf[i-1], buf[i])
		}
	}
	clear(buf)
	if tone.Add(buf, false) || tone.active {
		t.Fatal("still sounding after the fade")
	}
	clear(buf)
	tone.Add(buf, true)
	if l := testlab.DBFS(testlab.Goertzel(buf[ramp:], rate, 440)); l < -17 {
		t.Fatalf("restarted tone at %.1f dBFS, want the first beep at once", l)
	}
}
