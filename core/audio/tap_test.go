package audio

import (
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// memDevice captures a looped tone and keeps what is played, unpaced.
type memDevice struct {
	f      Format
	mic    []int16
	pos    int
	played []int16
	rooms  atomic.Int32
	closed bool
}

func (d *memDevice) ReadFrame(pcm []int16) (int, error) {
	for i := range pcm {
		pcm[i] = d.mic[d.pos]
		d.pos = (d.pos + 1) % len(d.mic)
	}
	return len(pcm), nil
}

func (d *memDevice) WriteFrame(pcm []int16) (int, error) {
	if cap(d.played)-len(d.played) >= len(pcm) { // preallocated: no allocation in the alloc test
		d.played = append(d.played, pcm...)
	}
	return len(pcm), nil
}

func (d *memDevice) Format() Format { return d.f }
func (d *memDevice) Close() error   { d.closed = true; return nil }

// roomDevice is a memDevice that can wait for room.
type roomDevice struct{ *memDevice }

func (d roomDevice) WaitRoom() error { d.rooms.Add(1); return nil }

func TestTapKeepsClockContract(t *testing.T) {
	f := Format{SampleRate: 8000, Channels: 1, Period: 20 * time.Millisecond}
	null, err := NewNullDevice(f)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if !SharesClock(NewTap(null)) {
		t.Error("a tap over a shared-clock device does not share its clock")
	}
	mem := &memDevice{f: f, mic: make([]int16, 160)}
	if SharesClock(NewTap(mem)) {
		t.Error("a tap over a separate-clock device claims a shared clock")
	}
	tap := NewTap(roomDevice{mem})
	if err := tap.WaitRoom(); err != nil || mem.rooms.Load() != 1 {
		t.Errorf("WaitRoom reached the device %d times (%v), want once", mem.rooms.Load(), err)
	}
	if err := NewTap(mem).WaitRoom(); err != nil {
		t.Errorf("WaitRoom without a waiting device: %v", err)
	}
}

// TestTapRecordsAndPlaysTone: the recorder gets the microphone (left) and
// the far end (right); the waiting tone reaches the speaker only, never
// the recording or the caller's buffer; nothing allocates per frame.
func TestTapRecordsAndPlaysTone(t *testing.T) {
	const rate = 16000
	f := Format{SampleRate: rate, Channels: 1, Period: 20 * time.Millisecond}
	mem := &memDevice{f: f, mic: testlab.ToneSamples(rate, 1000, 100*time.Millisecond, 0.5), played: make([]int16, 0, 4*rate)}
	tap := NewTap(mem)
	path := filepath.Join(t.TempDir(), "tap.wav")
	rec, err := CreateRecorder(path, rate, false)
	if err != nil {
		t.Fatal(err)
	}
	if old := tap.SetRecorder(rec); old != nil {
		t.Fatal("a fresh tap had a recorder")
	}
	tap.SetTone(true)
	remote := testlab.ToneSamples(rate, 2000, time.Second, 0.25)
	frame := make([]int16, f.FrameSamples())
	for off := 0; off < len(remote); off += len(frame) {
		if _, err := tap.ReadFrame(frame); err != nil {
			t.Fatal(err)
		}
		in := remote[off : off+len(frame)]
		keep := slices.Clone(in)
		if _, err := tap.WriteFrame(in); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(in, keep) {
			t.Fatal("WriteFrame changed the caller's frame")
		}
	}
	allocs := testing.AllocsPerRun(50, func() {
		_, _ = tap.ReadFrame(frame)
		_, _ = tap.WriteFrame(remote[:len(frame)])
	})
	if allocs != 0 {
		t.Errorf("a frame through the tap allocates %.1f times", allocs)
	}
	if err := tap.Close(); err != nil {
		t.Fatal(err)
	}
	if !mem.closed || tap.Recorder() != nil {
		t.Fatal("Close left the device open or the recorder attached")
	}
	played := mem.played[:rate] // the first second, tone on
	if l := testlab.DBFS(testlab.Goertzel(played[:rate/5], rate, WaitingToneHz)); l < -17 || l > -15 {
		t.Errorf("the speaker got the first beep at %.1f dBFS, want -16", l)
	}
	if l := testlab.DBFS(testlab.Goertzel(played[rate/5:rate/5*2], rate, 2000)); l < -13 || l > -11 {
		t.Errorf("the speaker got the far end at %.1f dBFS, want -12", l)
	}
	pcm, _, ch, err := testlab.ReadWAV(path)
	if err != nil || ch != 2 {
		t.Fatalf("recording: %d channels, %v", ch, err)
	}
	left, right := channel(pcm, 2, 0), channel(pcm, 2, 1)
	if rep := testlab.AnalyzeTone(left, rate, 1000); rep.ActiveSeconds < 0.9 {
		t.Errorf("left (microphone): %v", rep)
	}
	if rep := testlab.AnalyzeTone(right, rate, 2000); rep.ActiveSeconds < 0.9 {
		t.Errorf("right (far end): %v", rep)
	}
	if l := testlab.DBFS(testlab.Goertzel(right[:rate/5], rate, WaitingToneHz)); l > -60 {
		t.Errorf("the waiting tone got into the recording at %.1f dBFS", l)
	}
}

// TestTapToneOff: with the tone off, frames reach the device untouched.
func TestTapToneOff(t *testing.T) {
	f := Format{SampleRate: 8000, Channels: 1, Period: 20 * time.Millisecond}
	mem := &memDevice{f: f, mic: make([]int16, 160), played: make([]int16, 0, 8000)}
	tap := NewTap(mem)
	in := testlab.ToneSamples(8000, 700, 20*time.Millisecond, 0.3)
	for range 10 {
		_, _ = tap.WriteFrame(in)
	}
	tap.SetTone(true)
	_, _ = tap.WriteFrame(in)
	tap.SetTone(false)
	for range 10 {
		_, _ = tap.WriteFrame(in)
	}
	for i := range 10 {
		if !slices.Equal(mem.played[i*160:(i+1)*160], in) {
			t.Fatalf("frame %d before the tone was changed", i)
		}
	}
	if slices.Equal(mem.played[10*160:11*160], in) {
		t.Fatal("the tone frame is unchanged")
	}
	// The fade ends within the frame after off; the rest is untouched.
	for i := 12; i < 21; i++ {
		if !slices.Equal(mem.played[i*160:(i+1)*160], in) {
			t.Fatalf("frame %d after the tone's fade was changed", i)
		}
	}
}

// TestTapRecordsMuteAsSilence: what the far end does not hear (muted
// microphone) is not recorded.
func TestTapRecordsMuteAsSilence(t *testing.T) {
	const rate = 8000
	f := Format{SampleRate: rate, Channels: 1, Period: 20 * time.Millisecond}
	mem := &memDevice{f: f, mic: testlab.ToneSamples(rate, 1000, 100*time.Millisecond, 0.5)}
	tap := NewTap(mem)
	path := filepath.Join(t.TempDir(), "mute.wav")
	rec, err := CreateRecorder(path, rate, false)
	if err != nil {
		t.Fatal(err)
	}
	tap.SetRecorder(rec)
	tap.SetMuted(true)
	frame := make([]int16, 160)
	for range 50 {
		_, _ = tap.ReadFrame(frame)
		_, _ = tap.WriteFrame(frame)
	}
	if err := tap.Close(); err != nil {
		t.Fatal(err)
	}
	pcm, _, _, err := testlab.ReadWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	left := channel(pcm, 2, 0)
	if len(left) != 50*160 || slices.ContainsFunc(left, func(s int16) bool { return s != 0 }) {
		t.Errorf("muted microphone recorded: %d samples, not all silent", len(left))
	}
}
