package calldev

import (
	"errors"
	"testing"
	"time"

	"github.com/softphone/softphone/core/audio"
)

// sepClockDev is a device with separate clocks that can wait for room.
type sepClockDev struct {
	*audio.NullDevice
	rooms int
}

func (d *sepClockDev) SharedClock() bool { return false }
func (d *sepClockDev) WaitRoom() error   { d.rooms++; return nil }

// TestDeviceKeepsClockContract: the view a session holds must keep what
// the session asks of devices, or a call loses its one-loop path (shared
// clock) or its just-in-time decode (WaitRoom).
func TestDeviceKeepsClockContract(t *testing.T) {
	f := audio.Format{SampleRate: 8000, Channels: 1, Period: 20 * time.Millisecond}
	null, err := audio.NewNullDevice(f)
	if err != nil {
		t.Fatal(err)
	}
	shared := Wrap(null, false)
	if !audio.SharesClock(shared) {
		t.Error("a call's view of a shared-clock device has lost the shared clock")
	}
	n2, _ := audio.NewNullDevice(f)
	sep := &sepClockDev{NullDevice: n2}
	var view audio.Device = Wrap(sep, false)
	if audio.SharesClock(view) {
		t.Error("a call's view of a separate-clock device claims a shared clock")
	}
	w, ok := view.(audio.RoomWaiter)
	if !ok || w.WaitRoom() != nil || sep.rooms != 1 {
		t.Errorf("WaitRoom did not reach the device (%v, %d calls)", ok, sep.rooms)
	}
	// Resampled to the session's rate, the contract holds too.
	tap := audio.NewTap(null)
	at16, err := NewView(tap, audio.Format{SampleRate: 16000, Channels: 1, Period: f.Period})
	if err != nil {
		t.Fatal(err)
	}
	if !audio.SharesClock(at16) || at16.Format().SampleRate != 16000 {
		t.Errorf("resampled view: shared %v, format %+v", audio.SharesClock(at16), at16.Format())
	}
	buf := make([]int16, 320)
	if n, err := at16.ReadFrame(buf); err != nil || n != 320 {
		t.Errorf("resampled view read %d, %v; want a 16 kHz frame", n, err)
	}
}

// TestDeviceHandOver: a view handed over does not close the device when
// the session closes it, and refuses the session's later frames;
// otherwise Close closes the device.
func TestDeviceHandOver(t *testing.T) {
	f := audio.Format{SampleRate: 8000, Channels: 1, Period: 20 * time.Millisecond}
	null, _ := audio.NewNullDevice(f)
	v := Wrap(null, false)
	v.HandOver(true)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	buf := make([]int16, 160)
	if _, err := v.ReadFrame(buf); !errors.Is(err, audio.ErrClosed) {
		t.Errorf("a handed-over view still reads: %v", err)
	}
	if Own(v) != nil {
		t.Error("a closed view is still a call's own device")
	}
	if _, err := v.Tap().ReadFrame(buf); err != nil {
		t.Errorf("the device behind a handed-over view was closed: %v", err)
	}
	v2 := Wrap(null, false)
	v2.Close()
	if _, err := null.ReadFrame(buf); !errors.Is(err, audio.ErrClosed) {
		t.Errorf("closing a view left its device open: %v", err)
	}
}

// fakeSession holds one device, as a media session does.
type fakeSession struct{ dev audio.Device }

func (s *fakeSession) Device() audio.Device { return s.dev }
func (s *fakeSession) SwapDevice(d audio.Device) error {
	if d.Format() != s.dev.Format() {
		return errors.New("format differs")
	}
	old := s.dev
	s.dev = d
	return old.Close()
}

// TestSwapCarriesTapState: moving a call to another device keeps its
// recording, waiting tone and the recording's mute, and closes the old
// device; a call whose device failed takes the new one with the tone.
func TestSwapCarriesTapState(t *testing.T) {
	f := audio.Format{SampleRate: 8000, Channels: 1, Period: 20 * time.Millisecond}
	first, _ := audio.NewNullDevice(f)
	v := Wrap(first, true)
	v.Tap().SetMuted(true)
	rec, err := audio.CreateRecorder(t.TempDir()+"/r.wav", 8000, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	v.Tap().SetRecorder(rec)
	sess := &fakeSession{dev: v}
	second, _ := audio.NewNullDevice(audio.Format{SampleRate: 16000, Channels: 1, Period: f.Period})
	if err := Swap(sess, second, false); err != nil {
		t.Fatal(err)
	}
	nv := Own(sess.dev)
	if nv == nil || nv == v {
		t.Fatalf("the session holds %T, want a new view", sess.dev)
	}
	if nv.Format() != f {
		t.Errorf("new view format %+v, want the session's %+v", nv.Format(), f)
	}
	if nv.Tap().Recorder() != rec || !nv.Tap().Tone() || !nv.Tap().Muted() {
		t.Errorf("recorder %v tone %v muted %v, want all carried over", nv.Tap().Recorder(), nv.Tap().Tone(), nv.Tap().Muted())
	}
	if v.Tap().Recorder() != nil {
		t.Error("the old tap still records")
	}
	buf := make([]int16, 160)
	if _, err := first.ReadFrame(buf); !errors.Is(err, audio.ErrClosed) {
		t.Errorf("the old device is still open: %v", err)
	}

	// A bare device (its own failed): wrapped anew, the tone as asked.
	bare, _ := audio.NewNullDevice(f)
	sess = &fakeSession{dev: bare}
	third, _ := audio.NewNullDevice(f)
	if err := Swap(sess, third, true); err != nil {
		t.Fatal(err)
	}
	if nv := Own(sess.dev); nv == nil || !nv.Tap().Tone() {
		t.Errorf("a bare session got %T, want a view playing the tone", sess.dev)
	}
}
