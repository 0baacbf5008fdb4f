package testlab

import (
	"math"
	"path/filepath"
	"testing"
	"time"
)

func TestGoertzelFullScale(t *testing.T) {
	for _, rate := range []int{8000, 16000, 48000} {
		for _, hz := range []float64{440, 1000, 1234.5} {
			pcm := ToneSamples(rate, hz, 20*time.Millisecond, 1)
			if p := Goertzel(pcm, rate, hz); math.Abs(DBFS(p)) > 0.5 {
				t.Errorf("%d Hz rate, %v Hz full-scale sine: %.2f dBFS, want ~0", rate, hz, DBFS(p))
			}
			if p := Goertzel(pcm, rate, hz+300); DBFS(p) > -40 {
				t.Errorf("%d Hz rate, %v Hz sine seen at %v Hz: %.2f dBFS", rate, hz, hz+300, DBFS(p))
			}
		}
	}
	if p := Goertzel(make([]int16, 160), 8000, 1000); DBFS(p) != -150 {
		t.Errorf("silence: %v dBFS, want -150", DBFS(p))
	}
}

func TestWriteToneWAVAnalyze(t *testing.T) {
	for _, rate := range []int{8000, 16000, 48000} {
		path := filepath.Join(t.TempDir(), "tone.wav")
		if err := WriteToneWAV(path, rate, 1000, 2*time.Second, 0.5); err != nil {
			t.Fatal(err)
		}
		pcm, gotRate, ch, err := ReadWAV(path)
		if err != nil {
			t.Fatal(err)
		}
		if gotRate != rate || ch != 1 || len(pcm) != 2*rate {
			t.Fatalf("ReadWAV: rate %d, %d channels, %d samples; want %d, 1, %d", gotRate, ch, len(pcm), rate, 2*rate)
		}
		rep := AnalyzeTone(pcm, rate, 1000)
		t.Logf("%d Hz: %v", rate, rep)
		if math.Abs(rep.LevelDBFS-DBFS(0.25)) > 0.5 || rep.ActiveSeconds < 1.99 || rep.LevelDBFS-rep.OtherDBFS < 40 {
			t.Errorf("%d Hz: 1000 Hz at -6 dBFS: %v", rate, rep)
		}
		// A wrong frequency is not there, and the tone is its strongest rival.
		wrong := AnalyzeTone(pcm, rate, 440)
		if wrong.ActiveSeconds != 0 || wrong.LevelDBFS > -40 || wrong.OtherHz != 1000 {
			t.Errorf("%d Hz: 440 Hz found in a 1000 Hz tone: %v", rate, wrong)
		}
	}
}

func TestAnalyzeToneActiveSeconds(t *testing.T) {
	const rate = 16000
	// 1 s silence, 1.5 s of 440 Hz at -20 dBFS, 0.5 s of 440 Hz drowned by a louder 2 kHz.
	pcm := make([]int16, rate)
	pcm = append(pcm, ToneSamples(rate, 440, 1500*time.Millisecond, 0.1)...)
	mixed := ToneSamples(rate, 440, 500*time.Millisecond, 0.1)
	for i, s := range ToneSamples(rate, 2000, 500*time.Millisecond, 0.8) {
		mixed[i] += s
	}
	pcm = append(pcm, mixed...)
	rep := AnalyzeTone(pcm, rate, 440)
	t.Logf("%v", rep)
	if math.Abs(rep.ActiveSeconds-1.5) > 0.03 || math.Abs(rep.LevelDBFS-DBFS(0.01)) > 0.5 || rep.TotalSeconds != 3 {
		t.Errorf("want 1.5 s active at -20 dBFS of 3 s: %v", rep)
	}
	if rep := AnalyzeTone(make([]int16, rate), rate, 440); rep.ActiveSeconds != 0 || rep.LevelDBFS != -150 {
		t.Errorf("silence: %v", rep)
	}
}
