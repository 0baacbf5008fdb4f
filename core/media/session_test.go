package media

import (
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/core/codec/g711"
)

const (
	toneA, toneB = 440.0, 1000.0 // what each side of a test call says
	toneAmp      = 0.25          // of full scale
	dtmfPT       = 101
)

var loopback = netip.MustParseAddr("127.0.0.1")

// toneDev is a sound card in real time: its microphone hears a sine, its
// speaker records what it is given. After loseAfter (if set) both
// directions fail with audio.ErrDeviceLost, as an unplugged headset would.
type toneDev struct {
	f         audio.Format
	freq      float64
	loseAfter time.Duration
	origin    time.Time
	done      chan struct{}
	closeOnce sync.Once

	inMu, outMu   sync.Mutex // one ReadFrame, one WriteFrame at a time
	inPos, outPos int64      // samples through each direction so far
	recMu         sync.Mutex
	rec           []int16
}

func newToneDev(rate int, freq float64) *toneDev {
	f := audio.Format{SampleRate: rate, Channels: 1, Period: 20 * time.Millisecond}
	return &toneDev{f: f, freq: freq, origin: time.Now(), done: make(chan struct{})}
}

func (d *toneDev) Format() audio.Format { return d.f }
func (d *toneDev) Close() error         { d.closeOnce.Do(func() { close(d.done) }); return nil }

func (d *toneDev) isClosed() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

func (d *toneDev) check() error {
	if d.isClosed() {
		return audio.ErrClosed
	}
	if d.loseAfter > 0 && time.Since(d.origin) > d.loseAfter {
		return audio.ErrDeviceLost
	}
	return nil
}

// waitPos blocks until sample position pos is due on the device clock.
func (d *toneDev) waitPos(pos int64) error {
	if w := time.Until(d.origin.Add(time.Duration(pos) * time.Second / time.Duration(d.f.SampleRate))); w > 0 {
		tm := time.NewTimer(w)
		defer tm.Stop()
		select {
		case <-tm.C:
		case <-d.done:
		}
	}
	return d.check()
}

func (d *toneDev) ReadFrame(pcm []int16) (int, error) {
	d.inMu.Lock()
	defer d.inMu.Unlock()
	if err := d.check(); err != nil {
		return 0, err
	}
	n := min(len(pcm), d.f.FrameSamples())
	sine(pcm[:n], d.f.SampleRate, d.freq, d.inPos)
	d.inPos += int64(n)
	if err := d.waitPos(d.inPos); err != nil { // returns once captured
		return 0, err
	}
	return n, nil
}

func (d *toneDev) WriteFrame(pcm []int16) (int, error) {
	d.outMu.Lock()
	defer d.outMu.Unlock()
	if err := d.waitPos(d.outPos); err != nil { // accepted when its slot starts
		return 0, err
	}
	d.outPos += int64(len(pcm))
	d.recMu.Lock()
	defer d.recMu.Unlock()
	d.rec = append(d.rec, pcm...)
	return len(pcm), nil
}

// WaitRoom waits for the next playback slot, as a sound card frees room in
// its buffer: the player then decodes just in time (audio.RoomWaiter).
func (d *toneDev) WaitRoom() error {
	d.outMu.Lock()
	pos := d.outPos
	d.outMu.Unlock()
	return d.waitPos(pos)
}

// last is a copy of the last dur of what the speaker played.
func (d *toneDev) last(dur time.Duration) []int16 {
	n := int(time.Duration(d.f.SampleRate) * dur / time.Second)
	d.recMu.Lock()
	defer d.recMu.Unlock()
	return append([]int16(nil), d.rec[max(0, len(d.rec)-n):]...)
}

// testHandler records what a session reports.
type testHandler struct {
	mu  sync.Mutex
	got reported
}

// reported is what a session told its handler, oldest first.
type reported struct {
	digits    string
	noMedia   []time.Duration
	noMediaAt []time.Time
	devErrs   []error
	flowing   int
}

func (h *testHandler) DTMF(d rune) { h.mu.Lock(); h.got.digits += string(d); h.mu.Unlock() }
func (h *testHandler) NoMedia(idle time.Duration) {
	h.mu.Lock()
	h.got.noMedia, h.got.noMediaAt = append(h.got.noMedia, idle), append(h.got.noMediaAt, time.Now())
	h.mu.Unlock()
}
func (h *testHandler) Flowing(time.Time) { h.mu.Lock(); h.got.flowing++; h.mu.Unlock() }

func (h *testHandler) DeviceError(err error) {
	h.mu.Lock()
	h.got.devErrs = append(h.got.devErrs, err)
	h.mu.Unlock()
}

// seen is a snapshot (the slices are only appended to, so it may share them).
func (h *testHandler) seen() reported { h.mu.Lock(); defer h.mu.Unlock(); return h.got }

type peer struct {
	s    *Session
	conn *Conn
	dev  *toneDev
	h    *testHandler
}

// callOpts describes a test call between A (saying toneA) and B (toneB)
// on loopback.
type callOpts struct {
	codec      codec.Codec   // default PCMU
	rate       int           // device rate, default 8000
	loseA      time.Duration // A's device is lost after this
	cfgA, cfgB func(*Config)
	startB     time.Duration    // B starts this long after A
	before     func(a, b *peer) // called before A starts
}

func newCall(t *testing.T, o callOpts) (a, b *peer) {
	t.Helper()
	if o.codec == nil {
		o.codec = g711.PCMU()
	}
	if o.rate == 0 {
		o.rate = 8000
	}
	a = &peer{dev: newToneDev(o.rate, toneA), h: &testHandler{}}
	b = &peer{dev: newToneDev(o.rate, toneB), h: &testHandler{}}
	a.dev.loseAfter = o.loseA
	for _, p := range []*peer{a, b} {
		c, err := Listen(loopback, PortRange{Min: 20000, Max: 40000})
		if err != nil {
			t.Fatal(err)
		}
		p.conn = c
	}
	pt := o.codec.Info().PayloadType
	for _, p := range []struct {
		me, other *peer
		mod       func(*Config)
	}{{a, b, o.cfgA}, {b, a, o.cfgB}} {
		cfg := Config{
			Codec: o.codec, SendPT: pt, RecvPT: pt, DTMFSendPT: dtmfPT, DTMFRecvPT: dtmfPT,
			Remote: netip.AddrPortFrom(loopback, uint16(p.other.conn.Port())),
		}
		if p.mod != nil {
			p.mod(&cfg)
		}
		s, err := NewSession(p.me.conn, p.me.dev, cfg, p.me.h)
		if err != nil {
			t.Fatal(err)
		}
		p.me.s = s
		t.Cleanup(func() { _ = s.Close() })
	}
	if o.before != nil {
		o.before(a, b)
	}
	if err := a.s.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(o.startB)
	if err := b.s.Start(); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// toneErr says how pcm fails to be mostly a sine of f Hz at toneAmp ± 6 dB.
func toneErr(pcm []int16, rate int, f float64) string {
	if len(pcm) < rate/50 {
		return fmt.Sprintf("%d samples played, want a tone of %.0f Hz", len(pcm), f)
	}
	amp, rms := goertzel(pcm, rate, f), rmsFS(pcm)
	if purity := amp * amp / 2 / max(rms*rms, 1e-12); amp < toneAmp/2 || amp > toneAmp*2 || purity < 0.7 {
		return fmt.Sprintf("%.0f Hz at %.1f dB of the sent level, %.0f%% of the power (RMS %.1f dBFS)", f, dB(amp/toneAmp), 100*purity, dB(rms))
	}
	return ""
}

// waitTone waits up to 5 s (the call may have just started, and the
// machine may stall us: the jitter buffer then grows) for the last 300 ms
// that d played to be toneErr-free.
func waitTone(t *testing.T, who string, d *toneDev, f float64) {
	t.Helper()
	var msg string
	if !waitFor(5*time.Second, func() bool { msg = toneErr(d.last(300*time.Millisecond), d.f.SampleRate, f); return msg == "" }) {
		t.Errorf("%s: %s", who, msg)
	}
}

// waitSilent waits up to 5 s for the last 250 ms d played to be < -50 dBFS.
func waitSilent(t *testing.T, who string, d *toneDev) {
	t.Helper()
	var l float64
	if !waitFor(5*time.Second, func() bool { l = dB(rmsFS(d.last(250 * time.Millisecond))); return l < -50 }) {
		t.Errorf("%s: %.1f dBFS, want silence below -50", who, l)
	}
}

// waitFor polls cond every 20 ms until it holds or d has passed.
func waitFor(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

func TestSessionCall(t *testing.T) {
	t.Parallel()
	for _, c := range codecs.Default() {
		name := c.Info().Name
		t.Run(name, func(t *testing.T) { // one at a time: -race makes G.722 at 48 kHz costly
			a, b := newCall(t, callOpts{codec: c, rate: 48000})
			waitTone(t, "A hears B", a.dev, toneB)
			waitTone(t, "B hears A", b.dev, toneA)
			// 50 packets a second: one per frame the device captured since
			// its clock started, all received, once past any machine stall.
			for _, x := range []struct {
				who    string
				me, to *peer
			}{{"A", a, b}, {"B", b, a}} {
				var msg string
				if !waitFor(2*time.Second, func() bool {
					frames := int64(time.Since(x.me.dev.origin) / (20 * time.Millisecond))
					sent, st := x.me.s.Stats().PacketsSent, x.to.s.Stats()
					msg = fmt.Sprintf("%s sent %d packets in %d frame times, its peer's stats: %+v", x.who, sent, frames, st)
					return frames+1 >= int64(sent) && frames <= int64(sent)+5 && st.PacketsReceived+5 >= sent && st.Lost == 0 && st.Codec == name
				}) {
					t.Error(msg)
				}
			}

			if fa, fb := a.h.seen().flowing, b.h.seen().flowing; fa != 1 || fb != 1 {
				t.Errorf("Flowing reported %d times to A, %d to B; want once each", fa, fb)
			}

			// DTMF: each digit once, in order, on the other side only.
			if err := a.s.SendDTMF("12#"); err != nil {
				t.Fatal(err)
			}
			waitFor(2*time.Second, func() bool { return len(b.h.seen().digits) >= 3 })
			time.Sleep(200 * time.Millisecond) // the end packet's repeats come later
			if got, own := b.h.seen().digits, a.h.seen().digits; got != "12#" || own != "" {
				t.Errorf("B got DTMF %q, want \"12#\"; A got %q", got, own)
			}

			// Mute: B hears silence, packets keep coming.
			a.s.Mute(true)
			r0 := b.s.Stats().PacketsReceived
			waitSilent(t, "B, A muted", b.dev)
			if !waitFor(2*time.Second, func() bool { return b.s.Stats().PacketsReceived >= r0+25 }) {
				t.Errorf("A muted: B received %d packets in 2 s", b.s.Stats().PacketsReceived-r0)
			}
			a.s.Mute(false)
			waitTone(t, "B, A unmuted", b.dev, toneA)

			// A stops sending (hold): B receives nothing, A still hears B.
			a.s.SetDirection(false, true)
			time.Sleep(200 * time.Millisecond) // A's packets already in flight land before rb0
			rb0, ra0 := b.s.Stats().PacketsReceived, a.s.Stats().PacketsReceived
			if !waitFor(2*time.Second, func() bool { return a.s.Stats().PacketsReceived >= ra0+20 }) {
				t.Errorf("A not sending: A received %d packets in 2 s", a.s.Stats().PacketsReceived-ra0)
			}
			if rb1 := b.s.Stats().PacketsReceived; rb1 != rb0 {
				t.Errorf("A not sending: B received %d packets", rb1-rb0)
			}
		})
	}
}

func TestSessionDeviceLost(t *testing.T) {
	t.Parallel()
	a, b := newCall(t, callOpts{loseA: 500 * time.Millisecond})
	lost := a.dev
	if !waitFor(5*time.Second, func() bool { return len(a.h.seen().devErrs) > 0 }) {
		t.Fatal("the device loss was not reported")
	}
	r0 := b.s.Stats().PacketsReceived
	if !waitFor(2*time.Second, func() bool { return b.s.Stats().PacketsReceived >= r0+25 }) {
		t.Errorf("after the device loss B received %d packets in 2 s", b.s.Stats().PacketsReceived-r0)
	}
	if errs := a.h.seen().devErrs; len(errs) != 1 || !errors.Is(errs[0], audio.ErrDeviceLost) {
		t.Errorf("DeviceError calls: %v, want one audio.ErrDeviceLost", errs)
	}
	if _, ok := a.s.Device().(*audio.NullDevice); !ok {
		t.Errorf("stand-in device is %T", a.s.Device())
	}
	waitSilent(t, "B, A's device lost", b.dev)
	if !waitFor(time.Second, lost.isClosed) {
		t.Error("the lost device was not closed")
	}
}

func TestSessionNoMedia(t *testing.T) {
	t.Parallel()
	for _, receiving := range []bool{true, false} {
		t.Run(map[bool]string{true: "receiving", false: "not receiving"}[receiving], func(t *testing.T) {
			t.Parallel()
			a, b := newCall(t, callOpts{cfgA: func(c *Config) { c.NoMediaTimeout = 500 * time.Millisecond }})
			a.s.SetDirection(true, receiving)
			time.Sleep(600 * time.Millisecond) // longer than the timeout: media flows
			if nm := a.h.seen().noMedia; len(nm) != 0 {
				t.Fatalf("NoMedia %v while the peer sends", nm)
			}
			closed := time.Now()
			if err := b.s.Close(); err != nil {
				t.Fatal(err)
			}
			if !receiving {
				time.Sleep(1200 * time.Millisecond) // past the timeout: nothing must be reported
				if nm := a.h.seen().noMedia; len(nm) != 0 {
					t.Errorf("NoMedia %v while not receiving", nm)
				}
				return
			}
			if !waitFor(1500*time.Millisecond, func() bool { return len(a.h.seen().noMedia) > 0 }) {
				t.Fatal("no NoMedia 1.5 s after the peer stopped")
			}
			time.Sleep(300 * time.Millisecond) // time for a wrong second report
			got := a.h.seen()
			if after := got.noMediaAt[0].Sub(closed); len(got.noMedia) != 1 || after < 450*time.Millisecond || got.noMedia[0] <= 500*time.Millisecond {
				t.Errorf("NoMedia%v, the first %v after the peer closed; want once, after 500 ms", got.noMedia, after)
			}
		})
	}
}

func TestSessionCloseNoLeak(t *testing.T) {
	base := runtime.NumGoroutine()
	a, b := newCall(t, callOpts{})
	// Close while media flows both ways.
	if !waitFor(5*time.Second, func() bool { return a.h.seen().flowing > 0 && b.h.seen().flowing > 0 }) {
		t.Fatal("media never flowed")
	}
	start := time.Now()
	var wg sync.WaitGroup
	for _, p := range []*peer{a, b, a, b} { // concurrent and repeated Close
		wg.Add(1)
		go func() { defer wg.Done(); _ = p.s.Close() }()
	}
	wg.Wait()
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v", d)
	}
	for _, p := range []*peer{a, b} {
		if err := p.s.Close(); err != nil || !p.dev.isClosed() {
			t.Errorf("second Close: %v; device closed: %v", err, p.dev.isClosed())
		}
		_ = p.s.Stats() // still answers
		p.s.Mute(true)
		p.s.SetDirection(false, false)
	}
	var n int
	if !waitFor(2*time.Second, func() bool { n = runtime.NumGoroutine(); return n <= base+2 }) {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after Close, %d before the call:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}
