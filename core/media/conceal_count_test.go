package media

import (
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"
)

// TestSessionCountsConcealment drops two packets in every ten from A to B:
// B's Stats().Concealed must count each frame the listener heard
// concealed, including a packet missing at its playout time (which the
// jitter buffer sees as an underrun, not a loss).
func TestSessionCountsConcealment(t *testing.T) {
	t.Parallel()
	relay, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(loopback, 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Close()
	dropped := make(chan int, 1)
	var lossy atomic.Bool // drops stop a while before the stream does
	lossy.Store(true)
	a, b := newCall(t, callOpts{
		// Both send through the relay, so symmetric RTP latches onto it.
		cfgA: func(c *Config) { c.Remote = relay.LocalAddr().(*net.UDPAddr).AddrPort() },
		cfgB: func(c *Config) { c.Remote = relay.LocalAddr().(*net.UDPAddr).AddrPort() },
		before: func(a, b *peer) {
			toA := netip.AddrPortFrom(loopback, uint16(a.conn.Port()))
			toB := netip.AddrPortFrom(loopback, uint16(b.conn.Port()))
			go func() {
				buf := make([]byte, 1500)
				n, i := 0, 0
				for {
					m, from, err := relay.ReadFromUDPAddrPort(buf)
					if err != nil {
						dropped <- n
						return
					}
					if from.Port() == toB.Port() {
						_, _ = relay.WriteToUDPAddrPort(buf[:m], toA)
						continue
					}
					if i++; lossy.Load() && (i%10 == 5 || i%10 == 6) { // two in a row: the buffer has nothing after the first
						n++
						continue
					}
					_, _ = relay.WriteToUDPAddrPort(buf[:m], toB)
				}
			}()
		},
	})
	time.Sleep(2 * time.Second) // two seconds of stream through the lossy relay
	// A loss right before the stream stops may never be due for playout:
	// the last 300 ms go through whole.
	lossy.Store(false)
	time.Sleep(300 * time.Millisecond)
	a.s.SetDirection(false, true) // stop the stream, let the buffer play out
	time.Sleep(300 * time.Millisecond)
	relay.Close()
	n := <-dropped
	got := b.s.Stats().Concealed
	// Up to two more: the fade-out when the stream stops is concealed too.
	if n < 15 || got < uint64(n) || got > uint64(n)+2 {
		t.Errorf("relay dropped %d packets, B concealed %d frames", n, got)
	}
}
