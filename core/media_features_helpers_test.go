package core_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/internal/testlab"
)

// Helpers of the recording and conference tests: calls found by id, and
// recordings measured per channel and per time span.

// startRatePhone is startTonePhone with devices at the rate the phone
// asks for (the codec's: 8 kHz for G.711), as the default audio does:
// cheaper than 48 kHz files, and a conference of them resamples its
// legs. Each device records into its own file (recording(i): the i-th
// device opened; a call that leaves a conference opens a second one).
func startRatePhone(t *testing.T, cfg string, hz float64, codecNames []string, opts ...core.Option) *tonePhone {
	t.Helper()
	dir := t.TempDir()
	tp := &tonePhone{}
	cs, err := codecs.ByNames(codecNames)
	if err != nil {
		t.Fatal(err)
	}
	factory := func(c call.Info, f audio.Format) (audio.Device, error) {
		tp.mu.Lock()
		defer tp.mu.Unlock()
		play := filepath.Join(dir, fmt.Sprintf("tone-%d.wav", f.SampleRate))
		if _, err := os.Stat(play); err != nil {
			if err := testlab.WriteToneWAV(play, f.SampleRate, hz, 10*time.Second, testlab.ToneAmplitude); err != nil {
				return nil, err
			}
		}
		rec := filepath.Join(dir, fmt.Sprintf("%d-%s.wav", len(tp.recs), c.ID))
		tp.recs = append(tp.recs, rec)
		return audio.OpenFileDevice(f, play, rec, audio.FileSourceOptions{Loop: true})
	}
	opts = append([]core.Option{core.WithAudio(factory), core.WithCodecs(cs...), core.WithMediaPorts(mediaPortsForTest())}, opts...)
	p, events := startPhone(t, writeRawConfig(t, cfg), opts...)
	tp.Engine, tp.events = p, events
	return tp
}

// callInfo returns call id's current state, ok false once it has ended.
func callInfo(p *core.Engine, id string) (call.Info, bool) {
	for _, c := range p.Calls() {
		if c.ID == id {
			return c, true
		}
	}
	return call.Info{}, false
}

// waitInfo polls call id until ok accepts its state.
func waitInfo(t *testing.T, p *core.Engine, id string, within time.Duration, what string, ok func(call.Info) bool) call.Info {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		i, live := callInfo(p, id)
		if live && ok(i) {
			return i
		}
		if !live {
			t.Fatalf("call %s ended waiting for %s", id, what)
		}
		if time.Now().After(deadline) {
			t.Fatalf("call %s: no %s within %v (now %+v)", id, what, within, i)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitGone waits until call id has ended.
func waitGone(t *testing.T, p *core.Engine, id string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if _, live := callInfo(p, id); !live {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("call %s still up after %v", id, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// connectDirect has from call to (another of our phones) directly, to
// answer, and returns both call ids once connected.
func connectDirect(t *testing.T, from, to *tonePhone) (string, string) {
	t.Helper()
	id, err := from.Dial(context.Background(), "sip:peer@"+to.State().Listen, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var in string
	deadline := time.Now().Add(5 * time.Second)
	for in == "" {
		for _, c := range to.Calls() {
			if c.State == call.Incoming {
				in = c.ID
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no incoming call")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := to.Answer(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	waitInfo(t, from.Engine, id, 5*time.Second, "connected", func(i call.Info) bool { return i.State == call.Connected })
	return id, in
}

// recording is a WAV file read whole.
type recording struct {
	path     string
	pcm      []int16
	rate, ch int
}

func readRecording(t *testing.T, path string) recording {
	t.Helper()
	pcm, rate, ch, err := testlab.ReadWAV(path)
	if err != nil {
		t.Fatalf("recording %s: %v", path, err)
	}
	return recording{path: path, pcm: pcm, rate: rate, ch: ch}
}

// channel is channel c (-1: all channels mixed to mono).
func (r recording) channel(c int) []int16 {
	if c < 0 {
		return testlab.MixMono(r.pcm, r.ch)
	}
	out := make([]int16, len(r.pcm)/r.ch)
	for i := range out {
		out[i] = r.pcm[i*r.ch+c]
	}
	return out
}

func (r recording) seconds() float64 { return float64(len(r.pcm)/r.ch) / float64(r.rate) }

func (r recording) dur() time.Duration { return time.Duration(r.seconds() * float64(time.Second)) }

// span is channel c from `from` to `to` after the start of the file.
func (r recording) span(t *testing.T, c int, from, to time.Duration) []int16 {
	t.Helper()
	pcm := r.channel(c)
	i, j := int(from.Seconds()*float64(r.rate)), int(to.Seconds()*float64(r.rate))
	if i < 0 || j > len(pcm) || j-i < r.rate/2 {
		t.Fatalf("%s: span %v..%v of a %.2f s file", r.path, from, to, r.seconds())
	}
	return pcm[i:j]
}

// tail is channel c from `from` to `to` before the end of the file.
func (r recording) tail(t *testing.T, c int, from, to time.Duration) []int16 {
	t.Helper()
	end := time.Duration(r.seconds() * float64(time.Second))
	return r.span(t, c, end-from, end-to)
}

// toneFound measures hz in pcm: the share of 20 ms windows where it is at
// least -30 dBFS, and its level over the whole span.
func toneFound(pcm []int16, rate int, hz float64) (share, dBFS float64) {
	win := rate / 50
	on, n := 0, 0
	for off := 0; off+win <= len(pcm); off += win {
		n++
		if testlab.DBFS(testlab.Goertzel(pcm[off:off+win], rate, hz)) >= -30 {
			on++
		}
	}
	return float64(on) / float64(max(n, 1)), testlab.DBFS(testlab.Goertzel(pcm, rate, hz))
}

// expectTones checks that every tone of want is heard throughout pcm at a
// sensible level, and none of absent is.
func expectTones(t *testing.T, what string, pcm []int16, rate int, want, absent []float64) {
	t.Helper()
	for _, hz := range want {
		if share, l := toneFound(pcm, rate, hz); share < 0.9 || l < -16 || l > 0 {
			t.Errorf("%s: %.0f Hz in %.0f%% of the windows at %.1f dBFS; want it throughout, near -6 dBFS", what, hz, 100*share, l)
		}
	}
	for _, hz := range absent {
		if share, l := toneFound(pcm, rate, hz); share > 0.05 || l > -40 {
			t.Errorf("%s: %.0f Hz in %.0f%% of the windows at %.1f dBFS; want it absent", what, hz, 100*share, l)
		}
	}
}

func hzList(hz ...float64) []float64 { return hz }

func describe(r recording) string {
	return fmt.Sprintf("%s (%.2f s, %d ch, %d Hz)", r.path, r.seconds(), r.ch, r.rate)
}

// toneTime is the time in 20 ms windows of pcm in which every tone of
// want is at least -30 dBFS, and each tone's level over those windows.
func toneTime(pcm []int16, rate int, want []float64) (time.Duration, []float64) {
	win := rate / 50
	n := 0
	power := make([]float64, len(want))
	for off := 0; off+win <= len(pcm); off += win {
		w := pcm[off : off+win]
		p := make([]float64, len(want))
		ok := true
		for i, hz := range want {
			p[i] = testlab.Goertzel(w, rate, hz)
			ok = ok && testlab.DBFS(p[i]) >= -30
		}
		if ok {
			n++
			for i := range p {
				power[i] += p[i]
			}
		}
	}
	levels := make([]float64, len(want))
	for i := range power {
		levels[i] = testlab.DBFS(power[i] / float64(max(n, 1)))
	}
	return time.Duration(n) * 20 * time.Millisecond, levels
}

// expectHeard checks that want's tones are heard together for at least
// atLeast in all, each near -6 dBFS there, and that none of absent is
// heard over pcm as a whole. Time in all, not one stretch: a loaded
// machine's scheduling punches gaps in any call's audio, and may shorten
// a phase in the file (a late device skips time); it never mixes in a
// tone that has no path to this ear.
func expectHeard(t *testing.T, what string, pcm []int16, rate int, want []float64, atLeast time.Duration, absent []float64) {
	t.Helper()
	got, levels := toneTime(pcm, rate, want)
	bad := got < atLeast
	for _, l := range levels {
		bad = bad || l < -16 || l > 0
	}
	if bad {
		t.Errorf("%s: %v Hz together for %v at %.1f dBFS, want at least %v near -6 dBFS; per 20 ms "+
			"(. ok, 1 2 that tone missing, x several, a an absent one heard):\n%s",
			what, want, got, levels, atLeast, timeline(pcm, rate, want, absent))
	}
	for _, hz := range absent {
		if l := testlab.DBFS(testlab.Goertzel(pcm, rate, hz)); l > -35 {
			t.Errorf("%s: %.0f Hz heard at %.1f dBFS over %.1f s, want it absent; per 20 ms:\n%s",
				what, hz, l, float64(len(pcm))/float64(rate), timeline(pcm, rate, want, absent))
		}
	}
}

// timeline draws each 20 ms window of pcm: '.' as wanted, '1', '2'...
// that wanted tone missing ('x' several), 'a' a tone heard that should
// not be.
func timeline(pcm []int16, rate int, want, absent []float64) string {
	win := rate / 50
	var b []byte
	for off := 0; off+win <= len(pcm); off += win {
		w, c := pcm[off:off+win], byte('.')
		for i, hz := range want {
			if testlab.DBFS(testlab.Goertzel(w, rate, hz)) < -30 {
				if c == '.' {
					c = byte('1' + i)
				} else {
					c = 'x'
				}
			}
		}
		for _, hz := range absent {
			if testlab.DBFS(testlab.Goertzel(w, rate, hz)) >= -40 {
				c = 'a'
			}
		}
		if b = append(b, c); len(b)%101 == 100 {
			b = append(b, '\n')
		}
	}
	return string(b)
}
