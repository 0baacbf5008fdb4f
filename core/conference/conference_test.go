package conference

import (
	"errors"
	"net/netip"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/calldev"
	"github.com/softphone/softphone/core/codec/g711"
	"github.com/softphone/softphone/core/media"
)

var format = audio.Format{SampleRate: 8000, Channels: 1, Period: 20 * time.Millisecond}

// testCall is an established call with a media session (not started: the
// books only swap its devices) on a null device of its own.
type testCall struct {
	id    string
	m     *call.Machine
	sess  *media.Session
	leg   Leg
	ended atomic.Bool
}

func (c *testCall) ID() string              { return c.id }
func (c *testCall) Machine() *call.Machine  { return c.m }
func (c *testCall) Session() *media.Session { return c.sess }
func (c *testCall) Ended() bool             { return c.ended.Load() }
func (c *testCall) Leg() *Leg               { return &c.leg }

type nopHandler struct{}

func (nopHandler) DTMF(rune)             {}
func (nopHandler) NoMedia(time.Duration) {}
func (nopHandler) DeviceError(error)     {}
func (nopHandler) Flowing(time.Time)     {}

func newTestCall(t *testing.T, m *Manager, id string) *testCall {
	t.Helper()
	c := &testCall{id: id}
	c.m = call.New(id, call.Outgoing, "", call.Party{URI: "sip:" + id + "@example.com"}, func(call.Info) {}, nil)
	if err := c.m.Answered("PCMU"); err != nil {
		t.Fatal(err)
	}
	lo := netip.MustParseAddr("127.0.0.1")
	conn, err := media.Listen(lo, media.PortRange{Min: 20000, Max: 40000})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := audio.NewNullDevice(format)
	if err != nil {
		t.Fatal(err)
	}
	c.sess, err = media.NewSession(conn, m.Wrap(c, dev), media.Config{
		Codec: g711.PCMU(), Remote: netip.AddrPortFrom(lo, 9), Ptime: format.Period,
	}, nopHandler{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.hangUp() })
	return c
}

// hangUp ends the call as the phone does: ended first, then its media.
func (c *testCall) hangUp() {
	c.ended.Store(true)
	_ = c.sess.Close()
	_ = c.m.End("hung up", 0)
}

func newManager(t *testing.T) (*Manager, *atomic.Int32) {
	var opened atomic.Int32
	m := &Manager{}
	m.Configure(Options{Open: func(call.Info, audio.Format) (audio.Device, error) {
		opened.Add(1)
		return audio.NewNullDevice(format)
	}})
	t.Cleanup(m.Wait)
	return m, &opened
}

func noResume(Call) error { return nil }

// TestMergeSplit: two calls merge onto ports of one bridge around the
// device of one of them; a recording started on one leg names both; a
// mute reaches every leg; the waiting tone follows into the conference;
// splitting one off gives it a device of its own and ends the
// conference, the other taking the device (and its recording) back.
func TestMergeSplit(t *testing.T) {
	m, opened := newManager(t)
	a, b := newTestCall(t, m, "a"), newTestCall(t, m, "b")
	m.SetTone(b, true)
	var resumed []string
	id, err := m.Merge([]Call{a, b}, func(c Call) error {
		if c.Machine().Info().Conference == "" {
			t.Errorf("%s resumed before it was named in the conference", c.ID())
		}
		resumed = append(resumed, c.ID())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(resumed) != 2 {
		t.Errorf("resume ran on %v, want both calls", resumed)
	}
	if legs := m.Legs(id); len(legs) != 2 {
		t.Fatalf("Legs(%s) = %v, want both calls", id, legs)
	}
	for _, c := range []*testCall{a, b} {
		if got := c.m.Info().Conference; got != id {
			t.Errorf("%s: Conference %q, want %q", c.id, got, id)
		}
		if _, ok := c.sess.Device().(*media.Port); !ok {
			t.Errorf("%s: device %T, want a bridge port", c.id, c.sess.Device())
		}
	}
	conf := a.leg.conf
	if !conf.tap.Tone() {
		t.Error("the waiting tone of a joining call is not on the conference's device")
	}
	if opened.Load() != 0 {
		t.Errorf("%d devices opened, want the calls' own taken over", opened.Load())
	}

	// Merging the conference with one of its legs changes nothing.
	if again, err := m.Merge([]Call{a, b}, noResume); err != nil || again != id {
		t.Errorf("merge again: %q, %v; want %q", again, err, id)
	}

	path, err := m.StartRecording(b, func(calls []Call, rate int) (*audio.Recorder, error) {
		if len(calls) != 2 || rate != 8000 {
			t.Errorf("recorder for %d calls at %d Hz, want 2 at 8000", len(calls), rate)
		}
		return audio.CreateRecorder(filepath.Join(t.TempDir(), "conf.wav"), rate, false)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*testCall{a, b} {
		if got := c.m.Info().Recording; got != path {
			t.Errorf("%s: Recording %q, want %q", c.id, got, path)
		}
	}

	if !m.Mute(a, true) {
		t.Error("Mute in a conference left the session to mute itself")
	}
	if !a.m.Info().Muted || !b.m.Info().Muted || !conf.tap.Muted() {
		t.Error("a conference mute did not reach every leg and the recording")
	}

	if err := m.Split(b); err != nil {
		t.Fatal(err)
	}
	if opened.Load() != 1 {
		t.Errorf("%d devices opened by the split, want 1", opened.Load())
	}
	m.Wait()
	if m.Legs(id) != nil {
		t.Error("the conference outlived its second-last call")
	}
	for _, c := range []*testCall{a, b} {
		if c.leg.conf != nil || c.m.Info().Conference != "" {
			t.Errorf("%s is still in a conference", c.id)
		}
		if calldev.Own(c.sess.Device()) == nil {
			t.Errorf("%s: device %T, want its own", c.id, c.sess.Device())
		}
	}
	if got := b.m.Info(); got.Recording != "" || got.Muted {
		t.Errorf("split call: recording %q muted %v, want neither", got.Recording, got.Muted)
	}
	if got := a.m.Info(); got.Recording != path || !got.Muted {
		t.Errorf("last call: recording %q muted %v, want %q and muted", got.Recording, got.Muted, path)
	}
	if tap := calldev.Own(a.sess.Device()).Tap(); tap.Recorder() == nil || !tap.Muted() {
		t.Error("the last call did not take the recording device back")
	}
	if tap := calldev.Own(b.sess.Device()).Tap(); !tap.Tone() {
		t.Error("the split call lost its waiting tone")
	}

	rec, err := m.StopRecording(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.StopRecording(a); !errors.Is(err, calldev.ErrNotRecording) {
		t.Errorf("stop twice: %v, want ErrNotRecording", err)
	}
}

// TestLegHangsUp: a leg whose call ends leaves through its port closing;
// Wait returns once the books say so, and the conference of two ends.
func TestLegHangsUp(t *testing.T) {
	m, _ := newManager(t)
	a, b, c := newTestCall(t, m, "a"), newTestCall(t, m, "b"), newTestCall(t, m, "c")
	id, err := m.Merge([]Call{a, b}, noResume)
	if err != nil {
		t.Fatal(err)
	}
	// A third call merged with a leg joins its conference.
	if got, err := m.Merge([]Call{c, a}, noResume); err != nil || got != id {
		t.Fatalf("third call: %q, %v; want %q", got, err, id)
	}
	if n := len(m.Legs(id)); n != 3 {
		t.Fatalf("%d legs, want 3", n)
	}
	c.hangUp()
	m.Wait()
	if n := len(m.Legs(id)); n != 2 {
		t.Fatalf("%d legs after a hang-up, want 2", n)
	}
	b.hangUp()
	m.Wait()
	if m.Legs(id) != nil || a.m.Info().Conference != "" {
		t.Error("the conference outlived its second-last call")
	}
	if calldev.Own(a.sess.Device()) == nil {
		t.Errorf("last call: device %T, want its own", a.sess.Device())
	}
}

// TestMergeRefused: one call, a call not established and calls of two
// conferences are not merged, and a failing resume leaves the calls out
// of any conference.
func TestMergeRefused(t *testing.T) {
	m, _ := newManager(t)
	a, b, c, d := newTestCall(t, m, "a"), newTestCall(t, m, "b"), newTestCall(t, m, "c"), newTestCall(t, m, "d")
	if _, err := m.Merge([]Call{a}, noResume); err == nil {
		t.Error("a conference of one call")
	}
	ringing := &testCall{id: "r", m: call.New("r", call.Inbound, "", call.Party{}, func(call.Info) {}, nil)}
	if _, err := m.Merge([]Call{a, ringing}, noResume); !errors.Is(err, call.ErrTransition) {
		t.Errorf("merge with a ringing call: %v, want ErrTransition", err)
	}
	if _, err := m.Merge([]Call{a, b}, noResume); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Merge([]Call{c, d}, noResume); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Merge([]Call{a, c}, noResume); err == nil {
		t.Error("calls of two conferences merged")
	}
	e, f := newTestCall(t, m, "e"), newTestCall(t, m, "f")
	refused := errors.New("no resume")
	if _, err := m.Merge([]Call{e, f}, func(Call) error { return refused }); !errors.Is(err, refused) {
		t.Errorf("merge with a failing resume: %v", err)
	}
	for _, x := range []*testCall{e, f} {
		if x.m.Info().Conference != "" || x.leg.conf != nil {
			t.Errorf("%s stayed in a conference after a failed merge", x.id)
		}
	}
}
