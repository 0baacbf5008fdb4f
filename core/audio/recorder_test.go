package audio

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// feed gives the recorder seconds of local and remote tones, frame by
// frame as a call's loops would.
func feed(r *Recorder, rate int, seconds float64, localHz, remoteHz, amp float64) {
	n := int(seconds * float64(rate))
	l := testlab.ToneSamples(rate, localHz, time.Duration(seconds*float64(time.Second)), amp)
	rm := testlab.ToneSamples(rate, remoteHz, time.Duration(seconds*float64(time.Second)), amp)
	frame := rate / 50
	for off := 0; off+frame <= n; off += frame {
		r.Local(l[off : off+frame])
		r.Remote(rm[off : off+frame])
	}
}

// channel returns channel c of interleaved pcm.
func channel(pcm []int16, channels, c int) []int16 {
	out := make([]int16, len(pcm)/channels)
	for i := range out {
		out[i] = pcm[i*channels+c]
	}
	return out
}

// headerSizes reads the RIFF and data sizes of a canonical 44-byte header.
func headerSizes(t *testing.T, path string) (riff, data uint32, fileSize int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 44 || string(b[36:40]) != "data" {
		t.Fatalf("%s: no canonical header", path)
	}
	return binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[40:]), int64(len(b))
}

func TestRecorderStereoLayout(t *testing.T) {
	const rate = 16000
	path := filepath.Join(t.TempDir(), "call.wav")
	r, err := CreateRecorder(path, rate, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CreateRecorder(path, rate, false); err == nil {
		t.Fatal("a second recorder overwrote an existing file")
	}
	feed(r, rate, 1.5, 440, 1000, 0.5)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	pcm, gotRate, ch, err := testlab.ReadWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	if gotRate != rate || ch != 2 || len(pcm) != 2*int(1.5*rate) {
		t.Fatalf("%d Hz, %d channels, %d samples; want %d Hz stereo, %d frames", gotRate, ch, len(pcm), rate, int(1.5*rate))
	}
	left, right := channel(pcm, 2, 0), channel(pcm, 2, 1)
	for _, c := range []struct {
		name      string
		pcm       []int16
		want, not float64
	}{{"left (local)", left, 440, 1000}, {"right (remote)", right, 1000, 440}} {
		rep := testlab.AnalyzeTone(c.pcm, rate, c.want)
		if rep.ActiveSeconds < 1.45 || rep.LevelDBFS < -6.5 || rep.LevelDBFS > -5.5 {
			t.Errorf("%s: %v; want %.0f Hz throughout at -6 dBFS", c.name, rep, c.want)
		}
		if l := testlab.DBFS(testlab.Goertzel(c.pcm, rate, c.not)); l > -60 {
			t.Errorf("%s: %.0f Hz leaks in at %.1f dBFS", c.name, c.not, l)
		}
	}
	riff, data, size := headerSizes(t, path)
	if int64(data) != size-44 || int64(riff) != size-8 {
		t.Errorf("header sizes RIFF %d data %d for a %d-byte file", riff, data, size)
	}
	// Windows has no mode bits: there the profile directory is private.
	if info, err := os.Stat(path); err != nil || runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("recording mode %v (%v), want 0600: calls are private", info.Mode(), err)
	}
}

// TestRecorderMixedLimiter: two loud talkers summed into one channel must
// not clip (the limiter lowers the gain instead), while quiet audio keeps
// unity gain.
func TestRecorderMixedLimiter(t *testing.T) {
	const rate = 8000
	path := filepath.Join(t.TempDir(), "mixed.wav")
	r, err := CreateRecorder(path, rate, true)
	if err != nil {
		t.Fatal(err)
	}
	feed(r, rate, 1, 440, 440, 0.1)  // quiet: the sum is exact
	feed(r, rate, 1, 440, 440, 0.9)  // in phase: the sum would reach 1.8 FS
	feed(r, rate, 2, 440, 1000, 0.1) // quiet again: the gain comes back
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	pcm, _, ch, err := testlab.ReadWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	if ch != 1 || len(pcm) != 4*rate {
		t.Fatalf("%d channels, %d samples; want mono, %d", ch, len(pcm), 4*rate)
	}
	quiet := testlab.ToneSamples(rate, 440, time.Second, 0.1)
	for i := range rate / 2 {
		if want := 2 * int(quiet[i]); int(pcm[i]) != want {
			t.Fatalf("quiet sample %d is %d, want the exact sum %d", i, pcm[i], want)
		}
	}
	peak, flat := 0, 0
	for i, s := range pcm {
		a := max(int(s), -int(s))
		peak = max(peak, a)
		// A clipped wave is flattened: neighbours at the ceiling. At
		// 440 Hz / 8 kHz a sine's sample next to its crest is 6 % lower.
		if prev := int(pcm[max(i-1, 0)]); i > 0 && a >= recorderCeiling-1 && max(prev, -prev) >= recorderCeiling-1 {
			flat++
		}
	}
	if peak > recorderCeiling {
		t.Errorf("peak %d, want at most the ceiling %d", peak, recorderCeiling)
	}
	if flat > 0 {
		t.Errorf("%d pairs of neighbouring samples sit at the ceiling: the wave is flattened (clipped), not scaled", flat)
	}
	loud := testlab.DBFS(testlab.Goertzel(pcm[rate+rate/4:2*rate], rate, 440))
	if loud < -1.5 || loud > 0 {
		t.Errorf("loud part at %.1f dBFS, want just under full scale", loud)
	}
	end := pcm[len(pcm)-rate/2:]
	if l := testlab.DBFS(testlab.Goertzel(end, rate, 1000)); l < -20.5 || l > -19.5 {
		t.Errorf("after the loud part, quiet audio at %.1f dBFS, want -20 (unity gain back)", l)
	}
}

// TestRecorderOneSideStalls: when one direction stops, the other is still
// written, against silence, once it is more than the lag limit ahead; the
// rest is written at Close.
func TestRecorderOneSideStalls(t *testing.T) {
	const rate = 8000
	path := filepath.Join(t.TempDir(), "stall.wav")
	r, err := CreateRecorder(path, rate, false)
	if err != nil {
		t.Fatal(err)
	}
	l := testlab.ToneSamples(rate, 440, 2*time.Second, 0.5)
	for off := 0; off < len(l); off += 160 {
		r.Local(l[off : off+160])
	}
	// 1.5 s are written at the lag limit, of which the first second's
	// header patch becomes visible at the writer's next tick.
	var data uint32
	testlab.Eventually(t, 10*recorderTick, "local audio past the lag on record with the remote side stalled", func() bool {
		_, data, _ = headerSizes(t, path)
		return data >= uint32(4*rate)
	})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	pcm, _, _, err := testlab.ReadWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(pcm) != 2*len(l) {
		t.Fatalf("%d samples, want %d (all local audio, silent right channel)", len(pcm), 2*len(l))
	}
	for i := range l {
		if pcm[2*i] != l[i] || pcm[2*i+1] != 0 {
			t.Fatalf("frame %d: (%d, %d), want (%d, 0)", i, pcm[2*i], pcm[2*i+1], l[i])
		}
	}
}

// TestRecorderCrashLeavesPlayableFile: while recording, the header on
// disk already describes whole seconds of audio, so a process killed now
// leaves a file a player opens (up to the last patch).
func TestRecorderCrashLeavesPlayableFile(t *testing.T) {
	const rate = 8000
	path := filepath.Join(t.TempDir(), "crash.wav")
	r, err := CreateRecorder(path, rate, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	feed(r, rate, 2.5, 440, 1000, 0.5)
	var riff, data uint32
	var size int64
	testlab.Eventually(t, 10*recorderTick, "second of stereo described by the header mid-recording", func() bool {
		riff, data, size = headerSizes(t, path)
		return data >= uint32(4*rate)
	})
	if int64(data) > size-44 || riff != data+36 {
		t.Fatalf("mid-recording header: RIFF %d, data %d, file %d bytes; want ≥ 1 s of stereo described, within the file", riff, data, size)
	}
	pcm, _, ch, err := testlab.ReadWAV(path)
	if err != nil || ch != 2 {
		t.Fatalf("mid-recording read: %d channels, %v", ch, err)
	}
	if rep := testlab.AnalyzeTone(channel(pcm, 2, 1), rate, 1000); rep.ActiveSeconds < 0.9 {
		t.Errorf("mid-recording file: %v", rep)
	}
}
