package secure

import (
	"net/netip"
	"testing"
	"time"

	"github.com/pion/srtp/v3"
)

// memTransport is an in-memory media.Transport for benchmarks: SendRTP
// goes nowhere, NextRTP hands out the packets in queue, in order.
type memTransport struct {
	queue [][]byte
	next  int
	sent  int
}

func (m *memTransport) SendRTP(pkt []byte, _ netip.AddrPort) error { m.sent += len(pkt); return nil }
func (m *memTransport) SendRTCP(pkt []byte, _ netip.AddrPort) error {
	m.sent += len(pkt)
	return nil
}
func (m *memTransport) ReadRTCP([]byte) (int, error) { select {} }
func (m *memTransport) Close() error                 { return nil }

func (m *memTransport) NextRTP(buf []byte) (int, netip.AddrPort, time.Time, bool, error) {
	if m.next == len(m.queue) {
		return 0, netip.AddrPort{}, time.Time{}, false, nil
	}
	p := m.queue[m.next]
	m.next++
	return copy(buf, p), netip.AddrPort{}, time.Time{}, true, nil
}

// benchSuites are the suites benchmarked: what baresip uses, and GCM.
var benchSuites = []Suite{AES128SHA1_80, AEADAES128GCM}

func benchKeys(b *testing.B, suite Suite) Keys {
	c, err := NewCrypto(1, suite)
	if err != nil {
		b.Fatal(err)
	}
	k, err := SDESKeys(c, c) // both ways one key: the stage decrypts its own packets
	if err != nil {
		b.Fatal(err)
	}
	return k
}

var benchTo = netip.MustParseAddrPort("127.0.0.1:4000")

// A 20 ms PCMU packet, as the send loop makes them.
func benchPackets(b *testing.B, n int, first uint16) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = rtpPacket(b, first+uint16(i), pattern(160, byte(i)))
	}
	return out
}

func BenchmarkStageSendRTP(b *testing.B) {
	pkts := benchPackets(b, 1024, 0)
	b.Run("plain", func(b *testing.B) {
		m := &memTransport{}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_ = m.SendRTP(pkts[i%len(pkts)], benchTo)
		}
	})
	for _, suite := range benchSuites {
		b.Run(string(suite), func(b *testing.B) {
			s := NewStage(&memTransport{}, nil)
			if err := s.SetKeys(benchKeys(b, suite)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := s.SendRTP(pkts[i%len(pkts)], benchTo); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkStageNextRTP(b *testing.B) {
	buf := make([]byte, 1500)
	b.Run("plain", func(b *testing.B) {
		m := &memTransport{queue: benchPackets(b, 1024, 0)}
		b.ReportAllocs()
		for b.Loop() {
			if m.next == len(m.queue) {
				m.next = 0
			}
			if _, _, _, ok, _ := m.NextRTP(buf); !ok {
				b.Fatal("no packet")
			}
		}
	})
	for _, suite := range benchSuites {
		b.Run(string(suite), func(b *testing.B) { benchNextRTP(b, suite, buf) })
	}
}

func benchNextRTP(b *testing.B, suite Suite, buf []byte) {
	{
		// Packets must be fresh (the replay check), so batches are
		// encrypted ahead with the clock stopped.
		const batch = 4096
		keys := benchKeys(b, suite)
		enc, err := srtp.CreateContext(keys.LocalKey, keys.LocalSalt, keys.Profile)
		if err != nil {
			b.Fatal(err)
		}
		m := &memTransport{}
		s := NewStage(m, nil)
		if err := s.SetKeys(keys); err != nil {
			b.Fatal(err)
		}
		var seq uint16
		m.queue = make([][]byte, batch)
		for i := range m.queue {
			m.queue[i] = make([]byte, 0, 1500)
		}
		refill := func() {
			for i, p := range benchPackets(b, batch, seq) {
				if m.queue[i], err = enc.EncryptRTP(m.queue[i][:0], p, nil); err != nil {
					b.Fatal(err)
				}
			}
			seq += batch
			m.next = 0
		}
		refill()
		b.ReportAllocs()
		for b.Loop() {
			if m.next == len(m.queue) {
				b.StopTimer()
				refill()
				b.StartTimer()
			}
			if _, _, _, ok, _ := s.NextRTP(buf); !ok {
				b.Fatal("packet dropped")
			}
		}
		if s.Dropped() != 0 {
			b.Fatalf("%d dropped", s.Dropped())
		}
	}
}
