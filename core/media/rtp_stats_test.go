package media

import (
	"math"
	"math/big"
	"math/rand/v2"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/g711"
)

var statsT0 = time.Unix(1_700_000_000, 0)

// feed gives r one packet per sequence number, the i-th with timestamp
// i*160 arriving at i*20 ms: a steady 8 kHz stream.
func feed(r *recvStats, ssrc uint32, seqs ...uint16) {
	for i, s := range seqs {
		r.update(ssrc, s, uint32(i*160), statsT0.Add(time.Duration(i)*20*time.Millisecond), true)
	}
}

func TestRecvStatsSequence(t *testing.T) {
	for _, c := range []struct {
		name           string
		seqs           []uint16
		received, lost uint64
		extMax         uint32
	}{
		{"in order", []uint16{100, 101, 102, 103}, 4, 0, 103},
		{"loss", []uint16{100, 101, 103, 104, 107}, 5, 3, 107},
		{"wrap-around with loss", []uint16{65533, 65534, 65535, 0, 1, 3}, 6, 1, 1<<16 + 3},
		{"reordered", []uint16{10, 11, 13, 12, 14}, 5, 0, 14},
		{"reordered across the wrap", []uint16{65534, 65535, 1, 0, 2}, 5, 0, 1<<16 + 2},
		{"late from before the wrap", []uint16{65534, 0, 1, 65535, 2}, 5, 0, 1<<16 + 2},
		{"duplicate of the newest", []uint16{5, 6, 6, 7}, 3, 0, 7},
		// Counted, as RFC 3550 A.3 counts duplicates; the loss stays >= 0.
		{"duplicate of an older one", []uint16{5, 6, 7, 6, 8}, 5, 0, 8},
	} {
		r := recvStats{clockRate: 8000}
		feed(&r, 9, c.seqs...)
		if r.received != c.received || r.lost() != c.lost || r.extendedMax() != c.extMax {
			t.Errorf("%s: received %d lost %d extended max %#x, want %d %d %#x",
				c.name, r.received, r.lost(), r.extendedMax(), c.received, c.lost, c.extMax)
		}
	}
}

func TestRecvStatsLongRun(t *testing.T) {
	// Three wraps of the sequence number, one packet in 97 lost.
	r := recvStats{clockRate: 8000}
	var lost, last uint64
	for i := range uint64(3 << 16) {
		if i%97 == 50 {
			lost++
			continue
		}
		r.update(7, uint16(60000+i), uint32(i*160), statsT0.Add(time.Duration(i)*20*time.Millisecond), true)
		last = 60000 + i
	}
	if r.lost() != lost || r.received != 3<<16-lost || uint64(r.extendedMax()) != last {
		t.Errorf("lost %d received %d extended max %d, want %d %d %d", r.lost(), r.received, r.extendedMax(), lost, 3<<16-lost, last)
	}
	if r.jitter != 0 {
		t.Errorf("jitter %v of a steady stream", r.jitter)
	}
}

func TestRecvStatsNewSSRC(t *testing.T) {
	r := recvStats{clockRate: 8000}
	if !r.update(1, 10, 0, statsT0, true) || !r.update(1, 12, 320, statsT0.Add(40*time.Millisecond), true) {
		t.Fatal("first packets taken for a new source")
	}
	r.lastSRMid, r.lastSRAt = 0x1234, statsT0
	if r.update(2, 500, 9999, statsT0.Add(60*time.Millisecond), true) {
		t.Error("new SSRC not reported")
	}
	if r.ssrc != 2 || r.received != 1 || r.lost() != 0 || r.extendedMax() != 500 || r.clockRate != 8000 ||
		r.lastSRMid != 0x1234 || !r.lastSRAt.Equal(statsT0) {
		t.Errorf("after a new SSRC: %+v", r)
	}
}

func TestRecvStatsFractionLost(t *testing.T) {
	r := recvStats{clockRate: 8000}
	var seqs []uint16
	for s := range uint16(40) {
		if s != 12 && s != 15 && (s < 31 || s > 38) { // 2 of 10 lost, then 8 of 10
			seqs = append(seqs, s)
		}
	}
	feed(&r, 1, seqs[:10]...) // 0..9
	if f := r.fractionLost(); f != 0 {
		t.Errorf("no loss: fraction %d", f)
	}
	feed(&r, 1, seqs[10:18]...) // 10..19 without 12 and 15
	if f := r.fractionLost(); f != 2*256/10 {
		t.Errorf("2 of 10 lost: fraction %d, want %d", f, 2*256/10)
	}
	if f := r.fractionLost(); f != 0 {
		t.Errorf("nothing new: fraction %d", f)
	}
	feed(&r, 1, seqs[18:]...) // 20..39 without 31..38
	if f := r.fractionLost(); f != 8*256/20 {
		t.Errorf("8 of 20 lost: fraction %d, want %d", f, 8*256/20)
	}
	r.update(1, 39, 0, statsT0, true) // a duplicate of the newest...
	r.update(1, 30, 0, statsT0, true) // ...and of an older one: more received than expected
	if f := r.fractionLost(); f != 0 {
		t.Errorf("duplicates: fraction %d", f)
	}
	if r.lost() != 9 { // 10, less the counted duplicate (as in RFC 3550 A.3)
		t.Errorf("cumulative loss %d, want 9", r.lost())
	}
}

func TestRecvStatsJitter(t *testing.T) {
	// RFC 3550 A.8 on 20 ms packets arriving alternately 0 and 5 ms late:
	// every |D| is 5 ms (40 units at 8 kHz), so J_k = 40 (1 - (15/16)^k).
	r := recvStats{clockRate: 8000}
	for i := range 300 {
		at := statsT0.Add(time.Duration(i)*20*time.Millisecond + time.Duration(i%2)*5*time.Millisecond)
		r.update(3, uint16(i), uint32(i*160), at, true)
		if want := 40 * (1 - math.Pow(15.0/16, float64(i))); math.Abs(r.jitter-want) > 1e-6 {
			t.Fatalf("packet %d: jitter %v, want %v", i, r.jitter, want)
		}
	}
	if d := r.jitterDuration(); d < 4990*time.Microsecond || d > 5*time.Millisecond {
		t.Errorf("jitter %v, want 5 ms", d)
	}

	// Random delays at 48 kHz against the RFC's estimator in exact arithmetic.
	r = recvStats{clockRate: 48000}
	rng := rand.New(rand.NewPCG(1, 2))
	var ref, prev float64
	for i := range 2000 {
		delay := 30*time.Millisecond + time.Duration(rng.Int64N(int64(40*time.Millisecond)))
		at := time.Duration(i)*20*time.Millisecond + delay
		r.update(4, uint16(i), uint32(i*960), statsT0.Add(at), true)
		transit := at.Seconds()*48000 - float64(i*960)
		if i > 0 {
			ref += (math.Abs(transit-prev) - ref) / 16
		}
		prev = transit
	}
	if math.Abs(r.jitter-ref) > 1.5 || math.Abs(float64(r.jitterDuration())-ref/48000*1e9) > 1.5/48000*1e9 {
		t.Errorf("jitter %.2f units (%v), RFC 3550 A.8 gives %.2f", r.jitter, r.jitterDuration(), ref)
	}
}

// TestRecvStatsJitterAtAnyTime: a steady stream has no jitter whatever
// the wall-clock time it arrives at.
func TestRecvStatsJitterAtAnyTime(t *testing.T) {
	for _, rate := range []int64{8000, 48000} {
		// The first instant past statsT0 at which UnixNano*rate crosses an
		// odd multiple of 2^63, where an int64 product wraps.
		p := new(big.Int).Mul(big.NewInt(statsT0.UnixNano()), big.NewInt(rate))
		q := new(big.Int).Rsh(p, 63)
		q.Add(q, big.NewInt(int64(1+q.Bit(0))))
		edge := new(big.Int).Lsh(q, 63)
		edge.Div(edge, big.NewInt(rate))
		at0 := time.Unix(0, edge.Int64()).Add(-time.Second)
		r := recvStats{clockRate: int(rate)}
		step := uint32(rate / 50)
		for i := range 100 {
			r.update(5, uint16(i), uint32(i)*step, at0.Add(time.Duration(i)*20*time.Millisecond), true)
		}
		if r.jitter > 1 {
			t.Errorf("%d Hz: jitter %.0f units (%v) for a steady stream around %v", rate, r.jitter, r.jitterDuration(), at0.UTC())
		}
	}
}

// sendTone sends frames of a PCMU sine of f Hz from raw to to, one per
// 20 ms, as the stream hdr (whose seq and ts move on).
func sendTone(raw *net.UDPConn, to netip.AddrPort, hdr *rtp.Header, f float64, frames int) error {
	enc, err := g711.PCMU().NewEncoder(codec.Options{})
	if err != nil {
		return err
	}
	pcm, payload := make([]int16, 160), make([]byte, 160)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for i := range frames {
		sine(pcm, 8000, f, int64(i*160))
		if _, err := enc.Encode(pcm, payload); err != nil {
			return err
		}
		hdr.Version, hdr.PayloadType, hdr.Marker = 2, 0, i == 0
		b, err := (&rtp.Packet{Header: *hdr, Payload: payload}).Marshal()
		if err != nil {
			return err
		}
		if _, err := raw.WriteToUDPAddrPort(b, to); err != nil {
			return err
		}
		hdr.SequenceNumber++
		hdr.Timestamp += 160
		<-tick.C
	}
	return nil
}

// rawTo opens a socket of the test's own, and says where p takes RTP.
func rawTo(t *testing.T, p *peer) (*net.UDPConn, netip.AddrPort) {
	t.Helper()
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(loopback, 0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, netip.AddrPortFrom(loopback, uint16(p.conn.Port()))
}

func TestSessionSSRCChange(t *testing.T) {
	t.Parallel()
	a, b := newCall(t, callOpts{})
	waitTone(t, "A hears B", a.dev, toneB)
	// B falls silent and another source takes over the stream mid-call.
	b.s.SetDirection(false, true)
	raw, to := rawTo(t, a)
	errc := make(chan error, 1)
	go func() {
		errc <- sendTone(raw, to, &rtp.Header{SequenceNumber: 60000, Timestamp: 0x12345678, SSRC: 0xdecafbad}, 700, 100)
	}()
	waitTone(t, "A hears the new source", a.dev, 700)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	// And back to B, whose SSRC is new again.
	b.s.SetDirection(true, true)
	waitTone(t, "A hears B again", a.dev, toneB)
	waitTone(t, "B hears A", b.dev, toneA)
	if st := a.s.Stats(); st.PacketsReceived < 10 || st.Lost != 0 {
		t.Errorf("A after B came back: %+v", st)
	}
}

// TestSessionStatsAcrossSSRCChange: Stats are the call's figures, and the
// jitter buffer's counters keep counting across a new SSRC; so should
// PacketsReceived.
func TestSessionStatsAcrossSSRCChange(t *testing.T) {
	t.Parallel()
	a, b := newCall(t, callOpts{})
	if !waitFor(5*time.Second, func() bool { return a.s.Stats().PacketsReceived >= 10 }) {
		t.Fatal("A received nothing from B")
	}
	b.s.SetDirection(false, true)
	time.Sleep(50 * time.Millisecond) // B's packets already in flight land before r0
	r0 := a.s.Stats().PacketsReceived
	raw, to := rawTo(t, a)
	if err := sendTone(raw, to, &rtp.Header{SequenceNumber: 7, SSRC: 0xdecafbad}, 700, 10); err != nil {
		t.Fatal(err)
	}
	if !waitFor(2*time.Second, func() bool { return a.s.Stats().PacketsReceived >= r0+10 }) {
		t.Errorf("PacketsReceived went from %d to %d over 10 packets of a new SSRC", r0, a.s.Stats().PacketsReceived)
	}
}

// TestSessionDTMFNotLost: telephone-events share the audio stream's
// sequence numbers (RFC 4733 2.1), so they are received, not lost.
func TestSessionDTMFNotLost(t *testing.T) {
	t.Parallel()
	a, b := newCall(t, callOpts{})
	if !waitFor(5*time.Second, func() bool { return b.s.Stats().PacketsReceived >= 10 }) {
		t.Fatal("B received nothing from A")
	}
	if err := a.s.SendDTMF("1"); err != nil {
		t.Fatal(err)
	}
	// A gap in sequence numbers shows when the next audio packet comes:
	// wait for the digit, then for audio after it.
	if !waitFor(5*time.Second, func() bool { return b.h.seen().digits != "" }) {
		t.Fatal("B got no DTMF digit")
	}
	r := b.s.Stats().PacketsReceived
	if !waitFor(5*time.Second, func() bool { return b.s.Stats().PacketsReceived >= r+10 }) {
		t.Fatal("B received no audio after the digit")
	}
	if st := b.s.Stats(); st.Lost != 0 || b.h.seen().digits != "1" {
		t.Errorf("after one DTMF digit B counts %d packets lost (got digits %q)", st.Lost, b.h.seen().digits)
	}
}

func TestSessionGarbage(t *testing.T) {
	t.Parallel()
	a, b := newCall(t, callOpts{})
	waitTone(t, "A hears B", a.dev, toneB)
	raw, to := rawTo(t, a)
	junk := [][]byte{
		{}, {0x80}, make([]byte, 11),
		{0x8f, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1},    // 15 CSRCs announced, none there
		{0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1},    // extension announced, none there
		{0xa0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0}, // padding of 0 bytes
		{0xa0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9}, // padding longer than the packet
	}
	for i := range 300 { // arbitrary bytes, up to 1500 of them
		p := make([]byte, (i*37)%1501)
		for j := range p {
			p[j] = byte(i*131 + j*7)
		}
		junk = append(junk, p)
	}
	for _, p := range junk {
		if _, err := raw.WriteToUDPAddrPort(p, to); err != nil {
			t.Fatal(err)
		}
	}
	// B's packets queue behind the garbage: counting them shows A read
	// through it; then both still hear each other.
	r0 := a.s.Stats().PacketsReceived
	if !waitFor(2*time.Second, func() bool { return a.s.Stats().PacketsReceived >= r0+10 }) {
		t.Errorf("A received %d packets in 2 s after the garbage", a.s.Stats().PacketsReceived-r0)
	}
	waitTone(t, "A hears B after the garbage", a.dev, toneB)
	waitTone(t, "B hears A after the garbage", b.dev, toneA)
}

// TestSessionIgnoresNonRTP: a datagram that is not RTP version 2 must
// neither move where we send (symmetric RTP latching) nor restart the
// receive statistics and jitter buffer as a "new SSRC".
func TestSessionIgnoresNonRTP(t *testing.T) {
	t.Parallel()
	junk := []byte{0x00, 0x00, 0, 1, 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef, 0xff, 0xff} // version 0, PT 0
	var raw *net.UDPConn
	var to netip.AddrPort
	a, b := newCall(t, callOpts{before: func(_, b *peer) {
		raw, to = rawTo(t, b) // before A sends: the first datagram B reads
		if _, err := raw.WriteToUDPAddrPort(junk, to); err != nil {
			t.Fatal(err)
		}
	}})
	if !waitFor(5*time.Second, func() bool { return a.s.Stats().PacketsReceived >= 20 }) {
		t.Errorf("A received %d packets in 5 s: B latched onto the junk's source", a.s.Stats().PacketsReceived)
	}
	r0 := b.s.Stats().PacketsReceived
	for range 5 {
		_, _ = raw.WriteToUDPAddrPort(junk, to)
		time.Sleep(10 * time.Millisecond) // spread among B's packets
	}
	st := b.s.Stats()
	if st.PacketsReceived < r0 || st.Lost != 0 {
		t.Errorf("B after version-0 junk: %d packets received (%d before), %d lost", st.PacketsReceived, r0, st.Lost)
	}
}
