package core_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/internal/testlab"
)

// tonePhone is a phone whose calls play a tone and record what they get.
type tonePhone struct {
	*core.Engine
	events <-chan core.Event
	mu     sync.Mutex
	recs   []string // recording of each call, in call order
}

// startTonePhone starts a phone that plays hz (from a WAV at 48 kHz) and
// records each call into its own file.
func startTonePhone(t *testing.T, cfg string, hz float64, codecNames []string, opts ...core.Option) *tonePhone {
	t.Helper()
	dir := t.TempDir()
	play := filepath.Join(dir, "tone.wav")
	if err := testlab.WriteToneWAV(play, 48000, hz, 10*time.Second, testlab.ToneAmplitude); err != nil {
		t.Fatal(err)
	}
	tp := &tonePhone{}
	cs, err := codecs.ByNames(codecNames)
	if err != nil {
		t.Fatal(err)
	}
	factory := func(c call.Info, f audio.Format) (audio.Device, error) {
		tp.mu.Lock()
		rec := filepath.Join(dir, c.ID+".wav")
		tp.recs = append(tp.recs, rec)
		tp.mu.Unlock()
		f.SampleRate = 48000
		return audio.OpenFileDevice(f, play, rec, audio.FileSourceOptions{Loop: true})
	}
	opts = append([]core.Option{core.WithAudio(factory), core.WithCodecs(cs...), core.WithMediaPorts(mediaPortsForTest())}, opts...)
	p, events := startPhone(t, writeRawConfig(t, cfg), opts...)
	tp.Engine, tp.events = p, events
	return tp
}

func (tp *tonePhone) recording(t *testing.T, i int) string {
	t.Helper()
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if i >= len(tp.recs) {
		t.Fatalf("no recording %d (have %d)", i, len(tp.recs))
	}
	return tp.recs[i]
}

// waitFor returns the first event f accepts.
func waitFor(t *testing.T, events <-chan core.Event, within time.Duration, what string, f func(core.Event) bool) core.Event {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatalf("events closed waiting for %s", what)
			}
			if f(e) {
				return e
			}
		case <-deadline:
			t.Fatalf("no %s within %v", what, within)
		}
	}
}

// waitCall returns the first call event in one of states; an end on the
// way fails the test.
func waitCall(t *testing.T, events <-chan core.Event, within time.Duration, states ...call.State) call.Info {
	t.Helper()
	return nextCall(t, events, within, fmt.Sprintf("a call in %v", states), func(i call.Info) bool {
		if slices.Contains(states, i.State) {
			return true
		}
		if i.State == call.Ended {
			t.Fatalf("call ended (%s, %d) waiting for %v", i.Reason, i.Code, states)
		}
		return false
	})
}

// waitEnded returns the call's final state.
func waitEnded(t *testing.T, events <-chan core.Event, within time.Duration) call.Info {
	t.Helper()
	return nextCall(t, events, within, "the call's end", func(i call.Info) bool { return i.State == call.Ended })
}

// expectTone checks that a WAV file carries hz long enough and loud enough.
func expectTone(t *testing.T, path string, hz float64, minSeconds float64) testlab.ToneReport {
	t.Helper()
	pcm, rate, ch, err := testlab.ReadWAV(path)
	if err != nil {
		t.Fatalf("recording %s: %v", path, err)
	}
	r := testlab.AnalyzeTone(testlab.MixMono(pcm, ch), rate, hz)
	// Sent at -6 dBFS: lossy codecs and resampling may move it a little.
	if r.ActiveSeconds < minSeconds || r.LevelDBFS < -16 || r.LevelDBFS > 0 {
		t.Fatalf("%s: %.0f Hz %.1f s active at %.1f dBFS (strongest other %.0f Hz at %.1f dBFS) of %.1f s; want ≥ %.1f s near -6 dBFS",
			filepath.Base(path), hz, r.ActiveSeconds, r.LevelDBFS, r.OtherHz, r.OtherDBFS, r.TotalSeconds, minSeconds)
	}
	return r
}

// mediaPortsForTest keeps our RTP ports away from baresip's 20000+ range.
func mediaPortsForTest() media.PortRange { return media.PortRange{Min: 40000, Max: 49998} }

// writeRawConfig loads a configuration written as TOML text.
func writeRawConfig(t *testing.T, text string) *config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// hangUpAndHear hangs up alice's call id to baresip bob and checks each
// side heard the other's tone: theirHz in alice's recording, ourHz in
// bob's last one.
func hangUpAndHear(t *testing.T, alice *tonePhone, id string, bob *testlab.Baresip, ourHz, theirHz float64) {
	t.Helper()
	if err := alice.Hangup(id); err != nil {
		t.Fatal(err)
	}
	if end := waitEnded(t, alice.events, 5*time.Second); end.Reason != "hung up" {
		t.Fatalf("ended: %+v", end)
	}
	expectTone(t, alice.recording(t, 0), theirHz, 1.5)
	recs, err := bob.Recordings()
	if err != nil || len(recs) == 0 {
		t.Fatalf("baresip recordings %v: %v", recs, err)
	}
	expectTone(t, recs[len(recs)-1], ourHz, 1.5)
}
