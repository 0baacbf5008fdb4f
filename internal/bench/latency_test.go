package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/core/media"
)

// The latency measurement: 1 kHz tone bursts in low noise, both ways
// through one media.Session at a time, onsets timed sample-accurately.
const (
	latRate     = 48000 // the test device's rate: a desktop device's, so resampling is in
	latPeriod   = 20 * time.Millisecond
	latDepth    = 2  // playback buffer of the test device, in periods
	latWarm     = 30 // frames before the first burst (jitter buffer settles)
	latEvery    = 15 // frames from one burst to the next (300 ms)
	latBurst    = 3  // frames per burst (60 ms)
	latBursts   = 6  // bursts per session
	latSessions = 10 // sessions per codec, each at its own send phase
	latAmp      = 0.5
	latNoise    = 16   // ±LSB of the noise between bursts (−66 dBFS)
	latThr      = 0.25 // onset threshold, full scale: −6 dB of the burst's peak
	latQuiet    = 4    // frames below the threshold that re-arm the onset detector
)

var latLoopback = netip.MustParseAddr("127.0.0.1")

// latSignal fills pcm (at rate) for frame k of the burst schedule, which
// both the test device's capture and the raw RTP sender follow.
func latSignal(pcm []int16, rate, k int, rng *rand.Rand) {
	if pos := k - latWarm; pos >= 0 && pos%latEvery < latBurst && pos/latEvery < latBursts {
		base := (pos % latEvery) * len(pcm)
		for i := range pcm {
			pcm[i] = int16(latAmp * 32767 * math.Sin(2*math.Pi*1000*float64(base+i)/float64(rate)))
		}
		return
	}
	for i := range pcm {
		pcm[i] = int16(rng.IntN(2*latNoise+1) - latNoise)
	}
}

// latOnset finds burst onsets in a stream of frames: the first sample at
// or above latThr after latQuiet frames that all stayed below it. The
// threshold, 6 dB under the burst's peak, is above codec pre-echo and PLC
// tails (the Opus send figure sits at its 6.5 ms look-ahead, not before)
// and 54 dB above the noise.
type latOnset struct{ quiet int }

// frame returns the onset's index in pcm, or -1.
func (o *latOnset) frame(pcm []int16) int {
	thr := int(latThr * 32768)
	for i, x := range pcm {
		if int(x) >= thr || int(x) <= -thr {
			armed := o.quiet >= latQuiet
			o.quiet = 0
			if armed {
				return i
			}
			return -1
		}
	}
	o.quiet++
	return -1
}

// at is the instant of sample i of a frame handed over at t.
func at(t time.Time, i, rate int) time.Time {
	return t.Add(time.Duration(i) * time.Second / time.Duration(rate))
}

// latDevice is a full-duplex test device that behaves like a sound card:
// one clock from t0 for both directions, capture frame k returned at the
// absolute deadline t0+(k+1)·period, playback slots t0+n·period with a
// buffer of latDepth periods (WriteFrame blocks until there is room). It
// records when burst frames are captured and when onsets are played.
type latDevice struct {
	t0   time.Time
	done chan struct{}
	once sync.Once

	cmu   sync.Mutex
	k     int
	rng   *rand.Rand
	caps  []time.Time // onset instants as captured: end of the frame + onset position
	wakes []float64   // ms from the burst frame's end to ReadFrame's return

	pmu       sync.Mutex
	next      int // playback slot of the next frame written
	primed    bool
	det       latOnset
	plays     []time.Time // onset instants as WriteFrame returned (accepted)
	waits     []float64   // ms spent inside WriteFrame by onset frames
	toSpeaker []float64   // ms from acceptance to the onset's playout slot
	underruns int
}

func newLatDevice() *latDevice {
	return &latDevice{t0: time.Now(), done: make(chan struct{}), rng: rand.New(rand.NewPCG(rand.Uint64(), 1))}
}

func (d *latDevice) Format() audio.Format {
	return audio.Format{SampleRate: latRate, Channels: 1, Period: latPeriod}
}

func (d *latDevice) Close() error { d.once.Do(func() { close(d.done) }); return nil }

// SharedClock: one clock for both directions, as the desktop's duplex
// device (platform/audio) and the phones' audio units have.
func (d *latDevice) SharedClock() bool { return true }

func (d *latDevice) sleepUntil(t time.Time) error {
	if w := time.Until(t); w > 0 {
		tm := time.NewTimer(w)
		defer tm.Stop()
		select {
		case <-tm.C:
		case <-d.done:
		}
	}
	select {
	case <-d.done:
		return audio.ErrClosed
	default:
		return nil
	}
}

func (d *latDevice) ReadFrame(pcm []int16) (int, error) {
	d.cmu.Lock()
	defer d.cmu.Unlock()
	pcm = pcm[:min(len(pcm), d.Format().FrameSamples())]
	k := d.k
	d.k++
	latSignal(pcm, latRate, k, d.rng)
	var det latOnset
	det.quiet = latQuiet
	onset := -1
	if pos := k - latWarm; pos >= 0 && pos%latEvery == 0 && pos/latEvery < latBursts {
		onset = det.frame(pcm)
	}
	// The frame is complete at its deadline: a caller that comes later
	// finds it waiting, and that wait is the client's.
	captured := d.t0.Add(time.Duration(k+1) * latPeriod)
	if err := d.sleepUntil(captured); err != nil {
		return 0, err
	}
	if onset >= 0 {
		d.caps = append(d.caps, at(captured, onset, latRate))
		d.wakes = append(d.wakes, ms(time.Since(captured)))
	}
	return len(pcm), nil
}

func (d *latDevice) WriteFrame(pcm []int16) (int, error) {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	entry := time.Now()
	onset := d.det.frame(pcm)
	if cur := int(entry.Sub(d.t0) / latPeriod); d.next <= cur {
		// The slot has begun with nothing to play: an underrun (or the
		// first write), which a device fills with silence.
		if d.primed {
			d.underruns++
		}
		d.next = cur + 1
	}
	d.primed = true
	if err := d.sleepUntil(d.t0.Add(time.Duration(d.next-latDepth) * latPeriod)); err != nil {
		return 0, err
	}
	accepted := time.Now()
	if onset >= 0 {
		d.plays = append(d.plays, at(accepted, onset, latRate))
		d.waits = append(d.waits, ms(accepted.Sub(entry)))
		d.toSpeaker = append(d.toSpeaker, ms(d.t0.Add(time.Duration(d.next)*latPeriod).Sub(accepted)))
	}
	d.next++
	return len(pcm), nil
}

type latHandler struct{}

func (latHandler) DTMF(rune)             {}
func (latHandler) NoMedia(time.Duration) {}
func (latHandler) DeviceError(err error) {}
func (latHandler) Flowing(time.Time)     {}
func latCodec(tb testing.TB, name string) codec.Codec {
	tb.Helper()
	cs, err := codecs.ByNames([]string{name})
	if err != nil {
		tb.Fatal(err)
	}
	return cs[0]
}

// latEncoder is what the phone runs its encoders with (core.New).
var latEncoder = codec.Options{FEC: true, PacketLossPerc: 10}

// latResult is one session's measurements, indexed by burst.
type latResult struct {
	send, recv       []float64 // ms, NaN when a burst was not matched
	waits, toSpeaker []float64
	wakes            []float64
	underruns        int
}

// latSession runs one session against a raw UDP peer whose first packet
// leaves phase after the device's clock starts.
func latSession(tb testing.TB, c codec.Codec, phase time.Duration) latResult {
	tb.Helper()
	info := c.Info()
	raw, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(latLoopback, 0)))
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	conn, err := media.Listen(latLoopback, media.PortRange{Min: 42000, Max: 46000})
	if err != nil {
		tb.Fatal(err)
	}
	dev := newLatDevice()
	sess, err := media.NewSession(conn, dev, media.Config{
		Codec: c, SendPT: info.PayloadType, RecvPT: info.PayloadType, Ptime: latPeriod,
		Remote: raw.LocalAddr().(*net.UDPAddr).AddrPort(), Encoder: latEncoder,
	}, latHandler{})
	if err != nil {
		conn.Close()
		tb.Fatal(err)
	}
	if err := sess.Start(); err != nil {
		tb.Fatal(err)
	}
	defer sess.Close()
	frames := latWarm + latBursts*latEvery

	// Send path: the session's packets, decoded, onsets stamped on arrival.
	var got []time.Time
	rxDone := make(chan struct{})
	go func() {
		defer close(rxDone)
		dec, err := c.NewDecoder()
		if err != nil {
			return
		}
		buf, pcm := make([]byte, 1500), make([]int16, info.FrameSamples(latPeriod))
		var pkt rtp.Packet
		var det latOnset
		for {
			n, err := raw.Read(buf)
			if err != nil {
				return
			}
			now := time.Now()
			if pkt.Unmarshal(buf[:n]) != nil || pkt.PayloadType != info.PayloadType {
				continue
			}
			if m, err := dec.Decode(pkt.Payload, pcm); err == nil {
				if o := det.frame(pcm[:m]); o >= 0 {
					got = append(got, at(now, o, info.SampleRate))
				}
			}
		}
	}()

	// Receive path: RTP from the raw socket by absolute deadlines; the
	// reference onset is the send time plus the onset's position in the
	// same packets decoded by a reference decoder.
	enc, err := c.NewEncoder(latEncoder)
	if err != nil {
		tb.Fatal(err)
	}
	ref, err := c.NewDecoder()
	if err != nil {
		tb.Fatal(err)
	}
	dst := netip.AddrPortFrom(latLoopback, uint16(conn.Port()))
	rng := rand.New(rand.NewPCG(rand.Uint64(), 2))
	pcm, refPCM := make([]int16, info.FrameSamples(latPeriod)), make([]int16, info.FrameSamples(latPeriod))
	payload, out := make([]byte, 1500), make([]byte, 1500)
	hdr := rtp.Header{Version: 2, PayloadType: info.PayloadType, SSRC: rng.Uint32(), Marker: true,
		SequenceNumber: uint16(rng.Uint32()), Timestamp: rng.Uint32()}
	var refs []time.Time
	var refDet latOnset
	start := dev.t0.Add(2*latPeriod + phase)
	for j := range frames + 10 {
		if time.Sleep(time.Until(start.Add(time.Duration(j) * latPeriod))); j >= frames {
			continue // the tail: let the last burst play out
		}
		latSignal(pcm, info.SampleRate, j, rng)
		n, err := enc.Encode(pcm, payload)
		if err != nil {
			tb.Fatal(err)
		}
		h, err := hdr.MarshalTo(out)
		if err != nil {
			tb.Fatal(err)
		}
		h += copy(out[h:], payload[:n])
		sent := time.Now()
		if _, err := raw.WriteToUDPAddrPort(out[:h], dst); err != nil {
			tb.Fatal(err)
		}
		hdr.SequenceNumber++
		hdr.Timestamp += info.TimestampStep(latPeriod)
		hdr.Marker = false
		if m, err := ref.Decode(payload[:n], refPCM); err == nil {
			if o := refDet.frame(refPCM[:m]); o >= 0 {
				refs = append(refs, at(sent, o, info.SampleRate))
			}
		}
	}
	sess.Close()
	raw.Close()
	<-rxDone

	dev.cmu.Lock()
	caps, wakes := dev.caps, dev.wakes
	dev.cmu.Unlock()
	dev.pmu.Lock()
	defer dev.pmu.Unlock()
	return latResult{
		send: latMatch(caps, got), recv: latMatch(refs, dev.plays),
		waits: dev.waits, toSpeaker: dev.toSpeaker, underruns: dev.underruns, wakes: wakes,
	}
}

// latMatch pairs each reference onset with the first measured onset after
// it, within 250 ms (bursts are 300 ms apart), and returns the delays in
// ms, NaN where a burst found no match.
func latMatch(refs, got []time.Time) []float64 {
	out := make([]float64, len(refs))
	for i, r := range refs {
		out[i] = math.NaN()
		for _, g := range got {
			if d := g.Sub(r); d >= -time.Millisecond && d < 250*time.Millisecond {
				out[i] = ms(d)
				break
			}
		}
	}
	return out
}

// latencyFigures measures the delay our client adds to audio in each
// direction, with no network impairment, for PCMU and Opus at 20 ms.
func latencyFigures(tb testing.TB) []Figure {
	var figs []Figure
	for _, name := range []string{"pcmu", "opus"} {
		c := latCodec(tb, name)
		var send, recv, total, waits, toSpk, wakes []float64
		underruns, missed := 0, 0
		for s := range latSessions {
			// Stratified phases: every part of the period is sampled.
			phase := time.Duration((float64(s) + rand.Float64()) / latSessions * float64(latPeriod))
			r := latSession(tb, c, phase)
			for i := range latBursts {
				sv, rv := math.NaN(), math.NaN()
				if i < len(r.send) && i < len(r.recv) {
					sv, rv = r.send[i], r.recv[i]
				}
				switch {
				case math.IsNaN(sv) || math.IsNaN(rv):
					missed++
				default:
					send, recv, total = append(send, sv), append(recv, rv), append(total, sv+rv)
				}
			}
			waits, toSpk, wakes = append(waits, r.waits...), append(toSpk, r.toSpeaker...), append(wakes, r.wakes...)
			underruns += r.underruns
		}
		frames := latSessions * (latWarm + latBursts*latEvery)
		cn := c.Info().Name
		setup := fmt.Sprintf("%s, 20 ms ptime, phone encoder options (Opus FEC on), jitter buffer defaults; test device at %d Hz "+
			"(codec rate %d Hz: resampling %s), 20 ms period, paced by absolute monotonic deadlines, %d-period playback buffer; "+
			"%d sessions at stratified random send phases × %d bursts of 60 ms of 1 kHz at −6 dBFS in −66 dBFS noise, 300 ms apart; "+
			"onset = first sample ≥ −12 dBFS (6 dB under the burst peak) after ≥ 80 ms below it; %d burst(s) unmatched (left out of all three figures), %d device underrun(s) in %d frames.",
			cn, latRate, c.Info().SampleRate, map[bool]string{true: "none", false: "both ways"}[c.Info().SampleRate == latRate],
			latDepth, latSessions, latBursts, missed, underruns, frames)
		figs = append(figs,
			NewFigure("Client-added latency, receive (RTP arrival → device), "+cn, "ms",
				"A raw UDP socket sends RTP to a media.Session on loopback every 20 ms by absolute deadlines (send time ≈ arrival). "+
					"Latency = (test device's WriteFrame returns, i.e. the device accepted the frame, + onset position in the 48 kHz frame) − "+
					"(send time of the packet + onset position in the same packets decoded by a reference decoder, so the far end's codec look-ahead is not counted). "+
					fmt.Sprintf("Includes the jitter buffer delay (20 ms minimum target) and the wait for the next playout tick, decoding, resampling, and the wait inside WriteFrame for room in the device buffer (median %.1f ms of it); "+
						"excludes the device's own buffer, after which the onset plays (median %.1f ms more here). ", Summarize(waits).Median, Summarize(toSpk).Median)+setup,
				recv, 40, true),
			NewFigure("Client-added latency, send (capture → RTP on the wire), "+cn, "ms",
				"The test device injects each burst at the start of a captured frame; a raw UDP socket on loopback receives the session's RTP, decodes it and finds the onset. "+
					"Latency = (packet received + onset position in the decoded packet) − (end of the captured burst frame, when ReadFrame returns it at the earliest, + onset position in it). "+
					fmt.Sprintf("Includes resampling to the codec rate, encoding, the RTP send, the codec's algorithmic delay as decoded (Opus look-ahead), "+
						"and the test device's own timer wake-up after the frame's end (median %.2f ms). ", Summarize(wakes).Median)+setup,
				send, 40, true),
			NewFigure("Client-added latency, send + receive (round trip through the client), "+cn, "ms",
				"Per burst, the send and receive figures of the same session added: what our client adds to a conversation's round trip "+
					"(our capture to the wire plus the wire to our device). No target: the issue's 40 ms is per direction, each of which passes through one client's send and the other's receive path. "+setup,
				total, 0, true),
		)
	}
	return figs
}

// BenchmarkLatency measures the client-added latency and the jitter
// buffer under impairment once (whatever b.N) with -bench.side; without
// it, it returns at once.
func BenchmarkLatency(b *testing.B) {
	if !*sideFlag {
		return
	}
	b.StopTimer()
	figs := latencyFigures(b)
	figs = append(figs, impairmentFigures(b)...)
	fmt.Printf("\n%s", latTable(figs))
	b.Logf("%d latency and impairment figures", len(figs))
}

// latTable renders figures as a text table, methods below.
func latTable(figs []Figure) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-78s %-5s %4s %8s %17s %17s %8s %s\n", "figure", "unit", "n", "median", "q1–q3", "min–max", "target", "met")
	for _, f := range figs {
		v, met := f.Value, "–"
		if f.Met != nil {
			met = map[bool]string{true: "yes", false: "NO"}[*f.Met]
		}
		fmt.Fprintf(&sb, "%-78s %-5s %4d %8.2f %8.2f–%-8.2f %8.2f–%-8.2f %8s %s\n",
			f.Scenario, f.Unit, v.N, v.Median, v.Q1, v.Q3, v.Min, v.Max, f.Target, met)
	}
	for _, f := range figs {
		fmt.Fprintf(&sb, "\n- %s: %s\n", f.Scenario, f.Method)
	}
	return sb.String()
}
