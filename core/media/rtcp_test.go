package media

import (
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/codec/g711"
)

func TestNTPTime(t *testing.T) {
	const epoch = 2208988800 // 1900 to 1970
	for _, c := range []struct {
		t    time.Time
		want uint64
	}{
		{time.Unix(0, 0), epoch << 32},
		{time.Unix(1, 500_000_000), (epoch+1)<<32 | 1<<31},
		{time.Unix(-1, 250_000_000), (epoch-1)<<32 | 1<<30},
		{time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), 3155673600 << 32},
		{time.Unix(946684800, 1), 3155673600<<32 | 4}, // 1 ns is 4.29 units
	} {
		if got := ntpTime(c.t); got != c.want {
			t.Errorf("ntpTime(%v) = %#x, want %#x", c.t.UTC(), got, c.want)
		}
	}
	// The fraction is exact to within a unit (2^-32 s, 0.23 ns).
	for ns := int64(0); ns < 1e9; ns += 7_777_777 {
		ntp := ntpTime(time.Unix(1_700_000_000, ns))
		back := time.Duration(ntp & 0xffffffff * uint64(time.Second) >> 32)
		if ntp>>32 != 1_700_000_000+epoch || ns-int64(back) < 0 || ns-int64(back) > 1 {
			t.Fatalf("%d ns: %#x reads back as %v", ns, ntp, back)
		}
	}
	if got := ntpMid(0x0123456789abcdef); got != 0x456789ab {
		t.Errorf("ntpMid = %#x", got)
	}
	// LSR/DLSR units are 1/65536 s.
	t0 := time.Unix(1_700_000_000, 123_456_789)
	if d := ntpMid(ntpTime(t0.Add(1500*time.Millisecond))) - ntpMid(ntpTime(t0)); d < 98303 || d > 98305 {
		t.Errorf("1.5 s is %d units of ntpMid, want 98304", d)
	}
}

// statsSession is a Session that is not started: its report and readRTCP
// are driven by hand.
func statsSession(t *testing.T) *Session {
	t.Helper()
	conn, err := Listen(loopback, PortRange{Min: 20000, Max: 40000})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := audio.NewNullDevice(audio.Format{SampleRate: 8000, Channels: 1, Period: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSession(conn, dev, Config{Codec: g711.PCMU(), Remote: netip.AddrPortFrom(loopback, 9)}, &testHandler{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// wire is pkts through rtcp.Marshal and Unmarshal, as the far end gets them.
func wire(t *testing.T, pkts []rtcp.Packet) []rtcp.Packet {
	t.Helper()
	b, err := rtcp.Marshal(pkts)
	if err != nil {
		t.Fatal(err)
	}
	out, err := rtcp.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func checkCNAME(t *testing.T, s *Session, p rtcp.Packet) {
	t.Helper()
	sd, ok := p.(*rtcp.SourceDescription)
	if !ok || len(sd.Chunks) != 1 || sd.Chunks[0].Source != s.ssrc || len(sd.Chunks[0].Items) != 1 ||
		sd.Chunks[0].Items[0].Type != rtcp.SDESCNAME || sd.Chunks[0].Items[0].Text != s.cname {
		t.Errorf("SDES %+v, want CNAME %q of %#x", p, s.cname, s.ssrc)
	}
}

func TestReportReceiverReport(t *testing.T) {
	s := statsSession(t)
	now := statsT0.Add(time.Minute)
	pkts := wire(t, s.report(now))
	if rr, ok := pkts[0].(*rtcp.ReceiverReport); len(pkts) != 2 || !ok || rr.SSRC != s.ssrc || len(rr.Reports) != 0 {
		t.Fatalf("nothing sent or received: %v, want an empty RR", pkts)
	}
	checkCNAME(t, s, pkts[1])

	// 20 packets from the far end, one lost, with some jitter.
	const far = 0xfa12
	s.mu.Lock()
	for i := range 20 {
		if i != 5 {
			s.recv.update(far, uint16(1000+i), uint32(i*160), statsT0.Add(time.Duration(i*20+i%2*3)*time.Millisecond), true)
		}
	}
	jitter := uint32(s.recv.jitter)
	s.mu.Unlock()
	want := rtcp.ReceptionReport{SSRC: far, FractionLost: 256 / 20, TotalLost: 1, LastSequenceNumber: 1019, Jitter: jitter}
	pkts = wire(t, s.report(now))
	if rr, ok := pkts[0].(*rtcp.ReceiverReport); !ok || len(rr.Reports) != 1 || rr.Reports[0] != want || jitter == 0 {
		t.Errorf("got %v, want an RR with %+v", pkts[0], want)
	}

	// The far end's SR, 250 ms before our report: LSR and DLSR.
	sr := &rtcp.SenderReport{SSRC: far, NTPTime: ntpTime(now.Add(-time.Second))}
	s.readRTCP(wire(t, []rtcp.Packet{sr}), now)
	want.FractionLost, want.LastSenderReport, want.Delay = 0, ntpMid(sr.NTPTime), 250*65536/1000
	pkts = wire(t, s.report(now.Add(250*time.Millisecond)))
	if rr, ok := pkts[0].(*rtcp.ReceiverReport); !ok || len(rr.Reports) != 1 || rr.Reports[0] != want {
		t.Errorf("after an SR: got %v, want an RR with %+v", pkts[0], want)
	}
}

func TestReportSenderReport(t *testing.T) {
	s := statsSession(t)
	sent := statsT0.Add(time.Minute)
	s.mu.Lock()
	s.sent = sentStats{packets: 3000, octets: 480000, lastTS: 0xfffffff0, lastAt: sent}
	s.mu.Unlock()
	now := sent.Add(15 * time.Millisecond) // 120 units at 8 kHz, across the wrap
	pkts := wire(t, s.report(now))
	want := &rtcp.SenderReport{SSRC: s.ssrc, NTPTime: ntpTime(now), RTPTime: 0x68, PacketCount: 3000, OctetCount: 480000}
	if len(pkts) != 2 || !reflect.DeepEqual(pkts[0], want) {
		t.Errorf("got %+v, want %+v", pkts[0], want)
	}
	checkCNAME(t, s, pkts[1])
	s.mu.Lock()
	s.recv.update(0xfa12, 7, 0, now, true)
	s.mu.Unlock()
	if sr, ok := wire(t, s.report(now))[0].(*rtcp.SenderReport); !ok || len(sr.Reports) != 1 || sr.Reports[0].SSRC != 0xfa12 {
		t.Errorf("sending and receiving: %+v, want an SR with a reception block", sr)
	}
}

func TestReadRTCP(t *testing.T) {
	s := statsSession(t)
	t0 := statsT0.Add(time.Hour)
	lsr := ntpMid(ntpTime(t0)) // our SR went out at t0
	block := rtcp.ReceptionReport{
		SSRC: s.ssrc, FractionLost: 64, TotalLost: 7, Jitter: 400,
		LastSenderReport: lsr, Delay: 100 * 65536 / 1000, // held 100 ms by the far end
	}
	other := block
	other.SSRC, other.Delay = s.ssrc+1, 0
	s.readRTCP(wire(t, []rtcp.Packet{&rtcp.ReceiverReport{SSRC: 0xfa12, Reports: []rtcp.ReceptionReport{other, block}}}), t0.Add(140*time.Millisecond))
	st := s.Stats()
	if d := st.RTT - 40*time.Millisecond; d < -50*time.Microsecond || d > 50*time.Microsecond {
		t.Errorf("RTT %v, want 40 ms", st.RTT)
	}
	if st.RemoteFractionLost != 0.25 || st.RemoteLost != 7 || st.RemoteJitter != 50*time.Millisecond {
		t.Errorf("remote figures %+v", st)
	}

	// No LSR, or a DLSR longer than the time since our SR: no RTT from it.
	block.LastSenderReport, block.TotalLost = 0, 8
	s.readRTCP([]rtcp.Packet{&rtcp.ReceiverReport{Reports: []rtcp.ReceptionReport{block}}}, t0.Add(time.Second))
	block.LastSenderReport, block.Delay = lsr, 65536
	s.readRTCP([]rtcp.Packet{&rtcp.SenderReport{Reports: []rtcp.ReceptionReport{block}}}, t0.Add(500*time.Millisecond))
	if st2 := s.Stats(); st2.RTT != st.RTT || st2.RemoteLost != 8 {
		t.Errorf("after reports without a usable LSR: %+v, RTT was %v", st2, st.RTT)
	}

	// An SR sets LSR for our reports, a BYE is noted.
	s.readRTCP([]rtcp.Packet{&rtcp.SenderReport{SSRC: 0xfa12, NTPTime: 0x1122334455667788}, &rtcp.Goodbye{Sources: []uint32{0xfa12}}}, t0)
	if s.recv.lastSRMid != 0x33445566 || !s.recv.lastSRAt.Equal(t0) || !s.remoteBye {
		t.Errorf("LSR %#x at %v, BYE %v", s.recv.lastSRMid, s.recv.lastSRAt, s.remoteBye)
	}
}

// TestReportRoundTrip: our SR, the far end's RR built by its own report(),
// and the RTT we read from it.
func TestReportRoundTrip(t *testing.T) {
	a, b := statsSession(t), statsSession(t)
	t0 := statsT0.Add(time.Hour)
	a.mu.Lock()
	a.sent = sentStats{packets: 10, octets: 1600, lastAt: t0}
	a.mu.Unlock()
	b.mu.Lock()
	b.recv.update(a.ssrc, 1, 0, t0, true)
	b.mu.Unlock()
	b.readRTCP(wire(t, a.report(t0)), t0.Add(15*time.Millisecond))                            // 15 ms on the way
	a.readRTCP(wire(t, b.report(t0.Add(115*time.Millisecond))), t0.Add(140*time.Millisecond)) // held 100 ms, 25 ms back
	if rtt := a.Stats().RTT; rtt < 39950*time.Microsecond || rtt > 40050*time.Microsecond {
		t.Errorf("RTT %v, want 40 ms", rtt)
	}
}

func TestSessionRTCPRoundTrip(t *testing.T) {
	t.Parallel()
	// B starts later, so that A's first SR reaches B before B's first
	// report, which then carries LSR/DLSR for A to time the round trip.
	a, b := newCall(t, callOpts{startB: 100 * time.Millisecond})
	if !waitFor(6500*time.Millisecond, func() bool { return a.s.Stats().RTT > 0 }) {
		t.Fatalf("no RTT after 6.5 s: A %+v", a.s.Stats())
	}
	st := a.s.Stats()
	if st.RTT >= 50*time.Millisecond || st.RemoteLost != 0 || st.RemoteFractionLost != 0 || st.RemoteJitter > 20*time.Millisecond {
		t.Errorf("A after B's report: %+v", st)
	}
	if rtt := b.s.Stats().RTT; rtt < 0 || rtt >= 50*time.Millisecond {
		t.Errorf("B's RTT %v", rtt)
	}
	t.Logf("RTT on loopback: A %v, B %v", st.RTT, b.s.Stats().RTT)
}
