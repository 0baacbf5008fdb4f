package core_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/internal/testlab"
)

// recordingName is how recordings are named: start time, far end's user.
var recordingName = regexp.MustCompile(`^\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d_peer(-\d+)?\.wav$`)

// expectFinished checks that the header's sizes describe the whole file:
// it was finished, not left as a crash would.
func expectFinished(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 44 || string(b[36:40]) != "data" {
		t.Fatalf("%s: no canonical WAV header", path)
	}
	riff, data := binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[40:])
	if int(data) != len(b)-44 || int(riff) != len(b)-8 || data == 0 {
		t.Fatalf("%s: header says RIFF %d, data %d for %d bytes: not finished", path, riff, data, len(b))
	}
}

// TestRecordingDirectCall records a call between two of our phones twice:
// stopped by StopRecording, then by the hang-up. Local on the left, the
// far end on the right; Info.Recording shows the file while recording;
// the history keeps it.
func TestRecordingDirectCall(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	st := journalStore(t, t.TempDir())
	a := startTonePhone(t, directConfig+fmt.Sprintf("\n[audio]\nrecord_dir = %q\n", dir), 440, []string{"pcmu"}, core.WithStore(st))
	b := startTonePhone(t, directConfig, 1000, []string{"pcmu"})

	id, _ := connectDirect(t, a, b)
	path, err := a.StartRecording(id)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(path) != dir || !recordingName.MatchString(filepath.Base(path)) {
		t.Fatalf("recording %s: want %s/<date>_<time>_peer.wav", path, dir)
	}
	waitInfo(t, a.Engine, id, time.Second, "Info.Recording", func(i call.Info) bool { return i.Recording == path })
	if again, err := a.StartRecording(id); err != nil || again != path {
		t.Fatalf("StartRecording again: %q, %v; want the same file", again, err)
	}
	time.Sleep(2500 * time.Millisecond)
	if err := a.StopRecording(id); err != nil {
		t.Fatal(err)
	}
	waitInfo(t, a.Engine, id, time.Second, "no Info.Recording", func(i call.Info) bool { return i.Recording == "" })
	if err := a.StopRecording(id); !errors.Is(err, core.ErrNotRecording) {
		t.Fatalf("StopRecording when stopped: %v, want ErrNotRecording", err)
	}
	expectFinished(t, path)
	r := readRecording(t, path)
	if r.ch != 2 || r.seconds() < 2.2 || r.seconds() > 3.5 {
		t.Fatalf("recording %s: want ~2.5 s of stereo", describe(r))
	}
	end := time.Duration(r.seconds() * float64(time.Second))
	expectTones(t, "left (our microphone)", r.span(t, 0, 300*time.Millisecond, end), r.rate, hzList(440), hzList(1000))
	expectTones(t, "right (the far end)", r.span(t, 1, 300*time.Millisecond, end), r.rate, hzList(1000), hzList(440))

	// Again, ended by the hang-up.
	second, err := a.StartRecording(id)
	if err != nil || second == path {
		t.Fatalf("second recording %q, %v; want a new file", second, err)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := a.Hangup(id); err != nil {
		t.Fatal(err)
	}
	waitGone(t, a.Engine, id, 5*time.Second)
	expectFinished(t, second)
	r2 := readRecording(t, second)
	expectTones(t, "second recording, right", r2.span(t, 1, 300*time.Millisecond, time.Second), r2.rate, hzList(1000), nil)

	a.Close(ctx) // the journal has written the call
	h, err := st.CallByCallID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if h.Recording != second {
		t.Errorf("history keeps recording %q, want %q", h.Recording, second)
	}
}

// TestRecordingMixedNextToHistory: with no record_dir the file goes into
// "recordings" beside the history database; "mixed" writes one channel
// with both sides.
func TestRecordingMixedNextToHistory(t *testing.T) {
	data := t.TempDir()
	a := startTonePhone(t, directConfig+"\n[audio]\nrecord_channels = \"mixed\"\n", 440, []string{"pcmu"}, core.WithStore(journalStore(t, data)))
	b := startTonePhone(t, directConfig, 1000, []string{"pcmu"})

	id, _ := connectDirect(t, a, b)
	path, err := a.StartRecording(id)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(data, "recordings"); filepath.Dir(path) != want {
		t.Fatalf("recording in %s, want %s", filepath.Dir(path), want)
	}
	time.Sleep(2 * time.Second)
	if err := b.Hangup(b.Calls()[0].ID); err != nil { // the far end hangs up
		t.Fatal(err)
	}
	waitGone(t, a.Engine, id, 5*time.Second)
	expectFinished(t, path)
	r := readRecording(t, path)
	if r.ch != 1 {
		t.Fatalf("mixed recording %s", describe(r))
	}
	expectTones(t, "mixed", r.span(t, 0, 300*time.Millisecond, 1700*time.Millisecond), r.rate, hzList(440, 1000), nil)
}

func TestRecordingRefusals(t *testing.T) {
	a := startTonePhone(t, directConfig, 440, []string{"pcmu"})
	if _, err := a.StartRecording("nope"); !errors.Is(err, core.ErrUnknownCall) {
		t.Errorf("StartRecording(unknown): %v", err)
	}
	if err := a.StopRecording("nope"); !errors.Is(err, core.ErrUnknownCall) {
		t.Errorf("StopRecording(unknown): %v", err)
	}
	// A call still ringing has no audio to record.
	b := startTonePhone(t, directConfig, 1000, []string{"pcmu"})
	id, err := a.Dial(context.Background(), "sip:peer@"+b.State().Listen, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitInfo(t, a.Engine, id, 5*time.Second, "ringing", func(i call.Info) bool { return i.State == call.Ringing })
	if _, err := a.StartRecording(id); !errors.Is(err, call.ErrTransition) {
		t.Errorf("StartRecording(ringing): %v", err)
	}
	if err := a.Split(context.Background(), id); err == nil {
		t.Error("Split of a call in no conference: no error")
	}
	if _, err := a.Merge(context.Background(), id); err == nil {
		t.Error("Merge of one call: no error")
	}
	if _, err := a.Merge(context.Background(), id, "nope"); err == nil {
		t.Error("Merge with an unknown call: no error")
	}
}

// toneDriver is an audio driver whose device "a" plays 440 Hz and "b"
// 880 Hz, at whatever rate is asked.
type toneDriver struct{ dir string }

func (d toneDriver) Devices() ([]audio.DeviceInfo, error) {
	return []audio.DeviceInfo{{ID: "a", Name: "a", Capture: true, Playback: true}, {ID: "b", Name: "b", Capture: true, Playback: true}}, nil
}

func (d toneDriver) Open(in, _ string, f audio.Format) (audio.Device, error) {
	hz := 440.0
	if in == "b" {
		hz = 880
	}
	play := filepath.Join(d.dir, fmt.Sprintf("%s-%d.wav", in, f.SampleRate))
	if _, err := os.Stat(play); err != nil {
		if err := testlab.WriteToneWAV(play, f.SampleRate, hz, 10*time.Second, testlab.ToneAmplitude); err != nil {
			return nil, err
		}
	}
	return audio.OpenFileDevice(f, play, "", audio.FileSourceOptions{Loop: true})
}

// TestRecordingFollowsDeviceChange: moving a recorded call to another
// device (SetCallAudio) keeps the recording going in the same file.
func TestRecordingFollowsDeviceChange(t *testing.T) {
	cfg := directConfig + fmt.Sprintf("\n[audio]\ninput = \"a\"\nrecord_dir = %q\n", t.TempDir())
	cs, _ := codecs.ByNames([]string{"pcmu"})
	p, _ := startPhone(t, writeRawConfig(t, cfg), core.WithAudioDriver(toneDriver{t.TempDir()}), core.WithCodecs(cs...), core.WithMediaPorts(mediaPortsForTest()))
	a := &tonePhone{Engine: p}
	b := startRatePhone(t, directConfig, 1000, []string{"pcmu"})
	id, _ := connectDirect(t, a, b)
	path, err := a.StartRecording(id)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := a.SetCallAudio(id, "b", ""); err != nil {
		t.Fatal(err)
	}
	if i, _ := callInfo(a.Engine, id); i.Recording != path {
		t.Fatalf("after the device change: recording %q, want %q", i.Recording, path)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := a.Hangup(id); err != nil {
		t.Fatal(err)
	}
	waitGone(t, a.Engine, id, 5*time.Second)
	expectFinished(t, path)
	r := readRecording(t, path)
	expectHeard(t, "left before the change", r.span(t, 0, 200*time.Millisecond, 1200*time.Millisecond), r.rate, hzList(440), 800*time.Millisecond, hzList(880))
	expectHeard(t, "left after the change", r.tail(t, 0, 1200*time.Millisecond, 200*time.Millisecond), r.rate, hzList(880), 800*time.Millisecond, hzList(440))
	expectHeard(t, "right", r.channel(1), r.rate, hzList(1000), 2*time.Second, nil)
}
