package testlab

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"math"
	"net"
	"net/netip"
	"testing"
	"time"
)

// loFrame builds a loopback frame carrying a UDP datagram.
func loFrame(src, dst netip.AddrPort, payload []byte) []byte {
	udp := binary.BigEndian.AppendUint16(nil, src.Port())
	udp = binary.BigEndian.AppendUint16(udp, dst.Port())
	udp = binary.BigEndian.AppendUint16(udp, uint16(udpHeaderLen+len(payload)))
	udp = append(udp, 0, 0)
	udp = append(udp, payload...)
	frame := make([]byte, 12)
	if src.Addr().Is4() {
		frame = binary.BigEndian.AppendUint16(frame, etherTypeV4)
		ip := []byte{0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, ipProtoUDP, 0, 0}
		binary.BigEndian.PutUint16(ip[2:], uint16(20+len(udp)))
		s, d := src.Addr().As4(), dst.Addr().As4()
		ip = append(append(ip, s[:]...), d[:]...)
		return append(append(frame, ip...), udp...)
	}
	frame = binary.BigEndian.AppendUint16(frame, etherTypeV6)
	ip := []byte{0x60, 0, 0, 0, 0, 0, ipProtoUDP, 64}
	binary.BigEndian.PutUint16(ip[4:], uint16(len(udp)))
	s, d := src.Addr().As16(), dst.Addr().As16()
	ip = append(append(ip, s[:]...), d[:]...)
	return append(append(frame, ip...), udp...)
}

func TestParseLoopbackFrame(t *testing.T) {
	for _, c := range []struct{ src, dst string }{
		{"127.0.0.1:4000", "127.0.0.2:5000"},
		{"[::1]:4000", "[::1]:5000"},
	} {
		src, dst := netip.MustParseAddrPort(c.src), netip.MustParseAddrPort(c.dst)
		frame := loFrame(src, dst, []byte("hello"))
		p, ok := parseLoopbackFrame(append(frame, 0xee, 0xee)) // trailing bytes are not payload
		if !ok || p.Src != src || p.Dst != dst || string(p.Payload) != "hello" {
			t.Errorf("%s -> %s: %+v, %v", src, dst, p, ok)
		}
		for cut := 0; cut < len(frame); cut++ {
			if p, ok := parseLoopbackFrame(frame[:cut]); ok {
				t.Errorf("%s: frame cut at %d parsed: %+v", src, cut, p)
				break
			}
		}
	}
	v4 := loFrame(netip.MustParseAddrPort("127.0.0.1:1"), netip.MustParseAddrPort("127.0.0.1:2"), []byte("x"))
	frag := bytes.Clone(v4)
	frag[ethHeaderLen+6] = 0x20 // more fragments
	tcp := bytes.Clone(v4)
	tcp[ethHeaderLen+9] = 6
	arp := bytes.Clone(v4)
	arp[12], arp[13] = 0x08, 0x06
	for name, f := range map[string][]byte{"fragment": frag, "tcp": tcp, "arp": arp} {
		if p, ok := parseLoopbackFrame(f); ok {
			t.Errorf("%s parsed: %+v", name, p)
		}
	}
}

// muLaw encodes a linear sample as G.711 μ-law (bias 0x84, clip 32635).
func muLaw(s int16) byte {
	v := int(s)
	sign := 0
	if v < 0 {
		v, sign = -v, 0x80
	}
	v = min(v, 32635) + 0x84
	exp := 7
	for mask := 0x4000; v&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (v >> (exp + 3)) & 0x0f
	return ^byte(sign | exp<<4 | mant)
}

// rtpPackets makes n RTP packets (PCMU, one SSRC) with payloads from body.
func rtpPackets(n int, body func(i int) []byte) [][]byte {
	var out [][]byte
	for i := range n {
		h := []byte{0x80, 0, 0, 0, 0, 0, 0, 0, 0xca, 0xfe, 0xba, 0xbe}
		binary.BigEndian.PutUint16(h[2:], uint16(60000+i)) // wraps
		binary.BigEndian.PutUint32(h[4:], uint32(160*i))
		out = append(out, append(h, body(i)...))
	}
	return out
}

func toneMuLaw(hz float64, i int) []byte {
	b := make([]byte, 160)
	for k := range b {
		n := float64(160*i + k)
		b[k] = muLaw(int16(math.Round(0.5 * 32767 * math.Sin(2*math.Pi*hz*n/8000))))
	}
	return b
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func TestAnalyzeRTP(t *testing.T) {
	clear := AnalyzeRTP(rtpPackets(100, func(i int) []byte { return toneMuLaw(1000, i) }))
	t.Logf("1 kHz μ-law: %v", clear)
	if !clear.HeaderReadable() || !clear.LooksClearTone() || clear.LooksEncrypted() || clear.Streams != 1 {
		t.Errorf("1 kHz μ-law tone: %v", clear)
	}
	srtp := rtpPackets(100, func(int) []byte { return randomBytes(170) }) // payload + 10-byte tag
	enc := AnalyzeRTP(srtp)
	t.Logf("random payloads: %v", enc)
	if !enc.HeaderReadable() || !enc.LooksEncrypted() || enc.LooksClearTone() || !LooksEncrypted(srtp) {
		t.Errorf("random payloads: %v", enc)
	}
	odd := AnalyzeRTP(rtpPackets(100, func(i int) []byte { return toneMuLaw(440, i) }))
	t.Logf("440 Hz μ-law: %v", odd)
	if odd.LooksEncrypted() {
		t.Errorf("440 Hz μ-law tone looks encrypted: %v", odd)
	}

	// Whole datagrams encrypted (no readable header), or too few packets.
	var noise [][]byte
	for range 100 {
		noise = append(noise, randomBytes(182))
	}
	if s := AnalyzeRTP(noise); s.HeaderReadable() || LooksEncrypted(noise) {
		t.Errorf("random datagrams: %v", s)
	}
	if s := AnalyzeRTP(srtp[:5]); s.HeaderReadable() || s.LooksEncrypted() {
		t.Errorf("5 packets: %v", s)
	}
	// RTCP, STUN and DTLS beside RTP are not RTP.
	mixed := append([][]byte{{0x81, 200, 0, 6}, {0, 1, 0, 0}, {22, 254, 253}}, srtp[:30]...)
	if s := AnalyzeRTP(mixed); s.RTP != 30 || s.Datagrams != 33 {
		t.Errorf("mixed: %v", s)
	}
}

// TestCaptureLoopback sends datagrams over IPv4 and IPv6 loopback and checks
// the capture records each once, with addresses and payload, and nothing on
// other ports.
func TestCaptureLoopback(t *testing.T) {
	for _, network := range []struct{ net, addr string }{{"udp4", "127.0.0.1:0"}, {"udp6", "[::1]:0"}} {
		t.Run(network.net, func(t *testing.T) {
			listen := func() *net.UDPConn {
				c, err := net.ListenPacket(network.net, network.addr)
				if err != nil {
					t.Skipf("no %s loopback: %v", network.net, err)
				}
				t.Cleanup(func() { c.Close() })
				return c.(*net.UDPConn)
			}
			a, b, other := listen(), listen(), listen()
			aAddr, bAddr := a.LocalAddr().(*net.UDPAddr).AddrPort(), b.LocalAddr().(*net.UDPAddr).AddrPort()
			c := StartCapture(t, int(bAddr.Port()))
			// Loopback delivers within the send call: what is sent before the
			// captured datagrams would be recorded before them.
			if _, err := a.WriteToUDPAddrPort([]byte("not captured"), other.LocalAddr().(*net.UDPAddr).AddrPort()); err != nil {
				t.Fatal(err)
			}
			if _, err := a.WriteToUDPAddrPort([]byte("to b"), bAddr); err != nil {
				t.Fatal(err)
			}
			if _, err := b.WriteToUDPAddrPort([]byte("from b"), aAddr); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := c.WaitPackets(ctx, 2); err != nil {
				t.Fatal(err)
			}
			c.Stop()
			got := c.Packets(int(bAddr.Port()))
			if len(got) != 2 || len(c.All()) != 2 {
				t.Fatalf("captured %+v, all %+v; want 2", got, c.All())
			}
			unmap := func(p netip.AddrPort) netip.AddrPort { return netip.AddrPortFrom(p.Addr().Unmap(), p.Port()) }
			want := []CapturedPacket{{Src: unmap(aAddr), Dst: unmap(bAddr), Payload: []byte("to b")}, {Src: unmap(bAddr), Dst: unmap(aAddr), Payload: []byte("from b")}}
			for i, w := range want {
				if got[i].Src != w.Src || got[i].Dst != w.Dst || !bytes.Equal(got[i].Payload, w.Payload) {
					t.Errorf("packet %d: %v -> %v %q, want %v -> %v %q", i, got[i].Src, got[i].Dst, got[i].Payload, w.Src, w.Dst, w.Payload)
				}
			}
			if err := c.Err(); err != nil {
				t.Errorf("capture error: %v", err)
			}
			if err := c.WaitPackets(ctx, 3); err == nil {
				t.Error("WaitPackets after Stop: no error")
			}
		})
	}
}

// TestCaptureBaresipMedia captures the RTP of a clear and an SRTP PCMU call
// of two baresips playing a 1 kHz tone and checks AnalyzeRTP tells them apart.
func TestCaptureBaresipMedia(t *testing.T) {
	Require(t, "baresip", "baresip-core")
	for _, enc := range []string{"", "srtp-mand"} {
		name := enc
		if name == "" {
			name = "clear"
		}
		t.Run(name, func(t *testing.T) {
			opts := BaresipOptions{Codecs: []string{"pcmu"}, MediaEnc: enc, ToneHz: 1000}
			opts.User = "bob"
			bob := StartBaresip(t, opts)
			opts.User = "alice"
			alice := StartBaresip(t, opts)
			c := StartCapture(t, PortRange(alice.RTPPorts[0], alice.RTPPorts[1])...)
			if err := alice.Dial(bob.AOR); err != nil {
				t.Fatal(err)
			}
			for _, b := range []*Baresip{alice, bob} {
				waitEvent(t, b, "CALL_RTPESTAB")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := c.WaitPackets(ctx, 100); err != nil { // a second of both ways
				t.Fatal(err)
			}
			if err := alice.Hangup(); err != nil {
				t.Fatal(err)
			}
			c.Stop()
			pkts := c.All()
			s := AnalyzeRTP(Payloads(pkts))
			t.Logf("%s: %v", name, s)
			if s.Streams != 2 || !s.HeaderReadable() {
				t.Errorf("want two streams of readable RTP: %v", s)
			}
			if enc == "" && (!s.LooksClearTone() || s.LooksEncrypted()) {
				t.Errorf("clear call does not look like a clear tone: %v", s)
			}
			if enc != "" && (!s.LooksEncrypted() || s.LooksClearTone() || !LooksEncrypted(Payloads(pkts))) {
				t.Errorf("SRTP call does not look encrypted: %v", s)
			}
		})
	}
}
