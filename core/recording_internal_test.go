package core

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

// TestCallDeviceKeepsClockContract: the view a session holds must keep
// what the session asks of devices, or a call loses its one-loop path
// (shared clock) or its just-in-time decode (WaitRoom).
func TestCallDeviceKeepsClockContract(t *testing.T) {
	f := audio.Format{SampleRate: 8000, Channels: 1, Period: 20 * time.Millisecond}
	null, err := audio.NewNullDevice(f)
	if err != nil {
		t.Fatal(err)
	}
	c := &activeCall{p: &Engine{}}
	shared := c.wrapDevice(null)
	if !audio.SharesClock(shared) {
		t.Error("a call's view of a shared-clock device has lost the shared clock")
	}
	n2, _ := audio.NewNullDevice(f)
	sep := &sepClockDev{NullDevice: n2}
	view := c.wrapDevice(sep)
	if audio.SharesClock(view) {
		t.Error("a call's view of a separate-clock device claims a shared clock")
	}
	w, ok := view.(audio.RoomWaiter)
	if !ok || w.WaitRoom() != nil || sep.rooms != 1 {
		t.Errorf("WaitRoom did not reach the device (%v, %d calls)", ok, sep.rooms)
	}
	// Resampled to the session's rate, the contract holds too.
	tap := audio.NewTap(null)
	at16, err := newCallDevice(tap, audio.Format{SampleRate: 16000, Channels: 1, Period: f.Period})
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

// TestCallDeviceHandOver: a view handed over (keep) does not close the
// device when the session closes it, and refuses the session's later
// frames; otherwise Close closes the device.
func TestCallDeviceHandOver(t *testing.T) {
	f := audio.Format{SampleRate: 8000, Channels: 1, Period: 20 * time.Millisecond}
	null, _ := audio.NewNullDevice(f)
	c := &activeCall{p: &Engine{}}
	v := c.wrapDevice(null).(*callDevice)
	v.keep.Store(true)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	buf := make([]int16, 160)
	if _, err := v.ReadFrame(buf); !errors.Is(err, audio.ErrClosed) {
		t.Errorf("a handed-over view still reads: %v", err)
	}
	if _, err := v.tap.ReadFrame(buf); err != nil {
		t.Errorf("the device behind a handed-over view was closed: %v", err)
	}
	v2 := c.wrapDevice(null).(*callDevice)
	v2.Close()
	if _, err := null.ReadFrame(buf); !errors.Is(err, audio.ErrClosed) {
		t.Errorf("closing a view left its device open: %v", err)
	}
}

func TestFileUser(t *testing.T) {
	for in, want := range map[string]string{
		"sip:bob@example.com":             "bob",
		"sips:+44 20 7946@pbx;user=phone": "+44_20_7946",
		"sip:../../etc@x":                 "_.._etc",
		"sip:@x":                          "call",
		"tel:+1555":                       "+1555",
		"sip:" + string(make([]byte, 60)): "________________________________________",
	} {
		if got := fileUser(in); got != want {
			t.Errorf("fileUser(%q) = %q, want %q", in, got, want)
		}
	}
}
