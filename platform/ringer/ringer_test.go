package ringer

import (
	"context"
	"encoding/binary"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/assets"
	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
)

// fakeDriver opens fakeDevices and records every sample written to them.
type fakeDriver struct {
	mu      sync.Mutex
	opens   []string // "in|out" of each Open
	formats []audio.Format
	open    int // devices open now
	maxOpen int
	written []int16
	failAt  int // Open fails while len(opens) < failAt
	changed chan struct{}
}

func newFakeDriver() *fakeDriver { return &fakeDriver{changed: make(chan struct{}, 1)} }

func (d *fakeDriver) Devices() ([]audio.DeviceInfo, error) { return nil, nil }

func (d *fakeDriver) Open(in, out string, f audio.Format) (audio.Device, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.opens = append(d.opens, in+"|"+out)
	d.formats = append(d.formats, f)
	if len(d.opens) <= d.failAt {
		return nil, audio.ErrNoDevice
	}
	d.open++
	d.maxOpen = max(d.maxOpen, d.open)
	d.signal()
	return &fakeDevice{d: d, f: f, closed: make(chan struct{})}, nil
}

func (d *fakeDriver) signal() {
	select {
	case d.changed <- struct{}{}:
	default:
	}
}

// state returns what was written so far and how many devices are open.
func (d *fakeDriver) state() ([]int16, int, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]int16(nil), d.written...), d.open, len(d.opens)
}

// fakeDevice paces writes like a real one: one period per frame.
type fakeDevice struct {
	d      *fakeDriver
	f      audio.Format
	once   sync.Once
	closed chan struct{}
	gone   bool // closed; guarded by d.mu
}

func (v *fakeDevice) ReadFrame(pcm []int16) (int, error) { return 0, errors.New("not a capture") }
func (v *fakeDevice) Format() audio.Format               { return v.f }

func (v *fakeDevice) WriteFrame(pcm []int16) (int, error) {
	select {
	case <-v.closed:
		return 0, audio.ErrClosed
	case <-time.After(time.Millisecond):
	}
	v.d.mu.Lock()
	if v.gone {
		// Closed meanwhile: a device plays nothing after Close.
		v.d.mu.Unlock()
		return 0, audio.ErrClosed
	}
	v.d.written = append(v.d.written, pcm...)
	v.d.mu.Unlock()
	v.d.signal()
	return len(pcm), nil
}

func (v *fakeDevice) Close() error {
	v.once.Do(func() {
		close(v.closed)
		v.d.mu.Lock()
		v.gone = true
		v.d.open--
		v.d.mu.Unlock()
		v.d.signal()
	})
	return nil
}

// wav builds a 16-bit mono WAV of the samples.
func wav(rate int, pcm []int16) []byte {
	data := make([]byte, 2*len(pcm))
	for i, s := range pcm {
		binary.LittleEndian.PutUint16(data[2*i:], uint16(s))
	}
	h := make([]byte, 44)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+len(data)))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1)
	binary.LittleEndian.PutUint16(h[22:], 1)
	binary.LittleEndian.PutUint32(h[24:], uint32(rate))
	binary.LittleEndian.PutUint32(h[28:], uint32(2*rate))
	binary.LittleEndian.PutUint16(h[32:], 2)
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(len(data)))
	return append(h, data...)
}

// waitFor polls cond (woken by the driver's changes) for up to 5 s.
func waitFor(t *testing.T, d *fakeDriver, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for !cond() {
		select {
		case <-d.changed:
		case <-time.After(5 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestRingLoopsTheRingtoneInOrder(t *testing.T) {
	// 500 samples at 8 kHz: frames of 160 do not divide it, so the loop
	// point falls inside a frame.
	tone := make([]int16, 500)
	for i := range tone {
		tone[i] = int16(i*7 - 1000)
	}
	d := newFakeDriver()
	r, err := New(d, wav(8000, tone), "Speakers")
	if err != nil {
		t.Fatal(err)
	}
	r.Ring(true)
	r.Ring(true) // idempotent
	waitFor(t, d, "three loops", func() bool { w, _, _ := d.state(); return len(w) >= 3*len(tone) })
	r.Ring(false)
	waitFor(t, d, "device closed", func() bool { _, open, _ := d.state(); return open == 0 })

	w, _, opens := d.state()
	if opens != 1 {
		t.Errorf("opened %d devices, want 1", opens)
	}
	if d.opens[0] != "|Speakers" {
		t.Errorf("opened %q, want the output device only", d.opens[0])
	}
	if f := d.formats[0]; f.SampleRate != 8000 || f.Channels != 1 || f.Period != period {
		t.Errorf("format %+v", f)
	}
	for i, s := range w {
		if want := tone[i%len(tone)]; s != want {
			t.Fatalf("sample %d = %d, want %d", i, s, want)
		}
	}
	// Nothing more is written once stopped: a window for a wrong write.
	time.Sleep(20 * time.Millisecond)
	if w2, _, _ := d.state(); len(w2) != len(w) {
		t.Errorf("%d samples written after Ring(false)", len(w2)-len(w))
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRingStopsPromptly(t *testing.T) {
	d := newFakeDriver()
	r, err := New(d, assets.Ringtone, "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.Ring(true)
	waitFor(t, d, "playing", func() bool { w, _, _ := d.state(); return len(w) > 0 })
	start := time.Now()
	r.Ring(false)
	r.Ring(false) // idempotent
	waitFor(t, d, "device closed", func() bool { _, open, _ := d.state(); return open == 0 })
	if el := time.Since(start); el > 200*time.Millisecond {
		t.Errorf("took %v to stop", el)
	}
	if r.Ringing() {
		t.Error("still ringing")
	}
}

func TestRingAgainOpensOneDeviceAtATime(t *testing.T) {
	d := newFakeDriver()
	r, err := New(d, assets.Ringtone, "")
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		r.Ring(true)
		r.Ring(false)
	}
	r.Ring(true)
	waitFor(t, d, "playing", func() bool { w, open, _ := d.state(); return open == 1 && len(w) > 0 })
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	_, open, _ := d.state()
	if open != 0 || d.maxOpen != 1 {
		t.Errorf("open %d after Close, at most %d at once; want 0 and 1", open, d.maxOpen)
	}
	r.Ring(true) // after Close: nothing, within a window for a wrong open
	time.Sleep(10 * time.Millisecond)
	if _, open, _ := d.state(); open != 0 {
		t.Error("rang after Close")
	}
}

func TestRingDoesNotBlockOnOpen(t *testing.T) {
	d := &slowDriver{fakeDriver: newFakeDriver(), release: make(chan struct{})}
	r, err := New(d, assets.Ringtone, "")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r.Ring(true)
	r.Ring(false)
	if el := time.Since(start); el > 50*time.Millisecond {
		t.Errorf("Ring blocked %v on a slow Open", el)
	}
	close(d.release)
	r.Close()
	if _, open, _ := d.state(); open != 0 {
		t.Errorf("%d devices left open", open)
	}
}

type slowDriver struct {
	*fakeDriver
	release chan struct{}
}

func (d *slowDriver) Open(in, out string, f audio.Format) (audio.Device, error) {
	<-d.release
	return d.fakeDriver.Open(in, out, f)
}

// playbackDriver can open an output alone.
type playbackDriver struct{ *fakeDriver }

func (d playbackDriver) Open(in, out string, f audio.Format) (audio.Device, error) {
	return nil, errors.New("opened a microphone")
}

func (d playbackDriver) OpenPlayback(out string, f audio.Format) (audio.Device, error) {
	return d.fakeDriver.Open("none", out, f)
}

func TestOpensPlaybackOnlyWhenTheDriverCan(t *testing.T) {
	d := playbackDriver{newFakeDriver()}
	r, err := New(d, assets.Ringtone, "hs")
	if err != nil {
		t.Fatal(err)
	}
	r.Ring(true)
	waitFor(t, d.fakeDriver, "playing", func() bool { w, _, _ := d.state(); return len(w) > 0 })
	r.Close()
	if d.opens[0] != "none|hs" {
		t.Errorf("opened %q", d.opens[0])
	}
}

func TestNewRejectsBadWAV(t *testing.T) {
	if _, err := New(newFakeDriver(), []byte("not a wav"), ""); err == nil {
		t.Error("no error for a bad WAV")
	}
	if _, err := New(newFakeDriver(), wav(8000, nil), ""); err == nil {
		t.Error("no error for an empty WAV")
	}
}

func TestBuiltInRingtone(t *testing.T) {
	r, err := New(newFakeDriver(), assets.Ringtone, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.rate != 16000 || len(r.pcm) != 6*16000 {
		t.Errorf("ringtone %d Hz, %d samples; want 16 kHz, 6 s", r.rate, len(r.pcm))
	}
	peak := 0
	for _, s := range r.pcm {
		peak = max(peak, int(s), -int(s))
	}
	// -12 dBFS is 8225; allow rounding.
	if peak < 8000 || peak > 8300 {
		t.Errorf("peak %d, want about 8225 (-12 dBFS)", peak)
	}
}

func TestWatchRingsWhileACallIsIncoming(t *testing.T) {
	d := newFakeDriver()
	r, err := New(d, assets.Ringtone, "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	events := make(chan core.Event)
	ctx, cancel := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() {
		Watch(ctx, events, r)
		close(watched)
	}()
	send := func(e core.Event) { events <- e }
	ev := func(id string, s call.State) core.Event {
		return core.CallEvent{Info: call.Info{ID: id, State: s}}
	}
	ringing := func(want bool, why string) {
		t.Helper()
		// Watch acts on an event before taking the next: send a no-op
		// event to be sure the previous one was handled.
		send(core.ListeningEvent{})
		if got := r.Ringing(); got != want {
			t.Fatalf("%s: ringing %v, want %v", why, got, want)
		}
	}

	ringing(false, "start")
	send(ev("a", call.Dialing))
	ringing(false, "outgoing call")
	send(ev("b", call.Incoming))
	ringing(true, "incoming b")
	waitFor(t, d, "device open", func() bool { _, open, _ := d.state(); return open == 1 })
	send(ev("c", call.Incoming))
	ringing(true, "incoming b and c")
	send(ev("b", call.Connected))
	ringing(true, "b answered, c still rings")
	send(core.DTMFEvent{CallID: "b", Digit: "1"})
	ringing(true, "other event")
	send(ev("c", call.Ended))
	ringing(false, "c ended")
	waitFor(t, d, "device closed", func() bool { _, open, _ := d.state(); return open == 0 })
	send(ev("d", call.Incoming))
	ringing(true, "incoming d")
	cancel()
	<-watched
	if r.Ringing() {
		t.Error("still ringing after Watch returned")
	}
}

func TestWatchStopsWhenEventsClose(t *testing.T) {
	r, err := New(newFakeDriver(), assets.Ringtone, "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	events := make(chan core.Event, 1)
	events <- core.CallEvent{Info: call.Info{ID: "x", State: call.Incoming}}
	close(events)
	Watch(context.Background(), events, r)
	if r.Ringing() {
		t.Error("still ringing after the event stream closed")
	}
}

func TestRetriesAFailedOpen(t *testing.T) {
	defer func(d time.Duration) { retryAfter = d }(retryAfter)
	retryAfter = 20 * time.Millisecond
	d := newFakeDriver()
	d.failAt = 1
	r, err := New(d, assets.Ringtone, "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.Ring(true)
	waitFor(t, d, "second open", func() bool { w, _, _ := d.state(); return len(w) > 0 })
	if _, _, opens := d.state(); opens != 2 {
		t.Errorf("%d opens, want 2", opens)
	}
}
