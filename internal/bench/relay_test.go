package bench

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/media"
)

// relayListen opens a UDP socket on an ephemeral loopback port.
func relayListen(t *testing.T) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(latLoopback, 0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// relayArrival is one datagram as the destination saw it.
type relayArrival struct {
	seq   uint32
	delay time.Duration // receive time − send time, both on the monotonic clock
}

// relayRun sends n numbered datagrams through a relay with cfg, 10 per
// millisecond at most (so loopback socket buffers never overflow and all
// loss is the relay's), and returns what reached the destination, in
// arrival order, with the relay's counters.
func relayRun(t *testing.T, cfg RelayConfig, n int, spacing time.Duration) ([]relayArrival, RelayStats) {
	t.Helper()
	dst, src := relayListen(t), relayListen(t)
	r, err := NewRelay(latLoopback, dst.LocalAddr().(*net.UDPAddr).AddrPort(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	epoch := time.Now()
	got := make(chan []relayArrival)
	go func() {
		var out []relayArrival
		buf := make([]byte, 64)
		for {
			// Idle this long after the last packet: every packet is in.
			_ = dst.SetReadDeadline(time.Now().Add(cfg.Delay + cfg.Jitter + 150*time.Millisecond))
			k, err := dst.Read(buf)
			if err != nil {
				got <- out
				return
			}
			if k == 12 {
				sent := time.Duration(binary.BigEndian.Uint64(buf[4:12]))
				out = append(out, relayArrival{seq: binary.BigEndian.Uint32(buf), delay: time.Since(epoch) - sent})
			}
		}
	}()
	pkt := make([]byte, 12)
	for i := range n {
		binary.BigEndian.PutUint32(pkt, uint32(i))
		binary.BigEndian.PutUint64(pkt[4:], uint64(time.Since(epoch)))
		if _, err := src.WriteToUDPAddrPort(pkt, r.Addr()); err != nil {
			t.Fatal(err)
		}
		if spacing > 0 {
			time.Sleep(spacing)
		} else if i%10 == 9 {
			time.Sleep(time.Millisecond)
		}
	}
	arr := <-got
	return arr, r.Stats()
}

// within checks that a share measured over n trials is p ± 5 standard deviations.
func within(t *testing.T, what string, k, n int, p float64) {
	t.Helper()
	got := float64(k) / float64(n)
	tol := 5 * math.Sqrt(p*(1-p)/float64(n))
	if math.Abs(got-p) > tol {
		t.Errorf("%s: %.4f over %d, want %.3f ± %.4f", what, got, n, p, tol)
	}
}

func TestRelayLoss(t *testing.T) {
	t.Parallel()
	const n = 1500
	for _, loss := range []float64{0, 0.15} {
		arr, st := relayRun(t, RelayConfig{Loss: loss, Seed: 7}, n, 0)
		if st.Received != n {
			t.Fatalf("loss %v: relay received %d of %d", loss, st.Received, n)
		}
		if int(st.Sent) != len(arr) || st.Dropped+st.Sent != n {
			t.Errorf("loss %v: counters %+v, destination got %d", loss, st, len(arr))
		}
		within(t, "loss rate", n-len(arr), n, loss)
		// Loss must not come in one block: each third of the stream
		// loses its share too.
		var lostThird [3]int
		seen := make([]bool, n)
		for _, a := range arr {
			seen[a.seq] = true
		}
		for i, ok := range seen {
			if !ok {
				lostThird[3*i/n]++
			}
		}
		for _, lost := range lostThird {
			within(t, "loss rate in a third", lost, n/3, loss)
		}
		// No jitter, no reordering configured: order is kept.
		for i := 1; i < len(arr); i++ {
			if arr[i].seq <= arr[i-1].seq {
				t.Fatalf("loss %v: seq %d after %d without jitter", loss, arr[i].seq, arr[i-1].seq)
			}
		}
	}
}

// checkDelays checks every delay lies in the configured window. The upper
// edge has slack for the scheduler; the lower edge has none.
func checkDelays(t *testing.T, arr []relayArrival, cfg RelayConfig, uniform bool) {
	t.Helper()
	lo, hi := cfg.Delay, cfg.Delay+cfg.Jitter+40*time.Millisecond
	minD, maxD, sum := time.Duration(math.MaxInt64), time.Duration(0), time.Duration(0)
	for _, a := range arr {
		if a.delay < lo || a.delay > hi {
			t.Errorf("seq %d delayed %v, want within [%v, %v]", a.seq, a.delay, lo, hi)
		}
		minD, maxD, sum = min(minD, a.delay), max(maxD, a.delay), sum+a.delay
	}
	if !uniform {
		return
	}
	// The jitter really spreads delays over its window (uniform: the mean
	// sits mid-window; loose bounds leave room for wake-up lateness).
	if spread := maxD - minD; spread < cfg.Jitter/2 {
		t.Errorf("delays span %v (%v..%v), want most of the %v jitter window", spread, minD, maxD, cfg.Jitter)
	}
	mean := sum / time.Duration(max(1, len(arr)))
	if mean < cfg.Delay+cfg.Jitter*3/10 || mean > cfg.Delay+cfg.Jitter*7/10+5*time.Millisecond {
		t.Errorf("mean delay %v, want about %v", mean, cfg.Delay+cfg.Jitter/2)
	}
}

func TestRelayJitterReorders(t *testing.T) {
	t.Parallel()
	cfg := RelayConfig{Delay: 15 * time.Millisecond, Jitter: 20 * time.Millisecond, Reorder: true, Seed: 11}
	const n = 200
	arr, _ := relayRun(t, cfg, n, time.Millisecond)
	if len(arr) != n {
		t.Fatalf("got %d of %d packets with no loss configured", len(arr), n)
	}
	checkDelays(t, arr, cfg, true)
	inversions, seen := 0, map[uint32]bool{}
	for i, a := range arr {
		if seen[a.seq] {
			t.Errorf("seq %d duplicated with no duplication configured", a.seq)
		}
		seen[a.seq] = true
		if i > 0 && a.seq < arr[i-1].seq {
			inversions++
		}
	}
	// 1 ms apart with 20 ms of jitter: most neighbours swap.
	if inversions < n/10 {
		t.Errorf("%d of %d packets arrived before an earlier one, want reordering", inversions, n)
	}
}

func TestRelayJitterFIFO(t *testing.T) {
	t.Parallel()
	cfg := RelayConfig{Delay: 15 * time.Millisecond, Jitter: 20 * time.Millisecond, Seed: 11}
	const n = 200
	arr, _ := relayRun(t, cfg, n, time.Millisecond)
	if len(arr) != n {
		t.Fatalf("got %d of %d packets with no loss configured", len(arr), n)
	}
	for i := 1; i < len(arr); i++ {
		if arr[i].seq != arr[i-1].seq+1 {
			t.Fatalf("seq %d after %d: a FIFO relay must keep order", arr[i].seq, arr[i-1].seq)
		}
	}
	// FIFO pushes departures back to their predecessor's, never beyond
	// the window; the spread and mean shift up, so check the window only.
	checkDelays(t, arr, cfg, false)
}

func TestRelayDuplicate(t *testing.T) {
	t.Parallel()
	const n, dup = 1000, 0.2
	arr, st := relayRun(t, RelayConfig{Duplicate: dup, Seed: 3}, n, 0)
	count := map[uint32]int{}
	for _, a := range arr {
		count[a.seq]++
	}
	twice := 0
	for seq, c := range count {
		if c > 2 {
			t.Errorf("seq %d arrived %d times", seq, c)
		}
		if c == 2 {
			twice++
		}
	}
	if len(count) != n {
		t.Errorf("%d distinct packets of %d arrived with no loss configured", len(count), n)
	}
	if int(st.Duplicated) != twice || int(st.Sent) != len(arr) {
		t.Errorf("counters %+v, destination saw %d copies in %d datagrams", st, twice, len(arr))
	}
	within(t, "duplication rate", twice, n, dup)
}

func TestRelayReturnPath(t *testing.T) {
	t.Parallel()
	dst, src := relayListen(t), relayListen(t)
	// Loss 1 drops every forward packet: the return path is unimpaired.
	r, err := NewRelay(latLoopback, dst.LocalAddr().(*net.UDPAddr).AddrPort(), RelayConfig{Loss: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := src.WriteToUDPAddrPort([]byte("hello"), r.Addr()); err != nil {
		t.Fatal(err)
	}
	for r.Stats().Received == 0 { // the relay learns the source from it
		time.Sleep(time.Millisecond)
	}
	if _, err := dst.WriteToUDPAddrPort([]byte("back"), r.OutAddr()); err != nil {
		t.Fatal(err)
	}
	_ = src.SetReadDeadline(time.Now().Add(time.Second))
	buf := make([]byte, 16)
	k, from, err := src.ReadFromUDPAddrPort(buf)
	if err != nil || string(buf[:k]) != "back" || from != r.Addr() {
		t.Fatalf("return path: %q from %v, %v", buf[:k], from, err)
	}
	_ = dst.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	var ne net.Error
	if _, err := dst.Read(buf); !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("a packet got through Loss 1: %v", err)
	}
	if st := r.Stats(); st.Dropped != 1 || st.Returned != 1 {
		t.Errorf("counters %+v", st)
	}
}

func TestRelayConfigChecked(t *testing.T) {
	for _, cfg := range []RelayConfig{{Loss: 1.5}, {Duplicate: -0.1}, {Jitter: -time.Millisecond}} {
		if r, err := NewRelay(latLoopback, netip.AddrPortFrom(latLoopback, 9), cfg); err == nil {
			r.Close()
			t.Errorf("NewRelay(%+v) accepted", cfg)
		}
	}
}

// The impairment figures: the relay between two of our sessions.

// impDevice is a null device that counts the frames played.
type impDevice struct {
	*audio.NullDevice
	writes atomic.Int64
}

func (d *impDevice) WriteFrame(pcm []int16) (int, error) {
	d.writes.Add(1)
	return d.NullDevice.WriteFrame(pcm)
}

// impCodec counts its decoders' Conceal calls: what the player really
// concealed, underruns in speech included.
type impCodec struct {
	codec.Codec
	conceals *atomic.Int64
}

func (c impCodec) NewDecoder() (codec.Decoder, error) {
	d, err := c.Codec.NewDecoder()
	return impDecoder{d, c.conceals}, err
}

type impDecoder struct {
	codec.Decoder
	n *atomic.Int64
}

func (d impDecoder) Conceal(next []byte, pcm []int16) (int, error) {
	d.n.Add(1)
	return d.Decoder.Conceal(next, pcm)
}

const (
	impWarm   = 3 * time.Second
	impWindow = 40 * time.Second
)

// impResult is one condition's samples (delay every 100 ms, rates per
// second) and its totals over the measured window.
type impResult struct {
	delay, conceal, late            []float64 // ms, %, %
	concealed, decConcealed, played uint64
	lateN, received                 uint64
	relayIn, relayDropped           uint64
}

// impRun streams session A → relay (cfg) → session B for impWarm +
// impWindow and samples B's figures. It runs on its own goroutine, so it
// returns errors rather than report them.
func impRun(c codec.Codec, cfg RelayConfig) (impResult, error) {
	var res impResult
	info := c.Info()
	f := audio.Format{SampleRate: latRate, Channels: 1, Period: latPeriod}
	ports := media.PortRange{Min: 46000, Max: 50000}
	connA, err := media.Listen(latLoopback, ports)
	if err != nil {
		return res, err
	}
	connB, err := media.Listen(latLoopback, ports)
	if err != nil {
		connA.Close()
		return res, err
	}
	relay, err := NewRelay(latLoopback, netip.AddrPortFrom(latLoopback, uint16(connB.Port())), cfg)
	if err != nil {
		connA.Close()
		connB.Close()
		return res, err
	}
	defer relay.Close()
	// The two device clocks at a random phase, as two phones' would be.
	devA, _ := audio.NewNullDevice(f)
	time.Sleep(time.Duration(rand.Int64N(int64(latPeriod))))
	nullB, _ := audio.NewNullDevice(f)
	devB := &impDevice{NullDevice: nullB}
	var conceals atomic.Int64
	cfgA := media.Config{Codec: c, SendPT: info.PayloadType, RecvPT: info.PayloadType, Ptime: latPeriod,
		Remote: relay.Addr(), Encoder: latEncoder}
	cfgB := cfgA
	cfgB.Codec, cfgB.Remote = impCodec{c, &conceals}, relay.OutAddr()
	a, err := media.NewSession(connA, devA, cfgA, latHandler{})
	if err != nil {
		connB.Close()
		return res, err
	}
	defer a.Close()
	b, err := media.NewSession(connB, devB, cfgB, latHandler{})
	if err != nil {
		return res, err
	}
	defer b.Close()
	if err := errors.Join(b.Start(), a.Start()); err != nil {
		return res, err
	}
	time.Sleep(impWarm)
	first, firstW, firstC, firstR := b.Stats(), devB.writes.Load(), conceals.Load(), relay.Stats()
	prev, prevW := first, firstW
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for i := 1; i <= int(impWindow/(100*time.Millisecond)); i++ {
		<-tick.C
		st := b.Stats()
		res.delay = append(res.delay, ms(st.JitterDelay))
		if i%10 != 0 {
			continue
		}
		w := devB.writes.Load()
		res.conceal = append(res.conceal, impPct(st.Concealed-prev.Concealed, uint64(w-prevW)))
		res.late = append(res.late, impPct(st.Late-prev.Late, st.PacketsReceived-prev.PacketsReceived))
		prev, prevW = st, w
	}
	lastR := relay.Stats()
	res.concealed, res.decConcealed = prev.Concealed-first.Concealed, uint64(conceals.Load()-firstC)
	res.played = uint64(prevW - firstW)
	res.lateN, res.received = prev.Late-first.Late, prev.PacketsReceived-first.PacketsReceived
	res.relayIn, res.relayDropped = lastR.Received-firstR.Received, lastR.Dropped-firstR.Dropped
	return res, nil
}

// impairmentFigures measures our jitter buffer's delay, concealment and
// late packets under loss and jitter from the bench's own relay, for PCMU
// and Opus; the four conditions run at once (about 45 s in all).
func impairmentFigures(tb testing.TB) []Figure {
	conds := []struct {
		name, desc string
		cfg        RelayConfig
	}{
		{"5 % loss + 40 ms jitter", "each packet dropped with probability 0.05, and delayed by an extra uniform [0, 40 ms), so packets reorder as with netem's jitter",
			RelayConfig{Loss: 0.05, Jitter: 40 * time.Millisecond, Reorder: true, Seed: 5}},
		{"15 % loss", "each packet dropped with probability 0.15, no extra delay",
			RelayConfig{Loss: 0.15, Seed: 15}},
	}
	names := []string{"pcmu", "opus"}
	res := make([]impResult, len(names)*len(conds))
	errs := make([]error, len(res))
	var wg sync.WaitGroup
	for i := range res {
		c, cfg := latCodec(tb, names[i/len(conds)]), conds[i%len(conds)].cfg
		wg.Go(func() { res[i], errs[i] = impRun(c, cfg) })
	}
	wg.Wait()
	var figs []Figure
	for i, r := range res {
		if errs[i] != nil {
			tb.Fatal(errs[i])
		}
		cn, cond := latCodec(tb, names[i/len(conds)]).Info().Name, conds[i%len(conds)]
		setup := fmt.Sprintf("Our media.Session (null device at 48 kHz, phone encoder options) streams %s at 20 ms ptime through the bench's UDP relay on loopback "+
			"(%s; same seed for both codecs) into a second media.Session (jitter buffer defaults) whose device counts the frames played. "+
			"The receiver's device clock runs at a random phase to the sender's, which moves this delay within one frame (20 ms) from run to run. "+
			"All %d conditions run at once (a sequential run gave the same figures within that phase effect); %v warm-up, then %v measured. Over the window: the relay dropped %d of %d packets (%.2f %%); "+
			"Stats().Concealed %d of %d frames played (%.2f %%), while the decoder was asked to conceal %d (%.2f %%: the player also conceals underruns in speech, which Concealed does not count); "+
			"%d of %d packets late (%.2f %%); mean jitter buffer delay %.1f ms.",
			cn, cond.desc, len(res), impWarm, impWindow, r.relayDropped, r.relayIn, impPct(r.relayDropped, r.relayIn),
			r.concealed, r.played, impPct(r.concealed, r.played), r.decConcealed, impPct(r.decConcealed, r.played),
			r.lateN, r.received, impPct(r.lateN, r.received), impMean(r.delay))
		scen := fmt.Sprintf("%s, %s", cn, cond.name)
		figs = append(figs,
			NewFigure("Jitter buffer delay, "+scen, "ms", "The receiving session's Stats().JitterDelay every 100 ms: how long the quickest recent packets "+
				"wait before playout, on top of the network's delay. "+setup, r.delay, 0, true),
			NewFigure("Concealment rate, "+scen, "%", "Per second: Stats().Concealed (lost packets concealed, and frames inserted to grow the delay) "+
				"over frames played. "+setup, r.conceal, 0, true),
			NewFigure("Late packet rate, "+scen, "%", "Per second: Stats().Late (packets that came after their playout time) over packets received. "+setup,
				r.late, 0, true),
		)
	}
	return figs
}

func impPct(k, n uint64) float64 { return 100 * float64(k) / float64(max(n, 1)) }

func impMean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(max(len(xs), 1))
}
